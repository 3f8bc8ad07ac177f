/* crypto.c - see crypto.h */
#include "crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "conf.h"

#define PBKDF2_ITER 600000
#define SALT_BYTES 16
#define HASH_BYTES 32

void hex_encode(const void *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	hex_encode(p, n, out);
}

int hex_decode(const char *s, size_t nbytes, unsigned char *out)
{
	if (!s || strlen(s) != 2 * nbytes)
		return -1;
	for (size_t i = 0; i < nbytes; i++) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + k];
			int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
				: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
			if (x < 0)
				return -1;
			v = v * 16 + x;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

static int unhex(const char *s, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i++) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + k];
			int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
			if (x < 0)
				return -1;
			v = v * 16 + x;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

int crypto_random(void *p, size_t n)
{
	return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
}

const char *crypto_token(arena *a, size_t nbytes)
{
	unsigned char b[64];
	if (nbytes > sizeof b || crypto_random(b, nbytes) < 0)
		return NULL;
	char *out = arena_alloc(a, 2 * nbytes + 1);
	hex(b, nbytes, out);
	return out;
}

long long crypto_uniform(long long bound)
{
	/* Rejection sampling: no modulo bias. */
	if (bound <= 1)
		return 0;
	unsigned long long x, lim = UINT64_MAX - UINT64_MAX % (unsigned long long)bound;
	do {
		if (crypto_random(&x, sizeof x) < 0)
			abort();  /* no randomness: nothing safe to hand out */
	} while (x >= lim);
	return (long long)(x % (unsigned long long)bound);
}

void sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(p, n, md);
	hex(md, sizeof md, out);
}

void hmac_sha256_hex(const void *key, size_t klen, const void *msg, size_t mlen, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	HMAC(EVP_sha256(), key, (int)klen, msg, mlen, md, &len);
	hex(md, len, out);
}

void hmac_sha512_hex(const void *key, size_t klen, const void *msg, size_t mlen, char out[129])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	HMAC(EVP_sha512(), key, (int)klen, msg, mlen, md, &len);
	hex(md, len, out);
}

int crypto_eq(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n != strlen(b))
		return 0;
	return CRYPTO_memcmp(a, b, n) == 0;
}

int password_iterations(void)
{
	/* Tests create hundreds of accounts; the cost is lowered only on a
	 * development stack, which is also the only one with a dev outbox. */
	if (conf_int("PORTAL_DEV_OUTBOX", 0) == 1) {
		long long it = conf_int("PORTAL_PBKDF2_ITERATIONS", PBKDF2_ITER);
		if (it >= 1000 && it <= PBKDF2_ITER)
			return (int)it;
	}
	return PBKDF2_ITER;
}

static int derive(const char *pw, const unsigned char *salt, int iter, unsigned char *out)
{
	return PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, SALT_BYTES, iter, EVP_sha256(),
				 HASH_BYTES, out) == 1 ? 0 : -1;
}

const char *password_hash(arena *a, const char *pw)
{
	unsigned char salt[SALT_BYTES], h[HASH_BYTES];
	char salt_hex[2 * SALT_BYTES + 1], h_hex[2 * HASH_BYTES + 1];
	int iter = password_iterations();
	if (crypto_random(salt, sizeof salt) < 0 || derive(pw, salt, iter, h) < 0)
		return NULL;
	hex(salt, sizeof salt, salt_hex);
	hex(h, sizeof h, h_hex);
	return arena_printf(a, "pbkdf2-sha256$%d$%s$%s", iter, salt_hex, h_hex);
}

int password_verify(const char *stored, const char *pw)
{
	unsigned char salt[SALT_BYTES], want[HASH_BYTES], got[HASH_BYTES];
	if (!stored) {
		/* No such account: spend what a real check spends, so the time
		 * of the answer does not tell who has an account. */
		memset(salt, 0, sizeof salt);
		derive(pw, salt, password_iterations(), got);
		return 0;
	}
	if (strncmp(stored, "pbkdf2-sha256$", 14) != 0)
		return 0;
	char *end;
	long iter = strtol(stored + 14, &end, 10);
	if (iter < 1000 || iter > 10000000 || *end != '$' ||
	    strlen(end + 1) != 2 * SALT_BYTES + 1 + 2 * HASH_BYTES || end[1 + 2 * SALT_BYTES] != '$' ||
	    unhex(end + 1, SALT_BYTES, salt) < 0 ||
	    unhex(end + 2 + 2 * SALT_BYTES, HASH_BYTES, want) < 0)
		return 0;
	if (derive(pw, salt, (int)iter, got) < 0)
		return 0;
	return CRYPTO_memcmp(got, want, HASH_BYTES) == 0;
}
