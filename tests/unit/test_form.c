/*
 * test_form.c - unit tests for lib/form.c: typed fields declared per route,
 * and the one error (Vietnamese, naming the field) for anything else.
 *
 * Inputs go through form_parse first, as they do in server.c, so the
 * tests see exactly what a handler would see for a given query string.
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

#include "arena.h"
#include "form.h"
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

static const char *const sorts[] = { "name", "date", "fee", NULL };

/* "1.001193": digit, dot, six digits */
static int is_code(const char *v, size_t n)
{
	if (n != 8 || v[0] < '0' || v[0] > '9' || v[1] != '.')
		return 0;
	for (size_t i = 2; i < 8; i++)
		if (v[i] < '0' || v[i] > '9')
			return 0;
	return 1;
}

enum { F_Q, F_PAGE, F_SORT, F_CODE, F_DELTA };

static const field_spec specs[] = {
	{ .name = "q", .type = FT_TEXT, .max_chars = 200,
	  .hint = "từ khoá tìm kiếm" },
	{ .name = "page", .type = FT_INT, .min = 1, .max = 1000,
	  .hint = "số trang" },
	{ .name = "sort", .type = FT_ENUM, .choices = sorts,
	  .hint = "name, date hoặc fee" },
	{ .name = "code", .type = FT_PATTERN, .max_chars = 8,
	  .check = is_code, .hint = "mã thủ tục, ví dụ 1.001193" },
	{ .name = "delta", .type = FT_INT, .min = -10, .max = 10 },
	{ .name = NULL },
};

/* Parse and validate a query; *err is zeroed first. */
static int validate(arena *a, const char *query, field_value **v,
		    form_error *err)
{
	kvlist l;
	const char *bad;

	memset(err, 0, sizeof(*err));
	assert_int_equal(form_parse(a, query, strlen(query), 32, &l, &bad),
			 URL_OK);
	return form_validate(a, &l, specs, v, err);
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* The error names the field, in Vietnamese: Tham số “field” ... */
static void assert_error(const form_error *err, const char *field,
			 const char *why)
{
	char *head;

	assert_non_null(err->field);
	assert_non_null(err->message);
	assert_string_equal(err->field, field);
	head = malloc(strlen(field) + 32);
	assert_non_null(head);
	sprintf(head, "Tham số “%s” ", field);
	if (strncmp(err->message, head, strlen(head)) != 0)
		fail_msg("message \"%s\" does not start with \"%s\"",
			 err->message, head);
	free(head);
	if (why && !strstr(err->message, why))
		fail_msg("message \"%s\" does not say \"%s\"", err->message,
			 why);
	assert_true(utf8_valid(err->message, strlen(err->message)));
}

#define OK(q) do {							\
	if (validate(a, q, &v, &err) != 0)				\
		fail_msg("%s: rejected: %s", q, err.message);		\
} while (0)
#define BAD(q, field, why) do {						\
	assert_int_equal(validate(a, q, &v, &err), -1);			\
	assert_error(&err, field, why);					\
} while (0)

static void test_absent(void **state)
{
	arena *a = *state;
	field_value *v;
	form_error err;

	OK("");
	for (int k = 0; k <= F_DELTA; k++) {
		assert_string_equal(v[k].name, specs[k].name);
		assert_null(v[k].s);
		assert_int_equal(v[k].len, 0);
	}
	OK("page=2");
	assert_null(v[F_Q].s);
	assert_null(v[F_SORT].s);
	assert_non_null(v[F_PAGE].s);

	/* an empty spec list accepts only an empty query */
	kvlist l = { NULL, 0 };
	static const field_spec none[] = { { .name = NULL } };

	assert_int_equal(form_validate(a, &l, none, &v, &err), 0);
	assert_non_null(v);
}

