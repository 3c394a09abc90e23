/* conference_settings.h - the one schema of a conference's settings: a table of fields
 * (config-file key, REST API name, type, limits, help) and the functions that check and
 * set one field of a struct mcu_conference_config. The config file ([conference ID]
 * groups, mcu/core/config.c) and the REST API (mcu/control/api/api_conference_fields.c)
 * both go through it, so a value is good or bad the same way on both; mcuctl's flag
 * help and messages (client/ctl/conference_flags.h) are checked against it by
 * tests/unit/test_conference_settings.c.
 *
 * Limits on text people type are in characters (Unicode code points of valid UTF-8),
 * not bytes: a title is 1..200 characters. A bad value gets one message, the field's
 * rule ("must be an integer from 5 to 60"), which each caller prefixes with the name the
 * user wrote: the key in the config file ("fps '0': must be ..."), the JSON name in the
 * REST API's field errors ({"canvas.fps": "must be ..."}). */
#ifndef HOINGHI_MCU_CONFERENCE_SETTINGS_H
#define HOINGHI_MCU_CONFERENCE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mcu/core/config.h"

#define CONFERENCE_ID_MAX        64  /* [a-z0-9-]{1,64} */
#define CONFERENCE_TITLE_MAX     200 /* characters */
#define CONFERENCE_ROOM_NAME_MAX 64  /* characters (REST rooms) */
#define CONFERENCE_PIN_MIN       4   /* digits */
#define CONFERENCE_PIN_MAX       12
#define CONFERENCE_RULE_MAX      256 /* room for one message */

/* The fields, in the order they are applied (a layout is checked against the canvas,
 * so the canvas comes first). */
enum conference_field_id {
    CONFERENCE_FIELD_TYPE,
    CONFERENCE_FIELD_TITLE,
    CONFERENCE_FIELD_PIN,
    CONFERENCE_FIELD_PIN_HASH,
    CONFERENCE_FIELD_HOST_REQUIRED,
    CONFERENCE_FIELD_HOST_TOKEN_HASH,
    CONFERENCE_FIELD_HOST_GRACE,
    CONFERENCE_FIELD_SIZE,
    CONFERENCE_FIELD_WIDTH,
    CONFERENCE_FIELD_HEIGHT,
    CONFERENCE_FIELD_FPS,
    CONFERENCE_FIELD_LAYOUT,
    CONFERENCE_FIELD_MAX_PARTICIPANTS,
    CONFERENCE_FIELD_CODECS,
    CONFERENCE_FIELD_RECORD,
    CONFERENCE_FIELD_SENDER_CONTROL,
    CONFERENCE_FIELD_COUNT
};

enum conference_field_type {
    CONFERENCE_TYPE_TEXT,     /* valid UTF-8, min..max characters, no control characters */
    CONFERENCE_TYPE_INT,      /* a whole number, min..max */
    CONFERENCE_TYPE_EVEN_INT, /* the same, even */
    CONFERENCE_TYPE_BOOL,     /* true or false (as text also yes or no) */
    CONFERENCE_TYPE_CHOICE,   /* one of `choices` (as text also the aliases yes, no) */
    CONFERENCE_TYPE_PIN,      /* min..max digits; only its hash is kept */
    CONFERENCE_TYPE_PIN_HASH, /* a hash printed by mcud --hash-pin */
    CONFERENCE_TYPE_LAYOUT,   /* a layout name or custom JSON, for the canvas set so far */
    CONFERENCE_TYPE_SIZE,     /* WIDTHxHEIGHT, each by the width and height fields */
    CONFERENCE_TYPE_CODECS,   /* a non-empty list of vp8, h264 */
};

struct conference_field {
    enum conference_field_id id;
    const char *key;  /* config-file key; NULL: not in the file */
    const char *json; /* REST API name, "canvas.fps" inside an object; NULL: not there */
    enum conference_field_type type;
    int min, max;               /* text: characters; numbers: the value; PIN: digits */
    const char *const *choices; /* CHOICE: the names, NULL-terminated, index = enum value */
    bool mix_only;              /* config file: for type=mix only */
    bool secret;                /* messages never quote the value */
    const char *help;           /* one line: what it is and its default */
};

/* The table, indexed by enum conference_field_id. */
extern const struct conference_field conference_fields[CONFERENCE_FIELD_COUNT];

const struct conference_field *conference_field_by_key(const char *key);   /* NULL: none */
const struct conference_field *conference_field_by_json(const char *json); /* NULL: none */

/* The field's rule, the message for a bad value: "must be 1..200 characters without
 * control characters", "must be an integer from 5 to 60", ... */
void conference_field_rule(const struct conference_field *f, char *out, size_t outlen);

/* Setters: check the value by the field's rule and set it in *c (strings g_malloc'd,
 * replacing the old ones). 0, or -1 with the message (without the field's name) in
 * why: the rule, or something more exact (which cell of a custom layout is wrong).
 * set_text takes a value as the config file writes it (any type); set_int, set_bool
 * and set_codecs take typed values (the REST API's JSON). */
int conference_settings_set_text(struct mcu_conference_config *c, const struct conference_field *f,
                                 const char *text, char *why, size_t whylen);
int conference_settings_set_int(struct mcu_conference_config *c, const struct conference_field *f,
                                long long value, char *why, size_t whylen);
int conference_settings_set_bool(struct mcu_conference_config *c, const struct conference_field *f,
                                 bool value, char *why, size_t whylen);
int conference_settings_set_codecs(struct mcu_conference_config *c, const char *const *names,
                                   size_t count, char *why, size_t whylen);

/* Checks of their own: an id ([a-z0-9-]{1,64}); text of min..max characters of valid
 * UTF-8 without control characters (titles, room names); a layout for a canvas (why:
 * what is wrong, quoting the layout). */
bool conference_id_valid(const char *id);
bool conference_text_valid(const char *text, int min, int max);
bool conference_layout_valid(const char *layout, int width, int height, char *why, size_t whylen);

/* The defaults (an echo conference, layout 2x2, 1280x720 at 30 fps, ...); id and title
 * NULL. clear frees the strings and zeroes *c. */
void conference_settings_defaults(struct mcu_conference_config *c);
void conference_settings_clear(struct mcu_conference_config *c);
/* *dst = an owned copy of *src. */
void conference_settings_copy(struct mcu_conference_config *dst,
                              const struct mcu_conference_config *src);

/* The config-file keys with their help and rules, for mcud --help (indented). */
void conference_settings_print_keys(FILE *f);
/* The keys that are for type=mix only, "layout, size, ..." into out. */
void conference_settings_mix_keys(char *out, size_t outlen);
/* Every config-file key, "type, title, ..." into out. */
void conference_settings_known_keys(char *out, size_t outlen);

#endif
