/* test_api.c - the REST control API (mcu/control/api/api*.c, mcu/control/control.c) called
 * in memory, with no socket: the operator plane on a registry (no participants) and a
 * temp state dir, requests handed straight to control_http_request(). Shows the first admin token file, authentication (missing,
 * malformed, unknown, revoked tokens: 401; roles: 403), one error shape for every
 * failure, field errors, conflicts, and that hostile input (broken and odd JSON, bad
 * UTF-8, odd paths and queries) gets a clear 4xx and never a crash or a leak (run it
 * under AddressSanitizer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "mcu/conference/registry.h"
#include "mcu/control/control.h"
#include "mcu/control/control_internal.h"
#include "mcu/core/config.h"
#include "mcu/core/secret.h"

struct fixture {
    char dir[64];
    struct mcu_config config;
    struct registry *registry;
    struct control *control;
    char admin[128];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/test_api.XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    f->config.listen_host = strdup("127.0.0.1");
    f->config.listen_port = 8088;
    f->config.state_dir = strdup(f->dir);
    f->registry = registry_new(&f->config, NULL, NULL);
    struct control_context context = {.config = &f->config, .registry = f->registry};
    char err[256];
    f->control = control_new(&context, err, sizeof err);
    if (!f->control) {
        fprintf(stderr, "control_new: %s\n", err);
        return -1;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/admin.token", f->dir);
    FILE *in = fopen(path, "r");
    if (!in || !fgets(f->admin, sizeof f->admin, in)) return -1;
    fclose(in);
    f->admin[strcspn(f->admin, "\n")] = '\0';
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    control_free(f->control);
    registry_free(f->registry);
    free(f->config.listen_host);
    free(f->config.state_dir);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0) return -1;
    free(f);
    return 0;
}

/* One request; returns the status, *json the parsed body (NULL unless JSON). */
static int call(struct fixture *f, const char *method, const char *path, const char *query,
                const char *token, const char *body, size_t body_length, json_t **json)
{
    char auth[256] = "";
    if (token) snprintf(auth, sizeof auth, "Bearer %s", token);
    struct http_request request = {
        .method = method,
        .path = path,
        .query = query ? query : "",
        .authorization = auth,
        .body = body ? body : "",
        .body_length = body ? body_length : 0,
        .peer = "192.0.2.1",
    };
    struct http_response response = {0};
    control_http_request(f->control, &request, &response);
    if (json) *json = response.body ? json_loads(response.body, 0, NULL) : NULL;
    free(response.body);
    return response.status;
}

static int call_json(struct fixture *f, const char *method, const char *path, const char *token,
                     const char *body, json_t **json)
{
    return call(f, method, path, NULL, token, body, body ? strlen(body) : 0, json);
}

/* The error shape: {"error": {"code": CODE, "message": non-empty}}. */
static void assert_error(json_t *json, const char *code)
{
    json_t *error = json_object_get(json, "error");
    assert_non_null(error);
    assert_string_equal(json_string_value(json_object_get(error, "code")), code);
    const char *message = json_string_value(json_object_get(error, "message"));
    assert_non_null(message);
    assert_true(strlen(message) > 0);
}

static void admin_token_file_is_private(void **state)
{
    struct fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/admin.token", f->dir);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_true(strncmp(f->admin, "hn_", 3) == 0);
}

