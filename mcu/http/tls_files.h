/* tls_files.h - the checks mcud makes on its TLS certificate and key before
 * libwebsockets loads them, so that a wrong file stops the start with a message that
 * names it (missing, unreadable, not PEM, key not matching the certificate, expired)
 * instead of a failed handshake later. */
#ifndef HOINGHI_MCU_TLS_FILES_H
#define HOINGHI_MCU_TLS_FILES_H

#include <stddef.h>

/* 0 when `cert` is a readable PEM certificate (chain), `key` a readable PEM private
 * key, and the key belongs to the certificate; -1 with the reason in err. An expired
 * or not yet valid certificate is an error too. */
int tls_files_check(const char *cert, const char *key, char *err, size_t errlen);

#endif
