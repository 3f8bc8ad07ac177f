/*
 * test_jsonparse.c - unit tests for lib/jsonparse.c.
 *
 * y_/n_ tables in the spirit of JSONTestSuite (written here, not copied),
 * decoding checks, limits, accessors, and a pass over the real procedure
 * detail file (which must exist: a missing file fails the test, because a
 * silently skipped import test is how a broken importer ships).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "jsonparse.h"

#define CASE(s) { s, sizeof(s) - 1 }

struct jcase {
	const char *s;
	size_t n;
};

static int setup(void **state)
{
	*state = arena_new(4096);
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static json_value *parse_n(void **state, const char *s, size_t n, char *err,
			   size_t errlen)
{
	arena_reset(*state);
	return json_parse(*state, s, n, err, errlen);
}

static json_value *parse(void **state, const char *s)
{
	char err[128];
	json_value *v = parse_n(state, s, strlen(s), err, sizeof(err));

	if (!v)
		fail_msg("valid JSON rejected: %s (%s)", s, err);
	return v;
}

/* Parse a document that must be rejected; return the error message. */
static const char *reject_n(void **state, const char *s, size_t n)
{
	static char err[128];	/* test code: single-threaded */

	memset(err, 0, sizeof(err));
	if (parse_n(state, s, n, err, sizeof(err)))
		fail_msg("invalid JSON accepted: %.*s", (int)n, s);
	if (strncmp(err, "offset ", 7))
		fail_msg("error without offset for %.*s: '%s'", (int)n, s, err);
	return err;
}

static const char *reject(void **state, const char *s)
{
	return reject_n(state, s, strlen(s));
}

/* ---- y_: must be accepted ---- */

static const struct jcase y_cases[] = {
	CASE("[]"), CASE("{}"), CASE("[[]]"), CASE("[{}]"), CASE("{\"a\":{}}"),
	CASE("0"), CASE("-0"), CASE("1"), CASE("-1"), CASE("1.5"),
	CASE("-1.5e10"), CASE("1E+2"), CASE("1e-2"), CASE("0.0"), CASE("0e0"),
	CASE("1E007"), CASE("-0.000001"), CASE("[1e400]"), CASE("[-1e-400]"),
	CASE("[123456789012345678901234567890]"),
	CASE("true"), CASE("false"), CASE("null"), CASE("[true,false,null]"),
	CASE("\"\""), CASE("\" \""), CASE(" [1] "),
	CASE("\t\n\r [ 1 , 2 ] \r\n"), CASE("{ \"a\" : 1 , \"b\" : 2 }"),
	CASE("{\"a\":[1,{\"b\":null}]}"),
	CASE("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]"),
	CASE("[\"\\u0041\"]"), CASE("[\"\\u00e9\\u00E9\"]"),
	CASE("[\"\\uD83D\\uDE00\"]"), CASE("[\"\\uDBFF\\uDFFF\"]"),
	CASE("[\"\\uFFFF\"]"), CASE("[\"\\uFFFE\"]"), CASE("[\"\x7f\"]"),
	CASE("[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]"),
	CASE("[\"\xf4\x8f\xbf\xbf\"]"), CASE("[\"\xef\xbb\xbf\"]"),
	CASE("{\"\":0}"), CASE("{\"a\":1,\"A\":2}"), CASE("{\"a\":{\"a\":1}}"),
	CASE("[\"a/b\"]"), CASE("[[[[[[[[[[1]]]]]]]]]]"),
	CASE("{\"a\":[],\"b\":{},\"c\":\"\",\"d\":0}"),
};

static void test_y_cases(void **state)
{
	size_t i;
	char err[128];

	for (i = 0; i < sizeof(y_cases) / sizeof(y_cases[0]); i++) {
		const struct jcase *c = &y_cases[i];

		if (!parse_n(state, c->s, c->n, err, sizeof(err)))
			fail_msg("y_ case %zu rejected: %s (%s)", i, c->s, err);
	}
}

/* ---- n_: must be rejected ---- */

