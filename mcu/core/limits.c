/* limits.c - mcud's protective limits: settings and run-time checks; see limits.h. */
#include "mcu/core/limits.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcu/core/rate_limiter.h"

const char MCU_LIMITS_KEYS[] = "max-participants, max-sdp-bytes, join-rate, join-burst, "
                               "message-rate, message-burst, send-queue-bytes";

struct limits {
    struct mcu_limits_config config;
    struct rate_limiter *joins; /* NULL: join-rate 0 */
    uint64_t counters[LIMITS_COUNTER_COUNT];
    uint64_t ignored_candidates[LIMITS_IGNORED_CANDIDATE_COUNT];
};

void mcu_limits_config_defaults(struct mcu_limits_config *cfg)
{
    cfg->max_participants = MCU_LIMITS_DEFAULT_MAX_PARTICIPANTS;
    cfg->max_sdp_bytes = MCU_LIMITS_DEFAULT_MAX_SDP_BYTES;
    cfg->join_rate = MCU_LIMITS_DEFAULT_JOIN_RATE;
    cfg->join_burst = MCU_LIMITS_DEFAULT_JOIN_BURST;
    cfg->message_rate = MCU_LIMITS_DEFAULT_MESSAGE_RATE;
    cfg->message_burst = MCU_LIMITS_DEFAULT_MESSAGE_BURST;
    cfg->send_queue_bytes = MCU_LIMITS_DEFAULT_SEND_QUEUE_BYTES;
}

static const struct {
    const char *key;
    size_t offset;
    int min, max;
    const char *unit;
} limit_keys[] = {
    {"max-participants", offsetof(struct mcu_limits_config, max_participants), 1,
     MCU_LIMITS_MAX_MAX_PARTICIPANTS, "participants"},
    {"max-sdp-bytes", offsetof(struct mcu_limits_config, max_sdp_bytes),
     MCU_LIMITS_MIN_MAX_SDP_BYTES, MCU_LIMITS_MAX_MAX_SDP_BYTES, "bytes"},
    {"join-rate", offsetof(struct mcu_limits_config, join_rate), 0, 100000,
     "join attempts per minute"},
    {"join-burst", offsetof(struct mcu_limits_config, join_burst), 1, 100000, "join attempts"},
    {"message-rate", offsetof(struct mcu_limits_config, message_rate), 0, 100000,
     "messages per second"},
    {"message-burst", offsetof(struct mcu_limits_config, message_burst), 1, 1000000, "messages"},
    {"send-queue-bytes", offsetof(struct mcu_limits_config, send_queue_bytes),
     MCU_LIMITS_MIN_SEND_QUEUE_BYTES, MCU_LIMITS_MAX_SEND_QUEUE_BYTES, "bytes"},
};

int mcu_limits_config_set(struct mcu_limits_config *cfg, const char *key, const char *value,
                          const char *origin, char *err, size_t errlen)
{
    for (size_t i = 0; i < G_N_ELEMENTS(limit_keys); i++) {
        if (strcmp(key, limit_keys[i].key) != 0) continue;
        char *end = NULL;
        long v = strtol(value, &end, 10);
        if (!*value || *end || v < limit_keys[i].min || v > limit_keys[i].max) {
            snprintf(err, errlen, "%s: '%s' is not a number of %s from %d to %d", origin, value,
                     limit_keys[i].unit, limit_keys[i].min, limit_keys[i].max);
            return -1;
        }
        *(int *)((char *)cfg + limit_keys[i].offset) = (int)v;
        return 1;
    }
    return 0;
}

struct limits *limits_new(const struct mcu_limits_config *cfg)
{
    struct limits *l = g_new0(struct limits, 1);
    l->config = *cfg;
    if (cfg->join_rate > 0) {
        struct token_bucket_rate rate = {.per_second = cfg->join_rate / 60.0,
                                         .burst = cfg->join_burst > 0 ? cfg->join_burst : 1};
        l->joins = rate_limiter_new(&rate, MCU_LIMITS_JOIN_TABLE_SIZE);
    }
    return l;
}

