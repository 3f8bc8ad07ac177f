/*
 * test_csv.c - unit tests for lib/csv.c.
 *
 * Happy paths, every error the reader promises (with its line number),
 * and a pass over the real procedure catalog, which must exist: a missing
 * file fails the test rather than skipping it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "csv.h"

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

static csv_reader *open_n(void **state, const char *s, size_t n)
{
	arena_reset(*state);
	return csv_open(*state, s, n);
}

static csv_reader *open_s(void **state, const char *s)
{
	return open_n(state, s, strlen(s));
}

/*
 * Read all of s and compare against want: rows separated by "\n", fields
 * by "|" (test data never uses those inside the expected fields).
 */
static void expect_rows_n(void **state, const char *s, size_t n,
			  const char *want)
{
	csv_reader *r = open_n(state, s, n);
	buf got = BUF_INIT;
	char **f;
	size_t nf, i;
	int rc;

	while ((rc = csv_next(r, &f, &nf)) == 1) {
		assert_true(nf >= 1);
		for (i = 0; i < nf; i++) {
			if (i)
				buf_putc(&got, '|');
			buf_puts(&got, f[i]);
		}
		buf_putc(&got, '\n');
	}
	if (rc != 0)
		fail_msg("unexpected error on %s: %s", s, csv_error(r));
	buf_putc(&got, '\0');	/* p stays NULL for no rows otherwise */
	assert_string_equal(got.p, want);
	/* the end is sticky */
	assert_int_equal(csv_next(r, &f, &nf), 0);
	assert_int_equal(csv_next(r, &f, &nf), 0);
	buf_free(&got);
}

#define EXPECT_ROWS(s, want) expect_rows_n(state, s, sizeof(s) - 1, want)

static void test_basic(void **state)
{
	EXPECT_ROWS("a,b,c\n1,2,3\n", "a|b|c\n1|2|3\n");
	EXPECT_ROWS("a,b,c\r\n1,2,3\r\n", "a|b|c\n1|2|3\n");
	EXPECT_ROWS("a,b\r\n1,2\n3,4\r\n", "a|b\n1|2\n3|4\n");
	EXPECT_ROWS("a,b\n1,2", "a|b\n1|2\n");	/* no final newline */
	EXPECT_ROWS("a,b\r\n1,2", "a|b\n1|2\n");
	EXPECT_ROWS("x", "x\n");
	EXPECT_ROWS("x\n", "x\n");
	EXPECT_ROWS(" a , b ", " a | b \n");	/* spaces are data */
	EXPECT_ROWS("a\tb;c", "a\tb;c\n");
	EXPECT_ROWS("", "");
}

static void test_empty_fields(void **state)
{
	EXPECT_ROWS(",", "|\n");
	EXPECT_ROWS(",,\n", "||\n");
	EXPECT_ROWS("a,,c\n,b,\n", "a||c\n|b|\n");
	EXPECT_ROWS("a,b,", "a|b|\n");	/* trailing comma at EOF */
	EXPECT_ROWS("a,b,\r\n", "a|b|\n");
	/* an empty line is one empty field, as RFC 4180 reads it */
	EXPECT_ROWS("a\n\nb\n", "a\n\nb\n");
	EXPECT_ROWS("\n", "\n");
	EXPECT_ROWS("\r\n\r\n", "\n\n");
	EXPECT_ROWS("\"\"", "\n");
	EXPECT_ROWS("\"\",\"\"\n", "|\n");
}

static void test_quoted(void **state)
{
	EXPECT_ROWS("\"a\",\"b\"\n", "a|b\n");
	EXPECT_ROWS("\"a,b\",c\n", "a,b|c\n");
	EXPECT_ROWS("\"say \"\"hi\"\"\",x\n", "say \"hi\"|x\n");
	EXPECT_ROWS("\"\"\"\"", "\"\n");
	EXPECT_ROWS("\"\"\"\"\"\"", "\"\"\n");
	EXPECT_ROWS("\"a\"\"\",\"\"\"b\"\n", "a\"|\"b\n");
	EXPECT_ROWS("\"line1\nline2\",x\ny,z\n", "line1\nline2|x\ny|z\n");
	/* CR and CRLF inside quotes are kept verbatim */
	EXPECT_ROWS("\"a\r\nb\",\"c\rd\"\r\n", "a\r\nb|c\rd\n");
	EXPECT_ROWS("\"a\"\r\n\"b\"", "a\nb\n");
	EXPECT_ROWS("a,\"b\"", "a|b\n");
	EXPECT_ROWS("\",\",\"\n\"", ",|\n\n");
}

