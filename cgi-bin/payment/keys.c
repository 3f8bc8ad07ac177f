/* keys.c - derived secrets (see keys.h). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "keys.h"

void hmac256_hex(const char *key, const void *msg, size_t n, char out[KEY_HEX + 1])
{
	hmac_sha256_hex(key, strlen(key), msg, n, out);
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

	if (nbytes > sizeof b || crypto_random(b, nbytes) < 0)
		return -1;
	hex_encode(b, nbytes, out);
	return 0;
}
