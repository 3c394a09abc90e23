/* join_access.c - the join checks (lock, tokens, host token, PIN) and the host state
 * events; see join_access.h. */
#include "mcu/session/join_access.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "mcu/core/config.h"
#include "mcu/control/control.h"
#include "mcu/session/participant.h"
#include "mcu/core/secret.h"
#include "mcu/server.h"

static int refuse(struct mcu_server *server, struct join_access *out, const char *code, const char *fmt,
                  const char *id)
{
    control_count_refused_join(server->control, code);
    out->code = code;
    snprintf(out->message, sizeof out->message, fmt, id);
    return -1;
}

int join_access_check(struct mcu_server *server, const struct mcu_conference_config *conf,
                      const char *token, const char *pin, struct join_access *out)
{
    memset(out, 0, sizeof *out);
    bool has_token = token && token[0];
    /* A config file conference's host token (a PIN hash, so a KDF run per try). */
    bool host = has_token && conf->host_token_hash && secret_verify(token, conf->host_token_hash);
    enum control_admission admission = control_admit_join(server->control, conf->id, host ? NULL : token, NULL);
    if (admission == CONTROL_ADMIT_LOCKED)
        return refuse(server, out, "conference_locked", "conference %s is locked", conf->id);
    if (admission == CONTROL_ADMIT_BAD_TOKEN)
        return refuse(server, out, "invalid_token", "the token is not valid for conference %s", conf->id);
    if (admission == CONTROL_ADMIT_HOST) host = true;
    out->host = host;
    if (host || admission == CONTROL_ADMIT_TOKEN || !conf->pin_hash) return 0;
    if (!secret_pin_verify(pin ? pin : "", conf->pin_hash))
        return refuse(server, out, "wrong_pin", "the PIN is not right for conference %s", conf->id);
    return 0;
}

char *join_access_host_event(bool waiting)
{
    json_t *event = json_pack("{s:s}", "type", waiting ? "waiting_for_host" : "host_present");
    char *text = event ? json_dumps(event, JSON_COMPACT) : NULL;
    json_decref(event);
    return text;
}

void join_access_announce_host_state(void *server, struct conference *conference, bool waiting)
{
    (void)server;
    participant_broadcast_event(conference, join_access_host_event(waiting));
}
