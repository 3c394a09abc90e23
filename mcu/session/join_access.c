/* join_access.c - the join checks (lock, tokens, host token, PIN) and the host state
 * events; see join_access.h. */
#include "mcu/session/join_access.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "mcu/conference/registry.h"
#include "mcu/core/config.h"
#include "mcu/core/secret.h"

static int refuse(const struct join_access_hooks *hooks, struct join_access *out, const char *code,
                  const char *fmt, const char *id)
{
    if (hooks->refused) hooks->refused(hooks->owner, code);
    out->code = code;
    snprintf(out->message, sizeof out->message, fmt, id);
    return -1;
}

static enum join_admission admit(const struct join_access_hooks *hooks, const char *id,
                                 const char *token)
{
    if (hooks->admit) return hooks->admit(hooks->owner, id, token);
    return token && token[0] ? JOIN_ADMIT_BAD_TOKEN : JOIN_ADMIT_CHECK_PIN;
}

int join_access_check(const struct join_access_hooks *hooks,
                      const struct mcu_conference_config *conf, const char *token, const char *pin,
                      struct join_access *out)
{
    memset(out, 0, sizeof *out);
    bool has_token = token && token[0];
    /* A config file conference's host token (a PIN hash, so a KDF run per try). */
    bool host = has_token && conf->host_token_hash && secret_verify(token, conf->host_token_hash);
    enum join_admission admission = admit(hooks, conf->id, host ? NULL : token);
    if (admission == JOIN_ADMIT_LOCKED)
        return refuse(hooks, out, "conference_locked", "conference %s is locked", conf->id);
    if (admission == JOIN_ADMIT_BAD_TOKEN)
        return refuse(hooks, out, "invalid_token", "the token is not valid for conference %s",
                      conf->id);
    if (admission == JOIN_ADMIT_HOST) host = true;
    out->host = host;
    if (host || admission == JOIN_ADMIT_TOKEN || !conf->pin_hash) return 0;
    if (!secret_pin_verify(pin ? pin : "", conf->pin_hash))
        return refuse(hooks, out, "wrong_pin", "the PIN is not right for conference %s", conf->id);
    return 0;
}

char *join_access_host_event(bool waiting)
{
    json_t *event = json_pack("{s:s}", "type", waiting ? "waiting_for_host" : "host_present");
    char *text = event ? json_dumps(event, JSON_COMPACT) : NULL;
    json_decref(event);
    return text;
}

void join_access_announce_host_state(struct registry *registry, struct conference *conference,
                                     bool waiting)
{
    registry_broadcast(registry, conference_config(conference)->id, join_access_host_event(waiting),
                       NULL);
}
