/*
 * csv.c - see csv.h.
 *
 * One pass per field: find where the field ends while checking it, then
 * copy it into the arena (unescaping "" in quoted fields).  Field pointers
 * collect in a scratch array owned by the reader and are copied to an
 * exact-size array per row, so a kept row never changes under the caller.
 */
#include "csv.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "vntext.h"

#define STR_(x) #x
#define STR(x) STR_(x)

enum csv_state { CSV_READING, CSV_END, CSV_FAILED };

struct csv_reader {
	arena *a;
	const unsigned char *p, *end;
	size_t line;		/* 1-based line of p */
	size_t rec_line;	/* where the last record returned began */
	enum csv_state state;
	char **scratch;		/* this row's fields so far */
	size_t cap;
	char err[96];
};

/* How the field just read was terminated. */
enum field_end { END_COMMA, END_LINE, END_DATA };

static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };

csv_reader *csv_open(arena *a, const char *data, size_t n)
{
	csv_reader *r = arena_calloc(a, 1, sizeof(*r));

	r->a = a;
	r->line = 1;
	r->state = CSV_READING;
	if (!data) {
		data = "";	/* NULL + 0 is undefined; n must be 0 anyway */
		n = 0;
	}
	r->p = (const unsigned char *)data;
	r->end = r->p + n;
	if (n >= sizeof(bom) && !memcmp(r->p, bom, sizeof(bom)))
		r->p += sizeof(bom);
	return r;
}

static int fail(csv_reader *r, size_t line, const char *msg)
{
	r->state = CSV_FAILED;
	snprintf(r->err, sizeof(r->err), "line %zu: %s", line, msg);
	return -1;
}

size_t csv_line(const csv_reader *r)
{
	return r->rec_line;
}

const char *csv_error(const csv_reader *r)
{
	return r->state == CSV_FAILED ? r->err : "no error";
}

/* Length of the valid UTF-8 sequence at p, 0 if invalid (see vntext.h). */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	uint32_t cp;
	return utf8_decode(p, (size_t)(end - p), &cp);
}

/*
 * The separator or line end at r->p, after a field: consume it and report
 * which it was.  -1 if something else is there.
 */
static int field_sep(csv_reader *r, enum field_end *how)
{
	if (r->p == r->end) {
		*how = END_DATA;
		return 0;
	}
	switch (*r->p) {
	case ',':
		r->p++;
		*how = END_COMMA;
		return 0;
	case '\n':
		r->p++;
		r->line++;
		*how = END_LINE;
		return 0;
	case '\r':
		if (r->end - r->p >= 2 && r->p[1] == '\n') {
			r->p += 2;
			r->line++;
			*how = END_LINE;
			return 0;
		}
		return -1;
	default:
		return -1;
	}
}

/* Why field_sep() refused what follows a field. */
static int sep_fail(csv_reader *r, const char *other)
{
	if (*r->p == '\r')
		return fail(r, r->line, "CR not followed by LF");
	return fail(r, r->line, other);
}

static int read_plain(csv_reader *r, char **out, enum field_end *how)
{
	const unsigned char *s = r->p;

	while (r->p < r->end) {
		unsigned char c = *r->p;
		size_t k;

		if (c == ',' || c == '\n' || c == '\r')
			break;
		if (c == '"')
			return fail(r, r->line, "quote inside unquoted field");
		if (c == '\0')
			return fail(r, r->line, "NUL byte");
		k = utf8_seq(r->p, r->end);
		if (!k)
			return fail(r, r->line, "invalid UTF-8");
		r->p += k;
	}
	*out = arena_strndup(r->a, (const char *)s, (size_t)(r->p - s));
	if (field_sep(r, how))
		return sep_fail(r, "CR not followed by LF");
	return 0;
}

/*
 * Scan a quoted field body from r->p (just after the opening quote) to
 * its closing quote, checking bytes and counting lines.  Returns the
 * closing quote, or NULL after failing.  *esc says whether "" occurred.
 */
static const unsigned char *quoted_end(csv_reader *r, size_t open_line,
				       bool *esc)
{
	const unsigned char *p = r->p;

	*esc = false;
	while (p < r->end) {
		size_t k;

		if (*p == '"') {
			if (r->end - p < 2 || p[1] != '"')
				return p;
			*esc = true;
			p += 2;
			continue;
		}
		if (*p == '\0') {
			fail(r, r->line, "NUL byte");
			return NULL;
		}
		if (*p == '\n')
			r->line++;
		k = utf8_seq(p, r->end);
		if (!k) {
			fail(r, r->line, "invalid UTF-8");
			return NULL;
		}
		p += k;
	}
	fail(r, open_line, "quoted field not closed before end of data");
	return NULL;
}

/* Copy s[0..n-1] to the arena, turning each "" into ". */
static char *unescape(arena *a, const unsigned char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		*o++ = (char)s[i];
		if (s[i] == '"')
			i++;	/* quoted_end guarantees the pair */
	}
	*o = '\0';
	return out;
}

static int read_quoted(csv_reader *r, char **out, enum field_end *how)
{
	size_t open_line = r->line;
	const unsigned char *q;
	bool esc;

	r->p++;	/* opening quote */
	q = quoted_end(r, open_line, &esc);
	if (!q)
		return -1;
	if (esc)
		*out = unescape(r->a, r->p, (size_t)(q - r->p));
	else
		*out = arena_strndup(r->a, (const char *)r->p,
				     (size_t)(q - r->p));
	r->p = q + 1;
	if (field_sep(r, how))
		return sep_fail(r, "text after closing quote");
	return 0;
}

static void add_field(csv_reader *r, size_t n, char *f)
{
	if (n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 32;
		char **ns;

		if (ncap > CSV_MAX_FIELDS)
			ncap = CSV_MAX_FIELDS;
		ns = arena_alloc(r->a, ncap * sizeof(*ns));
		if (n)
			memcpy(ns, r->scratch, n * sizeof(*ns));
		r->scratch = ns;
		r->cap = ncap;
	}
	r->scratch[n] = f;
}

int csv_next(csv_reader *r, char ***fields, size_t *nfields)
{
	enum field_end how = END_COMMA;
	size_t n = 0;
	char **row;

	if (r->state != CSV_READING)
		return r->state == CSV_END ? 0 : -1;
	if (r->p == r->end) {
		r->state = CSV_END;
		return 0;
	}
	r->rec_line = r->line;
	while (how == END_COMMA) {
		char *f;
		int rc;

		if (n == CSV_MAX_FIELDS)
			return fail(r, r->line, "more than " STR(CSV_MAX_FIELDS)
				    " fields in a row");
		if (r->p < r->end && *r->p == '"')
			rc = read_quoted(r, &f, &how);
		else
			rc = read_plain(r, &f, &how);
		if (rc)
			return -1;
		add_field(r, n++, f);
	}
	row = arena_alloc(r->a, n * sizeof(*row));
	memcpy(row, r->scratch, n * sizeof(*row));
	*fields = row;
	*nfields = n;
	return 1;
}

int csv_header_index(char **hdr, size_t n, const char *name)
{
	size_t i;

	if (!hdr || !name)
		return -1;
	for (i = 0; i < n && i <= INT_MAX; i++)
		if (hdr[i] && !strcmp(hdr[i], name))
			return (int)i;
	return -1;
}
