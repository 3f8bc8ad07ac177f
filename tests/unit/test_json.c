/*
 * test_json.c - unit tests for lib/json.c.
 *
 * Besides fixed cases, random byte strings are written with json_str and
 * read back by a strict JSON string parser in this file (and by python3's
 * json module when python3 is installed), so "always valid JSON, always
 * valid UTF-8, decodes to the input with bad bytes as U+FFFD" is checked
 * on inputs nobody thought of.  The UTF-8 checks here are written
 * independently of lib/vntext.h on purpose.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"

#define FFFD "\xef\xbf\xbd"

static void check_str_n(const char *in, size_t n, const char *want)
{
	buf b = BUF_INIT;

	json_str(&b, in, n);
	assert_string_equal(b.p, want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
}

#define STR_EQ(lit, want) check_str_n(lit, sizeof(lit) - 1, want)

/* ---- fixed cases ------------------------------------------------------- */

static void test_control_chars(void **state)
{
	(void)state;
	for (unsigned c = 0; c < 0x20; c++) {
		char in[1] = { (char)c }, want[16];

		switch (c) {
		case '\b':
			strcpy(want, "\"\\b\"");
			break;
		case '\t':
			strcpy(want, "\"\\t\"");
			break;
		case '\n':
			strcpy(want, "\"\\n\"");
			break;
		case '\f':
			strcpy(want, "\"\\f\"");
			break;
		case '\r':
			strcpy(want, "\"\\r\"");
			break;
		default:
			snprintf(want, sizeof want, "\"\\u%04x\"", c);
			break;
		}
		check_str_n(in, 1, want);
	}
	STR_EQ("\0", "\"\\u0000\"");
	STR_EQ("\x1f", "\"\\u001f\"");
	STR_EQ("a\0b", "\"a\\u0000b\"");
	STR_EQ("line1\r\nline2\ttab", "\"line1\\r\\nline2\\ttab\"");
	STR_EQ("\x7f", "\"\x7f\"");		/* DEL is legal in JSON */
}

static void test_quotes_backslash(void **state)
{
	(void)state;
	STR_EQ("", "\"\"");
	STR_EQ("\"", "\"\\\"\"");
	STR_EQ("\\", "\"\\\\\"");
	STR_EQ("a\"b\\c", "\"a\\\"b\\\\c\"");
	STR_EQ("\\\"", "\"\\\\\\\"\"");
	STR_EQ("/ ' `", "\"/ ' `\"");
	STR_EQ("plain text 123", "\"plain text 123\"");
}

static void test_html_chars(void **state)
{
	(void)state;
	STR_EQ("<", "\"\\u003c\"");
	STR_EQ(">", "\"\\u003e\"");
	STR_EQ("&", "\"\\u0026\"");
	STR_EQ("</script><script>alert(1)</script>",
	       "\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"
	       "\\u003c/script\\u003e\"");
	STR_EQ("<!-- x -->", "\"\\u003c!-- x --\\u003e\"");
	STR_EQ("a&amp;b", "\"a\\u0026amp;b\"");
}

static void test_line_separators(void **state)
{
	(void)state;
	STR_EQ("\xe2\x80\xa8", "\"\\u2028\"");
	STR_EQ("\xe2\x80\xa9", "\"\\u2029\"");
	STR_EQ("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", "\"a\\u2028b\\u2029c\"");
	/* Neighbours pass through unchanged. */
	STR_EQ("\xe2\x80\xa7\xe2\x80\xaa", "\"\xe2\x80\xa7\xe2\x80\xaa\"");
}

