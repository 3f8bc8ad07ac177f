/* keys.c - derived secrets (see keys.h). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "buf.h"
#include "keys.h"

static void to_hex(const unsigned char *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void hmac256_hex(const char *key, const void *msg, size_t n, char out[KEY_HEX + 1])
{
	unsigned char md[32];
	unsigned int len = 32;

	if (!HMAC(EVP_sha256(), key, (int)strlen(key), msg, n, md, &len) || len != 32)
		abort();
	to_hex(md, 32, out);
}

void derive_secret(const char *master, const char *purpose, const char *id,
		   const char *salt, char out[KEY_HEX + 1])
{
	buf m = BUF_INIT;
	buf_printf(&m, "%s|%s|%s", purpose, id, salt);
	hmac256_hex(master, m.p, m.len, out);
	buf_free(&m);
}

int random_hex(char *out, size_t nbytes)
{
	unsigned char b[64];

	if (nbytes > sizeof b || RAND_bytes(b, (int)nbytes) != 1)
		return -1;
	to_hex(b, nbytes, out);
	return 0;
}
