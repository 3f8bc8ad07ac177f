/*
 * test_url.c - unit tests for lib/url.c: percent-decoding, query strings and
 * urlencoded bodies, cookies, request paths, url_encode.
 *
 * Inputs are copied into malloc'd buffers of exactly n bytes (no NUL after
 * them) so that AddressSanitizer catches any read past the length the
 * parsers were given.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "url.h"
#include "vntext.h"

static int setup(void **state)
{
	*state = arena_new(4096);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* An exact-size heap copy of s[0..n), not NUL-terminated. */
static char *exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

/* ---- url_decode ---------------------------------------------------------- */

static int decode_n(arena *a, const char *s, size_t n, int plus, char **out,
		    size_t *len)
{
	char *in = exact(s, n);
	int rc;

	*out = NULL;
	*len = (size_t)-1;
	rc = url_decode(a, in, n, plus, out, len);
	free(in);
	return rc;
}

/* Literal input (may hold NUL bytes), expected output or error. */
#define DEC_OK(lit, plus, want) do {					\
	char *o_; size_t l_;						\
	assert_int_equal(decode_n(a, lit, sizeof(lit) - 1, plus, &o_, &l_), \
			 URL_OK);					\
	assert_string_equal(o_, want);					\
	assert_int_equal(l_, strlen(want));				\
} while (0)
#define DEC_ERR(lit, plus, err) do {					\
	char *o_; size_t l_;						\
	assert_int_equal(decode_n(a, lit, sizeof(lit) - 1, plus, &o_, &l_), \
			 err);						\
} while (0)

static void test_decode_valid(void **state)
{
	arena *a = *state;

	DEC_OK("", 0, "");
	DEC_OK("abc", 0, "abc");
	DEC_OK("%41%42%43", 0, "ABC");
	DEC_OK("a%2fb%2Fc", 0, "a/b/c");
	DEC_OK("%c3%a9%C3%A9", 0, "éé");
	DEC_OK("Vi%E1%BB%87t%20Nam", 0, "Việt Nam");
	DEC_OK("Việt Nam", 0, "Việt Nam");	/* raw UTF-8 passes through */
	DEC_OK("100%25", 0, "100%");
	DEC_OK("%F0%9F%98%80", 0, "\xF0\x9F\x98\x80");	/* U+1F600 */

	/* outlen may be NULL */
	char *o;
	assert_int_equal(url_decode(a, "x%41", 4, 0, &o, NULL), URL_OK);
	assert_string_equal(o, "xA");
}

static void test_decode_plus(void **state)
{
	arena *a = *state;

	DEC_OK("a+b", 1, "a b");
	DEC_OK("a+b", 0, "a+b");
	DEC_OK("a%2Bb", 1, "a+b");	/* an encoded plus stays a plus */
	DEC_OK("++", 1, "  ");
}

static void test_decode_bad_escape(void **state)
{
	arena *a = *state;

	DEC_ERR("%zz", 0, URL_BAD_ESCAPE);
	DEC_ERR("%4", 0, URL_BAD_ESCAPE);
	DEC_ERR("a%4", 0, URL_BAD_ESCAPE);
	DEC_ERR("%", 0, URL_BAD_ESCAPE);
	DEC_ERR("abc%", 0, URL_BAD_ESCAPE);
	DEC_ERR("%4g", 0, URL_BAD_ESCAPE);
	DEC_ERR("%g4", 0, URL_BAD_ESCAPE);
	DEC_ERR("% 41", 0, URL_BAD_ESCAPE);
	DEC_ERR("%+41", 1, URL_BAD_ESCAPE);
	DEC_ERR("%%41", 0, URL_BAD_ESCAPE);
	/* a decoded NUL, and a raw NUL byte inside the input */
	DEC_ERR("%00", 0, URL_BAD_ESCAPE);
	DEC_ERR("a%00b", 1, URL_BAD_ESCAPE);
	DEC_ERR("a\0b", 0, URL_BAD_ESCAPE);
}