static void authentication_and_roles(void **state)
{
    struct fixture *f = *state;
    json_t *j = NULL;
    assert_int_equal(call_json(f, "GET", "/api/v1/conferences", NULL, NULL, &j), 401);
    assert_error(j, "unauthorized");
    json_decref(j);
    struct http_request basic = {.method = "GET",
                                 .path = "/api/v1/conferences",
                                 .query = "",
                                 .authorization = "Basic YWRtaW46eA==",
                                 .body = "",
                                 .peer = "x"};
    struct http_response r = {0};
    control_http_request(f->control, &basic, &r);
    assert_int_equal(r.status, 401);
    free(r.body);
    assert_int_equal(call_json(f, "GET", "/api/v1/conferences", "", NULL, NULL), 401);
    assert_int_equal(call_json(f, "GET", "/api/v1/conferences", "hn_wrong", NULL, NULL), 401);
    char longtoken[200];
    memset(longtoken, 'x', sizeof longtoken - 1);
    longtoken[sizeof longtoken - 1] = '\0';
    assert_int_equal(call_json(f, "GET", "/api/v1/conferences", longtoken, NULL, NULL), 401);
    assert_int_equal(call_json(f, "GET", "/metrics", "nope", NULL, NULL), 401);

    assert_int_equal(call_json(f, "POST", "/api/v1/tokens", f->admin,
                               "{\"name\":\"v\",\"role\":\"viewer\"}", &j),
                     201);
    char *viewer = strdup(json_string_value(json_object_get(j, "token")));
    json_decref(j);
    assert_int_equal(call_json(f, "GET", "/api/v1/conferences", viewer, NULL, NULL), 200);
    assert_int_equal(call_json(f, "POST", "/api/v1/conferences", viewer, "{\"title\":\"x\"}", &j),
                     403);
    assert_error(j, "forbidden");
    json_decref(j);
    assert_int_equal(call_json(f, "GET", "/api/v1/tokens", viewer, NULL, NULL), 403);
    assert_int_equal(call_json(f, "DELETE", "/api/v1/tokens/v", f->admin, NULL, NULL), 200);
    assert_int_equal(call_json(f, "GET", "/api/v1/conferences", viewer, NULL, &j), 401);
    assert_non_null(strstr(
        json_string_value(json_object_get(json_object_get(j, "error"), "message")), "revoked"));
    json_decref(j);
    assert_int_equal(call_json(f, "DELETE", "/api/v1/tokens/v", f->admin, NULL, NULL), 404);
    assert_int_equal(call_json(f, "POST", "/api/v1/tokens", f->admin, "{\"name\":\"v\"}", NULL),
                     409);
    free(viewer);

    /* Every failed call is audited, with no token name and the source. */
    assert_int_equal(
        call(f, "GET", "/api/v1/audit", "result=failed&limit=3", f->admin, NULL, 0, &j), 200);
    assert_true(json_array_size(j) == 3);
    json_t *last = json_array_get(j, 0);
    assert_int_equal(json_integer_value(json_object_get(last, "status")), 409);
    json_decref(j);
    assert_int_equal(call(f, "GET", "/api/v1/audit", "token=&action=conference.list&result=failed",
                          f->admin, NULL, 0, &j),
                     200);
    assert_true(json_array_size(j) >= 4);
    assert_true(json_is_null(json_object_get(json_array_get(j, 0), "token")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "source")),
                        "192.0.2.1");
    json_decref(j);
}

