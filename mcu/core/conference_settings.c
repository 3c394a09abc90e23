/* conference_settings.c - the conference-settings schema; see conference_settings.h. */
#include "mcu/core/conference_settings.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "mcu/core/secret.h"
#include "mixer/video/layout.h"

static const char *const type_names[] = {"echo", "mix", NULL}; /* enum mcu_conference_type */
static const char *const record_names[] = {"off", "manual", "always",
                                           NULL}; /* enum mcu_record_policy */

/* Kept in enum conference_field_id order (checked at the first lookup). */
const struct conference_field conference_fields[CONFERENCE_FIELD_COUNT] = {
    {CONFERENCE_FIELD_TYPE, "type", NULL, CONFERENCE_TYPE_CHOICE, 0, 0, type_names, false, false,
     "required: mix (a meeting: composite picture, everyone hears everyone but themselves) or echo "
     "(own media back)"},
    {CONFERENCE_FIELD_TITLE, "title", "title", CONFERENCE_TYPE_TEXT, 1, CONFERENCE_TITLE_MAX, NULL,
     false, false, "what the meeting is called (default: the id; echo: a description)"},
    {CONFERENCE_FIELD_PIN, "pin", "pin", CONFERENCE_TYPE_PIN, CONFERENCE_PIN_MIN,
     CONFERENCE_PIN_MAX, NULL, false, true,
     "optional: the PIN rooms must give; only its hash is kept (in the file prefer pin-hash)"},
    {CONFERENCE_FIELD_PIN_HASH, "pin-hash", NULL, CONFERENCE_TYPE_PIN_HASH, 0, 0, NULL, false, true,
     "optional: the PIN's hash as printed by mcud --hash-pin (the PIN itself is stored nowhere)"},
    {CONFERENCE_FIELD_HOST_REQUIRED, "host-required", "host_required", CONFERENCE_TYPE_BOOL, 0, 0,
     NULL, true, false,
     "mix: true: media flows only while a room that joined with the host token is in (default false)"},
    {CONFERENCE_FIELD_HOST_TOKEN_HASH, "host-token-hash", NULL, CONFERENCE_TYPE_PIN_HASH, 0, 0,
     NULL, true, true, "mix: the host token's hash (mcud --hash-pin)"},
    {CONFERENCE_FIELD_HOST_GRACE, "host-grace", NULL, CONFERENCE_TYPE_INT, 0,
     MCU_CONFIG_MAX_HOST_GRACE, NULL, true, false,
     "mix: seconds media goes on after the last host left (default 30)"},
    {CONFERENCE_FIELD_SIZE, "size", NULL, CONFERENCE_TYPE_SIZE, 0, 0, NULL, true, false,
     "mix: canvas WIDTHxHEIGHT (default 1280x720)"},
    {CONFERENCE_FIELD_WIDTH, NULL, "canvas.width", CONFERENCE_TYPE_EVEN_INT, 160, 1920, NULL, true,
     false, "canvas width in pixels (default 1280)"},
    {CONFERENCE_FIELD_HEIGHT, NULL, "canvas.height", CONFERENCE_TYPE_EVEN_INT, 90, 1080, NULL, true,
     false, "canvas height in pixels (default 720)"},
    {CONFERENCE_FIELD_FPS, "fps", "canvas.fps", CONFERENCE_TYPE_INT, 5, 60, NULL, true, false,
     "mix: canvas frame rate (default 30)"},
    {CONFERENCE_FIELD_LAYOUT, "layout", "layout", CONFERENCE_TYPE_LAYOUT, 0, 0, NULL, true, false,
     "mix: where the rooms' pictures go (default 2x2)"},
    {CONFERENCE_FIELD_MAX_PARTICIPANTS, "max-participants", "max_participants", CONFERENCE_TYPE_INT,
     1, MCU_CONFIG_MAX_PARTICIPANTS, NULL, true, false, "mix: participants at once (default 16)"},
    {CONFERENCE_FIELD_CODECS, "codecs", "codecs", CONFERENCE_TYPE_CODECS, 0, 0, NULL, true, false,
     "mix: video codecs offered to rooms, in the file vp8;h264 (default both)"},
    {CONFERENCE_FIELD_RECORD, "record", "record", CONFERENCE_TYPE_CHOICE, 0, 0, record_names, true,
     false,
     "mix: off, manual (an operator starts it) or always (recorded from the moment it starts; also yes)"},
    {CONFERENCE_FIELD_SENDER_CONTROL, "sender-control", NULL, CONFERENCE_TYPE_BOOL, 0, 0, NULL,
     true, false,
     "mix: true: rooms are asked to send what their cell needs and rooms not drawn are not "
     "decoded (docs/sender-control.md); false: every room sends what it chooses and is decoded "
     "(the behaviour before sender control, for comparison; default true)"},
};

