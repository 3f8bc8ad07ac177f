/*
 * jsonparse.h - strict RFC 8259 JSON parser into an arena-allocated DOM.
 *
 * Promises:
 *  - Accepts exactly the RFC 8259 grammar and nothing more: no comments,
 *    no trailing commas, no NaN/Infinity, no leading zeros, no single
 *    quotes, no byte order mark, no trailing garbage (whitespace is fine).
 *    Any JSON value may stand at the top level.
 *  - Strings are validated as UTF-8 (no overlongs, no encoded surrogates,
 *    nothing above U+10FFFF), may not hold unescaped control characters,
 *    and are decoded: escapes resolved, \u surrogate pairs joined into one
 *    4-byte UTF-8 sequence.  Lone surrogates and \u0000 are rejected, so
 *    every decoded string is a safe C string (strlen(str) == len).
 *  - Duplicate keys in one object are an error (a hostile sender could
 *    otherwise make two readers see two different values).
 *  - Nesting deeper than JSON_MAX_DEPTH arrays/objects is an error, so
 *    recursion and stack use are bounded whatever the input.
 *  - Every byte of the DOM, and all scratch space, comes from the caller's
 *    arena; nothing needs freeing.  The DOM stays valid until the arena is
 *    reset.  On error some arena space is wasted but nothing else leaks.
 *  - No global mutable state: safe to use from several threads as long as
 *    each thread uses its own arena.
 *  - Never reads outside s[0..n-1]; s need not be NUL-terminated.
 */
#ifndef PORTAL_JSONPARSE_H
#define PORTAL_JSONPARSE_H

#include <stddef.h>

#include "arena.h"

#define JSON_MAX_DEPTH 64

typedef enum {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
} json_type;

typedef struct json_value json_value;

struct json_value {
	json_type type;
	/*
	 * JSON_STRING: decoded UTF-8 in str, len bytes, NUL-terminated.
	 * JSON_NUMBER: the number exactly as written, in num, len bytes,
	 *              NUL-terminated (already checked against the grammar;
	 *              convert with json_get_i64() or json_get_double()).
	 */
	size_t len;
	const char *str;
	const char *num;
	/*
	 * JSON_ARRAY:  n elements in items[0..n-1].
	 * JSON_OBJECT: n members, keys[i] (NUL-terminated, decoded) naming
	 *              items[i], in the order they appear in the input.
	 */
	size_t n;
	json_value *items;
	const char **keys;
};

/*
 * Parse s[0..n-1].  Returns the root value, or NULL on error with a short
 * English message ("offset 12: ...") in err (if err && errlen > 0).
 */
json_value *json_parse(arena *a, const char *s, size_t n,
		       char *err, size_t errlen);

/*
 * Where and why a parse failed, for a message a person can act on (the
 * agency API answers it).  Nothing of the input is copied into it but,
 * for a duplicate key, the key itself when it is a plain name
 * ([A-Za-z0-9_.-], at most 40 bytes); a caller may show all of it.
 */
typedef struct json_error {
	size_t offset;          /* bytes before the fault */
	size_t line, column;    /* 1-based; the column counts UTF-8 characters */
	const char *what;       /* English, as json_parse's message */
	const char *what_vi;    /* the same in Vietnamese */
	int at_end;             /* the fault is the end of the input */
	unsigned char byte;     /* the byte at the fault, unless at_end */
	char key[41];           /* a duplicate key's name, or "" */
} json_error;

/* json_parse, telling on error where and why in *e (may be NULL). */
json_value *json_parse_ex(arena *a, const char *s, size_t n, json_error *e);

/*
 * A Vietnamese sentence for a failed parse, e.g. "dòng 1, cột 12 (byte
 * 11), gặp ký tự ‘x’: cần dấu ',' hoặc '}'", into out (always
 * NUL-terminated).  Printable ASCII at the fault is shown as itself, any
 * other byte by its hex value: never a raw byte of the input.
 */
void json_error_vi(const json_error *e, char *out, size_t outlen);

/* Member lookup (linear, first match); NULL if obj is not an object. */
const json_value *json_get(const json_value *obj, const char *key);

/* The string value of member key; NULL if absent, null or not a string. */
const char *json_get_str(const json_value *obj, const char *key);

/*
 * Integer value of a number written without fraction or exponent that fits
 * a long long.  0 on success, -1 otherwise (*out untouched).
 */
int json_get_i64(const json_value *v, long long *out);

/* Any number as a double (strtod); -1 if not a number or out of range. */
int json_get_double(const json_value *v, double *out);

#endif
