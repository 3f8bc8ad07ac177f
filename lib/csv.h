/*
 * csv.h - strict RFC 4180 CSV reader over a buffer in memory.
 *
 * Promises:
 *  - Fields are separated by ',' and records end with LF or CRLF; the last
 *    record may lack a line end.  A UTF-8 byte order mark at the very
 *    start is skipped.
 *  - A field that starts with '"' is quoted: it runs to the matching quote,
 *    may hold ',', CR and LF verbatim, and "" inside stands for one '"'.
 *  - Anything else is an error that stops the reader for good: a '"'
 *    inside an unquoted field, a quoted field not closed before the end of
 *    the data, text between a closing quote and the next ',' or line end,
 *    a NUL byte, a CR not followed by LF outside quotes, invalid UTF-8
 *    (overlong, surrogate, above U+10FFFF, truncated), or a record with
 *    more than CSV_MAX_FIELDS fields.
 *  - An empty line is a record with one empty field (as RFC 4180 reads
 *    it); callers check the field count anyway.
 *  - Every row, field and the reader itself live in the caller's arena;
 *    rows stay valid until the arena is reset, so a caller may keep them.
 *  - Never reads outside data[0..n-1]; data need not be NUL-terminated
 *    and is never modified.  No global mutable state.
 */
#ifndef PORTAL_CSV_H
#define PORTAL_CSV_H

#include <stddef.h>

#include "arena.h"

#define CSV_MAX_FIELDS 512

typedef struct csv_reader csv_reader;

csv_reader *csv_open(arena *a, const char *data, size_t n);

/*
 * Read the next record.  Returns 1 with *fields[0..*nfields-1] set
 * (NUL-terminated strings in the arena; *nfields >= 1), 0 at the end of
 * the data, -1 on error (see csv_error).  After 0 or -1 every later call
 * returns the same.
 */
int csv_next(csv_reader *r, char ***fields, size_t *nfields);

/* The line the record csv_next last returned began on (1-based; a quoted
 * field may carry it over more lines), for messages that name it. */
size_t csv_line(const csv_reader *r);

/* "line N: what went wrong" after csv_next returned -1, else "no error". */
const char *csv_error(const csv_reader *r);

/* Index of the first column called name, -1 if absent. */
int csv_header_index(char **hdr, size_t n, const char *name);

#endif