const struct conference_field *conference_field_by_key(const char *key)
{
    for (size_t i = 0; key && i < CONFERENCE_FIELD_COUNT; i++)
        if (conference_fields[i].key && strcmp(conference_fields[i].key, key) == 0)
            return &conference_fields[i];
    return NULL;
}

const struct conference_field *conference_field_by_json(const char *json)
{
    for (size_t i = 0; json && i < CONFERENCE_FIELD_COUNT; i++)
        if (conference_fields[i].json && strcmp(conference_fields[i].json, json) == 0)
            return &conference_fields[i];
    return NULL;
}

void conference_field_rule(const struct conference_field *f, char *out, size_t outlen)
{
    const struct conference_field *w = &conference_fields[CONFERENCE_FIELD_WIDTH];
    const struct conference_field *h = &conference_fields[CONFERENCE_FIELD_HEIGHT];
    switch (f->type) {
    case CONFERENCE_TYPE_TEXT:
        snprintf(out, outlen, "must be %d..%d characters without control characters", f->min,
                 f->max);
        break;
    case CONFERENCE_TYPE_INT:
        snprintf(out, outlen, "must be an integer from %d to %d", f->min, f->max);
        break;
    case CONFERENCE_TYPE_EVEN_INT:
        snprintf(out, outlen, "must be an even integer from %d to %d", f->min, f->max);
        break;
    case CONFERENCE_TYPE_BOOL: snprintf(out, outlen, "must be true or false"); break;
    case CONFERENCE_TYPE_CHOICE: {
        GString *s = g_string_new("must be ");
        for (size_t i = 0; f->choices[i]; i++)
            g_string_append_printf(s, "%s%s",
                                   i == 0              ? ""
                                   : f->choices[i + 1] ? ", "
                                                       : " or ",
                                   f->choices[i]);
        snprintf(out, outlen, "%s", s->str);
        g_string_free(s, TRUE);
        break;
    }
    case CONFERENCE_TYPE_PIN: snprintf(out, outlen, "must be %d..%d digits", f->min, f->max); break;
    case CONFERENCE_TYPE_PIN_HASH:
        snprintf(out, outlen,
                 "must be a hash made by mcud --hash-pin (pbkdf2-sha256$ITERATIONS$SALT$HASH)");
        break;
    case CONFERENCE_TYPE_LAYOUT:
        snprintf(out, outlen, "must be a layout: " LAYOUT_NAMES_TEXT " or custom JSON");
        break;
    case CONFERENCE_TYPE_SIZE:
        snprintf(out, outlen, "must be WIDTHxHEIGHT, both even, %dx%d to %dx%d", w->min, h->min,
                 w->max, h->max);
        break;
    case CONFERENCE_TYPE_CODECS:
        snprintf(out, outlen, "must be a non-empty list of vp8 and h264");
        break;
    }
}

static int refuse(const struct conference_field *f, char *why, size_t whylen)
{
    if (why && whylen) conference_field_rule(f, why, whylen);
    return -1;
}