static void test_utf8_passthrough(void **state)
{
	(void)state;
	STR_EQ("Thủ tục hành chính", "\"Thủ tục hành chính\"");
	STR_EQ("Đà Nẵng — 100%", "\"Đà Nẵng — 100%\"");
	STR_EQ("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");	/* U+1F600 */
	STR_EQ("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	STR_EQ("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");		/* U+FFFF */
	STR_EQ(FFFD, "\"" FFFD "\"");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	STR_EQ("\xff", "\"" FFFD "\"");
	STR_EQ("\x80", "\"" FFFD "\"");
	STR_EQ("a\xc0\x80" "b", "\"a" FFFD FFFD "b\"");	/* overlong */
	STR_EQ("\xc1\xbf", "\"" FFFD FFFD "\"");
	STR_EQ("\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"");	/* overlong '/' */
	STR_EQ("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");	/* surrogate */
	STR_EQ("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
	STR_EQ("x\xe1\xba", "\"x" FFFD FFFD "\"");		/* truncated */
	STR_EQ("\xe1\xba\"", "\"" FFFD FFFD "\\\"\"");
	/* A bad lead byte must not eat the quote or '<' after it. */
	STR_EQ("\xc3\"", "\"" FFFD "\\\"\"");
	STR_EQ("\xe2\x80<", "\"" FFFD FFFD "\\u003c\"");
	STR_EQ("\xf0\x9f\x98\\", "\"" FFFD FFFD FFFD "\\\\\"");
	for (unsigned c = 0xF5; c <= 0xFF; c++) {
		char in[1] = { (char)c };

		check_str_n(in, 1, "\"" FFFD "\"");
	}
}

static void test_cstr_int_key(void **state)
{
	buf b = BUF_INIT;

	(void)state;
	json_cstr(&b, NULL);
	assert_string_equal(b.p, "null");
	buf_reset(&b);
	json_cstr(&b, "Hà <Nội>");
	assert_string_equal(b.p, "\"Hà \\u003cNội\\u003e\"");
	buf_reset(&b);
	json_cstr(&b, "");
	assert_string_equal(b.p, "\"\"");
	buf_reset(&b);

	json_int(&b, 0);
	buf_putc(&b, ' ');
	json_int(&b, -1);
	buf_putc(&b, ' ');
	json_int(&b, 170531);
	buf_putc(&b, ' ');
	json_int(&b, LLONG_MAX);
	buf_putc(&b, ' ');
	json_int(&b, LLONG_MIN);
	assert_string_equal(b.p, "0 -1 170531 9223372036854775807 "
			    "-9223372036854775808");
	buf_reset(&b);

	json_key(&b, "a\"b");
	assert_string_equal(b.p, "\"a\\\"b\":");
	buf_reset(&b);

	/* A typical handler response, built by appending. */
	buf_putc(&b, '{');
	json_key(&b, "id");
	json_int(&b, 42);
	buf_putc(&b, ',');
	json_key(&b, "ten");
	json_cstr(&b, "Đăng ký khai sinh");
	buf_putc(&b, ',');
	json_key(&b, "ghi_chu");
	json_cstr(&b, NULL);
	buf_putc(&b, '}');
	assert_string_equal(b.p, "{\"id\":42,\"ten\":\"Đăng ký khai sinh\","
			    "\"ghi_chu\":null}");
	buf_free(&b);
}

/* ---- independent UTF-8 reference --------------------------------------- */

/* Length of the valid sequence starting at s[0..n), or 0 if none. */
static size_t ref_seq_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	uint32_t cp, min;
	size_t len;

	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0) {
		len = 2, cp = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, cp = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, cp = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static int ref_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0, len; i < n; i += len) {
		len = ref_seq_len(u + i, n - i);
		if (!len || !u[i])
			return 0;
	}
	return 1;
}

/* What a reader should get back: the input with bad bytes as U+FFFD. */
static void ref_expected(buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t len = ref_seq_len(u + i, n - i);

		if (len) {
			buf_put(out, u + i, len);
			i += len;
		} else {
			buf_put(out, FFFD, 3);
			i++;
		}
	}
}

static void put_utf8(buf *b, uint32_t cp)
{
	unsigned char e[4];
	size_t n;

	if (cp < 0x80) {
		e[0] = (unsigned char)cp, n = 1;
	} else if (cp < 0x800) {
		e[0] = (unsigned char)(0xC0 | cp >> 6), n = 2;
	} else if (cp < 0x10000) {
		e[0] = (unsigned char)(0xE0 | cp >> 12), n = 3;
	} else {
		e[0] = (unsigned char)(0xF0 | cp >> 18), n = 4;
	}
	for (size_t k = n - 1; k > 0; k--, cp >>= 6)
		e[k] = (unsigned char)(0x80 | (cp & 0x3F));
	buf_put(b, e, n);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Strict reader for one JSON string literal that must fill all of
 * j[0..n).  Also enforces json.h's extra promises: no raw < > &, no raw
 * U+2028/U+2029.  Appends the decoded bytes to out; returns 0 if OK.
 */
static int parse_json_string(const char *j, size_t n, buf *out)
{
	size_t i = 1, end = n - 1;

	if (n < 2 || j[0] != '"' || j[end] != '"')
		return -1;
	while (i < end) {
		unsigned char c = (unsigned char)j[i];

		if (c == '"' || c < 0x20 || c == '<' || c == '>' || c == '&')
			return -1;
		if (c == 0xE2 && i + 2 < end && j[i + 1] == '\x80' &&
		    (j[i + 2] == '\xa8' || j[i + 2] == '\xa9'))
			return -1;
		if (c != '\\') {
			buf_putc(out, (char)c);
			i++;
			continue;
		}
		if (i + 1 >= end)
			return -1;	/* the closing quote was escaped */
		switch (j[i + 1]) {
		case '"':  buf_putc(out, '"');  break;
		case '\\': buf_putc(out, '\\'); break;
		case '/':  buf_putc(out, '/');  break;
		case 'b':  buf_putc(out, '\b'); break;
		case 'f':  buf_putc(out, '\f'); break;
		case 'n':  buf_putc(out, '\n'); break;
		case 'r':  buf_putc(out, '\r'); break;
		case 't':  buf_putc(out, '\t'); break;
		case 'u': {
			uint32_t cp = 0;

			if (i + 6 > end)
				return -1;
			for (int k = 2; k < 6; k++) {
				int h = hexval(j[i + k]);

				if (h < 0)
					return -1;
				cp = cp << 4 | (uint32_t)h;
			}
			/* json_str never needs surrogate-pair escapes. */
			if (cp >= 0xD800 && cp <= 0xDFFF)
				return -1;
			put_utf8(out, cp);
			i += 4;
			break;
		}
		default:
			return -1;
		}
		i += 2;
	}
	return 0;
}

/* ---- random round trips ------------------------------------------------ */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rnd(uint32_t bound)
{
	/* xorshift64*: deterministic, so failures are reproducible */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Du) >> 32) % bound;
}