static void test_decode_bad_utf8(void **state)
{
	arena *a = *state;

	DEC_ERR("%C3%28", 0, URL_BAD_UTF8);	/* bad continuation */
	DEC_ERR("%C0%AF", 0, URL_BAD_UTF8);	/* overlong '/' */
	DEC_ERR("%C1%81", 0, URL_BAD_UTF8);	/* overlong 'A' */
	DEC_ERR("%E0%80%AF", 0, URL_BAD_UTF8);	/* overlong, 3 bytes */
	DEC_ERR("%ED%A0%80", 0, URL_BAD_UTF8);	/* surrogate U+D800 */
	DEC_ERR("%F4%90%80%80", 0, URL_BAD_UTF8);	/* above U+10FFFF */
	DEC_ERR("%C3", 0, URL_BAD_UTF8);		/* truncated */
	DEC_ERR("%E1%BB", 0, URL_BAD_UTF8);
	DEC_ERR("%FF", 0, URL_BAD_UTF8);
	DEC_ERR("%80", 0, URL_BAD_UTF8);		/* stray continuation */
	DEC_ERR("\xC3(", 0, URL_BAD_UTF8);		/* raw, undecoded */
	DEC_ERR("\xFF", 1, URL_BAD_UTF8);
}

/* Only n bytes are read: an escape cut by the length is truncated. */
static void test_decode_bounded(void **state)
{
	arena *a = *state;
	char *o;
	size_t l;

	assert_int_equal(decode_n(a, "%41", 2, 0, &o, &l), URL_BAD_ESCAPE);
	assert_int_equal(decode_n(a, "%41", 1, 0, &o, &l), URL_BAD_ESCAPE);
	assert_int_equal(decode_n(a, "abc%41", 3, 0, &o, &l), URL_OK);
	assert_string_equal(o, "abc");
	assert_int_equal(decode_n(a, "%C3%A9", 3, 0, &o, &l), URL_BAD_UTF8);
	assert_int_equal(decode_n(a, "x", 0, 0, &o, &l), URL_OK);
	assert_string_equal(o, "");
	assert_int_equal(l, 0);
}

/* ---- form_parse ---------------------------------------------------------- */

static int parse_form(arena *a, const char *s, size_t max, kvlist *l,
		      const char **bad)
{
	size_t n = strlen(s);
	char *in = exact(s, n);
	int rc = form_parse(a, in, n, max, l, bad);

	free(in);
	return rc;
}

static void assert_pair(const kvlist *l, size_t i, const char *name,
			const char *value)
{
	assert_true(i < l->n);
	assert_string_equal(l->items[i].name, name);
	assert_string_equal(l->items[i].value, value);
	assert_int_equal(l->items[i].vlen, strlen(value));
}

static void test_form_basic(void **state)
{
	arena *a = *state;
	kvlist l;
	const char *bad = "sentinel";

	assert_int_equal(parse_form(a, "a=1&b=2", 10, &l, &bad), URL_OK);
	assert_null(bad);
	assert_int_equal(l.n, 2);
	assert_pair(&l, 0, "a", "1");
	assert_pair(&l, 1, "b", "2");

	assert_int_equal(parse_form(a, "", 10, &l, &bad), URL_OK);
	assert_int_equal(l.n, 0);
	assert_null(kv_find(&l, "a"));

	/* Vietnamese search text as a browser sends it */
	assert_int_equal(parse_form(a, "q=gi%E1%BA%A5y+ph%C3%A9p+l%C3%A1i+xe&page=2",
				    10, &l, &bad), URL_OK);
	assert_pair(&l, 0, "q", "giấy phép lái xe");
	assert_pair(&l, 1, "page", "2");

	/* '+' is a space in names too, and an encoded '&' or '=' is data */
	assert_int_equal(parse_form(a, "a+b=c%26d%3De", 10, &l, &bad), URL_OK);
	assert_int_equal(l.n, 1);
	assert_pair(&l, 0, "a b", "c&d=e");

	/* only n bytes are parsed */
	assert_int_equal(form_parse(a, "a=1&b=2", 3, 10, &l, &bad), URL_OK);
	assert_int_equal(l.n, 1);
	assert_pair(&l, 0, "a", "1");
}

