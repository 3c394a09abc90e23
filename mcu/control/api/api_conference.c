/* api_conference.c - /api/v1/conferences: create, list, show, update, delete, end,
 * lock/unlock and room tokens: stored through the store (one transaction per call)
 * and brought up to date by the scheduler. The fields and the JSON answer are in
 * api_conference_fields.c. See docs/api.md. */
#include "mcu/control/control_internal.h"

#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>

#include "mcu/conference/registry.h"
#include "mcu/core/config.h"
#include "mcu/core/log.h"
#include "mcu/control/schedule.h"
#include "mcu/core/secret.h"

static char *join_url(struct control *control, const char *id, const char *room, const char *token)
{
    char *r = g_uri_escape_string(room, NULL, FALSE);
    char *url = g_strdup_printf("%s/?conference=%s&name=%s&token=%s&autojoin=1", control->base_url,
                                id, r, token);
    g_free(r);
    return url;
}

/* Gives each room a new token: stored hashed, returned once in `out` (an array). */
static int issue_room_token(struct control *control, const char *id, const char *room, json_t *out)
{
    char token[SECRET_TOKEN_MAX], hash[SECRET_HASH_HEX];
    if (secret_new_token("rt_", token) != 0) return STORE_ERROR;
    secret_hash(token, hash);
    int rc = store_room_put(control->store, id, room, hash);
    if (rc == STORE_OK) {
        char *url = join_url(control, id, room, token);
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:s}", "name", room, "token", token, "join_url", url));
        g_free(url);
    }
    memset(token, 0, sizeof token);
    return rc;
}

/* A new host token for c: its SHA-256 into c->host_token_hash (the caller stores c),
 * the token itself (shown once) and a join link in *out. */
static int issue_host_token(struct control *control, struct store_conference *c, json_t **out)
{
    char token[SECRET_TOKEN_MAX], hash[SECRET_HASH_HEX];
    if (secret_new_token("ht_", token) != 0) return STORE_ERROR;
    secret_hash(token, hash);
    g_free(c->host_token_hash);
    c->host_token_hash = g_strdup(hash);
    char *url = join_url(control, c->id, "Host", token);
    *out = json_pack("{s:s, s:s}", "token", token, "join_url", url);
    g_free(url);
    OPENSSL_cleanse(token, sizeof token);
    return STORE_OK;
}

int api_load_conference(struct api_call *call, const char *id, struct store_conference *out)
{
    int rc = store_conference_get(call->control->store, id, out);
    if (rc == STORE_OK) return 0;
    if (rc == STORE_NOT_FOUND)
        api_error(call, 404, "not_found", "there is no conference '%s'", id);
    else
        api_error(call, 500, "internal_error", "the store failed; see the mcud log");
    return -1;
}

/* The stored rooms of conference `id` made into `rooms` (names): rooms no longer
 * listed are removed, new ones get a token (into `issued`). Linear: the old names go
 * into a set once. Inside the caller's transaction. */
static int update_rooms(struct control *control, const char *id, GPtrArray *rooms, json_t *issued)
{
    GPtrArray *old = store_room_list(control->store, id);
    GHashTable *wanted = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *stored = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint k = 0; k < rooms->len; k++) g_hash_table_add(wanted, rooms->pdata[k]);
    int rc = STORE_OK;
    for (guint i = 0; rc == STORE_OK && i < old->len; i++) {
        char *name = ((struct store_room *)old->pdata[i])->name;
        g_hash_table_add(stored, name);
        if (!g_hash_table_contains(wanted, name)) rc = store_room_delete(control->store, id, name);
    }
    for (guint k = 0; rc == STORE_OK && k < rooms->len; k++)
        if (!g_hash_table_contains(stored, rooms->pdata[k]))
            rc = issue_room_token(control, id, rooms->pdata[k], issued);
    g_hash_table_destroy(stored);
    g_hash_table_destroy(wanted);
    g_ptr_array_free(old, TRUE);
    return rc;
}

