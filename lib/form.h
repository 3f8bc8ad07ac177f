/*
 * form.h - typed fields, declared per route (the kcgi idea).
 *
 * A route declares the parameters it accepts; form_validate() turns the raw
 * pairs into typed values or one error that names the field.  Unknown names,
 * a name given twice, a value too long, a number out of range, a choice not
 * in the list, text with control characters: each is an error, so a handler
 * never sees raw input.
 */
#ifndef PORTAL_FORM_H
#define PORTAL_FORM_H

#include <stddef.h>

#include "arena.h"
#include "url.h"

typedef enum {
	FT_TEXT,     /* UTF-8 text, no control characters, max_chars long */
	FT_INT,      /* decimal integer in [min, max] */
	FT_ENUM,     /* one of choices */
	FT_PATTERN,  /* text accepted by check() (codes, slugs) */
	FT_DATE,     /* YYYY-MM-DD, a real calendar date; i = YYYYMMDD */
	FT_MONEY,    /* whole đồng, digits only (dots as thousands allowed),
		      * in [min, max] (max 0 = 10^15); i = the amount */
	FT_LINE,     /* FT_TEXT of a one-line box (a search box): a tab or a
		      * line break pasted into it is a space, as the browser's
		      * own <input> makes it; other controls are refused */
	FT_PARA,     /* FT_TEXT of a <textarea>: line breaks kept (a browser
		      * sends CR LF; stored and counted as one LF, as its
		      * maxlength counts it), tabs kept, other controls refused */
} field_type;

typedef struct field_spec {
	const char *name;
	field_type type;
	size_t max_chars;               /* FT_TEXT, FT_PATTERN: length cap */
	long long min, max;             /* FT_INT */
	const char *const *choices;     /* FT_ENUM, NULL-terminated */
	int (*check)(const char *v, size_t n);  /* FT_PATTERN: 1 = valid */
	const char *hint;               /* what is expected, in Vietnamese */
} field_spec;

typedef struct field_value {
	const char *name;
	const char *s;      /* NULL when absent */
	size_t len;
	long long i;        /* FT_INT value, FT_ENUM index */
} field_value;

typedef struct form_error {
	const char *field;
	const char *message;   /* Vietnamese, for the 400 page or JSON */
	const char *reason;    /* this file's refusals: what is wrong, without
				* the field ("dài quá 100 ký tự: …"), for a
				* form that names the field itself; else NULL */
} form_error;

/* A file part a multipart route accepts.  A name ending in '_' is a
 * prefix: "doc_" accepts doc_1 .. doc_{max_count}. */
enum file_kind { FILE_PDF = 1, FILE_JPEG = 2, FILE_PNG = 4 };

typedef struct file_spec {
	const char *name;
	size_t max_bytes;      /* one file */
	unsigned kinds;        /* FILE_* accepted, checked on content */
	int max_count;         /* for prefixes: how many numbered parts */
	const char *hint;      /* what is expected, in Vietnamese */
} file_spec;

/* An uploaded file, validated against its file_spec. */
typedef struct upload {
	const char *field;     /* "doc_2" */
	int index;             /* 2 for doc_2; 0 for an exact name */
	const char *filename;  /* as the client named it: shown, never trusted */
	const unsigned char *data;
	size_t len;
	int kind;              /* FILE_* detected from the bytes */
} upload;

/* specs is terminated by an entry with name == NULL; out gets one value per
 * spec, in the same order.  Returns 0, or -1 with *err filled in. */
int form_validate(arena *a, const kvlist *in, const field_spec *specs,
		  field_value **out, form_error *err);

/* A browser posts every control of a form, filled in or not: an empty
 * date box, a select left at its "— không —" option.  For POST bodies an
 * empty value of a non-text field (number, date, money, choice, pattern)
 * means "not given", so this drops such pairs before form_validate(); an
 * empty query parameter (?page=) stays an error.  Unknown names are kept
 * for form_validate() to refuse. */
void form_drop_empty(kvlist *in, const field_spec *specs);

/* A link shared through Zalo, Facebook or a search ad comes back with the
 * sharer's tracking parameters appended (zarsrc, utm_source, fbclid, …):
 * a receipt's check link or a procedure's page opened that way must not
 * be a 400.  This drops those pairs from a query before form_validate(),
 * unless the route's specs name them; every other unknown name is still
 * refused. */
void query_drop_tracking(kvlist *in, const field_spec *specs);

/* A client-supplied name made safe to show: valid UTF-8, at most 40
 * characters, no control characters. */
const char *field_name_shown(arena *a, const char *name, size_t n);

/* What a person typed into a field of a refused form, to put back in its
 * box: the first value of that name in the pairs as sent, cut to
 * max_chars characters, each control character as a space; NULL when the
 * field was not sent or is not valid UTF-8.  The page escapes it like any
 * text.  Never for a password: a refused form asks for it again. */
const char *form_typed(arena *a, const kvlist *in, const char *name, size_t max_chars);

/* 1 when a text value is absent or only white space (spaces, tabs, the
 * no-break space a phone keyboard may type): a required name or reason
 * made of nothing but spaces is missing, not given.  FT_TEXT keeps spaces
 * as typed (a password may have them), so the handler that needs a value
 * asks this rather than the parser trimming for everyone. */
int form_blank(const char *s);

/* The white space people type into a box: the bytes of one space, tab or
 * no-break space (U+00A0, a phone keyboard's) at s, or 0. */
size_t form_space_at(const char *s);

/* The part of s between the white space at its ends (form_space_at's):
 * its start in *start, its length returned. */
size_t form_trimmed(const char *s, const char **start);
/* s without that white space at either end (a copy in the arena). */
const char *form_trim(arena *a, const char *s);

/* Validate one value (path captures use this too). */
int field_check(arena *a, const field_spec *spec, const char *v, size_t n,
		field_value *out, form_error *err);

#endif