static void test_form_empty_pairs(void **state)
{
	arena *a = *state;
	kvlist l;
	const char *bad;

	assert_int_equal(parse_form(a, "a=1&&b=2&", 10, &l, &bad), URL_OK);
	assert_int_equal(l.n, 2);
	assert_pair(&l, 0, "a", "1");
	assert_pair(&l, 1, "b", "2");

	assert_int_equal(parse_form(a, "&&&", 10, &l, &bad), URL_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse_form(a, "&a=1", 10, &l, &bad), URL_OK);
	assert_int_equal(l.n, 1);

	/* empty pairs do not count against max_pairs */
	assert_int_equal(parse_form(a, "&&a=1&&&&b=2&&", 2, &l, &bad), URL_OK);
	assert_int_equal(l.n, 2);
}

static void test_form_no_equals(void **state)
{
	arena *a = *state;
	kvlist l;
	const char *bad;

	assert_int_equal(parse_form(a, "a&b=&c", 10, &l, &bad), URL_OK);
	assert_int_equal(l.n, 3);
	assert_pair(&l, 0, "a", "");
	assert_pair(&l, 1, "b", "");
	assert_pair(&l, 2, "c", "");

	/* '=' inside a value belongs to the value */
	assert_int_equal(parse_form(a, "a=b=c&d==", 10, &l, &bad), URL_OK);
	assert_pair(&l, 0, "a", "b=c");
	assert_pair(&l, 1, "d", "=");

	/* an empty name is kept: the validator rejects it as unknown */
	assert_int_equal(parse_form(a, "=1", 10, &l, &bad), URL_OK);
	assert_int_equal(l.n, 1);
	assert_pair(&l, 0, "", "1");
}

static void test_form_duplicates(void **state)
{
	arena *a = *state;
	kvlist l;
	const char *bad;
	const kv *p;

	assert_int_equal(parse_form(a, "a=1&b=x&a=2&a=1", 10, &l, &bad), URL_OK);
	assert_int_equal(l.n, 4);
	assert_pair(&l, 0, "a", "1");
	assert_pair(&l, 1, "b", "x");
	assert_pair(&l, 2, "a", "2");
	assert_pair(&l, 3, "a", "1");
	p = kv_find(&l, "a");
	assert_ptr_equal(p, &l.items[0]);
	assert_ptr_equal(kv_find(&l, "b"), &l.items[1]);
	assert_null(kv_find(&l, "c"));
	assert_null(kv_find(&l, "A"));
}