static void test_all_types(void **state)
{
	arena *a = *state;
	field_value *v;
	form_error err;

	OK("q=gi%E1%BA%A5y+ph%C3%A9p&page=3&sort=date&code=1.001193&delta=-4");
	assert_string_equal(v[F_Q].s, "giấy phép");
	assert_int_equal(v[F_Q].len, strlen("giấy phép"));
	assert_int_equal(v[F_PAGE].i, 3);
	assert_string_equal(v[F_PAGE].s, "3");
	assert_int_equal(v[F_SORT].i, 1);
	assert_string_equal(v[F_SORT].s, "date");
	assert_string_equal(v[F_CODE].s, "1.001193");
	assert_int_equal(v[F_DELTA].i, -4);

	/* order of the query does not matter; values follow the specs */
	OK("sort=fee&q=x");
	assert_int_equal(v[F_SORT].i, 2);
	assert_string_equal(v[F_Q].s, "x");
}

static void test_text(void **state)
{
	arena *a = *state;
	field_value *v;
	form_error err;
	char *q200, *q201, *p;
	const char *word = "Vi%E1%BB%87t+";	/* "Việt ": 5 chars, 7 bytes */

	/* 200 Vietnamese characters are 280 bytes: the cap is characters */
	p = q200 = malloc(2 + 40 * strlen(word) + 1);
	assert_non_null(q200);
	p += sprintf(p, "q=");
	for (int i = 0; i < 40; i++)
		p += sprintf(p, "%s", word);
	OK(q200);
	assert_int_equal(v[F_Q].len, 280);
	assert_int_equal(strlen(v[F_Q].s), 280);

	q201 = malloc(strlen(q200) + 2);
	assert_non_null(q201);
	sprintf(q201, "%sx", q200);
	BAD(q201, "q", "dài quá 200 ký tự");
	assert_non_null(strstr(err.message, "từ khoá tìm kiếm"));
	free(q200);
	free(q201);

	/* 200 ASCII characters */
	char ascii[2 + 201 + 1] = "q=";

	memset(ascii + 2, 'a', 200);
	ascii[202] = '\0';
	OK(ascii);
	ascii[202] = 'a';
	ascii[203] = '\0';
	BAD(ascii, "q", "200");

	/* control characters */
	BAD("q=a%0Ab", "q", "điều khiển");
	BAD("q=a%0Db", "q", "điều khiển");
	BAD("q=a%09b", "q", "điều khiển");
	BAD("q=%1B%5B31m", "q", "điều khiển");
	BAD("q=a%7Fb", "q", "điều khiển");

	/* empty text and non-ASCII punctuation are fine */
	OK("q=");
	assert_string_equal(v[F_Q].s, "");
	OK("q");
	assert_string_equal(v[F_Q].s, "");
	OK("q=%E2%80%9Cabc%E2%80%9D+%C2%A0x");
}

/* A one-line box: a pasted tab or line break is a space; other controls
 * are still refused, and the message says where, not the length hint. */
static void test_line(void **state)
{
	arena *a = *state;
	static const field_spec line = {"q", FT_LINE, 20, 0, 0, NULL, NULL, "tối đa 20 ký tự"};
	field_value fv;
	form_error err;
	assert_int_equal(field_check(a, &line, "a\tb\r\nc", 6, &fv, &err), 0);
	assert_string_equal(fv.s, "a b  c");
	assert_int_equal(field_check(a, &line, "ab\x1b[", 4, &fv, &err), -1);
	assert_non_null(strstr(err.message, "ký tự thứ 3"));
	assert_null(strstr(err.message, "tối đa"));
	static const field_spec text = {"q", FT_TEXT, 20, 0, 0, NULL, NULL, "tối đa 20 ký tự"};
	assert_int_equal(field_check(a, &text, "a\tb", 3, &fv, &err), -1);
	assert_null(strstr(err.message, "tối đa"));
	static const field_spec page = {"page", FT_INT, 0, 1, 9, NULL, NULL, "số trang"};
	assert_int_equal(field_check(a, &page, "", 0, &fv, &err), -1);
	assert_non_null(strstr(err.message, "để trống"));
}

/* A textarea: line breaks are kept, CR LF counted (and stored) as one LF,
 * as the browser's maxlength counts them; other controls are refused. */
