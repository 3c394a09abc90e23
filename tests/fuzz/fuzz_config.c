/* fuzz_config.c - libFuzzer target: the text of an mcud config file (GLib key file,
 * mcu/core/config.h) through mcu/core/config.c mcu_config_load() exactly as `mcud --config FILE`
 * reads it. The text goes to a memfd that is passed as /proc/self/fd/N, so the loader
 * reads it with g_key_file_load_from_file() like any file. A loaded config is checked
 * against its contract (listen port, built-in echo first, conference ids, PIN hashes, canvas
 * limits) and cleared; a refused one must say why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mcu/core/config.h"
#include "mcu/core/secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int config_fd = -1;
static char config_path[64];

static void check(const struct mcu_config *cfg)
{
    if (!cfg->listen_host || cfg->listen_port == 0 || !cfg->state_dir || !cfg->web_root ||
        !cfg->archive_dir || cfg->conference_count < 1 ||
        cfg->conference_count > MCU_CONFIG_MAX_CONFERENCES + 1 ||
        strcmp(cfg->conferences[0].id, MCU_CONFIG_ECHO_ID) != 0 || cfg->segment_minutes < 0 ||
        cfg->segment_minutes > MCU_CONFIG_MAX_SEGMENT_MINUTES)
        abort();
    for (size_t i = 0; i < cfg->ice_address_count; i++)
        if (!cfg->ice_addresses || !cfg->ice_addresses[i]) abort();
    for (size_t i = 0; i < cfg->conference_count; i++) {
        const struct mcu_conference_config *c = &cfg->conferences[i];
        size_t n = strlen(c->id);
        if (n < 1 || n > 64 || strspn(c->id, "abcdefghijklmnopqrstuvwxyz0123456789-") != n) abort();
        if (c->pin_hash && !secret_is_pin_hash(c->pin_hash)) abort(); /* only hashes are kept */
        if (!c->title || !c->layout) abort();
        if (mcu_config_find_conference(cfg, c->id) != c) abort(); /* ids are unique */
        if (c->type == MCU_CONFERENCE_MIX &&
            (c->width < 160 || c->width > 1920 || c->height < 90 || c->height > 1080 ||
             c->width % 2 || c->height % 2 || c->fps < 5 || c->fps > 60 ||
             c->max_participants < 1 || c->max_participants > MCU_CONFIG_MAX_PARTICIPANTS))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (config_fd < 0) {
        config_fd = memfd_create("fuzz-config", 0);
        if (config_fd < 0) abort();
        snprintf(config_path, sizeof config_path, "/proc/self/fd/%d", config_fd);
    }
    if (ftruncate(config_fd, 0) != 0 || pwrite(config_fd, data, size, 0) != (ssize_t)size) abort();
    char *argv[] = {(char *)"mcud", (char *)"--config", config_path, NULL};
    struct mcu_config cfg;
    char err[512];
    int rc = mcu_config_load(3, argv, &cfg, err, sizeof err);
    if (rc == 0) {
        check(&cfg);
        mcu_config_clear(&cfg);
    } else if (rc != -1 || !err[0]) {
        abort();
    }
    return 0;
}
