/* store.h - mcud's persistent state: one SQLite database under the state directory
 * (STATE_DIR/hoinghi.db), in WAL mode with synchronous=FULL, so that a commit survives
 * a kill -9 (and a power cut). The schema is versioned (PRAGMA user_version) and
 * migrated forward at open, one transaction per migration; a database newer than this
 * mcud is refused.
 *
 * Tables: conferences (settings, schedule, state, hashes of the PIN and the host
 * token), rooms (invited rooms of a
 * conference with the SHA-256 of their join token), operator_tokens (SHA-256 only),
 * audit (every operator call), recordings (the recording index: one row per
 * finished file) and attendance (one row per stay of a room in a conference).
 *
 * Every write is a transaction: each store_* write runs inside a SAVEPOINT, and
 * store_begin()/store_commit() group several writes into one (savepoints nest).
 * Single-threaded: the control thread owns the store. Strings in the structs below
 * are owned by the struct (g_malloc'd) and freed by the matching *_clear/_free. */
#ifndef HOINGHI_MCU_STORE_H
#define HOINGHI_MCU_STORE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcu/core/config.h"

#define STORE_FILE_NAME      "hoinghi.db"
#define STORE_SCHEMA_VERSION 6

/* Return codes of the store calls. */
#define STORE_OK        0
#define STORE_ERROR     (-1) /* SQLite failed; logged */
#define STORE_NOT_FOUND 1
#define STORE_EXISTS    2

enum store_conference_state { STORE_SCHEDULED, STORE_OPEN, STORE_ENDED };
enum store_record_policy { STORE_RECORD_OFF, STORE_RECORD_MANUAL, STORE_RECORD_ALWAYS };
enum store_recurrence { STORE_RECUR_NONE, STORE_RECUR_DAILY, STORE_RECUR_WEEKLY };

struct store_conference {
    char *id; /* [a-z0-9-]{1,64} */
    char *title;
    char *pin_hash; /* the PIN's hash (mcu/core/secret.h); NULL: none. Rows
                                       from before hashing hold the plain PIN until
                                       control_new() hashes them at start. */
    char *layout;
    int width, height, fps;
    bool allow_vp8, allow_h264;
    int max_participants;
    enum store_record_policy record;
    /* schedule: occurrence k runs [start_k, start_k + duration) */
    int64_t start;          /* unix seconds, first occurrence */
    int64_t duration;       /* seconds; 0: until ended by an operator */
    char *timezone;         /* IANA name, e.g. "Asia/Ho_Chi_Minh" */
    int early_join_minutes; /* rooms may join this long before a start */
    enum store_recurrence recurrence;
    int recur_count;     /* occurrences in all; 0: not limited by count */
    int64_t recur_until; /* no occurrence starts after; 0: no limit */
    /* state */
    enum store_conference_state state;
    int occurrence; /* the current (open) or next (scheduled) one */
    bool warned;    /* the 5-minute warning went out for it */
    bool locked;
    bool host_required;             /* media only while a host room is in */
    char *host_token_hash;          /* SHA-256 hex of the host token; NULL: none */
    int64_t created_at, updated_at; /* unix seconds */
    int64_t ended_at;               /* when an operator ended it (unix seconds); 0: not */
};

struct store_room {
    char *name;
    char *token_hash; /* SHA-256 hex of the join token */
    int64_t created_at;
};

enum store_token_role { STORE_ROLE_VIEWER, STORE_ROLE_OPERATOR, STORE_ROLE_ADMIN };

struct store_token {
    char *name;
    char *token_hash;
    enum store_token_role role;
    int64_t created_at;
    int64_t revoked_at;   /* 0: valid */
    int64_t last_used_at; /* 0: never */
};

struct store_audit_entry {
    int64_t id;       /* set by the store */
    int64_t at_ms;    /* unix milliseconds */
    char *token_name; /* NULL: no valid token */
    char *action;     /* e.g. "conference.create" */
    char *target;     /* e.g. the conference id; NULL: none */
    char *source;     /* the client's address */
    int status;       /* HTTP status of the answer */
    char *result;     /* "ok" or the error message */
};

struct store_audit_filter {
    const char *token_name;     /* NULL: any */
    const char *action;         /* prefix, e.g. "conference." ; NULL: any */
    const char *target;         /* NULL: any */
    int64_t since_ms, until_ms; /* 0: no bound */
    int failed_only;            /* status >= 400 only */
    int limit;                  /* newest first; <= 0: 100 */
};

/* One recording file in the index (the recorder's struct recorder_result). */
struct store_recording {
    int64_t id; /* set by the store */
    char *conference_id;
    int occurrence;               /* of the conference when it was recorded; 0 unknown */
    char *path;                   /* the file; unique */
    char *title;                  /* NULL: none */
    int segment;                  /* 1, 2, ... within one recording */
    int64_t started_ms, ended_ms; /* Unix milliseconds */
    int64_t duration_ms;          /* media time in the file */
    int64_t size;                 /* bytes */
    char *video_codec;            /* "VP8", "H264" or "" */
    char *audio_codec;            /* "opus" or "" */
    int width, height;
    char *sha256;     /* lower-case hex; "" when it could not be read */
    char *status;     /* "complete", "interrupted" or "failed" */
    char *reason;     /* why, for interrupted/failed; "" otherwise */
    char *rooms_json; /* JSON array of {id, name, joined_ms, left_ms} */
};

