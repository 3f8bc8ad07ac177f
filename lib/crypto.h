/*
 * crypto.h - the few primitives the portal needs, from OpenSSL.
 *
 * Random tokens, SHA-256, HMAC-SHA256/512 in hex, comparison in constant
 * time, and password hashing.  Passwords use PBKDF2-HMAC-SHA256 with
 * 600,000 iterations (OWASP 2023) and a 16-byte per-user salt; the stored
 * form names its algorithm and parameters, "pbkdf2-sha256$600000$SALT$HASH"
 * (salt and hash in hex), so a later change of cost verifies old hashes.
 */
#ifndef PORTAL_CRYPTO_H
#define PORTAL_CRYPTO_H

#include <stddef.h>

#include "arena.h"

/* Fill p with n bytes from the OS's CSPRNG; 0, or -1 (never ignore it). */
int crypto_random(void *p, size_t n);
/* nbytes of randomness as lowercase hex (2 * nbytes characters), or NULL. */
const char *crypto_token(arena *a, size_t nbytes);
/* A uniform number in [0, bound), for one-time codes. */
long long crypto_uniform(long long bound);

/* n bytes as 2n lowercase hex digits and a NUL. */
void hex_encode(const void *p, size_t n, char *out);
/* Exactly 2 * nbytes hex digits (either case) into nbytes bytes; 0, or -1
 * for any other length or character. */
int hex_decode(const char *s, size_t nbytes, unsigned char *out);

void sha256_hex(const void *p, size_t n, char out[65]);
void hmac_sha256_hex(const void *key, size_t klen, const void *msg, size_t mlen,
		     char out[65]);
void hmac_sha512_hex(const void *key, size_t klen, const void *msg, size_t mlen,
		     char out[129]);

/* Equal strings, in time that depends only on their lengths: for MACs and
 * token hashes, whose length is public. */
int crypto_eq(const char *a, const char *b);

/* The stored form of a password, or NULL (out of randomness). */
const char *password_hash(arena *a, const char *pw);
/* 1 if pw matches stored, else 0 (also for a malformed stored value).
 * stored NULL (no such account) costs as much as a real check and is 0. */
int password_verify(const char *stored, const char *pw);
/* Fewer iterations, for tests only: set from PORTAL_PBKDF2_ITERATIONS
 * when PORTAL_DEV_OUTBOX is also set, never in production. */
int password_iterations(void);

#endif
