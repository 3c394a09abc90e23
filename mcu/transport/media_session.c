/* media_session.c - ICE + DTLS + SRTP for one participant; see media_session.h. */
#include "mcu/transport/media_session.h"

#include <stdio.h>
#include <string.h>

#include "mcu/transport/ice_transport.h"
#include "mcu/core/glib_source.h"
#include "mcu/core/log.h"
#include "mcu/transport/srtp_session.h"
#include "mixer/rtp/rtp.h"

#define WATCHDOG_INTERVAL_MS 1000

struct media_session {
    GMainContext *context;
    struct media_session_events events;
    void *owner;
    enum media_state state;
    struct ice_transport *ice;
    struct dtls_transport *dtls;
    struct srtp_session *srtp;
    GSource *dtls_timer;
    GSource *watchdog;
    GSource *recheck; /* pending ice_transport_recheck() after lost consent */
    int64_t last_receive_us;
    int64_t ice_lost_us; /* when consent was lost on a connected session; 0: not */
    struct media_session_stats stats;
    uint8_t buffer[MEDIA_SESSION_MAX_PACKET + SRTP_SESSION_MAX_TRAILER]; /* receive path */
    /* The send path may run on a conference's media thread while the control thread
     * receives: `send_lock` guards the state as seen by senders, the outbound SRTP
     * context and the send counters. */
    GMutex send_lock;
    enum media_state send_state;
    struct srtp_session *send_srtp;
};

const char *media_state_name(enum media_state state)
{
    switch (state) {
    case MEDIA_STATE_CONNECTING: return "connecting";
    case MEDIA_STATE_CONNECTED: return "connected";
    case MEDIA_STATE_FAILED: return "failed";
    case MEDIA_STATE_CLOSED: return "closed";
    }
    return "unknown";
}

static void set_state(struct media_session *s, enum media_state state, const char *reason)
{
    if (s->state == state) return;
    if (s->state == MEDIA_STATE_FAILED || s->state == MEDIA_STATE_CLOSED) return;
    s->state = state;
    g_mutex_lock(&s->send_lock);
    s->send_state = state;
    s->send_srtp = state == MEDIA_STATE_CONNECTED ? s->srtp : NULL;
    g_mutex_unlock(&s->send_lock);
    s->events.state_changed(s->owner, state, reason ? reason : "");
}

static void schedule_dtls_timer(struct media_session *s);

/* Sends whatever DTLS wants to send, then re-arms its retransmission timer. */
static void flush_dtls(struct media_session *s)
{
    uint8_t datagram[DTLS_TRANSPORT_MTU + 64];
    size_t n;
    while ((n = dtls_transport_pop_outgoing(s->dtls, datagram, sizeof datagram)) > 0)
        ice_transport_send(s->ice, datagram, n);
    schedule_dtls_timer(s);
}

static void check_dtls_state(struct media_session *s)
{
    enum dtls_state state = dtls_transport_state(s->dtls);
    if (state == DTLS_STATE_CONNECTED && !s->srtp) {
        struct dtls_srtp_keys keys;
        char err[256];
        if (dtls_transport_srtp_keys(s->dtls, &keys) != 0) {
            set_state(s, MEDIA_STATE_FAILED, "DTLS finished without SRTP keys");
            return;
        }
        enum dtls_srtp_profile profile = keys.profile;
        s->srtp = srtp_session_new(&keys, err, sizeof err);
        explicit_bzero(&keys, sizeof keys);
        if (!s->srtp) {
            set_state(s, MEDIA_STATE_FAILED, err);
            return;
        }
        log_debug("media: DTLS connected, SRTP profile %s", dtls_srtp_profile_name(profile));
        set_state(s, MEDIA_STATE_CONNECTED, NULL);
    } else if (state == DTLS_STATE_FAILED) {
        char reason[300];
        snprintf(reason, sizeof reason, "DTLS failed: %s", dtls_transport_failure_reason(s->dtls));
        set_state(s, MEDIA_STATE_FAILED, reason);
    } else if (state == DTLS_STATE_CLOSED) {
        set_state(s, MEDIA_STATE_CLOSED, "the peer closed DTLS");
    }
}

static gboolean on_dtls_timer(gpointer user)
{
    struct media_session *s = user;
    g_source_unref(s->dtls_timer);
    s->dtls_timer = NULL;
    dtls_transport_handle_timeout(s->dtls);
    flush_dtls(s);
    check_dtls_state(s);
    return G_SOURCE_REMOVE;
}

static void schedule_dtls_timer(struct media_session *s)
{
    glib_source_stop(&s->dtls_timer);
    int64_t ms = dtls_transport_timeout_ms(s->dtls);
    if (ms < 0) return;
    s->dtls_timer = g_timeout_source_new((guint)ms);
    g_source_set_callback(s->dtls_timer, on_dtls_timer, s, NULL);
    g_source_attach(s->dtls_timer, s->context);
}

