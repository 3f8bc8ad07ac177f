/*
 * fuzz_multipart.c - libFuzzer harness for lib/multipart.c.
 *
 * The first line of the input is the Content-Type header value, the rest
 * is the body.  Invariants:
 *  - a boundary, when one is found, is 1..70 characters from RFC 2046's set;
 *  - every part's data lies inside the body, never past its end;
 *  - at most max_parts parts; names non-empty and within max_name;
 *  - a text field within max_field, a file within max_file;
 *  - any error carries a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "multipart.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = fuzz_arena();
	char *in = fuzz_copy(data, size);
	if (!in)
		return 0;
	const char *nl = memchr(in, '\n', size);
	size_t hlen = nl ? (size_t)(nl - in) : size;
	char *ct = arena_strndup(a, in, hlen);
	const char *body = nl ? nl + 1 : in + size;
	size_t blen = size - (size_t)(body - in);
	const char *b = multipart_boundary(a, ct);
	if (!b)
		b = "XyZ";  /* still fuzz the body with a fixed boundary */
	size_t bl = strlen(b);
	CHECK(bl >= 1 && bl <= 70);
	mp_limits lim = {.max_parts = 16, .max_header = 256, .max_name = 64, .max_field = 512,
			 .max_file = 4096};
	mpart *p;
	size_t n;
	const char *why = NULL;
	int rc = multipart_parse(a, b, body, blen, &lim, &p, &n, &why);
	CHECK(n <= lim.max_parts);
	for (size_t i = 0; i < n; i++) {
		CHECK(p[i].data >= body && p[i].data + p[i].len <= body + blen);
		CHECK(p[i].name && *p[i].name && strlen(p[i].name) <= lim.max_name);
		CHECK(p[i].len <= (p[i].filename ? lim.max_file : lim.max_field));
	}
	if (rc != MP_OK)
		CHECK(why && *why);
	free(in);
	return 0;
}
