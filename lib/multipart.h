/*
 * multipart.h - multipart/form-data bodies (RFC 7578), with caps.
 *
 * A pure function over the bytes of a body that is already in memory (the
 * server read it within the route's body limit), so it is unit-tested and
 * fuzzed from a buffer.  Part data is not copied: it points into the body.
 * Names and file names are copied, NUL-terminated, into the arena.  Anything
 * malformed is an error, never a guess: a missing or over-long boundary, a
 * part without a Content-Disposition form-data name, a header line over the
 * cap, a body cut off before its closing delimiter.
 */
#ifndef PORTAL_MULTIPART_H
#define PORTAL_MULTIPART_H

#include <stddef.h>

#include "arena.h"

typedef struct mpart {
	const char *name;          /* the form field name */
	const char *filename;      /* NULL for a text field; may be "" */
	const char *content_type;  /* as declared (never trusted), or "" */
	const char *data;
	size_t len;
} mpart;

typedef struct mp_limits {
	size_t max_parts;          /* parts in one body */
	size_t max_header;         /* bytes of one part's header block */
	size_t max_name;           /* bytes of a field name (a file name: max_header) */
	size_t max_field;          /* bytes of a text field's value */
	size_t max_file;           /* bytes of one file */
} mp_limits;

enum mp_err {
	MP_OK = 0,
	MP_BAD = -1,        /* malformed: 400 */
	MP_TOO_MANY = -2,   /* more parts than allowed: 400 */
	MP_TOO_BIG = -3,    /* a file or field over its cap: 413 */
};

/* The boundary of a Content-Type header value, copied into the arena, or
 * NULL when it is not multipart/form-data or has no valid boundary. */
const char *multipart_boundary(arena *a, const char *content_type);

/* Split body into parts.  On error *why says what was wrong (Vietnamese,
 * for the 400/413 page) and parts, nparts hold the parts read so far. */
int multipart_parse(arena *a, const char *boundary, const char *body, size_t n,
		    const mp_limits *lim, mpart **parts, size_t *nparts,
		    const char **why);

#endif