static void on_datagram(void *owner, const uint8_t *data, size_t length)
{
    struct media_session *s = owner;
    s->last_receive_us = g_get_monotonic_time();
    s->stats.bytes_in += length;

    if (dtls_is_dtls_record(data, length)) {
        dtls_transport_handle_datagram(s->dtls, data, length);
        flush_dtls(s);
        check_dtls_state(s);
        return;
    }
    if (length < 2 || data[0] < 128 || data[0] > 191) { /* RFC 7983: not RTP/RTCP */
        s->stats.dropped_unknown++;
        return;
    }
    if (!s->srtp || length > MEDIA_SESSION_MAX_PACKET) {
        s->stats.dropped_early++;
        return;
    }
    memcpy(s->buffer, data, length);
    size_t n = length;
    if (rtp_is_rtcp(data, length)) {
        if (srtp_session_unprotect_rtcp(s->srtp, s->buffer, &n) != 0) {
            s->stats.dropped_unprotect++;
            return;
        }
        s->stats.rtcp_in++;
        s->events.rtcp(s->owner, s->buffer, n);
    } else {
        if (srtp_session_unprotect_rtp(s->srtp, s->buffer, &n) != 0) {
            s->stats.dropped_unprotect++;
            return;
        }
        s->stats.rtp_in++;
        s->events.rtp(s->owner, s->buffer, n);
    }
}

static gboolean on_recheck(gpointer user)
{
    struct media_session *s = user;
    g_source_unref(s->recheck);
    s->recheck = NULL;
    if (ice_transport_recheck(s->ice) != 0)
        log_warn("media: libnice could not check the peer again");
    return G_SOURCE_REMOVE;
}

static void on_ice_state(void *owner, enum ice_state state)
{
    struct media_session *s = owner;
    if (state == ICE_STATE_CONNECTED && s->ice_lost_us) {
        s->ice_lost_us = 0;
        log_info("media: ICE connected again");
    }
    if (state == ICE_STATE_CONNECTED && dtls_transport_state(s->dtls) == DTLS_STATE_NEW) {
        dtls_transport_start(s->dtls);
        flush_dtls(s);
        check_dtls_state(s);
    } else if (state == ICE_STATE_FAILED && s->state == MEDIA_STATE_CONNECTED) {
        /* The peer may come back with an ICE restart (a new offer); the watchdog
         * ends the session if it does not within MEDIA_SESSION_RESTART_GRACE_US. */
        if (!s->ice_lost_us) s->ice_lost_us = g_get_monotonic_time();
        log_info("media: ICE consent lost; checking the peer again and waiting up to %d s "
                 "for it or an ICE restart",
                 (int)(MEDIA_SESSION_RESTART_GRACE_US / G_USEC_PER_SEC));
        /* libnice sends no more on a pair whose consent it lost, even when the peer's
         * checks come through again: check anew (outside libnice's signal). */
        if (!s->recheck) {
            s->recheck = g_timeout_source_new(0);
            g_source_set_callback(s->recheck, on_recheck, s, NULL);
            g_source_attach(s->recheck, s->context);
        }
    } else if (state == ICE_STATE_FAILED) {
        set_state(s, MEDIA_STATE_FAILED, "ICE failed: no candidate pair worked");
    }
}

static gboolean on_watchdog(gpointer user)
{
    struct media_session *s = user;
    int64_t now = g_get_monotonic_time();
    if (s->ice_lost_us && now - s->ice_lost_us > MEDIA_SESSION_RESTART_GRACE_US)
        set_state(s, MEDIA_STATE_FAILED, "ICE consent lost: the peer stopped answering");
    else if (now - s->last_receive_us > MEDIA_SESSION_INACTIVITY_US)
        set_state(s, MEDIA_STATE_FAILED, "no packets from the peer for 30 seconds");
    return G_SOURCE_CONTINUE;
}

struct media_session *media_session_new(const struct media_session_config *config,
                                        const struct media_session_events *events, void *owner,
                                        char *err, size_t errlen)
{
    struct media_session *s = g_new0(struct media_session, 1);
    s->context = config->context;
    s->events = *events;
    s->owner = owner;
    s->state = MEDIA_STATE_CONNECTING;
    s->send_state = MEDIA_STATE_CONNECTING;
    g_mutex_init(&s->send_lock);
    s->last_receive_us = g_get_monotonic_time();

    s->dtls =
        dtls_transport_new(config->identity, config->dtls_role, config->remote_fingerprint_hash,
                           config->remote_fingerprint, err, errlen);
    if (!s->dtls) goto fail;
    /* A server waits for the ClientHello; start it now so it accepts one as soon as
     * ICE delivers it. A client starts once ICE is connected. */
    if (config->dtls_role == DTLS_ROLE_SERVER) dtls_transport_start(s->dtls);

    struct ice_transport_config ice_config = {
        .context = config->context,
        .local_addresses = config->ice_addresses,
        .public_address = config->public_address,
    };
    struct ice_transport_events ice_events = {.datagram = on_datagram,
                                              .state_changed = on_ice_state};
    s->ice = ice_transport_new(&ice_config, &ice_events, s, err, errlen);
    if (!s->ice) goto fail;
    if (ice_transport_set_remote_credentials(s->ice, config->remote_ice_ufrag,
                                             config->remote_ice_pwd) != 0) {
        snprintf(err, errlen, "the remote ICE credentials were refused");
        goto fail;
    }
    s->watchdog = g_timeout_source_new(WATCHDOG_INTERVAL_MS);
    g_source_set_callback(s->watchdog, on_watchdog, s, NULL);
    g_source_attach(s->watchdog, s->context);
    return s;

fail:
    media_session_free(s);
    return NULL;
}