bool conference_id_valid(const char *id)
{
    size_t n = strlen(id);
    return n >= 1 && n <= CONFERENCE_ID_MAX &&
           strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

bool conference_text_valid(const char *text, int min, int max)
{
    if (!g_utf8_validate(text, -1, NULL)) return false;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return false;
    glong n = g_utf8_strlen(text, -1);
    return n >= min && n <= max;
}

bool conference_layout_valid(const char *layout, int width, int height, char *why, size_t whylen)
{
    struct layout l;
    if (why && whylen) why[0] = '\0';
    if (layout[0] == '{' ? layout_from_json(layout, width, height, &l, why, whylen) == 0
                         : layout_from_name(layout, width, height, &l) == 0)
        return true;
    if (!why || !whylen) return false;
    if (layout[0] != '{' || !why[0])
        conference_field_rule(&conference_fields[CONFERENCE_FIELD_LAYOUT], why, whylen);
    /* The text may quote the layout and have been cut inside a UTF-8 character. */
    const char *end;
    if (!g_utf8_validate(why, -1, &end)) why[end - why] = '\0';
    return false;
}

static bool pin_valid(const char *pin)
{
    size_t n = strlen(pin);
    return n >= CONFERENCE_PIN_MIN && n <= CONFERENCE_PIN_MAX && strspn(pin, "0123456789") == n;
}

static void set_string(char **slot, const char *value)
{
    char *copy = g_strdup(value);
    g_free(*slot);
    *slot = copy;
}

static int set_choice(struct mcu_conference_config *c, const struct conference_field *f,
                      const char *text, char *why, size_t whylen)
{
    int index = -1;
    for (int i = 0; f->choices[i]; i++)
        if (strcmp(f->choices[i], text) == 0) index = i;
    if (f->id == CONFERENCE_FIELD_RECORD && strcmp(text, "no") == 0) index = MCU_RECORD_OFF;
    if (f->id == CONFERENCE_FIELD_RECORD && strcmp(text, "yes") == 0) index = MCU_RECORD_ALWAYS;
    if (index < 0) return refuse(f, why, whylen);
    if (f->id == CONFERENCE_FIELD_TYPE)
        c->type = (enum mcu_conference_type)index;
    else
        c->record = (enum mcu_record_policy)index;
    return 0;
}

/* A whole decimal number within long long range; -1 otherwise. */
static int parse_number(const char *text, long long *out)
{
    char *end = NULL;
    if (!*text || g_ascii_isspace(*text)) return -1;
    long long v = strtoll(text, &end, 10);
    if (*end) return -1;
    *out = v;
    return 0;
}

static int set_size(struct mcu_conference_config *c, const struct conference_field *f,
                    const char *text, char *why, size_t whylen)
{
    int width = 0, height = 0;
    char tail = 0;
    const struct conference_field *w = &conference_fields[CONFERENCE_FIELD_WIDTH];
    const struct conference_field *h = &conference_fields[CONFERENCE_FIELD_HEIGHT];
    if (sscanf(text, "%dx%d%c", &width, &height, &tail) != 2 || width < w->min || width > w->max ||
        height < h->min || height > h->max || width % 2 || height % 2)
        return refuse(f, why, whylen);
    c->width = width;
    c->height = height;
    return 0;
}

int conference_settings_set_text(struct mcu_conference_config *c, const struct conference_field *f,
                                 const char *text, char *why, size_t whylen)
{
    long long n;
    switch (f->type) {
    case CONFERENCE_TYPE_TEXT:
        if (!conference_text_valid(text, f->min, f->max)) return refuse(f, why, whylen);
        set_string(&c->title, text);
        return 0;
    case CONFERENCE_TYPE_INT:
    case CONFERENCE_TYPE_EVEN_INT:
        if (parse_number(text, &n) != 0) return refuse(f, why, whylen);
        return conference_settings_set_int(c, f, n, why, whylen);
    case CONFERENCE_TYPE_BOOL:
        if (strcmp(text, "true") == 0 || strcmp(text, "yes") == 0)
            return conference_settings_set_bool(c, f, true, why, whylen);
        if (strcmp(text, "false") == 0 || strcmp(text, "no") == 0)
            return conference_settings_set_bool(c, f, false, why, whylen);
        return refuse(f, why, whylen);
    case CONFERENCE_TYPE_CHOICE: return set_choice(c, f, text, why, whylen);
    case CONFERENCE_TYPE_PIN: {
        char hashed[SECRET_PIN_HASH_MAX];
        if (!pin_valid(text)) return refuse(f, why, whylen);
        if (secret_pin_hash(text, hashed) != 0) {
            snprintf(why, whylen, "cannot be hashed (no random numbers); try again");
            return -1;
        }
        set_string(&c->pin_hash, hashed);
        return 0;
    }
    case CONFERENCE_TYPE_PIN_HASH:
        if (!secret_is_pin_hash(text)) return refuse(f, why, whylen);
        set_string(f->id == CONFERENCE_FIELD_PIN_HASH ? &c->pin_hash : &c->host_token_hash, text);
        return 0;
    case CONFERENCE_TYPE_LAYOUT:
        if (!conference_layout_valid(text, c->width, c->height, why, whylen)) return -1;
        set_string(&c->layout, text);
        return 0;
    case CONFERENCE_TYPE_SIZE: return set_size(c, f, text, why, whylen);
    case CONFERENCE_TYPE_CODECS: {
        /* A GLib key-file list: "vp8;h264"; blanks around names and empty names are fine. */
        char **names = g_strsplit(text, ";", -1);
        size_t kept = 0;
        for (size_t i = 0; names[i]; i++) {
            g_strstrip(names[i]);
            if (names[i][0])
                names[kept++] = names[i];
            else
                g_free(names[i]);
        }
        names[kept] = NULL;
        int rc = conference_settings_set_codecs(c, (const char *const *)names, kept, why, whylen);
        g_strfreev(names);
        return rc;
    }
    }
    return refuse(f, why, whylen);
}

int conference_settings_set_int(struct mcu_conference_config *c, const struct conference_field *f,
                                long long value, char *why, size_t whylen)
{
    if ((f->type != CONFERENCE_TYPE_INT && f->type != CONFERENCE_TYPE_EVEN_INT) || value < f->min ||
        value > f->max || (f->type == CONFERENCE_TYPE_EVEN_INT && value % 2))
        return refuse(f, why, whylen);
    int v = (int)value;
    switch (f->id) {
    case CONFERENCE_FIELD_HOST_GRACE: c->host_grace_seconds = v; break;
    case CONFERENCE_FIELD_WIDTH: c->width = v; break;
    case CONFERENCE_FIELD_HEIGHT: c->height = v; break;
    case CONFERENCE_FIELD_FPS: c->fps = v; break;
    case CONFERENCE_FIELD_MAX_PARTICIPANTS: c->max_participants = v; break;
    default: return refuse(f, why, whylen);
    }
    return 0;
}

int conference_settings_set_bool(struct mcu_conference_config *c, const struct conference_field *f,
                                 bool value, char *why, size_t whylen)
{
    switch (f->id) {
    case CONFERENCE_FIELD_HOST_REQUIRED: c->host_required = value; break;
    case CONFERENCE_FIELD_SENDER_CONTROL: c->sender_control = value; break;
    default: return refuse(f, why, whylen);
    }
    return 0;
}

int conference_settings_set_codecs(struct mcu_conference_config *c, const char *const *names,
                                   size_t count, char *why, size_t whylen)
{
    bool vp8 = false, h264 = false;
    for (size_t i = 0; i < count; i++) {
        if (names[i] && g_ascii_strcasecmp(names[i], "vp8") == 0)
            vp8 = true;
        else if (names[i] && g_ascii_strcasecmp(names[i], "h264") == 0)
            h264 = true;
        else
            return refuse(&conference_fields[CONFERENCE_FIELD_CODECS], why, whylen);
    }
    if (!vp8 && !h264) return refuse(&conference_fields[CONFERENCE_FIELD_CODECS], why, whylen);
    c->allow_vp8 = vp8;
    c->allow_h264 = h264;
    return 0;
}

void conference_settings_defaults(struct mcu_conference_config *c)
{
    memset(c, 0, sizeof *c);
    c->type = MCU_CONFERENCE_ECHO;
    c->layout = g_strdup(MCU_CONFIG_DEFAULT_LAYOUT);
    c->width = MCU_CONFIG_DEFAULT_WIDTH;
    c->height = MCU_CONFIG_DEFAULT_HEIGHT;
    c->fps = MCU_CONFIG_DEFAULT_FPS;
    c->sender_control = true;
    c->max_participants = MCU_CONFIG_DEFAULT_MAX_PARTICIPANTS;
    c->allow_vp8 = c->allow_h264 = true;
    c->record = MCU_RECORD_MANUAL;
    c->host_grace_seconds = MCU_CONFIG_DEFAULT_HOST_GRACE;
}

void conference_settings_clear(struct mcu_conference_config *c)
{
    if (!c) return;
    g_free(c->id);
    g_free(c->pin_hash);
    g_free(c->host_token_hash);
    g_free(c->title);
    g_free(c->layout);
    memset(c, 0, sizeof *c);
}

void conference_settings_copy(struct mcu_conference_config *dst,
                              const struct mcu_conference_config *src)
{
    *dst = *src;
    dst->id = g_strdup(src->id);
    dst->pin_hash = g_strdup(src->pin_hash);
    dst->host_token_hash = g_strdup(src->host_token_hash);
    dst->title = g_strdup(src->title);
    dst->layout = g_strdup(src->layout);
}

void conference_settings_print_keys(FILE *f)
{
    char rule[CONFERENCE_RULE_MAX];
    for (size_t i = 0; i < CONFERENCE_FIELD_COUNT; i++) {
        const struct conference_field *k = &conference_fields[i];
        if (!k->key) continue;
        conference_field_rule(k, rule, sizeof rule);
        fprintf(f, "      %-17s %s\n      %-17s (%s)\n", k->key, k->help, "", rule);
    }
}

static void join_keys(char *out, size_t outlen, bool mix_only)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < CONFERENCE_FIELD_COUNT; i++)
        if (conference_fields[i].key && (!mix_only || conference_fields[i].mix_only))
            g_string_append_printf(s, "%s%s", s->len ? ", " : "", conference_fields[i].key);
    snprintf(out, outlen, "%s", s->str);
    g_string_free(s, TRUE);
}

void conference_settings_mix_keys(char *out, size_t outlen) { join_keys(out, outlen, true); }
void conference_settings_known_keys(char *out, size_t outlen) { join_keys(out, outlen, false); }
