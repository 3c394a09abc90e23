/* ice_transport.h - one participant's ICE (RFC 8445) by libnice: full ICE, controlled
 * role (the MCU answers), one stream with one component (BUNDLE + rtcp-mux), UDP only,
 * no UPnP, gathering only on the configured local addresses, RFC 7675 consent
 * freshness. Candidates use the public address instead of the local one when a 1:1 NAT
 * mapping is configured.
 *
 * Runs on the given GLib main context. Datagrams and state changes go to the owner
 * through the events struct; ice_transport_send() sends one datagram on the selected
 * pair. */
#ifndef HOINGHI_MCU_ICE_TRANSPORT_H
#define HOINGHI_MCU_ICE_TRANSPORT_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ice_transport;

enum ice_state { ICE_STATE_NEW, ICE_STATE_CHECKING, ICE_STATE_CONNECTED, ICE_STATE_FAILED };

struct ice_transport_events {
    void (*datagram)(void *owner, const uint8_t *data, size_t length);
    void (*state_changed)(void *owner, enum ice_state state);
};

struct ice_transport_config {
    GMainContext *context;
    const char *const *local_addresses; /* NULL-terminated; NULL or empty = all interfaces */
    const char *public_address;         /* advertised instead of the local address; may be NULL */
};

/* Creates the agent and gathers host candidates on the configured addresses (this
 * completes before the call returns). */
struct ice_transport *ice_transport_new(const struct ice_transport_config *config,
                                        const struct ice_transport_events *events, void *owner,
                                        char *err, size_t errlen);
void ice_transport_free(struct ice_transport *t);

const char *ice_transport_local_ufrag(const struct ice_transport *t);
const char *ice_transport_local_pwd(const struct ice_transport *t);

/* Local candidates as SDP attribute values ("candidate:1 1 UDP ..."); a NULL-terminated
 * array the caller frees with g_strfreev(). */
char **ice_transport_local_candidates(const struct ice_transport *t);

/* The remote side's credentials; call once before adding candidates. */
int ice_transport_set_remote_credentials(struct ice_transport *t, const char *ufrag,
                                         const char *pwd);

/* ICE restart (RFC 8445 section 9) on the peer's new credentials: new local
 * credentials (read them again with ice_transport_local_ufrag/pwd), the remote
 * candidates and checks start over; until a new pair is selected, datagrams keep
 * going out on the old one. Add the peer's candidates afresh afterwards. */
int ice_transport_restart(struct ice_transport *t, const char *remote_ufrag,
                          const char *remote_pwd);

/* Checks the peer again after libnice lost its consent (RFC 7675) while the peer may
 * well be there (a burst of loss ate the answers): the stream restarts with the same
 * local and remote credentials and candidates, so the peer sees nothing change, and
 * libnice sends on the pair again once checks succeed. 0, or -1 if libnice refused. */
int ice_transport_recheck(struct ice_transport *t);

#define ICE_TRANSPORT_MAX_REMOTE_CANDIDATES 64

/* One remote candidate ("candidate:..." or "a=candidate:..."). TCP candidates are
 * ignored (returns 0); an unparseable one returns -1. */
int ice_transport_add_remote_candidate(struct ice_transport *t, const char *candidate);

/* The remote side has no more candidates. */
void ice_transport_remote_candidates_done(struct ice_transport *t);

/* Sends one datagram on the selected pair; -1 when not connected. Thread-safe. */
int ice_transport_send(struct ice_transport *t, const uint8_t *data, size_t length);

enum ice_state ice_transport_state(const struct ice_transport *t);

#endif