static const struct jcase n_cases[] = {
	/* structure */
	CASE(""), CASE(" "), CASE("["), CASE("]"), CASE("[1,]"), CASE("[,1]"),
	CASE("[,]"), CASE("[1 2]"), CASE("[1,,2]"), CASE("[1,2,3"),
	CASE("{\"a\":1,}"), CASE("{\"a\" 1}"), CASE("{\"a\"}"), CASE("{:1}"),
	CASE("{,}"), CASE("{\"a\":}"), CASE("{\"a\":1,,\"b\":2}"),
	CASE("{\"a\":1 \"b\":2}"), CASE("{\"a\":[}"), CASE("[{]"), CASE("{]"),
	CASE("{a:1}"), CASE("{'a':1}"), CASE("['a']"), CASE("{1:1}"),
	CASE("{null:1}"), CASE("[1]]"), CASE("{}}"), CASE("[1]x"), CASE("1 2"),
	CASE("[] []"), CASE("\"a\" \"b\""), CASE("[1];"),
	/* literals */
	CASE("[tru]"), CASE("[True]"), CASE("tRue"), CASE("[nul]"),
	CASE("nulll"), CASE("[fals]"), CASE("[falsee]"), CASE("undefined"),
	CASE("[NaN]"), CASE("[nan]"), CASE("[Infinity]"), CASE("[-Infinity]"),
	CASE("[inf]"),
	/* numbers */
	CASE("[01]"), CASE("[-01]"), CASE("[00]"), CASE("[0.]"), CASE("[1.]"),
	CASE("[.1]"), CASE("[1.e1]"), CASE("[1e]"), CASE("[1e+]"),
	CASE("[1E-]"), CASE("[1e+-1]"), CASE("[-]"), CASE("-"), CASE("--1"),
	CASE("[+1]"), CASE("[0x10]"), CASE("[1e1.5]"), CASE("[1.5.5]"),
	CASE("[- 1]"), CASE("[1 000]"), CASE("[-.5]"), CASE("[0e]"),
	CASE("[\xef\xbc\x91]"),	/* fullwidth digit one */
	/* strings: escapes */
	CASE("\"abc"), CASE("[\"abc]"), CASE("[\"\\"), CASE("[\"\\\"]"),
	CASE("[\"\\x41\"]"), CASE("[\"\\'\"]"), CASE("[\"\\a\"]"),
	CASE("[\"\\U0041\"]"), CASE("[\"\\u12\"]"), CASE("[\"\\u\"]"),
	CASE("[\"\\uZZZZ\"]"), CASE("[\"\\u12G4\"]"), CASE("[\\u0041]"),
	CASE("[\"\\u0000\"]"), CASE("[\"a\\u0000b\"]"),
	/* strings: surrogates */
	CASE("[\"\\uD800\"]"), CASE("[\"\\uDBFF\"]"), CASE("[\"\\uDC00\"]"),
	CASE("[\"\\uDFFF\"]"), CASE("[\"\\uD800\\u0041\"]"),
	CASE("[\"\\uD800\\uD800\"]"), CASE("[\"\\uD800x\"]"),
	CASE("[\"\\uD800\\\"]"), CASE("[\"\\uD800\\n\"]"),
	CASE("[\"\\uDE00\\uD83D\"]"), CASE("[\"\\uD83D\\uDE0\"]"),
	/* strings: raw control characters */
	CASE("[\"a\tb\"]"), CASE("[\"\n\"]"), CASE("[\"\r\"]"),
	CASE("[\"\x01\"]"), CASE("[\"\x1f\"]"), CASE("[\"a\0b\"]"),
	/* strings: invalid UTF-8 */
	CASE("[\"\x80\"]"), CASE("[\"\xbf\"]"), CASE("[\"\xc0\xaf\"]"),
	CASE("[\"\xc1\xbf\"]"), CASE("[\"\xe0\x80\xaf\"]"),
	CASE("[\"\xe0\x9f\xbf\"]"), CASE("[\"\xed\xa0\x80\"]"),
	CASE("[\"\xed\xbf\xbf\"]"), CASE("[\"\xf0\x80\x80\xaf\"]"),
	CASE("[\"\xf0\x8f\xbf\xbf\"]"), CASE("[\"\xf4\x90\x80\x80\"]"),
	CASE("[\"\xf5\x80\x80\x80\"]"), CASE("[\"\xf8\x88\x80\x80\x80\"]"),
	CASE("[\"\xfe\"]"), CASE("[\"\xff\"]"), CASE("[\"\xc3\"]"),
	CASE("[\"\xc3\x28\"]"), CASE("[\"\xe2\x82\"]"),
	CASE("[\"\xe2\x28\xa1\"]"),
	CASE("[\"\xf0\x9f\x98\"]"), CASE("\"\xc3"),
	/* comments, BOM, stray bytes */
	CASE("/* c */ 1"), CASE("1 // c"), CASE("[1] /**/"), CASE("# c\n1"),
	CASE("[1/*c*/]"), CASE("\xef\xbb\xbf[]"), CASE("\0"), CASE("[1\0]"),
	CASE("[1]\0"), CASE("\x0b[]"), CASE("\x0c[]"), CASE("[]\xc2\xa0"),
	CASE("\xc3\xa9"), CASE("'a'"),
	/* duplicate keys, including after decoding */
	CASE("{\"a\":1,\"a\":2}"), CASE("{\"a\":1,\"b\":2,\"a\":3}"),
	CASE("{\"a\":1,\"\\u0061\":2}"), CASE("{\"\":1,\"\":1}"),
	CASE("{\"x\":{\"a\":null,\"a\":null}}"),
	CASE("[{\"k\":1},{\"k\":1,\"k\":1}]"),
};