static void create_validate_and_conflict(void **state)
{
    struct fixture *f = *state;
    json_t *j = NULL;
    assert_int_equal(
        call_json(
            f, "POST", "/api/v1/conferences", f->admin,
            "{\"id\":\"weekly\",\"title\":\"Giao ban\",\"pin\":\"4321\",\"layout\":\"1+5\","
            "\"schedule\":{\"start\":\"now\",\"duration\":\"90m\","
            "\"recurrence\":{\"freq\":\"weekly\",\"count\":4}},\"rooms\":[\"Huế\",{\"name\":\"Hà Nội\"}]}",
            &j),
        201);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "open");
    assert_int_equal(json_array_size(json_object_get(j, "rooms")), 2);
    assert_non_null(json_string_value(
        json_object_get(json_array_get(json_object_get(j, "rooms"), 0), "token")));
    json_decref(j);

    /* A room token admits without the PIN; others do not. */
    assert_int_equal(control_admit_join(f->control, "weekly", NULL, NULL), CONTROL_ADMIT_CHECK_PIN);
    assert_int_equal(control_admit_join(f->control, "weekly", "rt_nope", NULL),
                     CONTROL_ADMIT_BAD_TOKEN);
    assert_int_equal(control_admit_join(f->control, "other", "rt_nope", NULL),
                     CONTROL_ADMIT_BAD_TOKEN);
    assert_int_equal(call_json(f, "POST", "/api/v1/conferences/weekly/rooms/Hu%E1%BA%BF/token",
                               f->admin, NULL, &j),
                     200);
    char *room = NULL;
    assert_int_equal(control_admit_join(f->control, "weekly",
                                        json_string_value(json_object_get(j, "token")), &room),
                     CONTROL_ADMIT_TOKEN);
    assert_string_equal(room, "Huế");
    g_free(room);
    json_decref(j);
    assert_int_equal(call_json(f, "POST", "/api/v1/conferences/weekly/lock", f->admin, NULL, NULL),
                     200);
    assert_int_equal(control_admit_join(f->control, "weekly", NULL, NULL), CONTROL_ADMIT_LOCKED);
    assert_int_equal(call_json(f, "POST", "/api/v1/conferences/weekly/lock", f->admin, NULL, &j),
                     409);
    assert_error(j, "conflict");
    json_decref(j);

    assert_int_equal(call_json(f, "POST", "/api/v1/conferences", f->admin,
                               "{\"id\":\"weekly\",\"title\":\"x\"}", &j),
                     409);
    assert_error(j, "conflict");
    json_decref(j);

    assert_int_equal(
        call_json(
            f, "POST", "/api/v1/conferences", f->admin,
            "{\"title\":\"\",\"pin\":\"12a4\",\"layout\":\"9x9\",\"canvas\":{\"width\":7,\"fps\":\"x\"},"
            "\"codecs\":[\"av1\"],\"max_participants\":0,\"record\":\"sometimes\","
            "\"schedule\":{\"start\":\"2025-02-30T09:00\",\"end\":\"x\",\"duration\":5,"
            "\"timezone\":\"Mars/Base\",\"recurrence\":{\"freq\":\"hourly\"}},"
            "\"rooms\":[\"a\",\"a\"],\"bogus\":true}",
            &j),
        400);
    assert_error(j, "validation_failed");
    json_t *fields = json_object_get(json_object_get(j, "error"), "fields");
    const char *expected[] = {"title",
                              "pin",
                              "layout",
                              "canvas.width",
                              "canvas.fps",
                              "codecs",
                              "max_participants",
                              "record",
                              "schedule.end",
                              "schedule.timezone",
                              "schedule.recurrence.freq",
                              "rooms",
                              "bogus"};
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
        if (!json_object_get(fields, expected[i])) fail_msg("field %s not named", expected[i]);
    }
    json_decref(j);

    assert_int_equal(
        call_json(f, "PATCH", "/api/v1/conferences/weekly", f->admin, "{\"id\":\"x\"}", &j), 400);
    json_decref(j);
    assert_int_equal(call_json(f, "POST", "/api/v1/conferences/weekly/end", f->admin, NULL, &j),
                     200);
    assert_string_equal(json_string_value(json_object_get(j, "state")),
                        "scheduled"); /* next week */
    assert_int_equal(json_integer_value(json_object_get(j, "occurrence")), 1);
    json_decref(j);
    assert_int_equal(
        call_json(f, "POST", "/api/v1/conferences/weekly/recording/start", f->admin, NULL, &j),
        409);
    assert_error(j, "not_running"); /* nobody is in it */
    json_decref(j);
    assert_int_equal(
        call_json(f, "POST", "/api/v1/conferences/weekly/recording/pause", f->admin, NULL, &j),
        409);
    assert_error(j, "not_running");
    json_decref(j);
    assert_int_equal(
        call_json(f, "POST", "/api/v1/conferences/nope/recording/stop", f->admin, NULL, &j), 404);
    json_decref(j);
    assert_int_equal(call_json(f, "PUT", "/api/v1/conferences/weekly/focus", f->admin,
                               "{\"participant\":null}", &j),
                     409);
    json_decref(j);
    assert_int_equal(
        call_json(f, "POST", "/api/v1/conferences/weekly/share/stop", f->admin, NULL, &j), 409);
    assert_error(j, "conflict"); /* nobody presents */
    json_decref(j);
    assert_int_equal(
        call_json(f, "POST", "/api/v1/conferences/nope/share/stop", f->admin, NULL, &j), 404);
    json_decref(j);
    assert_int_equal(
        call_json(f, "POST", "/api/v1/conferences/weekly/participants/p1/mute", f->admin, "{}", &j),
        404);
    json_decref(j);
    assert_int_equal(call_json(f, "DELETE", "/api/v1/conferences/weekly", f->admin, NULL, NULL),
                     200);
    assert_int_equal(call_json(f, "GET", "/api/v1/conferences/weekly", f->admin, NULL, &j), 404);
    assert_error(j, "not_found");
    json_decref(j);
}

