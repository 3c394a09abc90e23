/* tls_files.c - checks the TLS certificate and key with OpenSSL; see tls_files.h. */
#include "mcu/http/tls_files.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

static FILE *open_file(const char *path, const char *what, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) snprintf(err, errlen, "TLS %s %s: %s", what, path, strerror(errno));
    return f;
}

int tls_files_check(const char *cert, const char *key, char *err, size_t errlen)
{
    FILE *f = open_file(cert, "certificate", err, errlen);
    if (!f) return -1;
    X509 *x509 = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (!x509) {
        snprintf(err, errlen, "TLS certificate %s: not a PEM certificate", cert);
        ERR_clear_error();
        return -1;
    }
    int rc = -1;
    EVP_PKEY *pkey = NULL;
    if (X509_cmp_current_time(X509_get0_notAfter(x509)) <= 0) {
        snprintf(err, errlen, "TLS certificate %s has expired", cert);
        goto out;
    }
    if (X509_cmp_current_time(X509_get0_notBefore(x509)) > 0) {
        snprintf(err, errlen, "TLS certificate %s is not valid yet", cert);
        goto out;
    }
    if (!(f = open_file(key, "key", err, errlen))) goto out;
    pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!pkey) {
        snprintf(err, errlen, "TLS key %s: not a PEM private key (or it needs a passphrase)", key);
        goto out;
    }
    if (X509_check_private_key(x509, pkey) != 1) {
        snprintf(err, errlen, "TLS key %s does not belong to the certificate %s", key, cert);
        goto out;
    }
    rc = 0;
out:
    ERR_clear_error();
    EVP_PKEY_free(pkey);
    X509_free(x509);
    return rc;
}
