/* limits.h - mcud's protective limits: their settings (keys of the config file's
 * [mcud] group) and, at run time, the checks that refuse what goes over them and the
 * counters of every refusal (shown in /metrics). The join attempts of each source
 * address go through a token bucket (rate_limiter.h); the whole server has a maximum
 * of joined participants besides each conference's. Owned by the server context; runs
 * on the control thread. See docs/operator-guide.md, "Limits". */
#ifndef HOINGHI_MCU_LIMITS_H
#define HOINGHI_MCU_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MCU_LIMITS_DEFAULT_MAX_PARTICIPANTS 256 /* joined, all conferences */
#define MCU_LIMITS_MAX_MAX_PARTICIPANTS     100000
#define MCU_LIMITS_DEFAULT_MAX_SDP_BYTES    (32 * 1024)
#define MCU_LIMITS_MIN_MAX_SDP_BYTES        1024
#define MCU_LIMITS_MAX_MAX_SDP_BYTES        (64 * 1024) /* the SDP parser's own limit */
#define MCU_LIMITS_DEFAULT_JOIN_RATE        60          /* attempts per minute per address */
#define MCU_LIMITS_DEFAULT_JOIN_BURST       20
#define MCU_LIMITS_JOIN_TABLE_SIZE          4096 /* addresses remembered */
#define MCU_LIMITS_DEFAULT_MESSAGE_RATE     50   /* messages per second per connection */
#define MCU_LIMITS_DEFAULT_MESSAGE_BURST    200
#define MCU_LIMITS_DEFAULT_SEND_QUEUE_BYTES (1024 * 1024)
#define MCU_LIMITS_MIN_SEND_QUEUE_BYTES     (64 * 1024)
#define MCU_LIMITS_MAX_SEND_QUEUE_BYTES     (64 * 1024 * 1024)
#define MCU_LIMITS_MAX_REMOTE_CANDIDATES    64 /* per media session: offer + trickled */

struct mcu_limits_config {
    int max_participants; /* key max-participants */
    int max_sdp_bytes;    /* key max-sdp-bytes */
    int join_rate;        /* key join-rate: per minute per address; 0 = no limit */
    int join_burst;       /* key join-burst */
    int message_rate;     /* key message-rate: per second per connection; 0 = none */
    int message_burst;    /* key message-burst */
    int send_queue_bytes; /* key send-queue-bytes: per connection */
};

void mcu_limits_config_defaults(struct mcu_limits_config *cfg);

/* Applies one [mcud] key if it is a limit: 1 when applied, 0 when `key` is not a limit
 * key, -1 for a bad value (a message naming `origin` in err). */
int mcu_limits_config_set(struct mcu_limits_config *cfg, const char *key, const char *value,
                          const char *origin, char *err, size_t errlen);

/* The limit keys, for error messages: "max-participants, max-sdp-bytes, ...". */
extern const char MCU_LIMITS_KEYS[];

/* Refusals counted at run time. */
enum limits_counter {
    LIMITS_JOIN_RATE_LIMITED,    /* join attempts over join-rate */
    LIMITS_JOIN_SERVER_FULL,     /* joins refused at max-participants */
    LIMITS_MESSAGE_RATE_LIMITED, /* messages over message-rate */
    LIMITS_MESSAGE_TOO_LARGE,    /* signalling messages over 64 KiB, dropped unparsed */
    LIMITS_SDP_TOO_LARGE,        /* offers over max-sdp-bytes */
    LIMITS_CANDIDATES_REFUSED,   /* remote candidates past MCU_LIMITS_MAX_REMOTE_CANDIDATES */
    LIMITS_COUNTER_COUNT
};

struct limits;

/* NULL never (a join-rate of 0 means no rate limiter). `cfg` is copied. */
struct limits *limits_new(const struct mcu_limits_config *cfg);
void limits_free(struct limits *l);

const struct mcu_limits_config *limits_config(const struct limits *l);

/* A join attempt from `peer` (an IP address) at now_us: false (counted) when over
 * join-rate, with the milliseconds until the next attempt may pass in *retry_after_ms. */
bool limits_allow_join_attempt(struct limits *l, const char *peer, int64_t now_us,
                               int64_t *retry_after_ms);

struct token_bucket;

/* One signalling message on a connection whose bucket is `bucket` (zeroed at first):
 * false (counted) when over message-rate, with *retry_after_ms as above. */
bool limits_allow_message(struct limits *l, struct token_bucket *bucket, int64_t now_us,
                          int64_t *retry_after_ms);

/* False (counted) when `joined` participants already fill max-participants. */
bool limits_allow_participant(struct limits *l, size_t joined);

/* limits_count, limits_counter and limits_join_table_size take a NULL `l` (nothing,
 * 0): a server context without limits (unit tests) still answers /metrics. */
void limits_count(struct limits *l, enum limits_counter counter);
uint64_t limits_counter(const struct limits *l, enum limits_counter counter);
/* The counter's metric name without prefix, e.g. "join_rate_limited". */
const char *limits_counter_name(enum limits_counter counter);
/* Addresses in the join-rate table. */
size_t limits_join_table_size(const struct limits *l);

/* Remote ICE candidates that no limit refused but that were not given to ICE either
 * (shown in /metrics as hoinghi_remote_candidates_ignored_total{reason}). */
enum limits_ignored_candidate {
    LIMITS_CANDIDATE_MDNS,        /* an mDNS host name ("<uuid>.local"): accepted, ignored */
    LIMITS_CANDIDATE_UNPARSEABLE, /* refused with bad_request */
    LIMITS_IGNORED_CANDIDATE_COUNT
};
/* NULL `l` as above. */
void limits_count_ignored_candidate(struct limits *l, enum limits_ignored_candidate why);
uint64_t limits_ignored_candidates(const struct limits *l, enum limits_ignored_candidate why);
/* "mdns", "unparseable". */
const char *limits_ignored_candidate_name(enum limits_ignored_candidate why);

#endif
