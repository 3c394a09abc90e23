/* fuzz_rest_body.c - libFuzzer target: the body of a REST API request into the same
 * parsing the handlers do (mcu/control/api/api.c api_read_body(), then
 * mcu/control/api/api_conference_fields.c api_conference_apply() and
 * api_conference_check_not_over()), without a store. The first byte picks the request:
 * 0 POST /conferences (create: defaults, every field checked), 1 PATCH
 * /conferences/{id} (update of a stored conference), 2 PUT .../layout (the layout
 * text through api_layout_valid(), as api_layout_set() checks it). The rest is the
 * body.
 * Checks the answers' contract: a refused body gets the one error shape
 * {"error": {"code", "message"}}; a field that is given but not applied must be
 * named in the field errors (no error may be lost); the field errors are what
 * api_field_errors() turns into a 400. */
#include <glib.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcu/core/config.h"
#include "mcu/control/control_internal.h"
#include "mcu/http/http_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error_shape(const json_t *body)
{
    json_t *error = json_object_get(body, "error");
    const char *code = json_string_value(json_object_get(error, "code"));
    const char *message = json_string_value(json_object_get(error, "message"));
    if (!code || !message || !message[0]) abort();
}

/* A string field given in the body must end up in the conference or in `errors`. */
static void check_applied(json_t *body, json_t *errors, const char *key, const char *value)
{
    json_t *given = json_object_get(body, key);
    if (!json_is_string(given) || json_object_get(errors, key)) return;
    if (!value || strcmp(value, json_string_value(given)) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    struct mcu_conference_config echo = {.id = (char *)MCU_CONFIG_ECHO_ID, .title = (char *)"echo"};
    struct mcu_config config = {.conferences = &echo, .conference_count = 1};
    struct control control = {.config = &config};

    char *text = g_strndup((const char *)data + 1, size - 1); /* the HTTP layer NUL-terminates */
    struct http_request request = {.method = "POST",
                                   .path = "/api/v1/conferences",
                                   .query = "",
                                   .authorization = "",
                                   .body = text,
                                   .body_length = size - 1,
                                   .peer = "127.0.0.1"};
    struct api_call call = {.control = &control, .request = &request, .status = 500};
    json_t *body = api_read_body(&call, false);
    if (!body) {
        if (call.status != 400 || !call.error_message) abort();
        check_error_shape(call.body);
    } else if (data[0] % 3 == 2) {
        const char *layout = json_string_value(json_object_get(body, "layout"));
        char why[256] = "";
        if (layout && !api_layout_valid(layout, 1280, 720, why, sizeof why)) {
            api_field_errors(&call, json_pack("{s:s}", "layout", why));
            if (!json_object_get(json_object_get(json_object_get(call.body, "error"), "fields"),
                                 "layout"))
                abort();
        }
    } else {
        bool create = data[0] % 3 == 0;
        struct store_conference c;
        api_conference_defaults(&c);
        if (!create) {
            c.id = g_strdup("giao-ban");
            c.title = g_strdup("Giao ban");
            c.start = 1740794400; /* 2025-03-01 09:00 +07 */
        }
        GPtrArray *rooms = NULL;
        json_t *errors = json_object();
        api_conference_apply(&control, body, &c, create, &rooms, errors);
        if (!json_object_size(errors)) api_conference_check_not_over(&c, errors);
        check_applied(body, errors, "title", c.title);
        check_applied(body, errors, "layout", c.layout);
        check_applied(body, errors, "id", c.id);
        if (json_object_size(errors)) {
            api_field_errors(&call, errors); /* steals errors */
            check_error_shape(call.body);
        } else {
            json_decref(errors);
            if (!c.title || !c.layout || !c.timezone) abort();
        }
        if (rooms) g_ptr_array_free(rooms, TRUE);
        store_conference_clear(&c);
    }
    json_decref(body);
    json_decref(call.body);
    g_free(call.error_message);
    g_free(call.target);
    g_free(text);
    return 0;
}
