/* ice_transport.c - libnice agent for one participant; see ice_transport.h. */
#include "mcu/transport/ice_transport.h"

#include <agent.h>
#include <stdio.h>
#include <string.h>

#include "mcu/core/log.h"

struct ice_transport {
    NiceAgent *agent;
    guint stream_id;
    struct ice_transport_events events;
    void *owner;
    enum ice_state state;
    char *local_ufrag;
    char *local_pwd;
    char *public_address;
    gulong state_handler;
    /* The peer's side as last given, to check again after losing consent. */
    char *remote_ufrag;
    char *remote_pwd;
    GPtrArray *remote_candidates; /* "a=candidate:..." strings */
    bool remote_done;
};

static void on_receive(NiceAgent *agent, guint stream_id, guint component_id, guint len, gchar *buf,
                       gpointer user)
{
    (void)agent;
    (void)stream_id;
    (void)component_id;
    struct ice_transport *t = user;
    t->events.datagram(t->owner, (const uint8_t *)buf, len);
}

static void on_component_state_changed(NiceAgent *agent, guint stream_id, guint component_id,
                                       guint state, gpointer user)
{
    (void)agent;
    (void)component_id;
    struct ice_transport *t = user;
    if (stream_id != t->stream_id) return;
    enum ice_state next = t->state;
    switch (state) {
    case NICE_COMPONENT_STATE_CONNECTING:
        if (t->state == ICE_STATE_NEW) next = ICE_STATE_CHECKING;
        break;
    case NICE_COMPONENT_STATE_CONNECTED:
    case NICE_COMPONENT_STATE_READY: next = ICE_STATE_CONNECTED; break;
    case NICE_COMPONENT_STATE_FAILED: next = ICE_STATE_FAILED; break;
    default: break;
    }
    if (next != t->state) {
        t->state = next;
        t->events.state_changed(t->owner, next);
    }
}

struct ice_transport *ice_transport_new(const struct ice_transport_config *config,
                                        const struct ice_transport_events *events, void *owner,
                                        char *err, size_t errlen)
{
    struct ice_transport *t = g_new0(struct ice_transport, 1);
    t->events = *events;
    t->owner = owner;
    t->public_address = g_strdup(config->public_address);
    t->remote_candidates = g_ptr_array_new_with_free_func(g_free);

    t->agent =
        nice_agent_new_full(config->context, NICE_COMPATIBILITY_RFC5245,
                            NICE_AGENT_OPTION_ICE_TRICKLE | NICE_AGENT_OPTION_CONSENT_FRESHNESS);
    g_object_set(t->agent, "upnp", FALSE, "ice-tcp", FALSE, "ice-udp", TRUE, "controlling-mode",
                 FALSE, NULL);

    size_t added = 0;
    for (size_t i = 0; config->local_addresses && config->local_addresses[i]; i++) {
        NiceAddress address;
        nice_address_init(&address);
        if (!nice_address_set_from_string(&address, config->local_addresses[i])) {
            snprintf(err, errlen, "ICE address '%s' is not an IP address",
                     config->local_addresses[i]);
            goto fail;
        }
        nice_agent_add_local_address(t->agent, &address);
        added++;
    }

    t->stream_id = nice_agent_add_stream(t->agent, 1);
    if (t->stream_id == 0) {
        snprintf(err, errlen, "libnice could not add a stream");
        goto fail;
    }
    nice_agent_set_stream_name(t->agent, t->stream_id, "application");
    nice_agent_attach_recv(t->agent, t->stream_id, 1, config->context, on_receive, t);
    t->state_handler = g_signal_connect(t->agent, "component-state-changed",
                                        G_CALLBACK(on_component_state_changed), t);
    if (!nice_agent_gather_candidates(t->agent, t->stream_id)) {
        snprintf(err, errlen, "ICE gathering failed on %s",
                 added ? "the configured --ice-address list" : "this machine's interfaces");
        goto fail;
    }
    nice_agent_get_local_credentials(t->agent, t->stream_id, &t->local_ufrag, &t->local_pwd);
    return t;

fail:
    ice_transport_free(t);
    return NULL;
}

void ice_transport_free(struct ice_transport *t)
{
    if (!t) return;
    if (t->agent) {
        if (t->state_handler) g_signal_handler_disconnect(t->agent, t->state_handler);
        if (t->stream_id) {
            nice_agent_attach_recv(t->agent, t->stream_id, 1, NULL, NULL, NULL);
            nice_agent_remove_stream(t->agent, t->stream_id);
        }
        g_object_unref(t->agent);
    }
    g_free(t->local_ufrag);
    g_free(t->local_pwd);
    g_free(t->public_address);
    g_free(t->remote_ufrag);
    g_free(t->remote_pwd);
    if (t->remote_candidates) g_ptr_array_free(t->remote_candidates, TRUE);
    g_free(t);
}

const char *ice_transport_local_ufrag(const struct ice_transport *t) { return t->local_ufrag; }
const char *ice_transport_local_pwd(const struct ice_transport *t) { return t->local_pwd; }

