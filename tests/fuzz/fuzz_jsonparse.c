/*
 * fuzz_jsonparse.c - libFuzzer harness for lib/jsonparse.c.
 *
 * Besides "never crash", it checks the parser's promises on every accepted
 * input: strings are NUL-free C strings of the stated length, the DOM
 * re-serialises to JSON that parses back to an identical DOM, lookups find
 * every key, and the number helpers agree with the number grammar.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "jsonparse.h"

static void put_string(buf *b, const char *s, size_t n)
{
	size_t i;

	buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else if (c < 0x20) {
			buf_printf(b, "\\u%04x", c);
		} else {
			buf_putc(b, (char)c);
		}
	}
	buf_putc(b, '"');
}

static void check_string(const char *s, size_t n)
{
	if (!s || s[n] != '\0' || strlen(s) != n)
		abort();
}

static void serialise(buf *b, const json_value *v)
{
	size_t i;

	switch (v->type) {
	case JSON_NULL:
		buf_puts(b, "null");
		break;
	case JSON_FALSE:
		buf_puts(b, "false");
		break;
	case JSON_TRUE:
		buf_puts(b, "true");
		break;
	case JSON_NUMBER:
		check_string(v->num, v->len);
		buf_put(b, v->num, v->len);
		break;
	case JSON_STRING:
		check_string(v->str, v->len);
		put_string(b, v->str, v->len);
		break;
	case JSON_ARRAY:
		buf_putc(b, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				buf_putc(b, ',');
			serialise(b, &v->items[i]);
		}
		buf_putc(b, ']');
		break;
	case JSON_OBJECT:
		buf_putc(b, '{');
		for (i = 0; i < v->n; i++) {
			if (i)
				buf_putc(b, ',');
			put_string(b, v->keys[i], strlen(v->keys[i]));
			buf_putc(b, ':');
			serialise(b, &v->items[i]);
			/* keys are unique, so lookup finds this very member */
			if (json_get(v, v->keys[i]) != &v->items[i])
				abort();
		}
		buf_putc(b, '}');
		break;
	default:
		abort();
	}
}

static int same(const json_value *x, const json_value *y)
{
	size_t i;

	if (x->type != y->type)
		return 0;
	switch (x->type) {
	case JSON_NUMBER:
		return !strcmp(x->num, y->num);
	case JSON_STRING:
		return x->len == y->len && !memcmp(x->str, y->str, x->len);
	case JSON_ARRAY:
	case JSON_OBJECT:
		if (x->n != y->n)
			return 0;
		for (i = 0; i < x->n; i++) {
			if (x->type == JSON_OBJECT &&
			    strcmp(x->keys[i], y->keys[i]))
				return 0;
			if (!same(&x->items[i], &y->items[i]))
				return 0;
		}
		return 1;
	default:
		return 1;
	}
}

/* Number helpers: i64 only for plain integers; never crash either way. */
static void check_numbers(const json_value *v)
{
	long long x;
	double d;
	size_t i;

	if (v->type == JSON_NUMBER) {
		if (!json_get_i64(v, &x) && strpbrk(v->num, ".eE"))
			abort();
		(void)json_get_double(v, &d);
	} else if (v->type == JSON_ARRAY || v->type == JSON_OBJECT) {
		for (i = 0; i < v->n; i++)
			check_numbers(&v->items[i]);
	}
	if (json_get_str(v, "code"))
		(void)json_get(v, "code");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new(4096);
	buf b = BUF_INIT;
	char err[128], err2[128];
	json_value *v, *w;

	v = json_parse(a, (const char *)data, size, err, sizeof(err));
	if (!v) {
		if (strncmp(err, "offset ", 7))
			abort();
		goto out;
	}
	check_numbers(v);
	serialise(&b, v);
	w = json_parse(a, b.p, b.len, err2, sizeof(err2));
	if (!w) {
		fprintf(stderr, "re-parse failed: %s\n%.*s\n", err2,
			(int)b.len, b.p);
		abort();
	}
	if (!same(v, w))
		abort();
out:
	buf_free(&b);
	arena_free(a);
	return 0;
}