static void test_form_too_many(void **state)
{
	arena *a = *state;
	kvlist l;
	const char *bad;

	assert_int_equal(parse_form(a, "a=1&b=2&c=3", 3, &l, &bad), URL_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(parse_form(a, "a=1&b=2&c=3", 2, &l, &bad),
			 URL_TOO_MANY);
	assert_non_null(bad);
	assert_string_equal(bad, "c=3");
	assert_int_equal(parse_form(a, "a", 0, &l, &bad), URL_TOO_MANY);
	assert_int_equal(parse_form(a, "", 0, &l, &bad), URL_OK);
	assert_int_equal(l.n, 0);

	/* a long query with 1000 pairs against a cap of 100 */
	char *q = malloc(1000 * 12 + 1), *p = q;

	assert_non_null(q);
	for (int i = 0; i < 1000; i++)
		p += sprintf(p, "%sk%d=%d", i ? "&" : "", i, i);
	assert_int_equal(parse_form(a, q, 100, &l, &bad), URL_TOO_MANY);
	assert_string_equal(bad, "k100=100");
	assert_int_equal(parse_form(a, q, 1000, &l, &bad), URL_OK);
	assert_int_equal(l.n, 1000);
	assert_pair(&l, 999, "k999", "999");
	free(q);
}

static void test_form_bad_pair(void **state)
{
	arena *a = *state;
	kvlist l;
	const char *bad;

	assert_int_equal(parse_form(a, "a=1&b%zz=2&c=3", 10, &l, &bad),
			 URL_BAD_ESCAPE);
	assert_non_null(bad);
	assert_string_equal(bad, "b%zz");

	/* A bad value: *bad starts with the raw name of the pair. */
	assert_int_equal(parse_form(a, "a=1&name=%C3%28", 10, &l, &bad),
			 URL_BAD_UTF8);
	assert_non_null(bad);
	assert_int_equal(strncmp(bad, "name", 4), 0);

	assert_int_equal(parse_form(a, "q=abc%00def", 10, &l, &bad),
			 URL_BAD_ESCAPE);
	assert_non_null(bad);
	assert_int_equal(strncmp(bad, "q", 1), 0);

	assert_int_equal(parse_form(a, "q=%C0%AF", 10, &l, &bad), URL_BAD_UTF8);
	assert_int_equal(parse_form(a, "q=%4", 10, &l, &bad), URL_BAD_ESCAPE);
	assert_int_equal(parse_form(a, "q=%", 10, &l, &bad), URL_BAD_ESCAPE);

	/* bad may be NULL */
	assert_int_equal(form_parse(a, "%zz", 3, 10, &l, NULL), URL_BAD_ESCAPE);
	assert_int_equal(form_parse(a, "a=1&b=2", 7, 1, &l, NULL), URL_TOO_MANY);
}

/* ---- cookie_parse -------------------------------------------------------- */

static int parse_cookie(arena *a, const char *s, size_t max, kvlist *l)
{
	size_t n = strlen(s);
	char *in = exact(s, n);
	int rc = cookie_parse(a, in, n, max, l);

	free(in);
	return rc;
}

static void test_cookie_basic(void **state)
{
	arena *a = *state;
	kvlist l;

	assert_int_equal(parse_cookie(a, "a=1; b=2", 8, &l), URL_OK);
	assert_int_equal(l.n, 2);
	assert_pair(&l, 0, "a", "1");
	assert_pair(&l, 1, "b", "2");

	assert_int_equal(parse_cookie(a, "sid=AbC-123_x.y~z", 8, &l), URL_OK);
	assert_pair(&l, 0, "sid", "AbC-123_x.y~z");

	/* '=' is a cookie-octet; only the first one separates */
	assert_int_equal(parse_cookie(a, "t=YWJj==", 8, &l), URL_OK);
	assert_pair(&l, 0, "t", "YWJj==");

	/* values are not %-decoded */
	assert_int_equal(parse_cookie(a, "v=%41", 8, &l), URL_OK);
	assert_pair(&l, 0, "v", "%41");

	assert_int_equal(parse_cookie(a, "a=", 8, &l), URL_OK);
	assert_pair(&l, 0, "a", "");

	assert_int_equal(parse_cookie(a, "", 8, &l), URL_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse_cookie(a, " ; ;\t;", 8, &l), URL_OK);
	assert_int_equal(l.n, 0);

	/* only n bytes are parsed */
	assert_int_equal(cookie_parse(a, "a=1; b=2", 3, 8, &l), URL_OK);
	assert_int_equal(l.n, 1);
	assert_pair(&l, 0, "a", "1");
}

static void test_cookie_spaces(void **state)
{
	arena *a = *state;
	kvlist l;

	assert_int_equal(parse_cookie(a, "  a=1 ;  b=2  ;", 8, &l), URL_OK);
	assert_int_equal(l.n, 2);
	assert_pair(&l, 0, "a", "1");
	assert_pair(&l, 1, "b", "2");
	assert_int_equal(parse_cookie(a, "a=1;b=2", 8, &l), URL_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(parse_cookie(a, "a = 1", 8, &l), URL_OK);
	assert_pair(&l, 0, "a", "1");
	assert_int_equal(parse_cookie(a, "a=1;;;b=2", 8, &l), URL_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(parse_cookie(a, "\ta=1\t", 8, &l), URL_OK);
	assert_pair(&l, 0, "a", "1");
	/* a space inside a value is not a cookie-octet */
	assert_int_equal(parse_cookie(a, "a=x y", 8, &l), URL_BAD_SYNTAX);
}

static void test_cookie_quoted(void **state)
{
	arena *a = *state;
	kvlist l;

	assert_int_equal(parse_cookie(a, "a=\"xyz\"; b=\"\"", 8, &l), URL_OK);
	assert_int_equal(l.n, 2);
	assert_pair(&l, 0, "a", "xyz");
	assert_pair(&l, 1, "b", "");
	assert_int_equal(parse_cookie(a, "a= \"xyz\" ", 8, &l), URL_OK);
	assert_pair(&l, 0, "a", "xyz");

	assert_int_equal(parse_cookie(a, "a=\"", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=\"xyz", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=xyz\"", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=\"x\"y\"", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=\"x y\"", 8, &l), URL_BAD_SYNTAX);
}

static void test_cookie_syntax(void **state)
{
	arena *a = *state;
	kvlist l;

	assert_int_equal(parse_cookie(a, "a", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=1; b", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "=1", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=1; =2", 8, &l), URL_BAD_SYNTAX);

	/* names are RFC 7230 tokens */
	assert_int_equal(parse_cookie(a, "a b=1", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a/b=1", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a@b=1", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "(a)=1", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a\"=1", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "\xc3\xa9=1", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a\x01=1", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a!#$%&'*+-.^_`|~=1", 8, &l), URL_OK);
	assert_pair(&l, 0, "a!#$%&'*+-.^_`|~", "1");
}

static void test_cookie_bad_octets(void **state)
{
	arena *a = *state;
	kvlist l;

	assert_int_equal(parse_cookie(a, "a=x,y", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=x\\y", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=x\"y", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=x\x01y", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=x\x7fy", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=x\ty", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=x\ny", 8, &l), URL_BAD_SYNTAX);
	/* one bad cookie fails the whole header */
	assert_int_equal(parse_cookie(a, "a=1; b=x,y; c=3", 8, &l),
			 URL_BAD_SYNTAX);
	/* a raw NUL in the header */
	assert_int_equal(cookie_parse(a, "a=x\0y", 5, 8, &l), URL_BAD_SYNTAX);
}

/*
 * BUG (lib/url.c cookie_parse, the cookie-octet loop): RFC 6265 cookie-octet
 * is %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E, which the comment there
 * cites, but bytes 0x80..0xFF are accepted, including ones that are not
 * UTF-8 at all, so a kv value can hold invalid UTF-8 (url.h: "Any malformed
 * input is an error, never a guess").
 */
static void test_cookie_non_ascii_rejected(void **state)
{
	arena *a = *state;
	kvlist l;

	assert_int_equal(parse_cookie(a, "a=\xff", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "a=\xc3\x28", 8, &l), URL_BAD_SYNTAX);
	assert_int_equal(parse_cookie(a, "lang=ti\xe1\xba\xbfng", 8, &l),
			 URL_BAD_SYNTAX);
}

static void test_cookie_max(void **state)
{
	arena *a = *state;
	kvlist l;

	assert_int_equal(parse_cookie(a, "a=1; b=2; c=3", 3, &l), URL_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(parse_cookie(a, "a=1; b=2; c=3", 2, &l), URL_TOO_MANY);
	assert_int_equal(parse_cookie(a, "a=1", 0, &l), URL_TOO_MANY);
	assert_int_equal(parse_cookie(a, "", 0, &l), URL_OK);
	/* separators alone never count */
	assert_int_equal(parse_cookie(a, ";;a=1;;;b=2;;", 2, &l), URL_OK);
	assert_int_equal(l.n, 2);
}

/* ---- path_split ---------------------------------------------------------- */

static int split(arena *a, const char *s, size_t max, char ***segs,
		 size_t *n, int *ts)
{
	size_t len = strlen(s);
	char *in = exact(s, len);
	int rc = path_split(a, in, len, max, segs, n, ts);

	free(in);
	if (rc != URL_OK) {
		assert_null(*segs);
		assert_int_equal(*n, 0);
	}
	return rc;
}

static void test_path_ok(void **state)
{
	arena *a = *state;
	char **s;
	size_t n;
	int ts;

	assert_int_equal(split(a, "/", 8, &s, &n, &ts), URL_OK);
	assert_int_equal(n, 0);
	assert_int_equal(ts, 0);

	assert_int_equal(split(a, "/catalog", 8, &s, &n, &ts), URL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(s[0], "catalog");
	assert_int_equal(ts, 0);

	assert_int_equal(split(a, "/catalog/", 8, &s, &n, &ts), URL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(s[0], "catalog");
	assert_int_equal(ts, 1);

	assert_int_equal(split(a, "/catalog//procedures/1.001193", 8, &s, &n,
			       &ts), URL_OK);
	assert_int_equal(n, 3);
	assert_string_equal(s[0], "catalog");
	assert_string_equal(s[1], "procedures");
	assert_string_equal(s[2], "1.001193");
	assert_int_equal(ts, 0);

	assert_int_equal(split(a, "//", 8, &s, &n, &ts), URL_OK);
	assert_int_equal(n, 0);
	assert_int_equal(ts, 0);
	assert_int_equal(split(a, "//a//", 8, &s, &n, &ts), URL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ts, 1);

	/* decoding, and '+' is not a space in a path */
	assert_int_equal(split(a, "/th%E1%BB%A7-t%E1%BB%A5c/a+b/%20", 8, &s, &n,
			       &ts), URL_OK);
	assert_int_equal(n, 3);
	assert_string_equal(s[0], "thủ-tục");
	assert_string_equal(s[1], "a+b");
	assert_string_equal(s[2], " ");

	/* dots that are not dot segments */
	assert_int_equal(split(a, "/.../.a/a./..b/1.0", 8, &s, &n, &ts), URL_OK);
	assert_int_equal(n, 5);
	assert_string_equal(s[0], "...");
	assert_string_equal(s[3], "..b");

	/* only n bytes: the caller cuts the query off */
	assert_int_equal(path_split(a, "/a/b?x=/c", 4, 8, &s, &n, &ts), URL_OK);
	assert_int_equal(n, 2);
	assert_string_equal(s[1], "b");
}

static void test_path_bad(void **state)
{
	arena *a = *state;
	char **s;
	size_t n;
	int ts;

	assert_int_equal(split(a, "", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "catalog", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "catalog/x", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "%2Fcatalog", 8, &s, &n, &ts), URL_BAD_PATH);

	/* dot segments, raw or encoded */
	assert_int_equal(split(a, "/a/./b", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "/a/../b", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "/.", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "/..", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "/a/..", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "/a/../", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "/%2e%2e", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "/a/%2e%2E/b", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "/a/.%2e/b", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "/%2E", 8, &s, &n, &ts), URL_BAD_PATH);

	/* an encoded slash inside a segment */
	assert_int_equal(split(a, "/a%2Fb", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "/a%2fb", 8, &s, &n, &ts), URL_BAD_PATH);
	assert_int_equal(split(a, "/..%2F..%2Fetc", 8, &s, &n, &ts),
			 URL_BAD_PATH);

	/* bad escapes, NUL, bad UTF-8 */
	assert_int_equal(split(a, "/a%00b", 8, &s, &n, &ts), URL_BAD_ESCAPE);
	assert_int_equal(split(a, "/%00", 8, &s, &n, &ts), URL_BAD_ESCAPE);
	assert_int_equal(split(a, "/a%zz", 8, &s, &n, &ts), URL_BAD_ESCAPE);
	assert_int_equal(split(a, "/a%2", 8, &s, &n, &ts), URL_BAD_ESCAPE);
	assert_int_equal(split(a, "/%C0%AE%C0%AE", 8, &s, &n, &ts),
			 URL_BAD_UTF8);	/* overlong dots */
	assert_int_equal(split(a, "/%C3%28", 8, &s, &n, &ts), URL_BAD_UTF8);
	assert_int_equal(path_split(a, "/a\0b", 4, 8, &s, &n, &ts),
			 URL_BAD_ESCAPE);
}

static void test_path_max(void **state)
{
	arena *a = *state;
	char **s;
	size_t n;
	int ts;

	assert_int_equal(split(a, "/a/b/c", 3, &s, &n, &ts), URL_OK);
	assert_int_equal(n, 3);
	assert_int_equal(split(a, "/a/b/c/", 3, &s, &n, &ts), URL_OK);
	assert_int_equal(ts, 1);
	assert_int_equal(split(a, "/a/b/c/d", 3, &s, &n, &ts), URL_TOO_LONG);
	assert_int_equal(split(a, "/a", 0, &s, &n, &ts), URL_TOO_LONG);
	assert_int_equal(split(a, "/", 0, &s, &n, &ts), URL_OK);

	/* 200 segments against a cap of 16 */
	char p[401];

	for (int i = 0; i < 200; i++) {
		p[2 * i] = '/';
		p[2 * i + 1] = 'x';
	}
	p[400] = '\0';
	assert_int_equal(split(a, p, 16, &s, &n, &ts), URL_TOO_LONG);
	assert_int_equal(split(a, p, 200, &s, &n, &ts), URL_OK);
	assert_int_equal(n, 200);
}

/* ---- url_encode ---------------------------------------------------------- */

static void roundtrip(arena *a, const char *s)
{
	char *e = url_encode(a, s), *d;
	size_t len;

	for (const char *p = e; *p; p++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz"
				       "0123456789-._~%", *p));
	assert_int_equal(url_decode(a, e, strlen(e), 0, &d, &len), URL_OK);
	assert_string_equal(d, s);
	assert_int_equal(len, strlen(s));
	/* '+' is encoded, so form decoding gives the same text */
	assert_int_equal(url_decode(a, e, strlen(e), 1, &d, &len), URL_OK);
	assert_string_equal(d, s);
}

static void test_encode(void **state)
{
	arena *a = *state;
	char ascii[128];

	assert_string_equal(url_encode(a, ""), "");
	assert_string_equal(url_encode(a, "AZaz09-._~"), "AZaz09-._~");
	assert_string_equal(url_encode(a, "a b+c&d=e/f?g#h%"),
			    "a%20b%2Bc%26d%3De%2Ff%3Fg%23h%25");
	assert_string_equal(url_encode(a, "Việt"), "Vi%E1%BB%87t");

	roundtrip(a, "giấy phép lái xe");
	roundtrip(a, "1.001193");
	roundtrip(a, "a+b c&d=e;f,g\"h\\i'j<k>l");
	roundtrip(a, "\xF0\x9F\x98\x80 U+1F600");
	for (int i = 1; i < 128; i++)
		ascii[i - 1] = (char)i;
	ascii[127] = '\0';
	roundtrip(a, ascii);

	/* encoded pairs parse back through form_parse */
	kvlist l;
	const char *bad;
	char *q = arena_printf(a, "%s=%s", url_encode(a, "tên & họ"),
			       url_encode(a, "Nguyễn Văn A=1+2"));

	assert_int_equal(form_parse(a, q, strlen(q), 4, &l, &bad), URL_OK);
	assert_int_equal(l.n, 1);
	assert_pair(&l, 0, "tên & họ", "Nguyễn Văn A=1+2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_decode_valid),
		T(test_decode_plus),
		T(test_decode_bad_escape),
		T(test_decode_bad_utf8),
		T(test_decode_bounded),
		T(test_form_basic),
		T(test_form_empty_pairs),
		T(test_form_no_equals),
		T(test_form_duplicates),
		T(test_form_too_many),
		T(test_form_bad_pair),
		T(test_cookie_basic),
		T(test_cookie_spaces),
		T(test_cookie_quoted),
		T(test_cookie_syntax),
		T(test_cookie_bad_octets),
		T(test_cookie_non_ascii_rejected),
		T(test_cookie_max),
		T(test_path_ok),
		T(test_path_bad),
		T(test_path_max),
		T(test_encode),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
