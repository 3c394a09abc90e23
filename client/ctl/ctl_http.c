/* ctl_http.c - mcuctl's HTTP client: one libcurl request per call, the bearer token,
 * JSON in and out, and the API's error shape turned into a message and an exit code. */
#include "client/ctl/ctl.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#define MAX_ANSWER (64 * 1024 * 1024)

static size_t collect(char *data, size_t size, size_t n, void *user)
{
    GString *s = user;
    if (s->len + size * n > MAX_ANSWER) return 0;
    g_string_append_len(s, data, (gssize)(size * n));
    return size * n;
}

char *ctl_escape(const char *segment) { return g_uri_escape_string(segment, NULL, FALSE); }

bool ctl_append_query(GString *path, const struct ctl_args *a, const struct ctl_query_param *params)
{
    char sep = strchr(path->str, '?') ? '&' : '?';
    for (const struct ctl_query_param *q = params; q->option; q++) {
        const char *v = ctl_opt_value(a, q->option);
        if (!v) continue;
        char *value = q->time ? ctl_time_arg(v) : g_strdup(v);
        if (!value) {
            fprintf(stderr,
                    "mcuctl: --%s: '%s' is not a time (now, +10m, 2025-03-01 09:00, or ISO 8601)\n",
                    q->option, v);
            return false;
        }
        char *escaped = ctl_escape(value);
        g_string_append_printf(path, "%c%s=%s", sep, q->param, escaped);
        sep = '&';
        g_free(escaped);
        g_free(value);
    }
    return true;
}

static int exit_for(long status)
{
    if (status >= 200 && status < 300) return CTL_OK;
    switch (status) {
    case 400: return CTL_INVALID;
    case 401:
    case 403: return CTL_DENIED;
    case 404: return CTL_NOT_FOUND;
    case 409: return CTL_CONFLICT;
    default: return CTL_ERROR;
    }
}

/* Sends the request; *answer gets the body. Returns the HTTP status, or -1. */
static long perform(struct ctl *ctl, const char *method, const char *path, const char *body,
                    GString *answer)
{
    CURL *curl = curl_easy_init();
    if (!curl) {
        fprintf(stderr, "mcuctl: cannot start libcurl\n");
        return -1;
    }
    char *url = g_strconcat(ctl->server, path, NULL);
    struct curl_slist *headers = NULL;
    char *auth = ctl->token ? g_strdup_printf("Authorization: Bearer %s", ctl->token) : NULL;
    if (auth) headers = curl_slist_append(headers, auth);
    headers = curl_slist_append(headers, "Accept: application/json");
    if (body) headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, answer);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (ctl->cacert) curl_easy_setopt(curl, CURLOPT_CAINFO, ctl->cacert);
    /* POST/PUT/PATCH always carry a body (Content-Length: 0 when empty). */
    if (!body && strcmp(method, "GET") != 0 && strcmp(method, "DELETE") != 0) body = "";
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    long status = -1;
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    else
        fprintf(stderr, "mcuctl: cannot reach %s: %s\n", ctl->server, curl_easy_strerror(rc));
    curl_slist_free_all(headers);
    if (auth) {
        memset(auth, 0, strlen(auth));
        g_free(auth);
    }
    g_free(url);
    curl_easy_cleanup(curl);
    return status;
}

/* The API's field names (docs/api.md) as the flags an operator typed: the server's
 * refusals are told in mcuctl's terms. A field not listed is shown as it is. */
static const struct {
    const char *field, *flag;
} field_flags[] = {
    {"title", "--title"},
    {"layout", "--layout"},
    {"pin", "--pin"},
    {"record", "--record-policy"},
    {"max_participants", "--max-participants"},
    {"canvas", "--size/--fps"},
    {"canvas.width", "--size"},
    {"canvas.height", "--size"},
    {"canvas.fps", "--fps"},
    {"codecs", "--codecs"},
    {"rooms", "--room"},
    {"host_required", "--host-required"},
    {"schedule", "--start/--end/--duration"},
    {"schedule.start", "--start"},
    {"schedule.end", "--end"},
    {"schedule.duration", "--duration"},
    {"schedule.timezone", "--timezone"},
    {"schedule.early_join_minutes", "--early-join"},
    {"schedule.recurrence", "--repeat"},
    {"schedule.recurrence.freq", "--repeat"},
    {"schedule.recurrence.count", "--count"},
    {"schedule.recurrence.until", "--until"},
    {"role", "--role"},
};

static void print_field_error(const char *field, const char *why)
{
    const char *flag = field;
    for (size_t i = 0; i < G_N_ELEMENTS(field_flags); i++)
        if (strcmp(field_flags[i].field, field) == 0) flag = field_flags[i].flag;
    if (strncmp(field, "rooms[", 6) == 0 || strncmp(field, "rooms.", 6) == 0) flag = "--room";
    char *text = g_strdup(why ? why : "");
    /* The API also takes null (no value); a flag is either given or not. */
    if (flag != field && g_str_has_suffix(text, " or null")) text[strlen(text) - 8] = '\0';
    fprintf(stderr, "  %s: %s\n", flag, text);
    g_free(text);
}

static void print_error(struct ctl *ctl, long status, json_t *answer)
{
    json_t *error = json_object_get(answer, "error");
    const char *code = json_string_value(json_object_get(error, "code"));
    const char *message = json_string_value(json_object_get(error, "message"));
    if (ctl->json && answer) {
        ctl_print_json(answer);
    }
    fprintf(stderr, "mcuctl: %s (HTTP %ld%s%s)\n",
            message ? message : "the server refused the request", status, code ? ", " : "",
            code ? code : "");
    const char *field;
    json_t *why;
    json_object_foreach(json_object_get(error, "fields"), field, why)
        print_field_error(field, json_string_value(why));
    if (status == 401 && ctl->token_source)
        fprintf(stderr, "  (token from %s)\n", ctl->token_source);
    if (status == 401 && !ctl->token)
        fprintf(stderr, "  no token: use --token, MCU_TOKEN, a config file, or run on the mcud "
                        "machine (STATE_DIR/admin.token)\n");
}

int ctl_call(struct ctl *ctl, const char *method, const char *path, json_t *body, json_t **out)
{
    *out = NULL;
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    GString *answer = g_string_new(NULL);
    long status = perform(ctl, method, path, text, answer);
    free(text);
    if (status < 0) {
        g_string_free(answer, TRUE);
        return CTL_UNREACHABLE;
    }
    json_t *json = answer->len ? json_loadb(answer->str, answer->len, 0, NULL) : NULL;
    g_string_free(answer, TRUE);
    int code = exit_for(status);
    if (code != CTL_OK) {
        print_error(ctl, status, json);
        json_decref(json);
        return code;
    }
    if (!json) {
        fprintf(stderr, "mcuctl: the server's answer is not JSON (HTTP %ld)\n", status);
        return CTL_ERROR;
    }
    *out = json;
    return CTL_OK;
}

int ctl_call_text(struct ctl *ctl, const char *path, char **out)
{
    *out = NULL;
    GString *answer = g_string_new(NULL);
    long status = perform(ctl, "GET", path, NULL, answer);
    if (status < 0) {
        g_string_free(answer, TRUE);
        return CTL_UNREACHABLE;
    }
    int code = exit_for(status);
    if (code != CTL_OK) {
        json_t *json = json_loadb(answer->str, answer->len, 0, NULL);
        print_error(ctl, status, json);
        json_decref(json);
        g_string_free(answer, TRUE);
        return code;
    }
    *out = g_string_free(answer, FALSE);
    return CTL_OK;
}
