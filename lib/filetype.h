/*
 * filetype.h - what an upload really is, from its bytes.
 *
 * Citizens attach scans and photos of papers; the portal accepts PDF, JPEG
 * and PNG and nothing else.  The name and the declared Content-Type are the
 * client's word and are never consulted: only the content decides.
 *
 * What the module promises:
 *
 *  - filetype_detect() returns FILE_PDF, FILE_JPEG or FILE_PNG only when
 *    the whole file has the structure of one, not just its first bytes:
 *      PDF   "%PDF-d.d" at offset 0; in the last 1024 bytes "startxref",
 *            a byte offset inside the file, then "%%EOF"; that offset
 *            points at a cross-reference table ("xref") or stream ("N G obj").
 *      JPEG  SOI, then a chain of marker segments whose lengths all fit,
 *            a frame header (SOF) with non-zero dimensions before the first
 *            scan, entropy-coded data walked to the next marker, and EOI;
 *            after EOI nothing but zero padding.
 *      PNG   the signature, IHDR first (13 bytes, valid dimensions and
 *            depth/colour combination), every chunk's CRC right, PLTE when
 *            the colour type needs one, at least one IDAT, no unknown
 *            critical chunk, and IEND as the last bytes of the file.
 *    Anything else (an executable, HTML or a ZIP renamed .pdf, a truncated
 *    photo, a PNG with a bad CRC) is FILE_NONE.
 *  - It reads only p[0..n-1], allocates nothing, keeps no state, and runs
 *    in time linear in n; it is fuzzed (tests/fuzz/fuzz_filetype.c).
 */
#ifndef PORTAL_FILETYPE_H
#define PORTAL_FILETYPE_H

#include <stddef.h>

#include "form.h"   /* enum file_kind: FILE_PDF, FILE_JPEG, FILE_PNG (bits) */

#define FILE_NONE 0
#define FILE_DOCUMENT (FILE_PDF | FILE_JPEG | FILE_PNG)

int filetype_detect(const unsigned char *p, size_t n);

/* "pdf", "jpeg", "png" (the names the schema stores) or NULL. */
const char *filetype_name(int kind);
/* The name back to the kind; FILE_NONE when unknown. */
int filetype_from_name(const char *name);
/* "application/pdf", "image/jpeg", "image/png" or NULL. */
const char *filetype_mime(int kind);
/* "pdf", "jpg", "png" (for download names) or NULL. */
const char *filetype_ext(int kind);

#endif
