/* registry.c - the table of who is where; see registry.h. */
#include "mcu/conference/registry.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcu/core/log.h"

struct registry {
    const struct mcu_config *config; /* the config file's conferences (borrowed) */
    struct conference_events events; /* for the conferences it starts */
    void *owner;
    GHashTable *members; /* member id -> struct registry_member* (owned) */
    GHashTable *joined;  /* conference id (owned) -> GPtrArray of struct
                                   registry_member*, in join order; no empty lists */
    GHashTable *running; /* conference id -> struct conference* (owned): the
                                   mixing conferences with someone in them */
    GHashTable *open;    /* conference id -> struct mcu_conference_config*
                                   (owned): conferences opened at run time */
    GHashTable *ending;  /* conference id (owned) -> struct ending* (owned): the
                                   conference_ending warning sent for its occurrence */
    size_t joined_count; /* members in some conference */
};

struct ending {
    char *ends_at; /* ISO 8601 in the conference's zone */
    int64_t end;   /* Unix seconds */
};

static void free_ending(gpointer data)
{
    struct ending *e = data;
    g_free(e->ends_at);
    g_free(e);
}

struct registry_member {
    struct registry *reg;
    char id[16];
    const struct registry_member_ops *ops;
    void *ctx;
    const struct mcu_conference_config *settings; /* its conference, NULL: none */
};

/* --- settings ---------------------------------------------------------------------------- */

static struct mcu_conference_config *copy_settings(const struct mcu_conference_config *in)
{
    struct mcu_conference_config *c = g_new(struct mcu_conference_config, 1);
    *c = *in;
    c->id = g_strdup(in->id);
    c->pin_hash = g_strdup(in->pin_hash);
    c->host_token_hash = g_strdup(in->host_token_hash);
    c->title = g_strdup(in->title);
    c->layout = g_strdup(in->layout);
    return c;
}

static void free_settings(gpointer data)
{
    struct mcu_conference_config *c = data;
    g_free(c->id);
    g_free(c->pin_hash);
    g_free(c->host_token_hash);
    g_free(c->title);
    g_free(c->layout);
    g_free(c);
}

static void free_member_list(gpointer data) { g_ptr_array_free(data, TRUE); }

struct registry *registry_new(const struct mcu_config *config,
                              const struct conference_events *events, void *owner)
{
    struct registry *reg = g_new0(struct registry, 1);
    reg->config = config;
    if (events) reg->events = *events;
    reg->owner = owner;
    reg->members = g_hash_table_new(g_str_hash, g_str_equal);
    reg->joined = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_member_list);
    reg->running = g_hash_table_new(g_str_hash, g_str_equal);
    reg->open = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_settings);
    reg->ending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_ending);
    return reg;
}

void registry_free(struct registry *reg)
{
    if (!reg) return;
    if (g_hash_table_size(reg->members) || g_hash_table_size(reg->running))
        log_warn("registry: freed with %u members and %u running conferences left",
                 g_hash_table_size(reg->members), g_hash_table_size(reg->running));
    g_hash_table_destroy(reg->members);
    g_hash_table_destroy(reg->joined);
    g_hash_table_destroy(reg->running);
    g_hash_table_destroy(reg->open);
    g_hash_table_destroy(reg->ending);
    g_free(reg);
}

const struct mcu_conference_config *registry_find_settings(const struct registry *reg,
                                                           const char *id)
{
    const struct mcu_conference_config *c = mcu_config_find_conference(reg->config, id);
    return c ? c : g_hash_table_lookup(reg->open, id);
}

int registry_open_settings(struct registry *reg, const struct mcu_conference_config *config)
{
    if (mcu_config_find_conference(reg->config, config->id)) return -1;
    if (g_hash_table_contains(reg->open, config->id) && registry_count_in(reg, config->id) > 0)
        return 0;
    struct mcu_conference_config *copy = copy_settings(config);
    g_hash_table_replace(reg->open, copy->id, copy);
    log_info("conference %s is open for joining", config->id);
    return 0;
}

/* The members of conference `id` at this moment (a copy: operations may change the
 * table). */
static GPtrArray *members_in(struct registry *reg, const char *id)
{
    GPtrArray *list = g_hash_table_lookup(reg->joined, id);
    GPtrArray *copy = g_ptr_array_sized_new(list ? list->len : 0);
    for (guint i = 0; list && i < list->len; i++) g_ptr_array_add(copy, list->pdata[i]);
    return copy;
}

static void kick(struct registry_member *m, const char *code, const char *reason)
{
    if (m->ops && m->ops->kick) m->ops->kick(m->ctx, code, reason);
    registry_member_leave(m); /* in case the kick left it in */
}

void registry_close_settings(struct registry *reg, const char *id, const char *reason)
{
    if (!g_hash_table_contains(reg->open, id)) return;
    GPtrArray *list = members_in(reg, id);
    for (guint i = 0; i < list->len; i++) kick(list->pdata[i], "conference_ended", reason);
    g_ptr_array_free(list, TRUE);
    g_hash_table_remove(reg->open, id);
    g_hash_table_remove(reg->ending, id);
    log_info("conference %s is closed (%s)", id, reason);
}

void registry_set_ending(struct registry *reg, const char *id, const char *ends_at, int64_t end)
{
    struct ending *e = g_new0(struct ending, 1);
    e->ends_at = g_strdup(ends_at);
    e->end = end;
    g_hash_table_replace(reg->ending, g_strdup(id), e);
}

void registry_forget_ending(struct registry *reg, const char *id)
{
    g_hash_table_remove(reg->ending, id);
}