static void test_bom_and_utf8(void **state)
{
	EXPECT_ROWS("\xef\xbb\xbf" "code,name\n1,x\n", "code|name\n1|x\n");
	EXPECT_ROWS("\xef\xbb\xbf", "");
	EXPECT_ROWS("\xef\xbb\xbf\"q\"", "q\n");
	/* only a BOM at the very start is special */
	EXPECT_ROWS("a,\xef\xbb\xbf" "b", "a|\xef\xbb\xbf" "b\n");
	EXPECT_ROWS("Th\xe1\xbb\xa7 t\xe1\xbb\xa5\x63,"
		    "\"H\xe1\xba\xa3i, quan\"\n",
		    "Th\xe1\xbb\xa7 t\xe1\xbb\xa5\x63|H\xe1\xba\xa3i, quan\n");
	EXPECT_ROWS("\xf0\x9f\x98\x80,\xf4\x8f\xbf\xbf", "\xf0\x9f\x98\x80|"
		    "\xf4\x8f\xbf\xbf\n");
}

/* Rows stay valid after later calls, and fields are NUL-terminated. */
static void test_rows_kept(void **state)
{
	csv_reader *r = open_s(state, "a,b\n\"c\"\"\",d\n");
	char **r1, **r2, **x;
	size_t n1, n2, nx;

	assert_int_equal(csv_next(r, &r1, &n1), 1);
	assert_int_equal(csv_next(r, &r2, &n2), 1);
	assert_int_equal(csv_next(r, &x, &nx), 0);
	assert_int_equal(n1, 2);
	assert_int_equal(n2, 2);
	assert_string_equal(r1[0], "a");
	assert_string_equal(r1[1], "b");
	assert_string_equal(r2[0], "c\"");
	assert_string_equal(r2[1], "d");
	assert_string_equal(csv_error(r), "no error");
}

/* Bytes past n are never read and the input is never written. */
static void test_length_bounded(void **state)
{
	char *heap;
	csv_reader *r;
	char **f;
	size_t nf;

	expect_rows_n(state, "a,b\nIGNORED", 4, "a|b\n");
	expect_rows_n(state, "ab\"c", 2, "ab\n");
	expect_rows_n(state, NULL, 0, "");

	heap = malloc(4);	/* exact size: ASan catches any overread */
	memcpy(heap, "\"a\"\r", 4);
	r = open_n(state, heap, 4);
	assert_int_equal(csv_next(r, &f, &nf), -1);
	memcpy(heap, "a,b\r", 4);
	r = open_n(state, heap, 4);
	assert_int_equal(csv_next(r, &f, &nf), -1);
	memcpy(heap, "\"a\"\"", 4);
	r = open_n(state, heap, 4);
	assert_int_equal(csv_next(r, &f, &nf), -1);
	memcpy(heap, "a,\xe2\x82", 4);
	r = open_n(state, heap, 4);
	assert_int_equal(csv_next(r, &f, &nf), -1);
	free(heap);
}

/* ---- errors ---- */

/*
 * s must yield good_rows rows and then fail with exactly message want;
 * the failure is sticky.
 */
static void expect_error_n(void **state, const char *s, size_t n,
			   int good_rows, const char *want)
{
	csv_reader *r = open_n(state, s, n);
	char **f;
	size_t nf;
	int i, rc;

	for (i = 0; i < good_rows; i++)
		if ((rc = csv_next(r, &f, &nf)) != 1)
			fail_msg("row %d of %s: rc %d (%s)", i + 1, s, rc,
				 csv_error(r));
	assert_int_equal(csv_next(r, &f, &nf), -1);
	assert_string_equal(csv_error(r), want);
	assert_int_equal(csv_next(r, &f, &nf), -1);
	assert_string_equal(csv_error(r), want);
}