/* --- handlers --------------------------------------------------------------------- */

void api_conference_list(struct api_call *call)
{
    GHashTable *params = api_query_params(call);
    if (!params) return;
    json_t *errors = json_object();
    int state = -1;
    const char *s = api_query(params, "state");
    if (s && (state = store_state_from_name(s)) < 0)
        json_object_set_new(errors, "state", json_string("must be scheduled, open or ended"));
    int64_t from = 0, to = 0;
    const char *tz =
        api_query(params, "timezone") ? api_query(params, "timezone") : SCHEDULE_DEFAULT_TIMEZONE;
    if (api_query(params, "from") && schedule_parse_time(api_query(params, "from"), tz, &from) != 0)
        json_object_set_new(errors, "from", json_string("must be an ISO 8601 time"));
    if (api_query(params, "to") && schedule_parse_time(api_query(params, "to"), tz, &to) != 0)
        json_object_set_new(errors, "to", json_string("must be an ISO 8601 time"));
    g_hash_table_unref(params);
    if (json_object_size(errors)) {
        api_field_errors(call, errors);
        return;
    }
    json_decref(errors);
    GPtrArray *list = store_conference_list(call->control->store, state);
    json_t *out = json_array();
    for (guint i = 0; i < list->len; i++) {
        const struct store_conference *c = list->pdata[i];
        /* Date filter: the current/next occurrence overlaps [from, to). */
        struct schedule_window w = {c->start,
                                    c->duration ? c->start + c->duration : SCHEDULE_FOREVER};
        if (c->state != STORE_ENDED) schedule_occurrence(c, c->occurrence, &w);
        if (from && w.end <= from) continue;
        if (to && w.start >= to) continue;
        json_array_append_new(out, api_conference_json(call->control, c));
    }
    g_ptr_array_free(list, TRUE);
    api_reply(call, 200, out);
}

void api_conference_create(struct api_call *call)
{
    struct control *control = call->control;
    json_t *body = api_read_body(call, false);
    if (!body) return;
    struct store_conference c;
    api_conference_defaults(&c);
    GPtrArray *rooms = NULL;
    json_t *errors = json_object();
    if (!json_object_get(body, "schedule")) c.start = control_now();
    api_conference_apply(control, body, &c, true, &rooms, errors);
    json_decref(body);
    if (!json_object_size(errors)) api_conference_check_not_over(&c, errors);
    if (json_object_size(errors)) {
        api_field_errors(call, errors);
        goto out;
    }
    json_decref(errors);
    if (!c.id) {
        char id[16];
        snprintf(id, sizeof id, "c%08x", g_random_int());
        c.id = g_strdup(id);
    }
    api_set_target(call, c.id);
    c.created_at = c.updated_at = control_now();
    json_t *issued = json_array(), *host = NULL;
    int rc = c.host_required ? issue_host_token(control, &c, &host) : STORE_OK;
    if (rc == STORE_OK) rc = store_begin(control->store);
    if (rc == STORE_OK) rc = store_conference_insert(control->store, &c);
    for (guint i = 0; rooms && rc == STORE_OK && i < rooms->len; i++)
        rc = issue_room_token(control, c.id, rooms->pdata[i], issued);
    if (rc == STORE_OK)
        rc = store_commit(control->store);
    else
        store_rollback(control->store);
    if (rc == STORE_EXISTS) {
        api_error(call, 409, "conflict", "a conference '%s' exists already", c.id);
        json_decref(issued);
        json_decref(host);
        goto out;
    }
    if (rc != STORE_OK) {
        api_error(call, 500, "internal_error", "the store failed; see the mcud log");
        json_decref(issued);
        json_decref(host);
        goto out;
    }
    log_info("conference %s '%s' created by %s", c.id, c.title, call->token_name);
    control_reschedule(control);
    struct store_conference now;
    if (store_conference_get(control->store, c.id, &now) == STORE_OK) {
        json_t *out = api_conference_json(control, &now);
        json_object_set_new(out, "rooms", issued);
        if (host) json_object_set_new(out, "host", host);
        api_reply(call, 201, out);
        store_conference_clear(&now);
    } else {
        json_decref(issued);
        json_decref(host);
        api_error(call, 500, "internal_error", "the new conference cannot be read back");
    }
out:
    if (rooms) g_ptr_array_free(rooms, TRUE);
    store_conference_clear(&c);
}

