/*
 * json.h - JSON writing helpers for the API handlers.
 *
 * Promises:
 *  - Whatever bytes go in, what comes out is valid UTF-8 and valid JSON:
 *    invalid UTF-8 bytes become U+FFFD (one per byte), so a corrupt row in
 *    the database can never make a response unparsable.
 *  - Output is safe to embed inside an HTML <script> element: '<', '>' and
 *    '&' are always \u-escaped, so no string can spell "</script>" or
 *    "<!--"; U+2028/U+2029 are escaped for pre-ES2019 JavaScript parsers.
 *  - Writers only append to the caller's buf; no global state, thread-safe.
 *
 * The helpers write values and keys only; commas, braces and brackets are
 * the caller's job (they are plain buf_putc calls and need no escaping).
 */
#ifndef PORTAL_JSON_H
#define PORTAL_JSON_H

#include <stddef.h>

#include "buf.h"

/* Append s[0..n) as a quoted, escaped JSON string. */
void json_str(buf *out, const char *s, size_t n);
/* Same for a NUL-terminated string; NULL is written as null. */
void json_cstr(buf *out, const char *s);
/* Append v as a JSON number. */
void json_int(buf *out, long long v);
/* Append "key": with the same escaping as json_str. */
void json_key(buf *out, const char *key);

#endif