static void test_n_cases(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(n_cases) / sizeof(n_cases[0]); i++)
		reject_n(state, n_cases[i].s, n_cases[i].n);
}

/* ---- decoding ---- */

static const json_value *only_item(void **state, const char *doc)
{
	const json_value *v = parse(state, doc);

	assert_int_equal(v->type, JSON_ARRAY);
	assert_int_equal(v->n, 1);
	return &v->items[0];
}

static void expect_str(void **state, const char *doc, const char *want,
		       size_t wantlen)
{
	const json_value *s = only_item(state, doc);

	assert_int_equal(s->type, JSON_STRING);
	assert_int_equal(s->len, wantlen);
	assert_memory_equal(s->str, want, wantlen);
	assert_int_equal(s->str[wantlen], '\0');
	assert_int_equal(strlen(s->str), s->len);
}

#define EXPECT_STR(doc, want) expect_str(state, doc, want, sizeof(want) - 1)

static void test_string_decoding(void **state)
{
	EXPECT_STR("[\"\"]", "");
	EXPECT_STR("[\"abc\"]", "abc");
	EXPECT_STR("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "\"\\/\b\f\n\r\t");
	EXPECT_STR("[\"\\u0041\\u0062\"]", "Ab");
	EXPECT_STR("[\"\\u0001\\u001f\"]", "\x01\x1f");
	EXPECT_STR("[\"\\u007f\\u0080\"]", "\x7f\xc2\x80");
	EXPECT_STR("[\"\\u00e9\"]", "\xc3\xa9");
	EXPECT_STR("[\"\\u07FF\\u0800\"]", "\xdf\xbf\xe0\xa0\x80");
	EXPECT_STR("[\"\\u20AC\"]", "\xe2\x82\xac");
	EXPECT_STR("[\"\\uFFFF\"]", "\xef\xbf\xbf");
	/* surrogate pairs become one 4-byte sequence, not CESU-8 */
	EXPECT_STR("[\"\\uD83D\\uDE00\"]", "\xf0\x9f\x98\x80");
	EXPECT_STR("[\"\\ud83d\\ude00\"]", "\xf0\x9f\x98\x80");
	EXPECT_STR("[\"\\uD800\\uDC00\"]", "\xf0\x90\x80\x80");
	EXPECT_STR("[\"\\uDBFF\\uDFFF\"]", "\xf4\x8f\xbf\xbf");
	EXPECT_STR("[\"x\\uD834\\uDD1Ey\"]", "x\xf0\x9d\x84\x9ey");
	/* raw UTF-8 passes through untouched */
	EXPECT_STR("[\"Th\xe1\xbb\xa7 t\xe1\xbb\xa5\x63\"]",
		   "Th\xe1\xbb\xa7 t\xe1\xbb\xa5\x63");
	EXPECT_STR("[\"\xf0\x9f\x98\x80\\n\xc3\xa9\"]",
		   "\xf0\x9f\x98\x80\n\xc3\xa9");
	EXPECT_STR("[\"a\\\\\"]", "a\\");
	EXPECT_STR("[\"\\\\u0041\"]", "\\u0041");
}