static void hostile_input_gets_clear_errors(void **state)
{
    struct fixture *f = *state;
    static const char *const bodies[] = {
        "",
        "   ",
        "{",
        "}",
        "[]",
        "null",
        "42",
        "\"text\"",
        "{\"title\":}",
        "{\"title\":\"a\",\"title\":\"b\"}",
        "{\"title\":\"\xff\xfe\"}",
        "{\"title\":\"a\\u0000b\"}",
        "{\"title\":1e999}",
        "{\"title\":\"x\",\"canvas\":[1,2]}",
        "{\"title\":\"x\",\"schedule\":7}",
        "{\"title\":\"x\",\"rooms\":{\"name\":\"y\"}}",
        "{\"title\":\"x\",\"max_participants\":99999999999999999999}",
        "{\"title\":\"x\",\"schedule\":{\"recurrence\":{\"freq\":\"daily\",\"count\":-1}}}",
        "{\"title\":\"x\",\"schedule\":{\"start\":\"2000-01-01T00:00:00Z\",\"duration\":60}}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        json_t *j = NULL;
        int status = call_json(f, "POST", "/api/v1/conferences", f->admin, bodies[i], &j);
        if (status != 400) fail_msg("body %zu (%s): status %d, not 400", i, bodies[i], status);
        assert_non_null(json_object_get(j, "error"));
        json_decref(j);
    }
    /* Deep nesting. */
    char deep[4096];
    size_t n = 0;
    for (; n < 1500; n++) deep[n] = '[';
    deep[n] = '\0';
    assert_int_equal(call_json(f, "POST", "/api/v1/conferences", f->admin, deep, NULL), 400);
    /* A body with a NUL inside (length says more than strlen). */
    assert_int_equal(
        call(f, "POST", "/api/v1/conferences", NULL, f->admin, "{\"title\":\"a\"}\0junk", 18, NULL),
        400);

    static const char *const paths[] = {
        "/api/v1/",
        "/api/v1",
        "/api/v1//",
        "/api/v1/conferences/%00",
        "/api/v1/conferences/%ff",
        "/api/v1/conferences/a/b/c/d/e/f/g/h/i/j",
        "/api/v1/conferences/../tokens",
        "/api/v2/conferences",
        "/api/v1/conferences/x/participants/%",
        "/api/v1/conferences//participants",
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        json_t *j = NULL;
        int status = call_json(f, "GET", paths[i], f->admin, NULL, &j);
        if (status != 404 && status != 400) fail_msg("path %s: status %d", paths[i], status);
        assert_non_null(json_object_get(j, "error"));
        json_decref(j);
    }
    assert_int_equal(call_json(f, "DELETE", "/api/v1/conferences", f->admin, NULL, NULL), 405);
    assert_int_equal(call_json(f, "POST", "/metrics", f->admin, NULL, NULL), 405);
    static const char *const queries[] = {"state=nope", "from=yesterday", "to=%zz", "state",
                                          "&&&",        "from=%00"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        int status = call(f, "GET", "/api/v1/conferences", queries[i], f->admin, NULL, 0, NULL);
        if (status != 400 && status != 200) fail_msg("query %s: status %d", queries[i], status);
    }
    assert_int_equal(call(f, "GET", "/api/v1/conferences", "state=nope", f->admin, NULL, 0, NULL),
                     400);
    assert_int_equal(call(f, "GET", "/api/v1/audit", "limit=0", f->admin, NULL, 0, NULL), 400);
    assert_int_equal(call(f, "GET", "/api/v1/audit", "since=soon", f->admin, NULL, 0, NULL), 400);
}