void media_session_free(struct media_session *s)
{
    if (!s) return;
    glib_source_stop(&s->dtls_timer);
    glib_source_stop(&s->watchdog);
    glib_source_stop(&s->recheck);
    if (s->dtls && s->ice && dtls_transport_state(s->dtls) == DTLS_STATE_CONNECTED) {
        dtls_transport_close(s->dtls);
        uint8_t datagram[DTLS_TRANSPORT_MTU + 64];
        size_t n;
        while ((n = dtls_transport_pop_outgoing(s->dtls, datagram, sizeof datagram)) > 0)
            ice_transport_send(s->ice, datagram, n);
    }
    ice_transport_free(s->ice);
    srtp_session_free(s->srtp);
    dtls_transport_free(s->dtls);
    g_mutex_clear(&s->send_lock);
    g_free(s);
}

const char *media_session_local_ufrag(const struct media_session *s)
{
    return ice_transport_local_ufrag(s->ice);
}
const char *media_session_local_pwd(const struct media_session *s)
{
    return ice_transport_local_pwd(s->ice);
}
char **media_session_local_candidates(const struct media_session *s)
{
    return ice_transport_local_candidates(s->ice);
}

int media_session_restart_ice(struct media_session *s, const char *remote_ufrag,
                              const char *remote_pwd, char *err, size_t errlen)
{
    if (s->state != MEDIA_STATE_CONNECTED && s->state != MEDIA_STATE_CONNECTING) {
        snprintf(err, errlen, "the media session is %s", media_state_name(s->state));
        return -1;
    }
    if (ice_transport_restart(s->ice, remote_ufrag, remote_pwd) != 0) {
        snprintf(err, errlen, "libnice could not restart ICE");
        return -1;
    }
    return 0;
}

int media_session_add_remote_candidate(struct media_session *s, const char *candidate)
{
    return ice_transport_add_remote_candidate(s->ice, candidate);
}

void media_session_remote_candidates_done(struct media_session *s)
{
    ice_transport_remote_candidates_done(s->ice);
}

static int protect_and_send(struct media_session *s, const uint8_t *packet, size_t length,
                            bool rtcp)
{
    uint8_t buffer[MEDIA_SESSION_MAX_PACKET + SRTP_SESSION_MAX_TRAILER];
    int rc = -1;
    g_mutex_lock(&s->send_lock);
    if (s->send_state != MEDIA_STATE_CONNECTED || !s->send_srtp) {
        s->stats.send_not_ready++;
        g_mutex_unlock(&s->send_lock);
        return -1;
    }
    if (length <= MEDIA_SESSION_MAX_PACKET) {
        memcpy(buffer, packet, length);
        size_t n = length;
        int protect = rtcp ? srtp_session_protect_rtcp(s->send_srtp, buffer, &n, sizeof buffer)
                           : srtp_session_protect_rtp(s->send_srtp, buffer, &n, sizeof buffer);
        if (protect == 0 && ice_transport_send(s->ice, buffer, n) == 0) {
            if (rtcp)
                s->stats.rtcp_out++;
            else
                s->stats.rtp_out++;
            s->stats.bytes_out += n;
            rc = 0;
        }
    }
    if (rc != 0) s->stats.send_failed++;
    g_mutex_unlock(&s->send_lock);
    return rc;
}

int media_session_send_rtp(struct media_session *s, const uint8_t *packet, size_t length)
{
    return protect_and_send(s, packet, length, false);
}

int media_session_send_rtcp(struct media_session *s, const uint8_t *packet, size_t length)
{
    return protect_and_send(s, packet, length, true);
}

enum media_state media_session_state(const struct media_session *s) { return s->state; }

void media_session_get_stats(const struct media_session *s, struct media_session_stats *out)
{
    struct media_session *m = (struct media_session *)s;
    g_mutex_lock(&m->send_lock);
    *out = s->stats;
    g_mutex_unlock(&m->send_lock);
}