static void test_scalars(void **state)
{
	const json_value *v;

	assert_int_equal(parse(state, "null")->type, JSON_NULL);
	assert_int_equal(parse(state, " true ")->type, JSON_TRUE);
	assert_int_equal(parse(state, "false")->type, JSON_FALSE);
	v = parse(state, "\"top\"");
	assert_int_equal(v->type, JSON_STRING);
	assert_string_equal(v->str, "top");
	v = parse(state, "-12.5e+3");
	assert_int_equal(v->type, JSON_NUMBER);
	assert_string_equal(v->num, "-12.5e+3");
	assert_int_equal(v->len, 8);
}

/* The input need not be NUL-terminated; bytes past n are never read. */
static void test_length_bounded(void **state)
{
	char err[128];
	const json_value *v;
	char *heap = malloc(3);

	v = parse_n(state, "[1]garbage", 3, err, sizeof(err));
	assert_non_null(v);
	assert_int_equal(v->n, 1);
	v = parse_n(state, "123", 2, err, sizeof(err));
	assert_non_null(v);
	assert_string_equal(v->num, "12");
	assert_null(parse_n(state, "\"abc\"", 4, err, sizeof(err)));
	assert_null(parse_n(state, "true", 3, err, sizeof(err)));
	assert_null(parse_n(state, NULL, 0, err, sizeof(err)));
	/* exact-size heap copies so ASan catches any overread */
	memcpy(heap, "[\"\\", 3);
	assert_null(parse_n(state, heap, 3, err, sizeof(err)));
	memcpy(heap, "-1e", 3);
	assert_null(parse_n(state, heap, 3, err, sizeof(err)));
	memcpy(heap, "\"\xe2\x82", 3);
	assert_null(parse_n(state, heap, 3, err, sizeof(err)));
	free(heap);
	heap = malloc(8);
	memcpy(heap, "\"\\uD83D\"", 8);
	assert_null(parse_n(state, heap, 8, err, sizeof(err)));
	memcpy(heap, "\"\\uD83D\\", 8);
	assert_null(parse_n(state, heap, 8, err, sizeof(err)));
	free(heap);
}

/* ---- errors ---- */

static void test_error_messages(void **state)
{
	char small[8];

	assert_string_equal(reject(state, "[1,]"),
			    "offset 3: unexpected character");
	assert_string_equal(reject(state, "[01]"),
			    "offset 1: leading zero in number");
	assert_string_equal(reject(state, "[1] x"),
			    "offset 4: trailing characters after value");
	assert_string_equal(reject(state, ""),
			    "offset 0: unexpected end of input");
	assert_string_equal(reject(state, "{\"a\":1,\"b\":2,\"a\":3}"),
			    "offset 13: duplicate key in object");
	assert_string_equal(reject(state, "[\"ab\\uD800\"]"),
			    "offset 4: lone high surrogate");
	assert_string_equal(reject(state, "[\"\xc3\x28\"]"),
			    "offset 2: invalid UTF-8 in string");
	assert_string_equal(reject(state, "[\"a\tb\"]"),
			    "offset 3: unescaped control character in string");
	assert_string_equal(reject(state, "  [\"abc"),
			    "offset 3: unterminated string");
	/* a tiny or absent error buffer is fine */
	arena_reset(*state);
	assert_null(json_parse(*state, "[", 1, small, sizeof(small)));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_null(json_parse(*state, "[", 1, NULL, 0));
	assert_null(json_parse(*state, "[", 1, small, 0));
}

/* ---- limits ---- */

