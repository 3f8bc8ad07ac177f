/*
 * test_multipart.c - unit tests for lib/multipart.c: multipart/form-data
 * bodies as browsers send them, and every cap and malformation refused.
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
#include "multipart.h"

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

static const mp_limits lim = {.max_parts = 8, .max_header = 512, .max_name = 64,
			      .max_field = 100, .max_file = 1000};

#define B "----WebKitFormBoundaryx7Q"
#define CRLF "\r\n"

static int parse(arena *a, const char *body, size_t n, mpart **p, size_t *np, const char **why)
{
	return multipart_parse(a, B, body, n, &lim, p, np, why);
}

static void boundary_from_header(void **state)
{
	arena *a = *state;
	assert_string_equal(multipart_boundary(a, "multipart/form-data; boundary=" B), B);
	assert_string_equal(multipart_boundary(a, "multipart/form-data; charset=utf-8; boundary=\"a b\""), "a b");
	assert_string_equal(multipart_boundary(a, "Multipart/Form-Data;boundary=xyz"), "xyz");
	assert_null(multipart_boundary(a, "multipart/form-data"));
	assert_null(multipart_boundary(a, "multipart/form-data; boundary="));
	assert_null(multipart_boundary(a, "multipart/mixed; boundary=abc"));
	assert_null(multipart_boundary(a, "application/x-www-form-urlencoded"));
	assert_null(multipart_boundary(a, "multipart/form-data; boundary=\"unterminated"));
	assert_null(multipart_boundary(a, "multipart/form-data; boundary=bad<char>"));
	char longb[100];
	memset(longb, 'a', 71);
	longb[71] = 0;
	char ct[160];
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", longb);
	assert_null(multipart_boundary(a, ct));
}

static void fields_and_files(void **state)
{
	arena *a = *state;
	const char body[] =
		"--" B CRLF
		"Content-Disposition: form-data; name=\"applicant_name\"" CRLF CRLF
		"Nguyễn Thị Hoa" CRLF
		"--" B CRLF
		"Content-Disposition: form-data; name=\"doc_1\"; filename=\"giay to.pdf\"" CRLF
		"Content-Type: application/pdf" CRLF CRLF
		"%PDF-1.4\r\n\x00\x01" "binary\r\n--not-the-boundary" CRLF
		"--" B CRLF
		"Content-Disposition: form-data; name=\"empty\"" CRLF CRLF
		CRLF
		"--" B "--" CRLF;
	mpart *p;
	size_t n;
	const char *why;
	assert_int_equal(parse(a, body, sizeof body - 1, &p, &n, &why), MP_OK);
	assert_int_equal(n, 3);
	assert_string_equal(p[0].name, "applicant_name");
	assert_null(p[0].filename);
	assert_int_equal(p[0].len, strlen("Nguyễn Thị Hoa"));
	assert_memory_equal(p[0].data, "Nguyễn Thị Hoa", p[0].len);
	assert_string_equal(p[1].name, "doc_1");
	assert_string_equal(p[1].filename, "giay to.pdf");
	assert_string_equal(p[1].content_type, "application/pdf");
	assert_int_equal(p[1].len, 8 + 2 + 2 + 6 + 2 + 18);
	assert_int_equal(p[2].len, 0);
}

static void malformed(void **state)
{
	arena *a = *state;
	mpart *p;
	size_t n;
	const char *why;
	static const char *const bad[] = {
		"",
		"no boundary at all",
		"--" B CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF "x",  /* cut */
		"--" B CRLF "Content-Disposition: form-data; name=\"a\"" CRLF "x" CRLF "--" B "--",  /* no blank line */
		"--" B CRLF "Content-Type: text/plain" CRLF CRLF "x" CRLF "--" B "--",  /* no disposition */
		"--" B CRLF "Content-Disposition: attachment; name=\"a\"" CRLF CRLF "x" CRLF "--" B "--",
		"--" B CRLF "Content-Disposition: form-data; name=\"\"" CRLF CRLF "x" CRLF "--" B "--",
		"--" B CRLF "Content-Disposition: form-data; name=\"a" CRLF CRLF "x" CRLF "--" B "--",
		"--" B CRLF "Content-Disposition: form-data; name=\"a\\\"b\"" CRLF CRLF "x" CRLF "--" B "--",
		"--" B CRLF "no colon here" CRLF CRLF "x" CRLF "--" B "--",
		"--" B "garbage" CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF "x" CRLF "--" B "--",
		"--" B CRLF "Content-Disposition: form-data; name=\"a\"" CRLF
		"Content-Disposition: form-data; name=\"b\"" CRLF CRLF "x" CRLF "--" B "--",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = parse(a, bad[i], strlen(bad[i]), &p, &n, &why);
		if (rc != MP_BAD)
			fail_msg("case %zu: rc %d", i, rc);
		assert_non_null(why);
		assert_true(strlen(why) > 5);
	}
}