const char *registry_ending(const struct registry *reg, const char *id, int64_t *end)
{
    const struct ending *e = g_hash_table_lookup(reg->ending, id);
    if (!e) return NULL;
    if (end) *end = e->end;
    return e->ends_at;
}

/* --- running conferences ---------------------------------------------------------------------- */

struct conference *registry_start_conference(struct registry *reg,
                                             const struct mcu_conference_config *settings,
                                             char *err, size_t errlen)
{
    struct conference *c = g_hash_table_lookup(reg->running, settings->id);
    if (c) return c;
    c = conference_new(settings, &reg->events, reg->owner, err, errlen);
    if (!c) return NULL;
    g_hash_table_insert(reg->running, conference_config(c)->id, c);
    registry_record_by_policy(reg, settings->id);
    return c;
}

void registry_record_by_policy(struct registry *reg, const char *id)
{
    struct conference *c = g_hash_table_lookup(reg->running, id);
    if (!c) return;
    const struct mcu_conference_config *settings = conference_config(c);
    if (settings->record != MCU_RECORD_ALWAYS) return;
    enum recorder_state state;
    if (conference_recording_state(c, &state, NULL, 0) && state != RECORDER_STOPPED &&
        state != RECORDER_FAILED)
        return; /* recording already */
    int64_t now = g_get_real_time() / G_USEC_PER_SEC;
    if (settings->record_from > now) {
        log_info("conference %s: recording starts at the scheduled start, in %lld s", id,
                 (long long)(settings->record_from - now));
        return;
    }
    /* A recording that cannot start does not keep the meeting from starting. */
    struct conference_recording_options opts = {
        .archive_dir = reg->config->archive_dir,
        .segment_us = (int64_t)reg->config->segment_minutes * 60 * 1000000,
    };
    char why[256] = "";
    if (conference_start_recording(c, &opts, why, sizeof why) != 0)
        log_error("conference %s: cannot start its recording: %s", id, why);
}

void registry_release_conference(struct registry *reg, struct conference *conference)
{
    if (conference_member_count(conference) > 0) return;
    g_hash_table_remove(reg->running, conference_config(conference)->id);
    conference_free(conference);
}

struct conference *registry_running(const struct registry *reg, const char *id)
{
    return g_hash_table_lookup(reg->running, id);
}

void registry_foreach_running(struct registry *reg,
                              void (*fn)(const char *id, struct conference *conference, void *data),
                              void *data)
{
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, reg->running);
    while (g_hash_table_iter_next(&it, &key, &value)) fn(key, value, data);
}

/* --- members ----------------------------------------------------------------------------------- */

struct registry_member *registry_member_new(struct registry *reg,
                                            const struct registry_member_ops *ops, void *ctx)
{
    struct registry_member *m = g_new0(struct registry_member, 1);
    m->reg = reg;
    m->ops = ops;
    m->ctx = ctx;
    do {
        snprintf(m->id, sizeof m->id, "p%08x", g_random_int());
    } while (g_hash_table_contains(reg->members, m->id));
    g_hash_table_insert(reg->members, m->id, m);
    return m;
}

void registry_member_free(struct registry_member *m)
{
    if (!m) return;
    registry_member_leave(m);
    g_hash_table_remove(m->reg->members, m->id);
    g_free(m);
}

const char *registry_member_id(const struct registry_member *m) { return m->id; }

void registry_member_join(struct registry_member *m, const struct mcu_conference_config *settings)
{
    registry_member_leave(m);
    GPtrArray *list = g_hash_table_lookup(m->reg->joined, settings->id);
    if (!list) {
        list = g_ptr_array_new();
        g_hash_table_insert(m->reg->joined, g_strdup(settings->id), list);
    }
    g_ptr_array_add(list, m);
    m->settings = settings;
    m->reg->joined_count++;
}

void registry_member_leave(struct registry_member *m)
{
    if (!m->settings) return;
    GPtrArray *list = g_hash_table_lookup(m->reg->joined, m->settings->id);
    if (list) {
        g_ptr_array_remove(list, m); /* keeps the join order */
        if (list->len == 0) g_hash_table_remove(m->reg->joined, m->settings->id);
    }
    m->settings = NULL;
    m->reg->joined_count--;
}

const struct mcu_conference_config *registry_member_settings(const struct registry_member *m)
{
    return m->settings;
}

size_t registry_joined_count(const struct registry *reg) { return reg->joined_count; }

size_t registry_count_in(const struct registry *reg, const char *conference_id)
{
    GPtrArray *list = g_hash_table_lookup(reg->joined, conference_id);
    return list ? list->len : 0;
}

struct registry_member *registry_find_member(const struct registry *reg, const char *conference_id,
                                             const char *member_id)
{
    struct registry_member *m = g_hash_table_lookup(reg->members, member_id);
    if (!m || !m->settings || strcmp(m->settings->id, conference_id) != 0) return NULL;
    return m;
}

/* --- operations on a conference's members ---------------------------------------------------------- */

void registry_broadcast(struct registry *reg, const char *conference_id, char *text,
                        const struct registry_member *except)
{
    if (!text) return;
    GPtrArray *list = members_in(reg, conference_id);
    for (guint i = 0; i < list->len; i++) {
        struct registry_member *m = list->pdata[i];
        if (m != except && m->ops && m->ops->send) m->ops->send(m->ctx, text);
    }
    g_ptr_array_free(list, TRUE);
    free(text);
}

int registry_kick(struct registry *reg, const char *conference_id, const char *member_id,
                  const char *reason)
{
    struct registry_member *m = registry_find_member(reg, conference_id, member_id);
    if (!m) return -1;
    kick(m, "removed", reason);
    return 0;
}