static char *nest(const char *open, const char *inner, const char *close,
		  int depth)
{
	size_t lo = strlen(open), li = strlen(inner), lc = strlen(close);
	char *s = malloc((lo + lc) * (size_t)depth + li + 1), *p = s;
	int i;

	for (i = 0; i < depth; i++, p += lo)
		memcpy(p, open, lo);
	memcpy(p, inner, li);
	p += li;
	for (i = 0; i < depth; i++, p += lc)
		memcpy(p, close, lc);
	*p = '\0';
	return s;
}

static void check_depth(void **state, const char *open, const char *close)
{
	char *ok = nest(open, "1", close, JSON_MAX_DEPTH);
	char *deep = nest(open, "1", close, JSON_MAX_DEPTH + 1);
	char *huge = nest(open, "", "", 100000);
	const json_value *v;
	int d = 0;

	for (v = parse(state, ok); v->type != JSON_NUMBER; v = &v->items[0])
		d++;
	assert_int_equal(d, JSON_MAX_DEPTH);
	assert_non_null(strstr(reject(state, deep), "nesting too deep"));
	assert_non_null(strstr(reject(state, huge), "nesting too deep"));
	free(ok);
	free(deep);
	free(huge);
}

static void test_depth_limit(void **state)
{
	check_depth(state, "[", "]");
	check_depth(state, "{\"k\":", "}");
}

static void test_depth_limit_mixed(void **state)
{
	/* 32 pairs of [{ = 64 levels fits; one more [ does not */
	char *ok = nest("[{\"k\":", "1", "}]", JSON_MAX_DEPTH / 2);
	char *deep = nest("[{\"k\":", "[1]", "}]", JSON_MAX_DEPTH / 2);

	parse(state, ok);
	reject(state, deep);
	free(ok);
	free(deep);
}

/* Wide containers: grow the scratch stack and hit the sorted dup check. */
static void test_wide(void **state)
{
	buf b = BUF_INIT;
	const json_value *v;
	size_t i, n = 20000;

	buf_putc(&b, '[');
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s[%zu,\"s%zu\"]", i ? "," : "", i, i);
	buf_putc(&b, ']');
	v = parse(state, b.p);
	assert_int_equal(v->n, n);
	for (i = 0; i < n; i += 997) {
		long long x;

		assert_int_equal(v->items[i].n, 2);
		assert_int_equal(json_get_i64(&v->items[i].items[0], &x), 0);
		assert_int_equal(x, (long long)i);
	}

	buf_reset(&b);
	buf_putc(&b, '{');
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s\"k%zu\":%zu", i ? "," : "",
			   (i * 7919) % n, i);
	buf_putc(&b, '}');
	v = parse(state, b.p);
	assert_int_equal(v->n, n);
	assert_string_equal(v->keys[0], "k0");
	assert_string_equal(v->keys[1], "k7919");
	assert_string_equal(json_get(v, "k7919")->num, "1");

	/* the same object with one duplicate appended must fail */
	b.len--;
	buf_puts(&b, ",\"k123\":0}");
	assert_non_null(strstr(reject(state, b.p), "duplicate key"));

	/* 17 keys, duplicate at the end: the sort path, first dup reported */
	buf_reset(&b);
	buf_putc(&b, '{');
	for (i = 0; i < 17; i++)
		buf_printf(&b, "\"%c\":0,", (char)('a' + i));
	buf_puts(&b, "\"c\":1,\"b\":1}");
	assert_string_equal(reject(state, b.p),
			    "offset 103: duplicate key in object");
	buf_free(&b);
}

/* ---- DOM and accessors ---- */