static void stats_and_metrics(void **state)
{
    struct fixture *f = *state;
    json_t *j = NULL;
    assert_int_equal(
        call_json(f, "POST", "/api/v1/conferences", f->admin, "{\"title\":\"now\"}", NULL), 201);
    assert_int_equal(call_json(f, "GET", "/api/v1/stats", f->admin, NULL, &j), 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "conferences"), "open")),
                     1);
    json_decref(j);
    struct http_request request = {
        .method = "GET", .path = "/metrics", .query = "", .body = "", .peer = "x"};
    char auth[256];
    snprintf(auth, sizeof auth, "Bearer %s", f->admin);
    request.authorization = auth;
    struct http_response response = {0};
    control_http_request(f->control, &request, &response);
    assert_int_equal(response.status, 200);
    assert_non_null(strstr(response.content_type, "text/plain"));
    assert_non_null(strstr(response.body, "hoinghi_conferences{state=\"open\"} 1\n"));
    assert_non_null(strstr(response.body, "hoinghi_joins_refused_total{reason=\"wrong_pin\"} 0\n"));
    assert_non_null(
        strstr(response.body, "hoinghi_remote_candidates_ignored_total{reason=\"mdns\"} 0\n"));
    assert_non_null(strstr(response.body,
                           "hoinghi_remote_candidates_ignored_total{reason=\"unparseable\"} 0\n"));
    free(response.body);
}

/* Every route of the table (a new one cannot slip through), /metrics, /stats and paths
 * that are no route at all: 401 without a token, with an unknown one and with a
 * revoked one, before anything else is looked at. */
static void every_route_needs_a_token(void **state)
{
    struct fixture *f = *state;
    json_t *j = NULL;
    assert_int_equal(call_json(f, "POST", "/api/v1/tokens", f->admin,
                               "{\"name\":\"gone\",\"role\":\"admin\"}", &j),
                     201);
    char revoked[128];
    snprintf(revoked, sizeof revoked, "%s", json_string_value(json_object_get(j, "token")));
    json_decref(j);
    assert_int_equal(call_json(f, "DELETE", "/api/v1/tokens/gone", f->admin, NULL, NULL), 200);
    const char *const bad_tokens[] = {
        NULL, "", "hn_0000000000000000000000000000000000000000000000000", revoked};
    size_t n = api_route_count();
    assert_true(n >= 28);
    for (size_t i = 0; i < n + 4; i++) {
        char path[256] = "/api/v1/";
        const char *method = "GET";
        if (i < n) {
            struct api_route_info r = api_route(i);
            method = r.method;
            char **parts = g_strsplit(r.pattern, "/", -1);
            for (char **s = parts; *s; s++) {
                if (s != parts) g_strlcat(path, "/", sizeof path);
                g_strlcat(path, strcmp(*s, "*") == 0 ? "x1" : *s, sizeof path);
            }
            g_strfreev(parts);
        } else {
            const char *const extra[] = {"/metrics", "/api/v1/stats", "/api/v1/nothing-here",
                                         "/api/v2/x"};
            snprintf(path, sizeof path, "%s", extra[i - n]);
        }
        for (size_t t = 0; t < sizeof bad_tokens / sizeof *bad_tokens; t++) {
            j = NULL;
            int status = call_json(f, method, path, bad_tokens[t], "{\"title\":\"x\"}", &j);
            if (status != 401)
                fail_msg("%s %s with token %zu: %d, not 401", method, path, t, status);
            assert_error(j, "unauthorized");
            json_decref(j);
        }
    }
}

/* True when the state dir's file `name` holds `text` anywhere (binary-safe). */
static bool file_contains(struct fixture *f, const char *name, const char *text)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    gchar *data = NULL;
    gsize length = 0;
    if (!g_file_get_contents(path, &data, &length, NULL)) return false;
    size_t n = strlen(text);
    bool found = false;
    for (gsize i = 0; !found && i + n <= length; i++) found = memcmp(data + i, text, n) == 0;
    g_free(data);
    return found;
}

/* PINs: only a salted hash is stored; the API shows has_pin and never the PIN; plain
 * PINs of an older database are hashed at start. */
