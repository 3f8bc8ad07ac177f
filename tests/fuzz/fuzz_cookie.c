/*
 * fuzz_cookie.c - libFuzzer harness for cookie_parse (lib/url.c).
 *
 * Invariants checked on arbitrary bytes:
 *  - at most max_pairs cookies; names are non-empty RFC 7230 tokens;
 *  - values are NUL-terminated at vlen and hold no ';', space, control,
 *    DQUOTE, comma or backslash (the octets cookie_parse promises to
 *    refuse);
 *  - writing the cookies back as "n=v; n=v" and as "n=\"v\";n=\"v\""
 *    parses to the same list;
 *  - any error is URL_BAD_SYNTAX or URL_TOO_MANY.
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-Ilib lib/arena.c lib/buf.c lib/url.c lib/vntext.c \
 *	tests/fuzz/fuzz_cookie.c -o /tmp/fuzz_cookie
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "url.h"
#include "fuzz.h"


#define MAX_COOKIES 8

static int is_token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

static int is_value_char(unsigned char c)
{
	return c > 0x20 && c != 0x7f && c != ';' && c != '"' && c != ',' &&
	       c != '\\';
}

/* Serialise l, optionally quoting every value; returns the length. */
static size_t put(arena *a, const kvlist *l, int quoted, char **out)
{
	size_t cap = 1;

	for (size_t i = 0; i < l->n; i++)
		cap += strlen(l->items[i].name) + l->items[i].vlen + 6;
	char *s = arena_alloc(a, cap), *p = s;

	for (size_t i = 0; i < l->n; i++) {
		size_t nl = strlen(l->items[i].name);

		if (i) {
			*p++ = ';';
			if (!quoted)
				*p++ = ' ';
		}
		memcpy(p, l->items[i].name, nl);
		p += nl;
		*p++ = '=';
		if (quoted)
			*p++ = '"';
		memcpy(p, l->items[i].value, l->items[i].vlen);
		p += l->items[i].vlen;
		if (quoted)
			*p++ = '"';
	}
	*p = '\0';
	*out = s;
	return (size_t)(p - s);
}

static void same(const kvlist *x, const kvlist *y)
{
	CHECK(x->n == y->n);
	for (size_t i = 0; i < x->n; i++) {
		CHECK(strcmp(x->items[i].name, y->items[i].name) == 0);
		CHECK(x->items[i].vlen == y->items[i].vlen);
		CHECK(memcmp(x->items[i].value, y->items[i].value,
			     x->items[i].vlen) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = fuzz_arena();
	kvlist l, l2;
	char *in, *s;
	size_t n;
	int rc;

	in = fuzz_copy(data, size);
	if (!in)
		return 0;
	rc = cookie_parse(a, in, size, MAX_COOKIES, &l);
	free(in);
	if (rc != URL_OK) {
		CHECK(rc == URL_BAD_SYNTAX || rc == URL_TOO_MANY);
		return 0;
	}
	CHECK(l.n <= MAX_COOKIES);
	for (size_t i = 0; i < l.n; i++) {
		const char *name = l.items[i].name, *v = l.items[i].value;

		CHECK(name && v);
		CHECK(*name);
		for (const char *p = name; *p; p++)
			CHECK(is_token_char((unsigned char)*p));
		CHECK(v[l.items[i].vlen] == '\0');
		CHECK(strlen(v) == l.items[i].vlen);
		CHECK(!memchr(v, ';', l.items[i].vlen));
		for (size_t k = 0; k < l.items[i].vlen; k++)
			CHECK(is_value_char((unsigned char)v[k]));
	}

	n = put(a, &l, 0, &s);
	CHECK(cookie_parse(a, s, n, MAX_COOKIES, &l2) == URL_OK);
	same(&l, &l2);
	n = put(a, &l, 1, &s);
	CHECK(cookie_parse(a, s, n, MAX_COOKIES, &l2) == URL_OK);
	same(&l, &l2);
	return 0;
}