void api_conference_show(struct api_call *call)
{
    struct store_conference c;
    if (api_load_conference(call, call->segments[1], &c) != 0) return;
    api_reply(call, 200, api_conference_json(call->control, &c));
    store_conference_clear(&c);
}

void api_conference_update(struct api_call *call)
{
    struct control *control = call->control;
    struct store_conference c;
    if (api_load_conference(call, call->segments[1], &c) != 0) return;
    json_t *body = api_read_body(call, false);
    if (!body) {
        store_conference_clear(&c);
        return;
    }
    if (c.state == STORE_ENDED) {
        api_error(call, 409, "conflict", "conference %s has ended; create a new one", c.id);
        json_decref(body);
        store_conference_clear(&c);
        return;
    }
    GPtrArray *rooms = NULL;
    json_t *errors = json_object();
    bool schedule_changed = json_object_get(body, "schedule") != NULL;
    bool layout_changed = json_object_get(body, "layout") != NULL;
    api_conference_apply(control, body, &c, false, &rooms, errors);
    json_decref(body);
    if (!json_object_size(errors) && schedule_changed) api_conference_check_not_over(&c, errors);
    if (json_object_size(errors)) {
        api_field_errors(call, errors);
        goto out;
    }
    json_decref(errors);
    if (schedule_changed) {
        /* The scheduler works out the state again from the first occurrence. */
        c.state = STORE_SCHEDULED;
        c.occurrence = 0;
        c.warned = false;
    }
    c.updated_at = control_now();
    json_t *issued = json_array(), *host = NULL;
    int rc =
        c.host_required && !c.host_token_hash ? issue_host_token(control, &c, &host) : STORE_OK;
    if (rc == STORE_OK) rc = store_begin(control->store);
    if (rc == STORE_OK) rc = store_conference_update(control->store, &c);
    if (rooms && rc == STORE_OK) rc = update_rooms(control, c.id, rooms, issued);
    if (rc == STORE_OK)
        rc = store_commit(control->store);
    else
        store_rollback(control->store);
    if (rc != STORE_OK) {
        json_decref(issued);
        json_decref(host);
        api_error(call, 500, "internal_error", "the store failed; see the mcud log");
        goto out;
    }
    /* Joinable conferences take the new settings for later joins; a new layout also
     * goes to a running mix at once. */
    scheduler_refresh(control->scheduler, c.id);
    /* A new schedule is warned about afresh (a late room must not get the old end). */
    if (schedule_changed) registry_forget_ending(control->registry, c.id);
    if (layout_changed) api_push_layout(control, c.id, c.layout);
    control_reschedule(control);
    struct store_conference now;
    if (store_conference_get(control->store, c.id, &now) == STORE_OK) {
        json_t *out = api_conference_json(control, &now);
        if (json_array_size(issued)) json_object_set(out, "new_rooms", issued);
        if (host) json_object_set(out, "host", host);
        api_reply(call, 200, out);
        store_conference_clear(&now);
    }
    json_decref(issued);
    json_decref(host);
out:
    if (rooms) g_ptr_array_free(rooms, TRUE);
    store_conference_clear(&c);
}

void api_conference_delete(struct api_call *call)
{
    const char *id = call->segments[1];
    int rc = store_conference_delete(call->control->store, id);
    if (rc == STORE_NOT_FOUND) {
        api_error(call, 404, "not_found", "there is no conference '%s'", id);
        return;
    }
    if (rc != STORE_OK) {
        api_error(call, 500, "internal_error", "the store failed; see the mcud log");
        return;
    }
    log_info("conference %s deleted by %s", id, call->token_name);
    control_reschedule(call->control); /* closes it if it was joinable */
    api_reply(call, 200, json_pack("{s:s, s:b}", "id", id, "deleted", 1));
}