static void pins_are_stored_hashed(void **state)
{
    struct fixture *f = *state;
    json_t *j = NULL;
    assert_int_equal(call_json(f, "POST", "/api/v1/conferences", f->admin,
                               "{\"id\":\"hop\",\"title\":\"Hop\",\"pin\":\"864213\"}", &j),
                     201);
    assert_true(json_is_true(json_object_get(j, "has_pin")));
    assert_null(json_object_get(j, "pin"));
    json_decref(j);
    struct store_conference c;
    assert_int_equal(store_conference_get(f->control->store, "hop", &c), STORE_OK);
    assert_true(secret_is_pin_hash(c.pin_hash));
    assert_true(secret_pin_verify("864213", c.pin_hash));
    assert_false(secret_pin_verify("864214", c.pin_hash));
    /* An older mcud's row: the plain PIN, hashed by the start-up pass. */
    g_free(c.pin_hash);
    c.pin_hash = g_strdup("97531086");
    assert_int_equal(store_conference_update(f->control->store, &c), STORE_OK);
    store_conference_clear(&c);
    assert_true(file_contains(f, "hoinghi.db", "97531086") ||
                file_contains(f, "hoinghi.db-wal", "97531086"));
    assert_int_equal(control_hash_stored_pins(f->control), 1);
    assert_int_equal(control_hash_stored_pins(f->control), 0);
    assert_int_equal(store_conference_get(f->control->store, "hop", &c), STORE_OK);
    assert_true(secret_pin_verify("97531086", c.pin_hash));
    store_conference_clear(&c);
    /* Nothing of the old text is left in the file or its WAL. */
    assert_false(file_contains(f, "hoinghi.db", "97531086"));
    assert_false(file_contains(f, "hoinghi.db-wal", "97531086"));
    /* PATCH: a new PIN, then none. */
    assert_int_equal(
        call_json(f, "PATCH", "/api/v1/conferences/hop", f->admin, "{\"pin\":null}", &j), 200);
    assert_true(json_is_false(json_object_get(j, "has_pin")));
    json_decref(j);
}

/* Host tokens: issued at create for host_required, stored as SHA-256, admitted as the
 * host; a new one replaces the old one. */
static void host_tokens(void **state)
{
    struct fixture *f = *state;
    json_t *j = NULL;
    assert_int_equal(
        call_json(f, "POST", "/api/v1/conferences", f->admin,
                  "{\"id\":\"hop\",\"title\":\"Hop\",\"pin\":\"1357\",\"host_required\":true,"
                  "\"rooms\":[\"Hue\"]}",
                  &j),
        201);
    assert_true(json_is_true(json_object_get(j, "host_required")));
    assert_true(json_is_true(json_object_get(j, "has_host_token")));
    const char *t = json_string_value(json_object_get(json_object_get(j, "host"), "token"));
    assert_non_null(t);
    assert_true(strncmp(t, "ht_", 3) == 0);
    assert_non_null(
        strstr(json_string_value(json_object_get(json_object_get(j, "host"), "join_url")), t));
    char host[128], room[128];
    snprintf(host, sizeof host, "%s", t);
    snprintf(room, sizeof room, "%s",
             json_string_value(
                 json_object_get(json_array_get(json_object_get(j, "rooms"), 0), "token")));
    json_decref(j);
    struct control *control = f->control;
    assert_int_equal(control_admit_join(control, "hop", host, NULL), CONTROL_ADMIT_HOST);
    assert_int_equal(control_admit_join(control, "hop", room, NULL), CONTROL_ADMIT_TOKEN);
    assert_int_equal(control_admit_join(control, "hop", "ht_nope", NULL), CONTROL_ADMIT_BAD_TOKEN);
    assert_int_equal(control_admit_join(control, "hop", NULL, NULL), CONTROL_ADMIT_CHECK_PIN);
    struct store_conference c;
    assert_int_equal(store_conference_get(control->store, "hop", &c), STORE_OK);
    assert_int_equal(strlen(c.host_token_hash), SECRET_HASH_HEX - 1);
    assert_null(strstr(c.host_token_hash, host + 3));
    store_conference_clear(&c);
    /* A new one: the old one stops working. */
    assert_int_equal(call_json(f, "POST", "/api/v1/conferences/hop/host-token", f->admin, NULL, &j),
                     200);
    const char *fresh = json_string_value(json_object_get(j, "token"));
    assert_non_null(fresh);
    assert_int_equal(control_admit_join(control, "hop", fresh, NULL), CONTROL_ADMIT_HOST);
    assert_int_equal(control_admit_join(control, "hop", host, NULL), CONTROL_ADMIT_BAD_TOKEN);
    json_decref(j);
    assert_int_equal(
        call_json(f, "POST", "/api/v1/conferences/nope/host-token", f->admin, NULL, NULL), 404);
    assert_int_equal(
        call_json(f, "PATCH", "/api/v1/conferences/hop", f->admin, "{\"host_required\":1}", &j),
        400);
    json_decref(j);
}

