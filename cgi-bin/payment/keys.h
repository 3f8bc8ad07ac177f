/*
 * keys.h - secrets the payment area derives rather than stores.
 *
 * An agency's API secret (and its webhook signing secret) must be
 * recomputable by the portal to check an HMAC, so it cannot be stored as a
 * one-way hash; storing it encrypted would put the decryption key next to
 * the program anyway.  We store neither: the secret is
 *     hex HMAC-SHA256(master, purpose "|" id "|" salt)
 * with a random per-key salt in the database and the master key in
 * var/secrets (PORTAL_APIKEY_MASTER), never in the database.  A stolen
 * database alone signs nothing; a stolen master alone names no key.
 * Rotating the master re-keys every agency (documented in README).
 */
#ifndef PAYMENT_KEYS_H
#define PAYMENT_KEYS_H

#define KEY_HEX 64

/* out: 64 lower-case hex digits + NUL */
void derive_secret(const char *master, const char *purpose, const char *id,
		   const char *salt, char out[KEY_HEX + 1]);

/* hex HMAC-SHA256(key, msg[0..n)) */
void hmac256_hex(const char *key, const void *msg, size_t n, char out[KEY_HEX + 1]);

/* n random bytes as 2n hex digits; 0 or -1. */
int random_hex(char *out, size_t nbytes);

#endif