char **ice_transport_local_candidates(const struct ice_transport *t)
{
    GSList *list = nice_agent_get_local_candidates(t->agent, t->stream_id, 1);
    GPtrArray *out = g_ptr_array_new();
    for (GSList *l = list; l; l = l->next) {
        NiceCandidate *c = l->data;
        if (c->transport != NICE_CANDIDATE_TRANSPORT_UDP) continue;
        if (t->public_address) {
            guint port = nice_address_get_port(&c->addr);
            if (nice_address_set_from_string(&c->addr, t->public_address)) {
                nice_address_set_port(&c->addr, port);
                c->base_addr = c->addr; /* no raddr: the private address stays private */
            }
        }
        gchar *line = nice_agent_generate_local_candidate_sdp(t->agent, c);
        /* libnice writes "a=candidate:..."; SDP attribute values have no "a=". */
        const char *value = g_str_has_prefix(line, "a=") ? line + 2 : line;
        g_ptr_array_add(out, g_strdup(value));
        g_free(line);
    }
    g_slist_free_full(list, (GDestroyNotify)nice_candidate_free);
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

int ice_transport_set_remote_credentials(struct ice_transport *t, const char *ufrag,
                                         const char *pwd)
{
    g_free(t->remote_ufrag);
    g_free(t->remote_pwd);
    t->remote_ufrag = g_strdup(ufrag);
    t->remote_pwd = g_strdup(pwd);
    return nice_agent_set_remote_credentials(t->agent, t->stream_id, ufrag, pwd) ? 0 : -1;
}

/* Hands libnice one remote candidate line ("a=candidate:..."); 0 added or ignored. */
static int add_remote_line(struct ice_transport *t, const char *line)
{
    NiceCandidate *c = nice_agent_parse_remote_candidate_sdp(t->agent, t->stream_id, line);
    if (!c) return -1;
    if (c->transport != NICE_CANDIDATE_TRANSPORT_UDP || c->component_id != 1) {
        nice_candidate_free(c);
        return 1;
    }
    GSList *list = g_slist_append(NULL, c);
    int added = nice_agent_set_remote_candidates(t->agent, t->stream_id, 1, list);
    g_slist_free_full(list, (GDestroyNotify)nice_candidate_free);
    return added >= 0 ? 0 : -1;
}

int ice_transport_recheck(struct ice_transport *t)
{
    char *ufrag = g_strdup(t->local_ufrag), *pwd = g_strdup(t->local_pwd);
    int rc = nice_agent_restart_stream(t->agent, t->stream_id) &&
                     nice_agent_set_local_credentials(t->agent, t->stream_id, ufrag, pwd) &&
                     nice_agent_set_remote_credentials(t->agent, t->stream_id, t->remote_ufrag,
                                                       t->remote_pwd)
                 ? 0
                 : -1;
    g_free(ufrag);
    g_free(pwd);
    for (guint i = 0; rc == 0 && i < t->remote_candidates->len; i++)
        add_remote_line(t, t->remote_candidates->pdata[i]);
    if (rc == 0 && t->remote_done) nice_agent_peer_candidate_gathering_done(t->agent, t->stream_id);
    return rc;
}

int ice_transport_restart(struct ice_transport *t, const char *remote_ufrag, const char *remote_pwd)
{
    if (!nice_agent_restart_stream(t->agent, t->stream_id)) return -1;
    g_free(t->local_ufrag);
    g_free(t->local_pwd);
    t->local_ufrag = t->local_pwd = NULL;
    if (!nice_agent_get_local_credentials(t->agent, t->stream_id, &t->local_ufrag, &t->local_pwd))
        return -1;
    log_info("ICE restart: local ufrag now %s", t->local_ufrag);
    g_ptr_array_set_size(t->remote_candidates, 0);
    t->remote_done = false;
    return ice_transport_set_remote_credentials(t, remote_ufrag, remote_pwd);
}

int ice_transport_add_remote_candidate(struct ice_transport *t, const char *candidate)
{
    char *line = g_str_has_prefix(candidate, "a=") ? g_strdup(candidate)
                                                   : g_strconcat("a=", candidate, NULL);
    int rc = add_remote_line(t, line);
    if (rc < 0) {
        g_free(line);
        /* libnice cannot parse TCP candidates with tcptype in all forms; ignore TCP. */
        return strstr(candidate, " tcp ") || strstr(candidate, " TCP ") ? 0 : -1;
    }
    if (rc == 0 && t->remote_candidates->len < ICE_TRANSPORT_MAX_REMOTE_CANDIDATES)
        g_ptr_array_add(t->remote_candidates, line);
    else
        g_free(line);
    return 0;
}

void ice_transport_remote_candidates_done(struct ice_transport *t)
{
    t->remote_done = true;
    nice_agent_peer_candidate_gathering_done(t->agent, t->stream_id);
}

int ice_transport_send(struct ice_transport *t, const uint8_t *data, size_t length)
{
    /* No state check here: this may run on a conference's media thread, and libnice itself
     * refuses to send before a pair is selected (and is thread-safe). */
    gint n = nice_agent_send(t->agent, t->stream_id, 1, (guint)length, (const gchar *)data);
    return n == (gint)length ? 0 : -1;
}

enum ice_state ice_transport_state(const struct ice_transport *t) { return t->state; }