/* Found by fuzzing (tests/fuzz/regressions/fuzz_rest_body/): error messages that quote
 * the client's bytes must stay JSON. A JSON error near bytes that are not UTF-8 lost
 * its error body (an empty {} 400) and its audit entry could not be listed, and a long non-ASCII layout name, cut inside a
 * character in its field message, lost the field error: the conference was created
 * with the default layout, and PUT .../layout answered 400 without saying which field. */
static void non_utf8_in_error_messages(void **state)
{
    struct fixture *f = *state;
    json_t *j = NULL;
    static const char bad[] = "{\"tinhanh v\xe1\xbb\x81 \\\xe1\xbb\x8b"
                              "ch\": \"4x2\"}";
    assert_int_equal(
        call(f, "POST", "/api/v1/conferences", NULL, f->admin, bad, sizeof bad - 1, &j), 400);
    assert_error(j, "bad_json");
    json_decref(j);
    /* ...and its audit entry, whose result quotes the same bytes, is listed */
    assert_int_equal(
        call(f, "GET", "/api/v1/audit", "action=conference.create&limit=1", f->admin, NULL, 0, &j),
        200);
    assert_int_equal(json_array_size(j), 1);
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(j, 0), "result")),
                           "invalid escape"));
    json_decref(j);
    /* a raw path that is not UTF-8, quoted by the 404 */
    assert_int_equal(call_json(f, "GET", "/api/v1/conferences/\xff\xfe/x/y", f->admin, NULL, &j),
                     404);
    assert_error(j, "not_found");
    json_decref(j);

    GString *body = g_string_new("{\"title\": \"x\", \"layout\": \"");
    for (int i = 0; i < 100; i++) g_string_append(body, "\xe1\xbb\x9f");
    g_string_append(body, "\"}");
    assert_int_equal(call_json(f, "POST", "/api/v1/conferences", f->admin, body->str, &j), 400);
    assert_error(j, "validation_failed");
    assert_non_null(
        json_object_get(json_object_get(json_object_get(j, "error"), "fields"), "layout"));
    json_decref(j);
    /* the same layout through PUT .../layout (its field message was lost too) */
    assert_int_equal(call_json(f, "POST", "/api/v1/conferences", f->admin,
                               "{\"id\": \"utf\", \"title\": \"x\"}", &j),
                     201);
    json_decref(j);
    g_string_erase(body, 0, strlen("{\"title\": \"x\", "));
    g_string_prepend(body, "{");
    assert_int_equal(call_json(f, "PUT", "/api/v1/conferences/utf/layout", f->admin, body->str, &j),
                     400);
    assert_error(j, "validation_failed");
    assert_non_null(
        json_object_get(json_object_get(json_object_get(j, "error"), "fields"), "layout"));
    json_decref(j);
    g_string_free(body, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(admin_token_file_is_private, setup, teardown),
        cmocka_unit_test_setup_teardown(authentication_and_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(create_validate_and_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(hostile_input_gets_clear_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(non_utf8_in_error_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(stats_and_metrics, setup, teardown),
        cmocka_unit_test_setup_teardown(every_route_needs_a_token, setup, teardown),
        cmocka_unit_test_setup_teardown(pins_are_stored_hashed, setup, teardown),
        cmocka_unit_test_setup_teardown(host_tokens, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