static void test_object_dom(void **state)
{
	const json_value *v = parse(state,
		"{\"z\":1,\"a\":\"x\",\"m\":null,\"n\":[true,false],"
		"\"e\":\"\",\"o\":{\"k\":\"v\"},\"num\":2.5}");
	const json_value *m;

	assert_int_equal(v->type, JSON_OBJECT);
	assert_int_equal(v->n, 7);
	/* member order is input order */
	assert_string_equal(v->keys[0], "z");
	assert_string_equal(v->keys[1], "a");
	assert_string_equal(v->keys[6], "num");
	assert_int_equal(v->items[0].type, JSON_NUMBER);

	assert_string_equal(json_get_str(v, "a"), "x");
	assert_string_equal(json_get_str(v, "e"), "");
	assert_null(json_get_str(v, "m"));	/* JSON null */
	assert_null(json_get_str(v, "z"));	/* number */
	assert_null(json_get_str(v, "n"));	/* array */
	assert_null(json_get_str(v, "o"));	/* object */
	assert_null(json_get_str(v, "absent"));
	assert_null(json_get_str(v, "A"));	/* case-sensitive */
	assert_null(json_get_str(NULL, "a"));

	m = json_get(v, "m");
	assert_non_null(m);
	assert_int_equal(m->type, JSON_NULL);
	m = json_get(v, "n");
	assert_int_equal(m->type, JSON_ARRAY);
	assert_int_equal(m->n, 2);
	assert_int_equal(m->items[0].type, JSON_TRUE);
	assert_int_equal(m->items[1].type, JSON_FALSE);
	assert_null(json_get(m, "0"));		/* not an object */
	assert_string_equal(json_get_str(json_get(v, "o"), "k"), "v");
	assert_null(json_get(v, NULL));
	assert_null(json_get(NULL, "a"));

	v = parse(state, "{}");
	assert_int_equal(v->n, 0);
	assert_null(json_get(v, "a"));
	v = parse(state, "[]");
	assert_int_equal(v->type, JSON_ARRAY);
	assert_int_equal(v->n, 0);
	v = parse(state, "{\"\":\"empty key\"}");
	assert_string_equal(json_get_str(v, ""), "empty key");
	v = parse(state, "{\"\\u00e9t\\u00e9\":1}");
	assert_non_null(json_get(v, "\xc3\xa9t\xc3\xa9"));
}

static void expect_i64(void **state, const char *doc, long long want)
{
	long long x = 42;

	if (json_get_i64(parse(state, doc), &x))
		fail_msg("json_get_i64 refused %s", doc);
	assert_true(x == want);
}

static void refuse_i64(void **state, const char *doc)
{
	long long x = 42;

	if (!json_get_i64(parse(state, doc), &x))
		fail_msg("json_get_i64 accepted %s", doc);
	assert_true(x == 42);	/* untouched */
}

static void test_i64(void **state)
{
	long long x;

	expect_i64(state, "0", 0);
	expect_i64(state, "-0", 0);
	expect_i64(state, "7", 7);
	expect_i64(state, "-7", -7);
	expect_i64(state, "1001193", 1001193);
	expect_i64(state, "9223372036854775807", LLONG_MAX);
	expect_i64(state, "-9223372036854775808", LLONG_MIN);
	expect_i64(state, "9223372036854775806", LLONG_MAX - 1);
	expect_i64(state, "-9223372036854775807", LLONG_MIN + 1);
	refuse_i64(state, "9223372036854775808");
	refuse_i64(state, "-9223372036854775809");
	refuse_i64(state, "9223372036854775810");
	refuse_i64(state, "18446744073709551616");
	refuse_i64(state, "99999999999999999999999999999999999999999");
	refuse_i64(state, "1.0");
	refuse_i64(state, "1e3");
	refuse_i64(state, "1E0");
	refuse_i64(state, "-0.0");
	refuse_i64(state, "\"12\"");
	refuse_i64(state, "null");
	refuse_i64(state, "[1]");
	assert_int_equal(json_get_i64(NULL, &x), -1);
}

static void test_double(void **state)
{
	double d = 0;

	assert_int_equal(json_get_double(parse(state, "1.5"), &d), 0);
	assert_true(d == 1.5);
	assert_int_equal(json_get_double(parse(state, "-2e3"), &d), 0);
	assert_true(d == -2000.0);
	assert_int_equal(json_get_double(parse(state, "42"), &d), 0);
	assert_true(d == 42.0);
	assert_int_equal(json_get_double(parse(state, "1e-400"), &d), 0);
	assert_true(d >= 0 && d < 1e-300);
	assert_int_equal(json_get_double(parse(state, "1e400"), &d), -1);
	assert_int_equal(json_get_double(parse(state, "-1e400"), &d), -1);
	assert_int_equal(json_get_double(parse(state, "\"1\""), &d), -1);
	assert_int_equal(json_get_double(NULL, &d), -1);
}

