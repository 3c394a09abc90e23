/* control_access.c - keeps the store free of plain-text PINs (a database written by an
 * mcud from before PIN hashing holds PINs as digits; at start each one is replaced by
 * its hash, mcu/core/secret.h), and counts refused joins for /metrics. See
 * control_internal.h. */
#include "mcu/control/control_internal.h"

#include <string.h>
#include <openssl/crypto.h>

#include "mcu/core/log.h"
#include "mcu/core/secret.h"

int control_hash_stored_pins(struct control *control)
{
    GPtrArray *list = store_conference_list(control->store, -1);
    int hashed = 0, rc = STORE_OK;
    for (guint i = 0; rc == STORE_OK && i < list->len; i++) {
        struct store_conference *c = list->pdata[i];
        if (!c->pin_hash || secret_is_pin_hash(c->pin_hash)) continue;
        /* The old text must not stay behind in a free page or the WAL. */
        if (hashed == 0 && (rc = store_scrub(control->store)) != STORE_OK) break;
        char hash[SECRET_PIN_HASH_MAX];
        if (secret_pin_hash(c->pin_hash, hash) != 0) {
            rc = STORE_ERROR;
            break;
        }
        OPENSSL_cleanse(c->pin_hash, strlen(c->pin_hash));
        g_free(c->pin_hash);
        c->pin_hash = g_strdup(hash);
        rc = store_conference_update(control->store, c);
        if (rc == STORE_OK) hashed++;
    }
    g_ptr_array_free(list, TRUE);
    if (rc == STORE_OK && hashed) rc = store_scrub(control->store);
    if (rc != STORE_OK) return -1;
    if (hashed)
        log_info("store: %d conference PIN%s stored in plain text now hashed", hashed,
                 hashed == 1 ? "" : "s");
    return hashed;
}

static const char *const refusal_codes[] = {"wrong_pin", "invalid_token", "conference_locked"};

void control_count_refused_join(struct control *control, const char *code)
{
    if (!control || !code) return;
    for (size_t i = 0; i < G_N_ELEMENTS(refusal_codes); i++)
        if (strcmp(code, refusal_codes[i]) == 0) control->joins_refused[i]++;
}

void control_access_metrics(struct control *control, GString *out)
{
    g_string_append(out,
                    "# HELP hoinghi_joins_refused_total Joins refused: wrong PIN, token not valid, "
                    "conference locked.\n# TYPE hoinghi_joins_refused_total counter\n");
    for (size_t i = 0; i < G_N_ELEMENTS(refusal_codes); i++)
        g_string_append_printf(out, "hoinghi_joins_refused_total{reason=\"%s\"} %llu\n",
                               refusal_codes[i], (unsigned long long)control->joins_refused[i]);
}
