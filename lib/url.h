/*
 * url.h - the parsers for what arrives in a request line and its headers:
 * percent-decoding, query strings and urlencoded bodies, cookies, and the
 * request path.
 *
 * Pure functions over bytes, no FastCGI, so they are unit-tested and fuzzed
 * straight from a buffer.  Every result lives in the caller's arena.  Any
 * malformed input is an error, never a guess: a bad %-escape, a NUL byte or
 * invalid UTF-8 after decoding, too many pairs, a dot segment in a path.
 */
#ifndef PORTAL_URL_H
#define PORTAL_URL_H

#include <stddef.h>

#include "arena.h"

typedef struct kv {
	const char *name;
	const char *value;
	size_t vlen;
} kv;

typedef struct kvlist {
	kv *items;
	size_t n;
} kvlist;

enum url_err {
	URL_OK = 0,
	URL_BAD_ESCAPE = -1,   /* %zz, truncated %, or a decoded NUL */
	URL_BAD_UTF8 = -2,     /* decoded bytes are not valid UTF-8 */
	URL_TOO_MANY = -3,     /* more pairs than allowed */
	URL_TOO_LONG = -4,     /* input longer than allowed */
	URL_BAD_PATH = -5,     /* not absolute, dot segment, encoded slash */
	URL_BAD_SYNTAX = -6,   /* e.g. a cookie without '=' */
};

/* Decode %XX (and '+' as space when plus_space) into a NUL-terminated copy.
 * Rejects malformed escapes, %00 and invalid UTF-8. */
int url_decode(arena *a, const char *s, size_t n, int plus_space,
	       char **out, size_t *outlen);

/* Parse "a=1&b=2" (query strings and application/x-www-form-urlencoded
 * bodies).  Empty pairs ("a=1&&b=2", a trailing '&') are skipped; "a" with no
 * '=' is the name a with an empty value.  On error *bad names the raw pair
 * that failed (for the error message), or NULL. */
int form_parse(arena *a, const char *s, size_t n, size_t max_pairs,
	       kvlist *out, const char **bad);

/* Parse a Cookie header: "a=1; b=2".  Values may be double-quoted.  Cookie
 * values are not %-decoded (RFC 6265 leaves that to the application). */
int cookie_parse(arena *a, const char *s, size_t n, size_t max_pairs,
		 kvlist *out);

/* The cookies named in names (NULL-terminated) from a Cookie header that
 * cookie_parse refused (a stray cookie of another site on this host, one
 * pair too many): each "; "-separated pair whose name is wanted and whose
 * value is a plain token is kept, the rest skipped.  Never fails. */
void cookie_salvage(arena *a, const char *s, size_t n, const char *const *names,
		    kvlist *out);

/* Split the path of a request URI (what precedes '?') into decoded
 * segments.  "/catalog/procedures/1.001193" -> {"catalog", "procedures",
 * "1.001193"}; a trailing slash is reported in *trailing_slash and gives no
 * empty segment; "//" collapses.  Rejects a path that does not start with
 * '/', ".", ".." or empty-after-decoding segments, %2F, NUL, bad UTF-8. */
int path_split(arena *a, const char *s, size_t n, size_t max_segs,
	       char ***segs, size_t *nsegs, int *trailing_slash);

/* Value of the first pair with this name, or NULL. */
const kv *kv_find(const kvlist *l, const char *name);

/* Append a %-encoded copy of s (RFC 3986 unreserved kept) for building links. */
char *url_encode(arena *a, const char *s);

#endif