static void test_para(void **state)
{
	arena *a = *state;
	static const field_spec para = {"comment", FT_PARA, 5, 0, 0, NULL, NULL, "tối đa 5 ký tự"};
	field_value fv;
	form_error err;
	assert_int_equal(field_check(a, &para, "a\r\nb\rc", 6, &fv, &err), 0);
	assert_string_equal(fv.s, "a\nb\nc");
	assert_int_equal(fv.len, 5);
	assert_int_equal(field_check(a, &para, "ab\r\ncd", 6, &fv, &err), 0);
	assert_int_equal(field_check(a, &para, "ab\r\ncde", 7, &fv, &err), -1);
	assert_int_equal(field_check(a, &para, "a\tb", 3, &fv, &err), 0);
	assert_int_equal(field_check(a, &para, "a\x07", 2, &fv, &err), -1);
	assert_non_null(strstr(err.message, "ký tự thứ 2"));
}

static void test_int(void **state)
{
	arena *a = *state;
	field_value *v;
	form_error err;

	OK("page=1");
	assert_int_equal(v[F_PAGE].i, 1);
	OK("page=1000");
	assert_int_equal(v[F_PAGE].i, 1000);
	OK("page=007");
	assert_int_equal(v[F_PAGE].i, 7);
	BAD("page=0", "page", "phải từ 1 đến 1000");
	BAD("page=1001", "page", "phải từ 1 đến 1000");
	BAD("page=-1", "page", "phải từ 1 đến 1000");

	BAD("page=abc", "page", NULL);
	BAD("page=", "page", NULL);
	BAD("page", "page", NULL);
	BAD("page=99999999999999999999", "page", NULL);
	BAD("page=9999999999999999999999999999999999", "page", NULL);
	BAD("page=-", "page", NULL);
	BAD("page=%2B1", "page", NULL);		/* "+1" */
	BAD("page=+1", "page", NULL);		/* form decoding: " 1" */
	BAD("page=%201", "page", NULL);
	BAD("page=1%20", "page", NULL);
	BAD("page=1.5", "page", NULL);
	BAD("page=1e3", "page", NULL);
	BAD("page=0x10", "page", NULL);
	BAD("page=1-", "page", NULL);
	BAD("page=%EF%BC%91", "page", NULL);	/* fullwidth digit one */

	OK("delta=-10");
	assert_int_equal(v[F_DELTA].i, -10);
	OK("delta=10");
	OK("delta=-0");
	assert_int_equal(v[F_DELTA].i, 0);
	BAD("delta=-11", "delta", "phải từ -10 đến 10");
	BAD("delta=--1", "delta", NULL);
	BAD("delta=-", "delta", NULL);
}

/* A POST form's empty non-text controls are "not given"; empty text stays,
 * unknown names stay for form_validate() to refuse. */
static void test_drop_empty(void **state)
{
	arena *a = *state;
	kvlist l;
	const char *bad;
	field_value *v;
	form_error err;
	const char *body = "q=&page=&sort=&delta=3&nope=";

	assert_int_equal(form_parse(a, body, strlen(body), 32, &l, &bad), URL_OK);
	form_drop_empty(&l, specs);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[0].name, "q");
	assert_string_equal(l.items[1].name, "delta");
	assert_string_equal(l.items[2].name, "nope");
	memset(&err, 0, sizeof err);
	assert_int_equal(form_validate(a, &l, specs, &v, &err), -1);
	assert_error(&err, "nope", NULL);
	l.n = 2;
	assert_int_equal(form_validate(a, &l, specs, &v, &err), 0);
	assert_null(v[F_PAGE].s);
	assert_int_equal(v[F_DELTA].i, 3);
}