#define EXPECT_ERROR(s, rows, want) \
	expect_error_n(state, s, sizeof(s) - 1, rows, want)

static void test_error_quote_in_unquoted(void **state)
{
	EXPECT_ERROR("ab\"c\n", 0, "line 1: quote inside unquoted field");
	EXPECT_ERROR("a,b\"\n", 0, "line 1: quote inside unquoted field");
	EXPECT_ERROR("a\nb\nc,d\"\"\n", 2,
		     "line 3: quote inside unquoted field");
	EXPECT_ERROR(" \"a\"", 0, "line 1: quote inside unquoted field");
}

static void test_error_unterminated(void **state)
{
	EXPECT_ERROR("\"abc", 0,
		     "line 1: quoted field not closed before end of data");
	EXPECT_ERROR("a,\"b\n", 0,
		     "line 1: quoted field not closed before end of data");
	/* reported at the line where the quote opened */
	EXPECT_ERROR("x\ny,\"b\nc\nd\n", 1,
		     "line 2: quoted field not closed before end of data");
	EXPECT_ERROR("\"", 0,
		     "line 1: quoted field not closed before end of data");
	EXPECT_ERROR("\"a\"\"", 0,
		     "line 1: quoted field not closed before end of data");
}

static void test_error_after_quote(void **state)
{
	EXPECT_ERROR("\"a\"b,c\n", 0, "line 1: text after closing quote");
	EXPECT_ERROR("\"a\" ,c\n", 0, "line 1: text after closing quote");
	EXPECT_ERROR("x,\"a\"\"\"\"b\"c", 0,
		     "line 1: text after closing quote");
	/* line counted after the newline inside the quotes */
	EXPECT_ERROR("h\n\"multi\nline\"x\n", 1,
		     "line 3: text after closing quote");
}

static void test_error_nul(void **state)
{
	EXPECT_ERROR("a\0b\n", 0, "line 1: NUL byte");
	EXPECT_ERROR("a\n\"b\0\"\n", 1, "line 2: NUL byte");
	EXPECT_ERROR("a,b\nc,d\n\0", 2, "line 3: NUL byte");
	EXPECT_ERROR("\0", 0, "line 1: NUL byte");
}

static void test_error_bare_cr(void **state)
{
	EXPECT_ERROR("a\rb\n", 0, "line 1: CR not followed by LF");
	EXPECT_ERROR("a,b\r", 0, "line 1: CR not followed by LF");
	EXPECT_ERROR("a\r\nb\r\r\n", 1, "line 2: CR not followed by LF");
	EXPECT_ERROR("\"a\"\rb", 0, "line 1: CR not followed by LF");
}

static void test_error_utf8(void **state)
{
	EXPECT_ERROR("a,\xff\n", 0, "line 1: invalid UTF-8");
	EXPECT_ERROR("\xc3\x28", 0, "line 1: invalid UTF-8");
	EXPECT_ERROR("\xc0\xaf", 0, "line 1: invalid UTF-8");	/* overlong */
	/* an encoded surrogate */
	EXPECT_ERROR("\xed\xa0\x80", 0, "line 1: invalid UTF-8");
	EXPECT_ERROR("\xf4\x90\x80\x80", 0, "line 1: invalid UTF-8");
	EXPECT_ERROR("ok\n\"x\n\xe2\x82\"", 1, "line 3: invalid UTF-8");
	EXPECT_ERROR("\xef\xbb", 0, "line 1: invalid UTF-8");	/* half BOM */
}

