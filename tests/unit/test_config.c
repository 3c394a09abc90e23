/* test_config.c - mcud settings from flags and config file (mcu/core/config.c): defaults,
 * flags, file, flags over file, and each kind of error. Config files are written to a
 * fresh temporary directory per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mcu/core/config.h"
#include "mcu/core/secret.h"

struct fixture {
    char dir[64];
    char path[128];
    char err[512];
    struct mcu_config cfg;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    strcpy(f->dir, "/tmp/test_config.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/mcud.conf", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    mcu_config_clear(&f->cfg);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void write_file(struct fixture *f, const char *text)
{
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Runs mcu_config_load on a NULL-terminated list of arguments after "mcud". */
static int load(struct fixture *f, ...)
{
    char *argv[32] = {"mcud"};
    int argc = 1;
    va_list ap;
    va_start(ap, f);
    char *a;
    while ((a = va_arg(ap, char *)) && argc < 31) argv[argc++] = a;
    va_end(ap);
    mcu_config_clear(&f->cfg);
    f->err[0] = '\0';
    return mcu_config_load(argc, argv, &f->cfg, f->err, sizeof f->err);
}

static void assert_error(struct fixture *f, int rc, const char *fragment)
{
    assert_int_equal(rc, -1);
    if (!strstr(f->err, fragment)) fail_msg("error '%s' does not mention '%s'", f->err, fragment);
    assert_int_equal(f->cfg.conference_count, 0); /* nothing left owned */
    assert_null(f->cfg.listen_host);
}

static void test_defaults(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(load(f, NULL), 0);
    assert_string_equal(f->cfg.listen_host, "127.0.0.1");
    assert_int_equal(f->cfg.listen_port, 8088);
    assert_string_equal(f->cfg.state_dir, "./var");
    assert_int_equal(f->cfg.ice_address_count, 0);
    assert_null(f->cfg.ice_addresses);
    assert_null(f->cfg.public_address);
    /* "client/web", or the build's MCUD_DEFAULT_WEB_ROOT (the Makefile sets an absolute
     * path to the same folder) */
    const char *root = f->cfg.web_root;
    size_t n = strlen(root);
    assert_true(n >= 10 && strcmp(root + n - 10, "client/web") == 0);
    assert_true(n == 10 || root[n - 11] == '/');
    assert_int_equal(f->cfg.log_level, LOG_INFO);
    assert_null(f->cfg.config_file);
    assert_int_equal(f->cfg.conference_count, 1);
    const struct mcu_conference_config *echo = mcu_config_find_conference(&f->cfg, "echo");
    assert_non_null(echo);
    assert_int_equal(echo->type, MCU_CONFERENCE_ECHO);
    assert_null(echo->pin_hash);
    assert_non_null(echo->title);
    assert_null(mcu_config_find_conference(&f->cfg, "nope"));
}

static void test_flags(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(load(f, "--listen", "[::1]:9000", "--state-dir=/srv/h", "--ice-address",
                          "10.0.0.1", "--ice-address=fe80::1", "--public-address", "203.0.113.7",
                          "--web-root", "/w", "--log-level", "debug", NULL),
                     0);
    assert_string_equal(f->cfg.listen_host, "::1");
    assert_int_equal(f->cfg.listen_port, 9000);
    assert_string_equal(f->cfg.state_dir, "/srv/h");
    assert_int_equal(f->cfg.ice_address_count, 2);
    assert_string_equal(f->cfg.ice_addresses[0], "10.0.0.1");
    assert_string_equal(f->cfg.ice_addresses[1], "fe80::1");
    assert_null(f->cfg.ice_addresses[2]);
    assert_string_equal(f->cfg.public_address, "203.0.113.7");
    assert_string_equal(f->cfg.web_root, "/w");
    assert_int_equal(f->cfg.log_level, LOG_DEBUG);
    assert_int_equal(load(f, "--listen=0.0.0.0:1", NULL), 0);
    assert_string_equal(f->cfg.listen_host, "0.0.0.0");
    assert_int_equal(f->cfg.listen_port, 1);
}