/* What link sharing appends is dropped from a query; nothing else is. */
static void test_drop_tracking(void **state)
{
	arena *a = *state;
	kvlist l;
	const char *bad;
	field_value *v;
	form_error err;
	const char *q = "q=thu+tuc&zarsrc=30&utm_source=zalo&utm_medium=zalo&fbclid=x1&page=2";

	assert_int_equal(form_parse(a, q, strlen(q), 32, &l, &bad), URL_OK);
	query_drop_tracking(&l, specs);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].name, "q");
	assert_string_equal(l.items[1].name, "page");
	memset(&err, 0, sizeof err);
	assert_int_equal(form_validate(a, &l, specs, &v, &err), 0);
	/* a name only like them is still refused */
	const char *q2 = "q=a&utm=1&zarsrc_x=2";
	assert_int_equal(form_parse(a, q2, strlen(q2), 32, &l, &bad), URL_OK);
	query_drop_tracking(&l, specs);
	assert_int_equal(l.n, 3);
	assert_int_equal(form_validate(a, &l, specs, &v, &err), -1);
	assert_error(&err, "utm", NULL);
	/* a route that names one keeps it */
	static const field_spec own[] = {{ .name = "utm_source", .type = FT_LINE, .max_chars = 20 }, { 0 }};
	const char *q3 = "utm_source=x";
	assert_int_equal(form_parse(a, q3, strlen(q3), 32, &l, &bad), URL_OK);
	query_drop_tracking(&l, own);
	assert_int_equal(l.n, 1);
}

static void test_int_limits(void **state)
{
	arena *a = *state;
	field_value fv;
	form_error err;
	const field_spec wide = { .name = "n", .type = FT_INT,
				  .min = LLONG_MIN, .max = LLONG_MAX };

	assert_int_equal(field_check(a, &wide, "999999999999999999", 18, &fv,
				     &err), 0);
	assert_true(fv.i == 999999999999999999LL);
	assert_int_equal(field_check(a, &wide, "-99999999999999999", 18, &fv,
				     &err), 0);
	assert_true(fv.i == -99999999999999999LL);
	/* longer than 18 characters is refused, never wrapped */
	assert_int_equal(field_check(a, &wide, "99999999999999999999", 20, &fv,
				     &err), -1);
	assert_error(&err, "n", NULL);
	assert_int_equal(field_check(a, &wide, "18446744073709551617", 20, &fv,
				     &err), -1);
}

/*
 * BUG (lib/form.c field_check, FT_INT: strtoll(v, NULL, 10)): field_check
 * takes (v, n) but strtoll reads v past n up to the first non-digit, so a
 * value that is not NUL-terminated at n is read wrong ("12345" with n = 2
 * gives 12345), and when the digits run to the end of the buffer it is a
 * over-read (AddressSanitizer reports it in strtoll when the buffer below
 * is a malloc'd copy of exactly 5 bytes).  route.c passes NUL-terminated path
 * segments today, but the API promises a length.  The buffer here keeps a
 * NUL at the end so the rest of this suite still runs under ASan.
 */
static void test_int_respects_length(void **state)
{
	arena *a = *state;
	field_value fv;
	form_error err = { 0 };
	const field_spec sp = { .name = "page", .type = FT_INT,
				.min = 1, .max = 100 };
	char in[] = "12345";		/* the value is "12" */

	if (field_check(a, &sp, in, 2, &fv, &err) != 0)
		fail_msg("\"12\" (n = 2) rejected: %s", err.message);
	assert_int_equal(fv.i, 12);
}

static void test_enum(void **state)
{
	arena *a = *state;
	field_value *v;
	form_error err;

	OK("sort=name");
	assert_int_equal(v[F_SORT].i, 0);
	OK("sort=fee");
	assert_int_equal(v[F_SORT].i, 2);
	BAD("sort=Name", "sort", "không thuộc các giá trị cho phép");
	BAD("sort=nam", "sort", NULL);
	BAD("sort=names", "sort", NULL);
	BAD("sort=", "sort", NULL);
	BAD("sort=name+", "sort", NULL);
	BAD("sort=date%0A", "sort", NULL);
	assert_non_null(strstr(err.message, "name, date hoặc fee"));
}