static void caps(void **state)
{
	arena *a = *state;
	mpart *p;
	size_t n;
	const char *why;
	char body[20000];
	/* more parts than allowed */
	size_t k = 0;
	for (int i = 0; i < 9; i++)
		k += (size_t)snprintf(body + k, sizeof body - k,
				      "--" B CRLF "Content-Disposition: form-data; name=\"f%d\"" CRLF CRLF "v" CRLF, i);
	k += (size_t)snprintf(body + k, sizeof body - k, "--" B "--");
	assert_int_equal(parse(a, body, k, &p, &n, &why), MP_TOO_MANY);
	/* a file over max_file */
	k = (size_t)snprintf(body, sizeof body, "--" B CRLF
			     "Content-Disposition: form-data; name=\"doc_1\"; filename=\"a.pdf\"" CRLF CRLF);
	memset(body + k, 'x', 1001);
	k += 1001;
	k += (size_t)snprintf(body + k, sizeof body - k, CRLF "--" B "--");
	assert_int_equal(parse(a, body, k, &p, &n, &why), MP_TOO_BIG);
	/* exactly max_file is fine */
	k = (size_t)snprintf(body, sizeof body, "--" B CRLF
			     "Content-Disposition: form-data; name=\"doc_1\"; filename=\"a.pdf\"" CRLF CRLF);
	memset(body + k, 'x', 1000);
	k += 1000;
	k += (size_t)snprintf(body + k, sizeof body - k, CRLF "--" B "--");
	assert_int_equal(parse(a, body, k, &p, &n, &why), MP_OK);
	assert_int_equal(p[0].len, 1000);
	/* a text field over max_field */
	k = (size_t)snprintf(body, sizeof body, "--" B CRLF
			     "Content-Disposition: form-data; name=\"t\"" CRLF CRLF);
	memset(body + k, 'y', 101);
	k += 101;
	k += (size_t)snprintf(body + k, sizeof body - k, CRLF "--" B "--");
	assert_int_equal(parse(a, body, k, &p, &n, &why), MP_TOO_BIG);
	/* a header block over max_header */
	k = (size_t)snprintf(body, sizeof body, "--" B CRLF "Content-Disposition: form-data; name=\"t\"" CRLF "X-Pad: ");
	memset(body + k, 'h', 600);
	k += 600;
	k += (size_t)snprintf(body + k, sizeof body - k, CRLF CRLF "v" CRLF "--" B "--");
	assert_int_equal(parse(a, body, k, &p, &n, &why), MP_BAD);
	/* a name over max_name */
	k = (size_t)snprintf(body, sizeof body, "--" B CRLF "Content-Disposition: form-data; name=\"%070d\"" CRLF CRLF
			     "v" CRLF "--" B "--", 1);
	assert_int_equal(parse(a, body, k, &p, &n, &why), MP_BAD);
}

static void preamble_and_epilogue(void **state)
{
	arena *a = *state;
	mpart *p;
	size_t n;
	const char *why;
	const char body[] = "preamble text" CRLF "--" B CRLF
			    "Content-Disposition: form-data; name=\"a\"" CRLF CRLF "1" CRLF "--" B "--" CRLF
			    "epilogue";
	assert_int_equal(parse(a, body, sizeof body - 1, &p, &n, &why), MP_OK);
	assert_int_equal(n, 1);
	assert_memory_equal(p[0].data, "1", 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(boundary_from_header), T(fields_and_files), T(malformed), T(caps),
		T(preamble_and_epilogue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