/* Everything lives in the arena: many parses, one arena, no leaks. */
static void test_arena_reuse(void **state)
{
	int i;

	for (i = 0; i < 1000; i++) {
		const json_value *v = parse(state, "{\"code\":\"1.001193\","
					    "\"list\":[1,{\"x\":\"\\u00e9\"}]}");

		assert_string_equal(json_get_str(v, "code"), "1.001193");
	}
}

/* ---- the real catalog detail file ---- */

#include "testdata.h"

static void test_real_jsonl(void **state)
{
	char path[4096], err[128], *s, *p, *end;
	size_t n = 0, lines = 0;

	data_path(path, sizeof(path), "tthc_detail_commune_level.jsonl");
	s = slurp(path, &n);
	p = s;
	end = s + n;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const json_value *v;
		const char *code;

		lines++;
		arena_reset(*state);
		v = json_parse(*state, p, len, err, sizeof(err));
		if (!v)
			fail_msg("%s line %zu: %s", path, lines, err);
		assert_int_equal(v->type, JSON_OBJECT);
		code = json_get_str(v, "code");
		if (!code || !is_code(code))
			fail_msg("%s line %zu: bad \"code\" %s", path, lines,
				 code ? code : "(missing)");
		p += len + (nl ? 1 : 0);
	}
	assert_int_equal(lines, 588);
	free(s);
}

/* json_parse_ex: where (line, column in characters, byte) and what, in
 * Vietnamese; nothing of the input but printable ASCII or a plain key. */
static void test_error_ex(void **state)
{
	arena *a = *state;
	json_error e;
	char msg[300];
	static const char two_lines[] = "{\n  \"tên\": 01}";

	assert_null(json_parse_ex(a, two_lines, strlen(two_lines), &e));
	assert_int_equal(e.line, 2);
	assert_int_equal(e.column, 10);	/* "ê" is one character */
	assert_int_equal(e.offset, 12);
	assert_string_equal(e.what, "leading zero in number");
	json_error_vi(&e, msg, sizeof msg);
	assert_non_null(strstr(msg, "dòng 2, cột 10 (byte 12), gặp ký tự ‘0’"));
	assert_non_null(strstr(msg, "chữ số 0"));

	assert_null(json_parse_ex(a, "{\"group\":1,\"group\":2}", 23, &e));
	assert_string_equal(e.key, "group");
	json_error_vi(&e, msg, sizeof msg);
	assert_non_null(strstr(msg, "khóa “group” bị lặp"));

	/* a key that is not a plain name is not echoed */
	assert_null(json_parse_ex(a, "{\"<b>\":1,\"<b>\":2}", 19, &e));
	assert_string_equal(e.key, "");

	assert_null(json_parse_ex(a, "[\xff]", 3, &e));
	json_error_vi(&e, msg, sizeof msg);
	assert_non_null(strstr(msg, "byte 0xFF"));
	assert_null(strchr(msg, '\xff'));

	assert_null(json_parse_ex(a, "", 0, &e));
	assert_true(e.at_end);
	json_error_vi(&e, msg, sizeof msg);
	assert_non_null(strstr(msg, "cuối nội dung"));

	/* a message cut to the buffer stays a C string */
	json_error_vi(&e, msg, 8);
	assert_true(strlen(msg) < 8);
	assert_non_null(json_parse_ex(a, "{}", 2, &e));
	assert_non_null(json_parse_ex(a, "{}", 2, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_y_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_n_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_string_decoding, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_scalars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_length_bounded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_error_messages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_depth_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_depth_limit_mixed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wide, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_dom, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_i64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_double, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arena_reuse, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_real_jsonl, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_error_ex, setup, teardown),
	};

	return cmocka_run_group_tests_name("jsonparse", tests, NULL, NULL);
}