void api_conference_end(struct api_call *call)
{
    struct store_conference c;
    if (api_load_conference(call, call->segments[1], &c) != 0) return;
    if (c.state == STORE_ENDED) {
        api_error(call, 409, "conflict", "conference %s has already ended", c.id);
    } else if (scheduler_end_now(call->control->scheduler, &c, control_now()) != STORE_OK) {
        api_error(call, 500, "internal_error", "the store failed; see the mcud log");
    } else {
        log_info("conference %s ended by %s", c.id, call->token_name);
        control_reschedule(call->control);
        struct store_conference now;
        if (store_conference_get(call->control->store, c.id, &now) == STORE_OK) {
            api_reply(call, 200, api_conference_json(call->control, &now));
            store_conference_clear(&now);
        }
    }
    store_conference_clear(&c);
}

static void set_lock(struct api_call *call, bool locked)
{
    struct store_conference c;
    if (api_load_conference(call, call->segments[1], &c) != 0) return;
    if (c.state == STORE_ENDED) {
        api_error(call, 409, "conflict", "conference %s has ended", c.id);
    } else if (c.locked == locked) {
        api_error(call, 409, "conflict", "conference %s is already %s", c.id,
                  locked ? "locked" : "unlocked");
    } else {
        c.locked = locked;
        c.updated_at = control_now();
        if (store_conference_update(call->control->store, &c) != STORE_OK) {
            api_error(call, 500, "internal_error", "the store failed; see the mcud log");
        } else {
            log_info("conference %s %s by %s", c.id, locked ? "locked" : "unlocked",
                     call->token_name);
            api_reply(call, 200, api_conference_json(call->control, &c));
        }
    }
    store_conference_clear(&c);
}

void api_conference_lock(struct api_call *call) { set_lock(call, true); }
void api_conference_unlock(struct api_call *call) { set_lock(call, false); }

void api_room_token(struct api_call *call)
{
    struct store_conference c;
    if (api_load_conference(call, call->segments[1], &c) != 0) return;
    const char *room = call->segments[3];
    GPtrArray *rooms = store_room_list(call->control->store, c.id);
    bool exists = false;
    for (guint i = 0; i < rooms->len && !exists; i++)
        exists = strcmp(((struct store_room *)rooms->pdata[i])->name, room) == 0;
    g_ptr_array_free(rooms, TRUE);
    json_t *issued = json_array();
    if (!exists) {
        api_error(call, 404, "not_found", "conference %s has no room '%s'", c.id, room);
    } else if (issue_room_token(call->control, c.id, room, issued) != STORE_OK) {
        api_error(call, 500, "internal_error", "the store failed; see the mcud log");
    } else {
        api_reply(call, 200, json_incref(json_array_get(issued, 0)));
    }
    json_decref(issued);
    store_conference_clear(&c);
}

/* POST /conferences/{id}/host-token: a new host token; the old one stops working. */
void api_host_token(struct api_call *call)
{
    struct store_conference c;
    if (api_load_conference(call, call->segments[1], &c) != 0) return;
    json_t *host = NULL;
    if (c.state == STORE_ENDED) {
        api_error(call, 409, "conflict", "conference %s has ended", c.id);
    } else if (issue_host_token(call->control, &c, &host) != STORE_OK) {
        api_error(call, 500, "internal_error", "no random numbers for the token");
    } else {
        c.updated_at = control_now();
        if (store_conference_update(call->control->store, &c) != STORE_OK) {
            api_error(call, 500, "internal_error", "the store failed; see the mcud log");
        } else {
            log_info("conference %s: new host token by %s", c.id, call->token_name);
            api_reply(call, 200, json_incref(host));
        }
    }
    json_decref(host);
    store_conference_clear(&c);
}
