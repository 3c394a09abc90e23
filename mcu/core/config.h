/* config.h - mcud's settings: command-line flags and an optional config file (GLib key
 * file format), flags overriding the file; plus the conferences the file defines.
 *
 *   [mcud]
 *   listen=127.0.0.1:8088
 *   state-dir=/var/lib/hoinghi
 *   ice-address=127.0.0.1;::1
 *   public-address=203.0.113.7
 *   web-root=/usr/share/hoinghi/web
 *   log-level=info
 *   archive-dir=/var/lib/hoinghi/recordings
 *   segment-minutes=60
 *   max-participants=256        (and the other limits: limits.h)
 *   retention-days=0
 *
 *   [conference so-y-te]
 *   type=mix
 *   record=always
 *
 *   [conference secure-echo]
 *   type=echo
 *   pin-hash=pbkdf2-sha256$20000$...   (mcud --hash-pin; pin=4321 works too)
 *   title=Camera test with PIN
 *
 * The built-in conference `echo` (type echo, no PIN) always exists and is first in the
 * list; the file may add more (ids [a-z0-9-]{1,64}, unique, `echo` is taken). Unknown
 * flags, groups and keys are errors. See mcu_config_usage() for the full flag list. */
#ifndef HOINGHI_MCU_CONFIG_H
#define HOINGHI_MCU_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mcu/core/limits.h"
#include "mcu/core/log.h"

#ifndef MCUD_VERSION
#define MCUD_VERSION "0.1"
#endif

#define MCU_CONFIG_DEFAULT_LISTEN    "127.0.0.1:8088"
#define MCU_CONFIG_DEFAULT_STATE_DIR "./var"
#define MCU_CONFIG_ECHO_ID           "echo"
#define MCU_CONFIG_MAX_ICE_ADDRESSES 32
#define MCU_CONFIG_MAX_CONFERENCES   1024

enum mcu_conference_type {
    MCU_CONFERENCE_ECHO, /* each participant gets its own media back */
    MCU_CONFERENCE_MIX,  /* continuous presence: composite video, minus-self audio */
};

#define MCU_CONFIG_DEFAULT_LAYOUT           "2x2"
#define MCU_CONFIG_DEFAULT_WIDTH            1280
#define MCU_CONFIG_DEFAULT_HEIGHT           720
#define MCU_CONFIG_DEFAULT_FPS              30
#define MCU_CONFIG_DEFAULT_MAX_PARTICIPANTS 16
#define MCU_CONFIG_MAX_PARTICIPANTS         64
#define MCU_CONFIG_DEFAULT_SEGMENT_MINUTES  60
#define MCU_CONFIG_MAX_SEGMENT_MINUTES      (24 * 60)
#define MCU_CONFIG_DEFAULT_HOST_GRACE       30
#define MCU_CONFIG_MAX_HOST_GRACE           3600
#define MCU_CONFIG_MAX_RETENTION_DAYS       36500

/* When a mix conference is recorded. */
enum mcu_record_policy {
    MCU_RECORD_OFF,    /* never */
    MCU_RECORD_MANUAL, /* when an operator says so (the default) */
    MCU_RECORD_ALWAYS, /* from the moment it starts */
};

struct mcu_conference_config {
    char *id; /* [a-z0-9-]{1,64} */
    enum mcu_conference_type type;
    char *pin_hash; /* the PIN's hash (mcu/core/secret.h), NULL: no PIN.
                                        * The key pin= is hashed at load. */
    char *title;    /* never NULL (defaults to a description) */
    /* mix conferences only (defaults for echo) */
    char *layout;                  /* a layout name (mixer/video/layout.h), never NULL */
    int width, height;             /* canvas, even, 160x90 .. 1920x1080 */
    int fps;                       /* 5 .. 60 */
    int max_participants;          /* 1 .. MCU_CONFIG_MAX_PARTICIPANTS */
    bool allow_vp8, allow_h264;    /* video codecs offered to rooms */
    enum mcu_record_policy record; /* key `record`: off, manual, always (yes = always) */
    /* "host must be present" (mix): media flows only while a room that joined with
     * the host token is in, and for host_grace_seconds after the last one left. */
    bool host_required;
    char *host_token_hash;  /* the host token's hash: SHA-256 hex or a PIN
                                        * hash (mcu/core/secret.h); NULL: no host token */
    int host_grace_seconds; /* 0..3600, default MCU_CONFIG_DEFAULT_HOST_GRACE */
    /* key sender-control (config file only): send limits, REMB caps and no decoding of
     * rooms not drawn (docs/sender-control.md); false is the old behaviour, kept for
     * the benchmark's comparison. Default true. */
    bool sender_control;
    /* Not a setting: the moment (Unix seconds) from which record=always records, set
     * by the scheduler to the scheduled start while rooms may join early (the talk
     * before the meeting is not archived); 0: from the conference's start. */
    int64_t record_from;
};

/* All strings are owned by the struct and freed by mcu_config_clear(). */
struct mcu_config {
    char *listen_host;    /* IP literal (host names are refused), without
                                        * brackets ("::1"); IPv6 needs [..] on input */
    uint16_t listen_port; /* 1..65535 */
    char *state_dir;
    char **ice_addresses;     /* IP literals; NULL-terminated, NULL if none */
    size_t ice_address_count; /* 0 = let ICE use all non-loopback interfaces */
    char *public_address;     /* IP literal or NULL */
    char *web_root;
    enum log_level log_level;
    char *config_file;                         /* the file read, or NULL */
    char *archive_dir;                         /* recordings; default STATE_DIR/recordings */
    int segment_minutes;                       /* a recording's files are at most this long;
                                          0: one file; default 60 */
    struct mcu_limits_config limits;           /* max-participants, join-rate, ... (limits.h) */
    char *tls_cert, *tls_key;                  /* PEM files: HTTPS and WSS on the listen port;
                                          both or neither; NULL: plain HTTP */
    int retention_days;                        /* finished recordings older than this are
                                          removed (recording_retention.h); 0: kept */
    struct mcu_conference_config *conferences; /* [0] is the built-in echo */
    size_t conference_count;
};

/* Fills *cfg from argv (argv[0] is the program name) and the --config file. Returns
 *    0  run with *cfg (free it later with mcu_config_clear),
 *    1  --help or --version was printed on stdout: exit 0 (*cfg holds nothing),
 *   -1  error: a one-line message in err (e.g. "--listen: '1.2.3' is not ADDR:PORT"),
 *       *cfg holds nothing: exit 2. */
int mcu_config_load(int argc, char **argv, struct mcu_config *cfg, char *err, size_t errlen);

/* Frees what cfg owns and zeroes it; safe on a zeroed or already cleared struct. */
void mcu_config_clear(struct mcu_config *cfg);

/* The conference with this id, or NULL. */
const struct mcu_conference_config *mcu_config_find_conference(const struct mcu_config *cfg,
                                                               const char *id);

/* Writes the --help text (a manual page in brief) to `f`. */
void mcu_config_usage(FILE *f, const char *program);

/* The web root used without --web-root or web-root=: PROGRAM_DIR/../share/hoinghi/web
 * when it holds index.html (an installed mcud: `make install`), else the build tree's
 * client/web. Newly allocated (g_free). */
char *mcu_config_default_web_root(void);

#endif
