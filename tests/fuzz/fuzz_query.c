/*
 * fuzz_query.c - libFuzzer harness for form_parse (lib/url.c) and
 * form_validate (lib/form.c) on query strings and urlencoded bodies.
 *
 * Invariants checked on arbitrary bytes:
 *  - every pair's name and value are NUL-terminated, NUL-free, valid UTF-8,
 *    vlen == strlen(value), and there are never more than max_pairs;
 *  - re-encoding the pairs with url_encode and parsing again gives the
 *    same pairs (decode . encode is the identity);
 *  - on error, the return code is one of the documented ones and *bad is
 *    set (except for URL_OK);
 *  - form_validate either accepts, with every value typed as its spec says
 *    (text without controls and within max_chars, int in range, enum one
 *    of the choices), or names a field in a Vietnamese message, and an
 *    unknown name is never echoed longer than 40 characters.
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-Ilib lib/arena.c lib/buf.c lib/url.c lib/form.c lib/vntext.c \
 *	tests/fuzz/fuzz_query.c -o /tmp/fuzz_query
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "form.h"
#include "url.h"
#include "vntext.h"
#include "fuzz.h"

/* abort() rather than assert(): must also fire in -DNDEBUG builds. */

#define MAX_PAIRS 16

static const char *const sorts[] = { "name", "date", "fee", NULL };

static int is_slug(const char *v, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '-'))
			return 0;
	return 1;
}

static const field_spec specs[] = {
	{ .name = "q", .type = FT_TEXT, .max_chars = 20, .hint = "từ khoá" },
	{ .name = "page", .type = FT_INT, .min = 1, .max = 1000 },
	{ .name = "delta", .type = FT_INT, .min = -50, .max = 50 },
	{ .name = "sort", .type = FT_ENUM, .choices = sorts },
	{ .name = "slug", .type = FT_PATTERN, .max_chars = 12, .check = is_slug },
	{ .name = NULL },
};

static size_t nchars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

static void check_string(const char *s, size_t n)
{
	CHECK(s != NULL);
	CHECK(s[n] == '\0');
	CHECK(strlen(s) == n);
	CHECK(utf8_valid(s, n) || n == 0);
}

static void check_validate(arena *a, const kvlist *l)
{
	field_value *v = NULL;
	form_error err = { 0 };
	size_t nspecs = sizeof(specs) / sizeof(specs[0]) - 1;

	if (form_validate(a, l, specs, &v, &err) == 0) {
		CHECK(v != NULL);
		for (size_t k = 0; k < nspecs; k++) {
			const field_value *f = &v[k];
			const field_spec *sp = &specs[k];

			CHECK(f->name == sp->name);
			if (!f->s)
				continue;
			CHECK(utf8_valid(f->s, f->len) || f->len == 0);
			switch (sp->type) {
			case FT_TEXT:
				CHECK(nchars(f->s, f->len) <= sp->max_chars);
				for (size_t i = 0; i < f->len; i++)
					CHECK((unsigned char)f->s[i] >= 0x20 &&
					      f->s[i] != 0x7f);
				break;
			case FT_INT:
				CHECK(f->i >= sp->min && f->i <= sp->max);
				break;
			case FT_ENUM:
				CHECK(f->i >= 0 && f->i < 3);
				CHECK(strcmp(sp->choices[f->i], f->s) == 0);
				break;
			case FT_PATTERN:
				CHECK(sp->check(f->s, f->len));
				CHECK(nchars(f->s, f->len) <= sp->max_chars);
				break;
			}
		}
		/* accepted means no name twice and no unknown name */
		for (size_t i = 0; i < l->n; i++) {
			size_t k = 0;

			while (k < nspecs && strcmp(specs[k].name, l->items[i].name))
				k++;
			CHECK(k < nspecs);
			for (size_t j = i + 1; j < l->n; j++)
				CHECK(strcmp(l->items[i].name, l->items[j].name));
		}
		return;
	}
	CHECK(err.field != NULL && err.message != NULL);
	CHECK(strncmp(err.message, "Tham số “", strlen("Tham số “")) == 0);
	CHECK(utf8_valid(err.message, strlen(err.message)));
	CHECK(nchars(err.field, strlen(err.field)) <= 40);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = fuzz_arena();
	kvlist l, l2;
	const char *bad = NULL;
	char *in;
	int rc;

	in = fuzz_copy(data, size);
	if (!in)
		return 0;

	rc = form_parse(a, in, size, MAX_PAIRS, &l, &bad);
	if (rc != URL_OK) {
		CHECK(rc == URL_BAD_ESCAPE || rc == URL_BAD_UTF8 ||
		      rc == URL_TOO_MANY);
		CHECK(bad != NULL);
		CHECK(strlen(bad) <= size);
		free(in);
		return 0;
	}
	CHECK(bad == NULL);
	CHECK(l.n <= MAX_PAIRS);
	for (size_t i = 0; i < l.n; i++) {
		check_string(l.items[i].name, strlen(l.items[i].name));
		check_string(l.items[i].value, l.items[i].vlen);
		CHECK(kv_find(&l, l.items[i].name) <= &l.items[i]);
	}

	/* decode(encode(pairs)) == pairs */
	size_t cap = 1;

	for (size_t i = 0; i < l.n; i++)
		cap += 3 * (strlen(l.items[i].name) + l.items[i].vlen) + 2;
	char *q = arena_alloc(a, cap), *p = q;

	for (size_t i = 0; i < l.n; i++) {
		const char *en = url_encode(a, l.items[i].name);
		const char *ev = url_encode(a, l.items[i].value);

		if (i)
			*p++ = '&';
		memcpy(p, en, strlen(en));
		p += strlen(en);
		*p++ = '=';
		memcpy(p, ev, strlen(ev));
		p += strlen(ev);
	}
	*p = '\0';
	/* a pair with an empty name and value ("=") survives; "" does not */
	CHECK(form_parse(a, q, (size_t)(p - q), MAX_PAIRS, &l2, &bad) == URL_OK);
	CHECK(l2.n == l.n);
	for (size_t i = 0; i < l.n; i++) {
		CHECK(strcmp(l.items[i].name, l2.items[i].name) == 0);
		CHECK(l.items[i].vlen == l2.items[i].vlen);
		CHECK(memcmp(l.items[i].value, l2.items[i].value,
			     l.items[i].vlen) == 0);
	}

	check_validate(a, &l);
	free(in);
	return 0;
}