static void test_pattern(void **state)
{
	arena *a = *state;
	field_value *v;
	form_error err;

	OK("code=1.001193");
	assert_string_equal(v[F_CODE].s, "1.001193");
	BAD("code=1.00119", "code", "không đúng định dạng");
	BAD("code=1.0011934", "code", NULL);
	BAD("code=1x001193", "code", NULL);
	BAD("code=", "code", NULL);
	BAD("code=%E1%BB%87.001193", "code", NULL);
	assert_non_null(strstr(err.message, "mã thủ tục"));
}

static void test_unknown(void **state)
{
	arena *a = *state;
	field_value *v;
	form_error err;

	BAD("x=1", "x", "không được hỗ trợ ở trang này");
	BAD("page=1&utm_source=fb", "utm_source", "không được hỗ trợ");
	BAD("=1", "", "không được hỗ trợ");
	BAD("Page=1", "Page", NULL);	/* names are case-sensitive */
	BAD("t%C3%AAn=1", "tên", NULL);

	/* an over-long unknown name is cut to 40 characters */
	char q[2 + 100 + 3];

	memset(q, 'a', 100);
	strcpy(q + 100, "=1");
	assert_int_equal(validate(a, q, &v, &err), -1);
	assert_int_equal(strlen(err.field), 40);
	assert_int_equal(strspn(err.field, "a"), 40);
	assert_non_null(strstr(err.message, err.field));
	assert_null(strstr(err.message, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));

	/* ... characters, not bytes: 50 x "ệ" (3 bytes) keeps 40 "ệ" */
	char *vq = malloc(50 * 9 + 3), *p = vq;

	assert_non_null(vq);
	for (int i = 0; i < 50; i++)
		p += sprintf(p, "%%E1%%BB%%87");
	strcpy(p, "=1");
	assert_int_equal(validate(a, vq, &v, &err), -1);
	assert_int_equal(strlen(err.field), 120);
	assert_true(utf8_valid(err.field, strlen(err.field)));
	free(vq);

	/* 30 Vietnamese characters (more than 40 bytes) are shown whole */
	char *sq = malloc(30 * 9 + 3);

	assert_non_null(sq);
	p = sq;
	for (int i = 0; i < 30; i++)
		p += sprintf(p, "%%E1%%BB%%87");
	strcpy(p, "=1");
	assert_int_equal(validate(a, sq, &v, &err), -1);
	assert_int_equal(strlen(err.field), 90);
	free(sq);
}

/*
 * BUG (lib/form.c form_validate, the "Never echo an arbitrary name back"
 * branch): has_control(shown) sends the name through
 * arena_strndup(utf8_prefix(shown, .., 40)), which keeps the control
 * characters, so an unknown name "x%0Ay" or "%1B[2J" is echoed raw in
 * err->field and err->message (log and terminal injection).  The branch
 * only bounds the length.
 */
static void test_unknown_control_not_echoed(void **state)
{
	arena *a = *state;
	field_value *v;
	form_error err;

	assert_int_equal(validate(a, "x%0Ay=1", &v, &err), -1);
	assert_non_null(err.field);
	if (has_control(err.field) || has_control(err.message))
		fail_msg("control character echoed: field \"%s\"", err.field);
	assert_int_equal(validate(a, "%1B%5B2J=1", &v, &err), -1);
	if (has_control(err.field) || has_control(err.message))
		fail_msg("control character echoed: field \"%s\"", err.field);
}

/*
 * BUG (lib/form.c has_control): only C0 controls and DEL are refused; the
 * C1 controls U+0080..U+009F (Unicode category Cc, e.g. U+0085 NEXT LINE,
 * U+009B CONTROL SEQUENCE INTRODUCER) pass as FT_TEXT, although form.h
 * promises "UTF-8 text, no control characters".
 */
static void test_text_c1_controls(void **state)
{
	arena *a = *state;
	field_value *v;
	form_error err;

	BAD("q=a%C2%85b", "q", "điều khiển");
	BAD("q=%C2%9B31m", "q", "điều khiển");
	BAD("q=%C2%80", "q", "điều khiển");
}