/* One stay of a room in a conference: from its join to its leave (left_ms 0: still
 * in). Times are Unix milliseconds. A room that rejoins has one row per stay. */
struct store_stay {
    int64_t id; /* set by the store */
    char *conference_id;
    int occurrence; /* of the conference when it joined; 0 for a conference outside the store */
    char *participant_id;
    char *room; /* its display name */
    int64_t joined_ms, left_ms;
    char *reason; /* why it left ("left", "connection closed", a kick's reason); "" while in */
};

/* Which stays of a conference: of one occurrence (-1: any) and overlapping
 * [since_ms, until_ms) (0: no bound). */
struct store_attendance_filter {
    int occurrence;
    int64_t since_ms, until_ms;
};

struct store;

/* Opens (creating it if needed) and migrates the database at `path`. NULL with a
 * reason in err. */
struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *s);

/* Turns on secure_delete for this connection (deleted and overwritten content is
 * zeroed) and checkpoints the WAL into the main file (store_scrub.c): after replacing
 * a secret stored in plain text. */
int store_scrub(struct store *s);

/* The schema version of the open database (STORE_SCHEMA_VERSION after open). */
int store_schema_version(struct store *s);

/* Groups writes into one transaction (nestable). */
int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);

/* Conferences. list: of struct store_conference*, ordered by start; state < 0: any. */
int store_conference_insert(struct store *s, const struct store_conference *c);
int store_conference_update(struct store *s, const struct store_conference *c);
int store_conference_get(struct store *s, const char *id, struct store_conference *out);
int store_conference_delete(struct store *s, const char *id);
GPtrArray *store_conference_list(struct store *s, int state);
void store_conference_clear(struct store_conference *c);
void store_conference_free(gpointer c);
void store_conference_copy(struct store_conference *dst, const struct store_conference *src);
/* A stored conference's settings as the schema's struct (mcu/core/conference_settings.h),
 * and back: the one mapping between the two. get: *out is an owned copy (a mix
 * conference with the default host grace; free it with conference_settings_clear());
 * put: copies the settings fields of *s into c (id, type and host grace are not stored). */
void store_conference_get_settings(const struct store_conference *c,
                                   struct mcu_conference_config *out);
void store_conference_put_settings(struct store_conference *c,
                                   const struct mcu_conference_config *s);

const char *store_state_name(enum store_conference_state state);
int store_state_from_name(const char *name); /* -1 if unknown */
const char *store_record_name(enum store_record_policy policy);
int store_record_from_name(const char *name);
const char *store_recurrence_name(enum store_recurrence r);
int store_recurrence_from_name(const char *name);

/* Rooms of a conference. list: of struct store_room*, by name. */
int store_room_put(struct store *s, const char *conference_id, const char *name,
                   const char *token_hash);
int store_room_delete(struct store *s, const char *conference_id, const char *name);
GPtrArray *store_room_list(struct store *s, const char *conference_id);
void store_room_free(gpointer r);

/* Operator tokens. list: of struct store_token*, by name. */
int store_token_insert(struct store *s, const char *name, const char *token_hash,
                       enum store_token_role role);
int store_token_revoke(struct store *s, const char *name);
int store_token_touch(struct store *s, const char *name, int64_t now);
GPtrArray *store_token_list(struct store *s);
void store_token_free(gpointer t);
/* How many tokens exist (revoked ones too): 0 means a first start. -1 on error. */
int store_token_count(struct store *s);
const char *store_role_name(enum store_token_role role);
int store_role_from_name(const char *name);

/* Audit log. list: of struct store_audit_entry*, newest first. */
int store_audit_add(struct store *s, const struct store_audit_entry *e);
GPtrArray *store_audit_list(struct store *s, const struct store_audit_filter *f);
void store_audit_free(gpointer e);

/* Recordings. put: inserts, or replaces the row with the same path (a file reported
 * again keeps its id); *id_out (may be NULL) gets the row's id. list: of struct
 * store_recording*, newest first; conference_id NULL: all. */
int store_recording_put(struct store *s, const struct store_recording *r, int64_t *id_out);
int store_recording_get(struct store *s, int64_t id, struct store_recording *out);
GPtrArray *store_recording_list(struct store *s, const char *conference_id);
int store_recording_delete(struct store *s, int64_t id);
void store_recording_clear(struct store_recording *r);
void store_recording_free(gpointer r);

/* Attendance (store_attendance.c; no foreign key: conferences of the config file are
 * not in the conferences table, and a report outlives a deleted conference). join:
 * a new stay (left_ms ignored); *id_out (may be NULL) gets its id. leave: ends the
 * participant's open stay in the conference (STORE_NOT_FOUND when it has none).
 * close_open: ends every open stay (at start-up: what a crash left open); returns how
 * many, -1 on error. list: of struct store_stay*, by join time. */
int store_attendance_join(struct store *s, const struct store_stay *stay, int64_t *id_out);
int store_attendance_leave(struct store *s, const char *conference_id, const char *participant_id,
                           int64_t left_ms, const char *reason);
int store_attendance_close_open(struct store *s, int64_t left_ms, const char *reason);
GPtrArray *store_attendance_list(struct store *s, const char *conference_id,
                                 const struct store_attendance_filter *f);
void store_stay_free(gpointer stay);

#endif
