/* dtls_identity.c - create, store and load mcud's DTLS key and self-signed
 * certificate, and compute its SDP fingerprint. See dtls_identity.h for the contract. */
#include "mcu/transport/dtls_identity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "mcu/core/log.h"
#include "mcu/core/mcu_error.h"

struct dtls_identity {
    X509 *certificate;
    EVP_PKEY *private_key;
    char fingerprint[DTLS_IDENTITY_FINGERPRINT_SIZE];
};

/* The last OpenSSL error as text (clears the queue). */
static const char *openssl_error(char *buf, size_t len)
{
    unsigned long code = ERR_peek_last_error();
    if (code == 0)
        snprintf(buf, len, "unknown OpenSSL error");
    else
        ERR_error_string_n(code, buf, len);
    ERR_clear_error();
    return buf;
}

static int compute_fingerprint(struct dtls_identity *id)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (!X509_digest(id->certificate, EVP_sha256(), md, &md_len) || md_len != 32) return -1;
    static const char hex[] = "0123456789ABCDEF";
    char *p = id->fingerprint;
    for (unsigned int i = 0; i < md_len; i++) {
        if (i > 0) *p++ = ':';
        *p++ = hex[md[i] >> 4];
        *p++ = hex[md[i] & 0xf];
    }
    *p = '\0';
    return 0;
}

/* Takes ownership of cert and key (freed on failure). */
static struct dtls_identity *identity_from(X509 *cert, EVP_PKEY *key)
{
    struct dtls_identity *id = calloc(1, sizeof *id);
    if (!id) {
        X509_free(cert);
        EVP_PKEY_free(key);
        return NULL;
    }
    id->certificate = cert;
    id->private_key = key;
    if (compute_fingerprint(id) < 0) {
        dtls_identity_free(id);
        return NULL;
    }
    return id;
}

static int set_random_serial(X509 *cert)
{
    int rc = -1;
    BIGNUM *bn = BN_new();
    /* 63 random bits, top bit clear: positive and at most 8 bytes of DER. */
    if (bn && BN_rand(bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
        BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)))
        rc = 0;
    BN_free(bn);
    return rc;
}

struct dtls_identity *dtls_identity_generate(char *err, size_t errlen)
{
    char ossl[256];
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (!key) {
        mcu_error_set(err, errlen, "cannot generate P-256 key: %s",
                      openssl_error(ossl, sizeof ossl));
        return NULL;
    }
    X509 *cert = X509_new();
    X509_NAME *name = X509_NAME_new();
    int ok =
        cert && name && X509_set_version(cert, X509_VERSION_3) && set_random_serial(cert) == 0 &&
        X509_gmtime_adj(X509_getm_notBefore(cert), -24L * 3600) &&
        X509_gmtime_adj(X509_getm_notAfter(cert), (long)DTLS_IDENTITY_VALID_DAYS * 24 * 3600) &&
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   (const unsigned char *)DTLS_IDENTITY_COMMON_NAME, -1, -1, 0) &&
        X509_set_subject_name(cert, name) && X509_set_issuer_name(cert, name) &&
        X509_set_pubkey(cert, key) && X509_sign(cert, key, EVP_sha256()) > 0;
    X509_NAME_free(name);
    if (!ok) {
        mcu_error_set(err, errlen, "cannot build certificate: %s",
                      openssl_error(ossl, sizeof ossl));
        X509_free(cert);
        EVP_PKEY_free(key);
        return NULL;
    }
    struct dtls_identity *id = identity_from(cert, key);
    if (!id) mcu_error_set(err, errlen, "out of memory or digest failure");
    return id;
}

const char *dtls_identity_fingerprint(const struct dtls_identity *id) { return id->fingerprint; }

X509 *dtls_identity_certificate(const struct dtls_identity *id) { return id->certificate; }

EVP_PKEY *dtls_identity_private_key(const struct dtls_identity *id) { return id->private_key; }

void dtls_identity_free(struct dtls_identity *id)
{
    if (!id) return;
    X509_free(id->certificate);
    EVP_PKEY_free(id->private_key);
    free(id);
}

/* --- storage --- */