/* Random input biased towards the bytes json_str has to care about. */
static void random_input(buf *b)
{
	static const char special[] = "\"\\<>&/\x7f";
	size_t units = rnd(48);

	buf_reset(b);
	for (size_t k = 0; k < units; k++) {
		uint32_t cp;

		switch (rnd(8)) {
		case 0:
		case 1:
			buf_putc(b, (char)(0x20 + rnd(0x5F)));
			break;
		case 2:
			buf_putc(b, (char)rnd(0x20));
			break;
		case 3:
			buf_putc(b, special[rnd(sizeof special - 1)]);
			break;
		case 4:
			do
				cp = 0x80 + rnd(0x110000 - 0x80);
			while (cp >= 0xD800 && cp <= 0xDFFF);
			put_utf8(b, cp);
			break;
		case 5:
			put_utf8(b, rnd(4) ? 0x1EA0 + rnd(0x5A) : 0x2028 + rnd(2));
			break;
		default:
			buf_putc(b, (char)(0x80 + rnd(0x80)));
			break;
		}
	}
}

#define ROUNDS 20000

static void test_random_roundtrip(void **state)
{
	buf in = BUF_INIT, js = BUF_INIT, got = BUF_INIT, want = BUF_INIT;

	(void)state;
	for (int r = 0; r < ROUNDS; r++) {
		random_input(&in);
		buf_reset(&js);
		buf_reset(&got);
		buf_reset(&want);
		json_str(&js, in.p, in.len);
		assert_true(ref_valid(js.p, js.len));
		assert_int_equal(parse_json_string(js.p, js.len, &got), 0);
		ref_expected(&want, in.p, in.len);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.p, want.p, want.len);
	}
	buf_free(&in);
	buf_free(&js);
	buf_free(&got);
	buf_free(&want);
}

static void hex_line(FILE *f, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", (unsigned char)p[i]);
	fputc('\n', f);
}

/*
 * The same round trip through a real JSON parser.  Skipped when python3
 * is not installed; the in-process parser above still runs.
 */
static void test_python_roundtrip(void **state)
{
	char in_path[] = "/tmp/test_json_in.XXXXXX";
	char out_path[sizeof in_path + 4], cmd[512], line[4096];
	buf in = BUF_INIT, js = BUF_INIT, want = BUF_INIT;
	FILE *f, *expect;
	int fd, rc, lines = 0;

	(void)state;
	if (system("python3 -c 'import json' >/dev/null 2>&1") != 0)
		skip();
	fd = mkstemp(in_path);
	assert_true(fd >= 0);
	snprintf(out_path, sizeof out_path, "%s.out", in_path);
	f = fdopen(fd, "w");
	assert_non_null(f);
	expect = tmpfile();
	assert_non_null(expect);
	for (int r = 0; r < 2000; r++) {
		random_input(&in);
		buf_reset(&js);
		buf_reset(&want);
		json_str(&js, in.p, in.len);
		/* No raw newline can appear in the output, so one per line. */
		fwrite(js.p, 1, js.len, f);
		fputc('\n', f);
		ref_expected(&want, in.p, in.len);
		hex_line(expect, want.p, want.len);
	}
	fclose(f);
	snprintf(cmd, sizeof cmd,
		 "python3 -c 'import json, sys\n"
		 "for l in open(sys.argv[1], \"rb\").read().split(b\"\\n\")[:-1]:\n"
		 "    print(json.loads(l.decode(\"utf-8\", \"strict\"))"
		 ".encode(\"utf-8\").hex())' %s > %s",
		 in_path, out_path);
	rc = system(cmd);
	unlink(in_path);
	assert_int_equal(rc, 0);

	f = fopen(out_path, "r");
	assert_non_null(f);
	rewind(expect);
	while (fgets(line, sizeof line, f)) {
		char want_line[4096];

		assert_non_null(fgets(want_line, sizeof want_line, expect));
		assert_string_equal(line, want_line);
		lines++;
	}
	assert_int_equal(lines, 2000);
	fclose(f);
	fclose(expect);
	unlink(out_path);
	buf_free(&in);
	buf_free(&js);
	buf_free(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_chars),
		cmocka_unit_test(test_quotes_backslash),
		cmocka_unit_test(test_html_chars),
		cmocka_unit_test(test_line_separators),
		cmocka_unit_test(test_utf8_passthrough),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_cstr_int_key),
		cmocka_unit_test(test_random_roundtrip),
		cmocka_unit_test(test_python_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