static const char sample_file[] = "# sample\n"
                                  "[mcud]\n"
                                  "listen=127.0.0.2:8089\n"
                                  "state-dir=/var/lib/hoinghi\n"
                                  "ice-address=127.0.0.1; ::1;\n"
                                  "public-address=203.0.113.7\n"
                                  "web-root=/usr/share/hoinghi/web\n"
                                  "log-level=warn\n"
                                  "\n"
                                  "[conference secure-echo]\n"
                                  "type=echo\n"
                                  "pin=4321\n"
                                  "title=Camera test with PIN\n"
                                  "\n"
                                  "[conference open-2]\n"
                                  "type=echo\n";

static void test_file(void **state)
{
    struct fixture *f = *state;
    write_file(f, sample_file);
    assert_int_equal(load(f, "--config", f->path, NULL), 0);
    assert_string_equal(f->cfg.listen_host, "127.0.0.2");
    assert_int_equal(f->cfg.listen_port, 8089);
    assert_string_equal(f->cfg.state_dir, "/var/lib/hoinghi");
    assert_int_equal(f->cfg.ice_address_count, 2);
    assert_string_equal(f->cfg.ice_addresses[0], "127.0.0.1");
    assert_string_equal(f->cfg.ice_addresses[1], "::1");
    assert_string_equal(f->cfg.public_address, "203.0.113.7");
    assert_string_equal(f->cfg.web_root, "/usr/share/hoinghi/web");
    assert_int_equal(f->cfg.log_level, LOG_WARN);
    assert_string_equal(f->cfg.config_file, f->path);
    assert_int_equal(f->cfg.conference_count, 3);
    assert_string_equal(f->cfg.conferences[0].id, "echo");
    const struct mcu_conference_config *c = mcu_config_find_conference(&f->cfg, "secure-echo");
    assert_non_null(c);
    assert_int_equal(c->type, MCU_CONFERENCE_ECHO);
    /* pin= is kept only as its hash */
    assert_true(secret_is_pin_hash(c->pin_hash));
    assert_true(secret_pin_verify("4321", c->pin_hash));
    assert_false(secret_pin_verify("4322", c->pin_hash));
    assert_string_equal(c->title, "Camera test with PIN");
    c = mcu_config_find_conference(&f->cfg, "open-2");
    assert_non_null(c);
    assert_null(c->pin_hash);
    assert_non_null(c->title);
}

static void test_mix_conference(void **state)
{
    struct fixture *f = *state;
    write_file(f, "[conference so-y-te]\ntype=mix\ntitle=Giao ban Sở Y tế\npin=2468\n"
                  "layout=3x3\nsize=640x360\nfps=15\nmax-participants=9\ncodecs=h264\n"
                  "[conference plain]\ntype=mix\n");
    assert_int_equal(load(f, "--config", f->path, NULL), 0);
    const struct mcu_conference_config *c = mcu_config_find_conference(&f->cfg, "so-y-te");
    assert_non_null(c);
    assert_int_equal(c->type, MCU_CONFERENCE_MIX);
    assert_string_equal(c->title, "Giao ban Sở Y tế");
    assert_true(secret_pin_verify("2468", c->pin_hash));
    assert_false(c->host_required);
    assert_string_equal(c->layout, "3x3");
    assert_int_equal(c->width, 640);
    assert_int_equal(c->height, 360);
    assert_int_equal(c->fps, 15);
    assert_int_equal(c->max_participants, 9);
    assert_false(c->allow_vp8);
    assert_true(c->allow_h264);
    c = mcu_config_find_conference(&f->cfg, "plain");
    assert_non_null(c);
    assert_string_equal(c->layout, MCU_CONFIG_DEFAULT_LAYOUT);
    assert_int_equal(c->width, 1280);
    assert_int_equal(c->fps, 30);
    assert_int_equal(c->max_participants, 16);
    assert_true(c->allow_vp8 && c->allow_h264);
}