static void test_field_limit(void **state)
{
	buf b = BUF_INIT;
	csv_reader *r;
	char **f;
	size_t nf, i;

	/* exactly CSV_MAX_FIELDS is fine, and a shorter row after it too */
	for (i = 0; i < CSV_MAX_FIELDS; i++)
		buf_printf(&b, "%s%zu", i ? "," : "", i);
	buf_puts(&b, "\nlast\n");
	r = open_n(state, b.p, b.len);
	assert_int_equal(csv_next(r, &f, &nf), 1);
	assert_int_equal(nf, CSV_MAX_FIELDS);
	assert_string_equal(f[0], "0");
	assert_string_equal(f[CSV_MAX_FIELDS - 1], "511");
	assert_int_equal(csv_next(r, &f, &nf), 1);
	assert_int_equal(nf, 1);
	assert_int_equal(csv_next(r, &f, &nf), 0);

	/* one more is an error, also when the extra field is empty */
	buf_reset(&b);
	buf_puts(&b, "ok\n");
	for (i = 0; i < CSV_MAX_FIELDS; i++)
		buf_putc(&b, ',');
	expect_error_n(state, b.p, b.len, 1,
		       "line 2: more than 512 fields in a row");
	buf_free(&b);
}

static void test_header_index(void **state)
{
	csv_reader *r = open_s(state, "code,name,code,\n");
	char **h;
	size_t n;

	assert_int_equal(csv_next(r, &h, &n), 1);
	assert_int_equal(n, 4);
	assert_int_equal(csv_header_index(h, n, "code"), 0);
	assert_int_equal(csv_header_index(h, n, "name"), 1);
	assert_int_equal(csv_header_index(h, n, ""), 3);
	assert_int_equal(csv_header_index(h, n, "Name"), -1);
	assert_int_equal(csv_header_index(h, n, "nam"), -1);
	assert_int_equal(csv_header_index(h, 1, "name"), -1);
	assert_int_equal(csv_header_index(h, 0, "code"), -1);
	assert_int_equal(csv_header_index(NULL, 0, "code"), -1);
	assert_int_equal(csv_header_index(h, n, NULL), -1);
}

static void test_record_line(void **state)
{
	/* the line a record began on, even when a quoted field spans lines */
	csv_reader *r = open_s(state, "h1,h2\n\"a\nb\nc\",x\ny,z\n\nlast,1");
	char **f;
	size_t n;
	static const size_t want[] = {1, 2, 5, 6, 7};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(csv_next(r, &f, &n), 1);
		assert_int_equal(csv_line(r), want[i]);
	}
	assert_int_equal(csv_next(r, &f, &n), 0);
}

/* ---- the real catalog ---- */

#include "testdata.h"

static void test_real_catalog(void **state)
{
	char path[4096], *s, **hdr, **f;
	size_t n = 0, nh, nf, rows = 0;
	csv_reader *r;
	int code, name, rc;

	data_path(path, sizeof(path), "tthc_catalog.csv");
	s = slurp(path, &n);
	r = open_n(state, s, n);
	if (csv_next(r, &hdr, &nh) != 1)
		fail_msg("%s: no header: %s", path, csv_error(r));
	assert_int_equal(nh, 17);
	code = csv_header_index(hdr, nh, "code");
	name = csv_header_index(hdr, nh, "name");
	assert_int_equal(code, 0);
	assert_int_equal(name, 1);
	while ((rc = csv_next(r, &f, &nf)) == 1) {
		rows++;
		if (nf != 17)
			fail_msg("%s: data row %zu has %zu fields", path, rows,
				 nf);
		if (!is_code(f[code]))
			fail_msg("%s: data row %zu: bad code '%s'", path, rows,
				 f[code]);
		if (!*f[name])
			fail_msg("%s: data row %zu: empty name", path, rows);
	}
	if (rc)
		fail_msg("%s: %s", path, csv_error(r));
	assert_int_equal(rows, 2642);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_basic),
		T(test_empty_fields),
		T(test_quoted),
		T(test_bom_and_utf8),
		T(test_rows_kept),
		T(test_length_bounded),
		T(test_error_quote_in_unquoted),
		T(test_error_unterminated),
		T(test_error_after_quote),
		T(test_error_nul),
		T(test_error_bare_cr),
		T(test_error_utf8),
		T(test_field_limit),
		T(test_header_index),
		T(test_record_line),
		T(test_real_catalog),
#undef T
	};

	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