void limits_free(struct limits *l)
{
    if (!l) return;
    rate_limiter_free(l->joins);
    g_free(l);
}

const struct mcu_limits_config *limits_config(const struct limits *l) { return &l->config; }

bool limits_allow_join_attempt(struct limits *l, const char *peer, int64_t now_us,
                               int64_t *retry_after_ms)
{
    int64_t retry_us = 0;
    if (!l->joins || rate_limiter_allow(l->joins, peer && *peer ? peer : "?", now_us, &retry_us)) {
        if (retry_after_ms) *retry_after_ms = 0;
        return true;
    }
    l->counters[LIMITS_JOIN_RATE_LIMITED]++;
    if (retry_after_ms) *retry_after_ms = (retry_us + 999) / 1000;
    return false;
}

bool limits_allow_message(struct limits *l, struct token_bucket *bucket, int64_t now_us,
                          int64_t *retry_after_ms)
{
    if (retry_after_ms) *retry_after_ms = 0;
    if (l->config.message_rate <= 0) return true;
    struct token_bucket_rate rate = {.per_second = l->config.message_rate,
                                     .burst =
                                         l->config.message_burst > 0 ? l->config.message_burst : 1};
    int64_t retry_us = 0;
    if (token_bucket_take(bucket, &rate, now_us, &retry_us)) return true;
    l->counters[LIMITS_MESSAGE_RATE_LIMITED]++;
    if (retry_after_ms) *retry_after_ms = (retry_us + 999) / 1000;
    return false;
}

bool limits_allow_participant(struct limits *l, size_t joined)
{
    if (joined < (size_t)l->config.max_participants) return true;
    l->counters[LIMITS_JOIN_SERVER_FULL]++;
    return false;
}

void limits_count(struct limits *l, enum limits_counter counter)
{
    if (l && counter < LIMITS_COUNTER_COUNT) l->counters[counter]++;
}

uint64_t limits_counter(const struct limits *l, enum limits_counter counter)
{
    return l && counter < LIMITS_COUNTER_COUNT ? l->counters[counter] : 0;
}

const char *limits_counter_name(enum limits_counter counter)
{
    switch (counter) {
    case LIMITS_JOIN_RATE_LIMITED: return "join_rate_limited";
    case LIMITS_JOIN_SERVER_FULL: return "join_server_full";
    case LIMITS_MESSAGE_RATE_LIMITED: return "message_rate_limited";
    case LIMITS_MESSAGE_TOO_LARGE: return "message_too_large";
    case LIMITS_SDP_TOO_LARGE: return "sdp_too_large";
    case LIMITS_CANDIDATES_REFUSED: return "candidate_refused";
    case LIMITS_COUNTER_COUNT: break;
    }
    return "unknown";
}

size_t limits_join_table_size(const struct limits *l)
{
    return l && l->joins ? rate_limiter_size(l->joins) : 0;
}

void limits_count_ignored_candidate(struct limits *l, enum limits_ignored_candidate why)
{
    if (l && why < LIMITS_IGNORED_CANDIDATE_COUNT) l->ignored_candidates[why]++;
}

uint64_t limits_ignored_candidates(const struct limits *l, enum limits_ignored_candidate why)
{
    return l && why < LIMITS_IGNORED_CANDIDATE_COUNT ? l->ignored_candidates[why] : 0;
}

const char *limits_ignored_candidate_name(enum limits_ignored_candidate why)
{
    switch (why) {
    case LIMITS_CANDIDATE_MDNS: return "mdns";
    case LIMITS_CANDIDATE_UNPARSEABLE: return "unparseable";
    case LIMITS_IGNORED_CANDIDATE_COUNT: break;
    }
    return "unknown";
}