/* mkdir -p with mode 0700 for the directories it creates. */
static int make_dirs(const char *path, char *err, size_t errlen)
{
    size_t n = strlen(path);
    if (n == 0) {
        mcu_error_set(err, errlen, "empty state directory");
        return -1;
    }
    char *copy = strdup(path);
    if (!copy) {
        mcu_error_set(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    for (char *p = copy + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
            mcu_error_set(err, errlen, "cannot create %s: %s", copy, strerror(errno));
            rc = -1;
        }
        *p = saved;
        if (rc < 0 || saved == '\0') break;
    }
    free(copy);
    if (rc == 0) {
        struct stat st;
        if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
            mcu_error_set(err, errlen, "%s is not a directory", path);
            rc = -1;
        }
    }
    return rc;
}

static char *join_path(const char *dir, const char *file)
{
    size_t n = strlen(dir) + 1 + strlen(file) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, file);
    return p;
}

/* Writes the PEM produced by `write_pem` to `path` atomically with `mode`. */
static int write_pem_file(const char *dir, const char *path, mode_t mode,
                          int (*write_pem)(BIO *, const void *), const void *obj, char *err,
                          size_t errlen)
{
    char ossl[256];
    BIO *mem = BIO_new(BIO_s_mem());
    if (!mem || !write_pem(mem, obj)) {
        mcu_error_set(err, errlen, "cannot encode %s: %s", path, openssl_error(ossl, sizeof ossl));
        BIO_free(mem);
        return -1;
    }
    char *data = NULL;
    long data_len = BIO_get_mem_data(mem, &data);

    size_t tmp_len = strlen(path) + 8;
    char *tmp = malloc(tmp_len);
    if (!tmp) {
        mcu_error_set(err, errlen, "out of memory");
        BIO_free(mem);
        return -1;
    }
    snprintf(tmp, tmp_len, "%s.XXXXXX", path);
    int rc = -1;
    int fd = mkstemp(tmp); /* created 0600 */
    if (fd < 0) {
        mcu_error_set(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        goto out;
    }
    const char *p = data;
    long left = data_len;
    while (left > 0) {
        ssize_t w = write(fd, p, (size_t)left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            mcu_error_set(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
            goto out_unlink;
        }
        p += w;
        left -= w;
    }
    if (fchmod(fd, mode) < 0 || fsync(fd) < 0) {
        mcu_error_set(err, errlen, "cannot finish %s: %s", tmp, strerror(errno));
        goto out_unlink;
    }
    if (close(fd) < 0) {
        fd = -1;
        mcu_error_set(err, errlen, "cannot close %s: %s", tmp, strerror(errno));
        goto out_unlink;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        mcu_error_set(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
        goto out_unlink;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    rc = 0;
    goto out;
out_unlink:
    if (fd >= 0) close(fd);
    unlink(tmp);
out:
    free(tmp);
    BIO_free(mem);
    return rc;
}

static int pem_write_key(BIO *bio, const void *key)
{
    return PEM_write_bio_PrivateKey(bio, (EVP_PKEY *)key, NULL, NULL, 0, NULL, NULL);
}

static int pem_write_cert(BIO *bio, const void *cert)
{
    return PEM_write_bio_X509(bio, (X509 *)cert);
}

static int store_identity(const struct dtls_identity *id, const char *dir, const char *key_path,
                          const char *cert_path, char *err, size_t errlen)
{
    /* Key first: a crash between the two renames leaves a mismatched pair, which the
     * next load detects and replaces. */
    if (write_pem_file(dir, key_path, 0600, pem_write_key, id->private_key, err, errlen) < 0)
        return -1;
    return write_pem_file(dir, cert_path, 0644, pem_write_cert, id->certificate, err, errlen);
}

/* Opens `path` for reading. Returns the BIO, or NULL with *missing set when the file
 * does not exist (ENOENT) and with an error message otherwise. */
static BIO *open_pem(const char *path, int *missing, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            *missing = 1;
        else
            mcu_error_set(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    BIO *bio = BIO_new_fp(f, BIO_CLOSE);
    if (!bio) {
        fclose(f);
        mcu_error_set(err, errlen, "out of memory");
    }
    return bio;
}

/* Why an existing pair cannot be used, or NULL when it is fine. */
static const char *unusable_reason(X509 *cert, EVP_PKEY *key)
{
    if (!cert) return "certificate unreadable";
    if (!key) return "key unreadable";
    if (!EVP_PKEY_is_a(key, "EC")) return "key is not EC";
    char group[32] = "";
    if (!EVP_PKEY_get_group_name(key, group, sizeof group, NULL) ||
        strcmp(group, "prime256v1") != 0)
        return "key is not P-256";
    if (X509_check_private_key(cert, key) != 1) return "key does not match certificate";
    time_t renew_at = time(NULL) + (time_t)DTLS_IDENTITY_RENEW_DAYS * 24 * 3600;
    if (X509_cmp_time(X509_get0_notAfter(cert), &renew_at) <= 0)
        return "certificate expired or about to expire";
    return NULL;
}

/* Returns 1 loaded, 0 absent or unusable (regenerate), -1 error (message in err). */
static int load_identity(const char *key_path, const char *cert_path, struct dtls_identity **out,
                         char *err, size_t errlen)
{
    int key_missing = 0, cert_missing = 0;
    BIO *key_bio = open_pem(key_path, &key_missing, err, errlen);
    if (!key_bio && !key_missing) return -1;
    BIO *cert_bio = open_pem(cert_path, &cert_missing, err, errlen);
    if (!cert_bio && !cert_missing) {
        BIO_free(key_bio);
        return -1;
    }
    if (!key_bio || !cert_bio) {
        if (key_bio || cert_bio)
            log_warn("dtls identity: only one of %s, %s exists; creating a new pair", key_path,
                     cert_path);
        BIO_free(key_bio);
        BIO_free(cert_bio);
        return 0;
    }
    EVP_PKEY *key = PEM_read_bio_PrivateKey(key_bio, NULL, NULL, NULL);
    X509 *cert = PEM_read_bio_X509(cert_bio, NULL, NULL, NULL);
    BIO_free(key_bio);
    BIO_free(cert_bio);
    ERR_clear_error();
    const char *why = unusable_reason(cert, key);
    ERR_clear_error();
    if (why) {
        log_warn("dtls identity in %s: %s; creating a new pair", cert_path, why);
        X509_free(cert);
        EVP_PKEY_free(key);
        return 0;
    }
    struct stat st;
    if (stat(key_path, &st) == 0 && (st.st_mode & 077) != 0) {
        log_warn("dtls identity: %s was readable by others; mode set to 0600", key_path);
        if (chmod(key_path, 0600) < 0) {
            mcu_error_set(err, errlen, "cannot chmod %s: %s", key_path, strerror(errno));
            X509_free(cert);
            EVP_PKEY_free(key);
            return -1;
        }
    }
    *out = identity_from(cert, key);
    if (!*out) {
        mcu_error_set(err, errlen, "out of memory or digest failure");
        return -1;
    }
    return 1;
}

struct dtls_identity *dtls_identity_load_or_create(const char *state_dir, char *err, size_t errlen)
{
    if (!state_dir) {
        mcu_error_set(err, errlen, "no state directory");
        return NULL;
    }
    if (make_dirs(state_dir, err, errlen) < 0) return NULL;
    struct dtls_identity *id = NULL;
    char *key_path = join_path(state_dir, DTLS_IDENTITY_KEY_FILE);
    char *cert_path = join_path(state_dir, DTLS_IDENTITY_CERT_FILE);
    if (!key_path || !cert_path) {
        mcu_error_set(err, errlen, "out of memory");
        goto out;
    }
    int loaded = load_identity(key_path, cert_path, &id, err, errlen);
    if (loaded < 0) goto out;
    if (loaded == 1) {
        log_info("dtls identity loaded from %s, fingerprint sha-256 %s", state_dir,
                 id->fingerprint);
        goto out;
    }
    id = dtls_identity_generate(err, errlen);
    if (!id) goto out;
    if (store_identity(id, state_dir, key_path, cert_path, err, errlen) < 0) {
        dtls_identity_free(id);
        id = NULL;
        goto out;
    }
    log_info("dtls identity created in %s (valid %d days), fingerprint sha-256 %s", state_dir,
             DTLS_IDENTITY_VALID_DAYS, id->fingerprint);
out:
    free(key_path);
    free(cert_path);
    return id;
}