static void test_flags_override_file(void **state)
{
    struct fixture *f = *state;
    write_file(f, sample_file);
    /* flags before and after --config both win */
    assert_int_equal(load(f, "--listen", "10.1.1.1:7000", "--config", f->path, "--ice-address",
                          "192.0.2.1", "--log-level", "error", NULL),
                     0);
    assert_string_equal(f->cfg.listen_host, "10.1.1.1");
    assert_int_equal(f->cfg.listen_port, 7000);
    assert_int_equal(f->cfg.ice_address_count, 1); /* replaced, not appended */
    assert_string_equal(f->cfg.ice_addresses[0], "192.0.2.1");
    assert_int_equal(f->cfg.log_level, LOG_ERROR);
    assert_string_equal(f->cfg.state_dir, "/var/lib/hoinghi"); /* from the file */
    assert_int_equal(f->cfg.conference_count, 3);
}

static void test_help_and_version(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(load(f, "--help", NULL), 1);
    assert_int_equal(f->cfg.conference_count, 0);
    assert_int_equal(load(f, "-h", NULL), 1);
    assert_int_equal(load(f, "--version", NULL), 1);
    /* the usage text documents every flag */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    assert_non_null(mem);
    mcu_config_usage(mem, "mcud");
    fclose(mem);
    const char *flags[] = {"--listen",   "--state-dir", "--ice-address", "--public-address",
                           "--web-root", "--log-level", "--config",      "--help",
                           "--version",  "[conference", "EXIT STATUS"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (!strstr(text, flags[i])) fail_msg("usage lacks %s", flags[i]);
    free(text);
}

static void test_flag_errors(void **state)
{
    struct fixture *f = *state;
    assert_error(f, load(f, "--listen", "1.2.3", NULL), "--listen: '1.2.3' is not ADDR:PORT");
    assert_error(f, load(f, "--listen", "1.2.3.4", NULL), "is not ADDR:PORT");
    assert_error(f, load(f, "--listen", "::1:80", NULL), "is not ADDR:PORT"); /* needs brackets */
    assert_error(f, load(f, "--listen", "[::1]80", NULL), "is not ADDR:PORT");
    assert_error(f, load(f, "--listen", "[nope]:80", NULL), "is not ADDR:PORT");
    assert_error(f, load(f, "--listen", "localhost:80", NULL), "is not ADDR:PORT");
    assert_error(f, load(f, "--listen", "1.2.3.4:", NULL), "is not ADDR:PORT");
    assert_error(f, load(f, "--listen", "1.2.3.4:8x", NULL), "is not ADDR:PORT");
    assert_error(f, load(f, "--listen", "1.2.3.4:70000", NULL), "not in 1..65535");
    assert_error(f, load(f, "--listen", "1.2.3.4:0", NULL), "not in 1..65535");
    assert_error(f, load(f, "--listen", NULL), "--listen: needs a value");
    assert_error(f, load(f, "--ice-address", "eth0", NULL),
                 "--ice-address: 'eth0' is not an IPv4 or IPv6");
    assert_error(f, load(f, "--public-address", "example", NULL), "--public-address: 'example'");
    assert_error(f, load(f, "--log-level", "loud", NULL), "--log-level: 'loud' is not one of");
    assert_error(f, load(f, "--state-dir=", NULL), "--state-dir: must not be empty");
    assert_error(f, load(f, "--web-root", "", NULL), "--web-root: must not be empty");
    assert_error(f, load(f, "--frobnicate", NULL), "unknown option '--frobnicate'");
    assert_error(f, load(f, "extra", NULL), "unexpected argument 'extra'");
    assert_error(f, load(f, "--help=yes", NULL), "--help takes no value");
    assert_error(f, load(f, "--config", "/nonexistent/mcud.conf", NULL), "--config: cannot read");
    char *many[MCU_CONFIG_MAX_ICE_ADDRESSES * 2 + 3] = {"mcud"};
    int argc = 1;
    for (int i = 0; i <= MCU_CONFIG_MAX_ICE_ADDRESSES; i++) {
        many[argc++] = "--ice-address";
        many[argc++] = "10.0.0.1";
    }
    assert_int_equal(mcu_config_load(argc, many, &f->cfg, f->err, sizeof f->err), -1);
    assert_non_null(strstr(f->err, "at most"));
}

static void file_error(struct fixture *f, const char *text, const char *fragment)
{
    write_file(f, text);
    assert_error(f, load(f, "--config", f->path, NULL), fragment);
}

/* pin-hash=, host-required with its token hash and grace, TLS files */
static void test_access_keys(void **state)
{
    struct fixture *f = *state;
    char pin_hash[SECRET_PIN_HASH_MAX], host_hash[SECRET_PIN_HASH_MAX], text[1024];
    assert_int_equal(secret_pin_hash("97531", pin_hash), 0);
    assert_int_equal(secret_pin_hash("ht_secret-of-the-host", host_hash), 0);
    snprintf(text, sizeof text,
             "[mcud]\ntls-cert=/etc/c.pem\ntls-key=/etc/k.pem\n"
             "[conference hop]\ntype=mix\npin-hash=%s\nhost-required=true\nhost-token-hash=%s\n"
             "host-grace=5\n",
             pin_hash, host_hash);
    write_file(f, text);
    assert_int_equal(load(f, "--config", f->path, NULL), 0);
    assert_string_equal(f->cfg.tls_cert, "/etc/c.pem");
    assert_string_equal(f->cfg.tls_key, "/etc/k.pem");
    const struct mcu_conference_config *c = mcu_config_find_conference(&f->cfg, "hop");
    assert_non_null(c);
    assert_string_equal(c->pin_hash, pin_hash);
    assert_true(c->host_required);
    assert_true(secret_verify("ht_secret-of-the-host", c->host_token_hash));
    assert_false(secret_verify("ht_secret-of-the-hosT", c->host_token_hash));
    assert_int_equal(c->host_grace_seconds, 5);
    mcu_config_clear(&f->cfg);
    assert_int_equal(load(f, "--tls-cert", "/a.pem", "--tls-key", "/b.pem", NULL), 0);
    assert_string_equal(f->cfg.tls_cert, "/a.pem");
}

static void test_file_errors(void **state)
{
    struct fixture *f = *state;
    file_error(f, "[mcud]\nlisten=1.2.3\n", "[mcud] listen: '1.2.3' is not ADDR:PORT");
    file_error(f, "[mcud]\nport=80\n", "unknown key 'port'");
    file_error(f, "[mcud]\ntls-cert=/c.pem\n", "TLS needs both a certificate and its key");
    file_error(f, "[conference a]\ntype=mix\npin-hash=4321\n",
               "pin-hash: must be a hash made by mcud --hash-pin");
    file_error(f, "[conference a]\ntype=mix\npin-hash=pbkdf2-sha256$20000$zz$00\n",
               "pin-hash: must be a hash");
    file_error(f, "[conference a]\ntype=mix\nhost-required=true\n", "needs host-token-hash");
    file_error(f, "[conference a]\ntype=mix\nhost-required=maybe\n",
               "host-required 'maybe': must be true or false");
    file_error(f, "[conference a]\ntype=echo\nhost-required=true\n", "are for type=mix");
    file_error(f, "[mcud]\nice-address=1.2.3.4;bogus\n", "'bogus' is not an IPv4 or IPv6");
    file_error(f, "[mcud]\nlog-level=chatty\n", "'chatty' is not one of");
    file_error(f, "[server]\nlisten=1.2.3.4:5\n", "unknown group [server]");
    file_error(f, "this is not a key file\n", "--config: cannot read");
    file_error(f, "[conference Bad_Id]\ntype=echo\n", "conference id 'Bad_Id'");
    file_error(f, "[conference ]\ntype=echo\n", "conference id ''");
    file_error(f, "[conference echo]\ntype=echo\n", "conference 'echo' is built in");
    file_error(f, "[conference room-1]\ntype=party\n", "type 'party': must be echo or mix");
    file_error(f, "[conference room-1]\ntype=echo\nlayout=2x2\n", "are for type=mix");
    file_error(f, "[conference room-1]\ntype=mix\nlayout=6x6\n", "layout '6x6': must be a layout");
    file_error(f, "[conference room-1]\ntype=mix\nsize=1281x720\n", "size '1281x720'");
    file_error(f, "[conference room-1]\ntype=mix\nsize=big\n", "size 'big'");
    file_error(f, "[conference room-1]\ntype=mix\nfps=0\n",
               "fps '0': must be an integer from 5 to 60");
    file_error(f, "[conference room-1]\ntype=mix\nmax-participants=65\n", "max-participants '65'");
    file_error(f, "[conference room-1]\ntype=mix\ncodecs=vp9\n",
               "codecs 'vp9': must be a non-empty list of vp8 and h264");
    file_error(f, "[conference room-1]\npin=1234\n", "type is missing");
    file_error(f, "[conference room-1]\ntype=echo\npin=12a4\n", "pin: must be 4..12 digits");
    file_error(f, "[conference room-1]\ntype=echo\npin=123\n", "pin: must be 4..12 digits");
    file_error(f, "[conference room-1]\ntype=echo\npin=1234567890123\n",
               "pin: must be 4..12 digits");
    file_error(f, "[conference room-1]\ntype=echo\ncolour=red\n", "unknown key 'colour'");
    file_error(f, "[conference room-1]\ntype=echo\ntitle=\n",
               "title '': must be 1..200 characters");
    /* a valid 12-digit PIN and 64-character id are fine */
    write_file(f, "[conference aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n"
                  "type=echo\npin=123456789012\n");
    assert_int_equal(load(f, "--config", f->path, NULL), 0);
    file_error(
        f,
        "[conference aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\ntype=echo\n",
        "is not 1..64");
    /* a bad flag after a good file still fails, and cleans up what the file set */
    write_file(f, sample_file);
    assert_error(f, load(f, "--config", f->path, "--listen", "x", NULL), "--listen: 'x'");
}

static void test_recording_settings(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(load(f, "--state-dir", "/srv/h", NULL), 0);
    assert_string_equal(f->cfg.archive_dir, "/srv/h/recordings");
    assert_int_equal(f->cfg.segment_minutes, MCU_CONFIG_DEFAULT_SEGMENT_MINUTES);
    assert_int_equal(f->cfg.retention_days, 0); /* kept for ever */
    write_file(f,
               "[mcud]\narchive-dir=/a\nsegment-minutes=0\nretention-days=90\n"
               "[conference r1]\ntype=mix\nrecord=always\n[conference r2]\ntype=mix\nrecord=yes\n"
               "[conference r3]\ntype=mix\nrecord=off\n[conference r4]\ntype=mix\n");
    assert_int_equal(load(f, "--config", f->path, NULL), 0);
    assert_string_equal(f->cfg.archive_dir, "/a");
    assert_int_equal(f->cfg.segment_minutes, 0);
    assert_int_equal(f->cfg.retention_days, 90);
    assert_int_equal(mcu_config_find_conference(&f->cfg, "r1")->record, MCU_RECORD_ALWAYS);
    assert_int_equal(mcu_config_find_conference(&f->cfg, "r2")->record, MCU_RECORD_ALWAYS);
    assert_int_equal(mcu_config_find_conference(&f->cfg, "r3")->record, MCU_RECORD_OFF);
    assert_int_equal(mcu_config_find_conference(&f->cfg, "r4")->record, MCU_RECORD_MANUAL);
    assert_int_equal(load(f, "--config", f->path, "--archive-dir", "/b", NULL), 0);
    assert_string_equal(f->cfg.archive_dir, "/b");
    file_error(f, "[conference r1]\ntype=mix\nrecord=sometimes\n", "record 'sometimes'");
    file_error(f, "[conference r1]\ntype=echo\nrecord=always\n", "are for type=mix");
    file_error(f, "[mcud]\nsegment-minutes=-1\n", "segment-minutes: '-1'");
    file_error(f, "[mcud]\nretention-days=-1\n", "retention-days: '-1' is not a number of days");
    file_error(f, "[mcud]\nretention-days=36501\n", "retention-days: '36501'");
    file_error(f, "[mcud]\nretention-days=a week\n", "retention-days: 'a week'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mix_conference, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flags_override_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recording_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_help_and_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flag_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
