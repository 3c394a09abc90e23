/* join_access.h - who may join a conference: the operator lock, invited rooms' tokens,
 * the host token and the PIN, all checked against hashes (mcu/core/secret.h) in constant
 * time; and the signalling events of "host must be present" (docs/protocol.md).
 * Control thread. */
#ifndef HOINGHI_MCU_JOIN_ACCESS_H
#define HOINGHI_MCU_JOIN_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

struct mcu_conference_config;
struct conference;
struct registry;

/* What the stored state (the operator plane's) says of a join with a token. */
enum join_admission {
    JOIN_ADMIT_CHECK_PIN, /* no token given: the PIN (if any) decides */
    JOIN_ADMIT_TOKEN,     /* a valid invited room's token: no PIN needed */
    JOIN_ADMIT_HOST,      /* the conference's host token: no PIN needed, the room is
                               the host */
    JOIN_ADMIT_BAD_TOKEN, /* a token was given and is not one of the conference's */
    JOIN_ADMIT_LOCKED,    /* an operator locked the conference */
};

/* The operator plane's part of the checks, wired by the server. Any function may be
 * NULL (no operator plane): then a token is a bad one, refusals are not counted and
 * attendance is not recorded. */
struct join_access_hooks {
    /* token: NULL or "" for none. */
    enum join_admission (*admit)(void *owner, const char *conference_id, const char *token);
    /* A join was refused for `code` (wrong_pin, invalid_token, conference_locked). */
    void (*refused)(void *owner, const char *code);
    /* A room joined a conference (left_reason NULL), or left it (why: "left",
     * "connection closed", a kick's reason): the attendance record. Not for a room's
     * content (presenting) connections. */
    void (*attendance)(void *owner, const char *conference_id, const char *participant_id,
                       const char *name, const char *left_reason);
    void *owner;
};

struct join_access {
    bool host;         /* joined with the host token */
    const char *code;  /* refused: the protocol's error code */
    char message[192]; /* refused: why, for the room and the log */
};

/* May a room join `conf` with this token and PIN (either may be NULL)? The host token
 * (the conference's, or a stored conference's in the store) and an invited room's
 * token admit without the PIN; a lock refuses everyone. Returns 0 (admitted; out->host
 * says whether as the host) or -1 (out->code and out->message say why). A wrong PIN
 * costs the KDF's time (about 15 ms) and is logged by the caller. */
int join_access_check(const struct join_access_hooks *hooks,
                      const struct mcu_conference_config *conf, const char *token, const char *pin,
                      struct join_access *out);

/* The event for a host-required conference's state: {"type":"waiting_for_host"} or
 * {"type":"host_present"}; malloc'd JSON text. */
char *join_access_host_event(bool waiting);

/* conference_events.host_state, given the registry: tells every member of the
 * conference. */
void join_access_announce_host_state(struct registry *registry, struct conference *conference,
                                     bool waiting);

#endif