static void test_duplicate(void **state)
{
	arena *a = *state;
	field_value *v;
	form_error err;

	BAD("page=1&page=2", "page", "xuất hiện nhiều lần");
	BAD("sort=name&sort=name", "sort", "xuất hiện nhiều lần");
	BAD("q=&q=", "q", "xuất hiện nhiều lần");
	BAD("q&q", "q", "xuất hiện nhiều lần");
	BAD("q=a&page=1&q=b", "q", "xuất hiện nhiều lần");
}

/* A kvlist that did not come from form_parse (e.g. path captures). */
static void test_field_check_direct(void **state)
{
	arena *a = *state;
	field_value fv;
	form_error err;

	assert_int_equal(field_check(a, &specs[F_CODE], "1.001193", 8, &fv,
				     &err), 0);
	assert_string_equal(fv.name, "code");
	assert_int_equal(fv.len, 8);
	assert_int_equal(field_check(a, &specs[F_Q], "a\xC3(", 3, &fv, &err),
			 -1);
	assert_error(&err, "q", "UTF-8");
	assert_int_equal(field_check(a, &specs[F_Q], "a\0b", 3, &fv, &err), -1);
	assert_error(&err, "q", NULL);
	assert_int_equal(field_check(a, &specs[F_PAGE], "5", 1, &fv, &err), 0);
	assert_int_equal(fv.i, 5);
}

static void test_blank(void **state)
{
	(void)state;
	assert_true(form_blank(NULL));
	assert_true(form_blank(""));
	assert_true(form_blank("   \t "));
	assert_true(form_blank(" \xC2\xA0 "));    /* a no-break space */
	assert_false(form_blank(" a "));
	assert_false(form_blank("\xC2"));          /* half of one is not */
	assert_false(form_blank("\xC3\xA0"));      /* "à" starts like it */
	assert_false(form_blank("Lan"));
}

static void test_trim(void **state)
{
	arena *a = *state;
	assert_string_equal(form_trim(a, " \xC2\xA0KH123\t "), "KH123");
	assert_string_equal(form_trim(a, "KH 123"), "KH 123");    /* inside: kept */
	assert_string_equal(form_trim(a, " \t\xC2\xA0"), "");
	assert_string_equal(form_trim(a, "\xC3\xA0 "), "\xC3\xA0");  /* "à" is not a space */
	assert_string_equal(form_trim(a, "x\xC2"), "x\xC2");          /* half of one is kept */
	assert_int_equal(form_space_at("\xC2\xA0x"), 2);
	assert_int_equal(form_space_at("x"), 0);
}

/* A refused form shows what was typed: the first value as sent, cut to the
 * field's cap in characters (never inside a letter), controls as spaces,
 * nothing for a field not sent or not valid UTF-8. */
static void test_typed(void **state)
{
	arena *a = *state;
	kv items[] = {
		{"name", "Nguyễn Thị Hoà", 17},
		{"login", "cb\tmột\n", 9},
		{"bad", "ab\xff", 3},
		{"name", "second", 6},
	};
	items[0].vlen = strlen(items[0].value);
	kvlist in = {items, 4};
	assert_string_equal(form_typed(a, &in, "name", 100), "Nguyễn Thị Hoà");
	assert_string_equal(form_typed(a, &in, "name", 8), "Nguyễn T");   /* 8 letters, 10 bytes */
	assert_string_equal(form_typed(a, &in, "name", 6), "Nguyễn");
	assert_string_equal(form_typed(a, &in, "login", 64), "cb một ");
	assert_null(form_typed(a, &in, "bad", 64));
	assert_null(form_typed(a, &in, "password", 64));
	assert_string_equal(form_typed(a, &in, "name", 0), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_absent),
		T(test_all_types),
		T(test_text),
		T(test_line),
		T(test_para),
		T(test_int),
		T(test_drop_empty),
		T(test_drop_tracking),
		T(test_int_limits),
		T(test_int_respects_length),
		T(test_enum),
		T(test_pattern),
		T(test_text_c1_controls),
		T(test_unknown),
		T(test_unknown_control_not_echoed),
		T(test_duplicate),
		T(test_field_check_direct),
		T(test_blank),
		T(test_trim),
		T(test_typed),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
