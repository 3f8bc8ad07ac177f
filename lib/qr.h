/*
 * qr.h - QR codes as SVG or PNG, for the printable procedure pages
 * (/catalog/procedures/<id>/qr.svg and qr.png).
 *
 * What the module promises:
 *
 *  - The symbol is libqrencode's QRcode_encodeString(text, 0, QR_ECLEVEL_M,
 *    QR_MODE_8, 1): smallest version that fits, error correction level M
 *    (survives ~15% damage: a creased or smudged printout still scans).
 *  - Every image carries a light quiet zone of QR_QUIET_ZONE modules on each
 *    side, as ISO/IEC 18004 requires; scanners fail without it when the
 *    code is printed next to other ink.
 *  - Dark modules are pure black, light ones (and the quiet zone) pure white,
 *    with an opaque background, so the code scans even when shown on a
 *    dark page.
 *  - Both functions only append to `out`.  On failure they return -1 and
 *    leave out->len and the bytes before it as they were (the buffer may
 *    have grown capacity).
 *  - No global state: safe to call from several threads at once (Debian's
 *    libqrencode is built with pthread, which guards its one internal cache).
 *
 * Failure (-1) means: text is empty, text is too long to fit in a version-40
 * symbol at level M (the limit depends on content: 2331 bytes of arbitrary
 * data, more for digits or upper-case letters; anything over QR_TEXT_MAX
 * bytes is rejected before encoding), or libqrencode/zlib could not allocate
 * memory.  Running out of memory inside buf still aborts, as everywhere else.
 */
#ifndef PORTAL_QR_H
#define PORTAL_QR_H

#include "buf.h"

/* Modules of light margin around the symbol on every side. */
#define QR_QUIET_ZONE 4

/* No text longer than this (numeric capacity of version 40-M) can fit. */
#define QR_TEXT_MAX 5596

/* Intrinsic SVG size in CSS pixels per module; the page may scale it. */
#define QR_SVG_PX_PER_MODULE 4

/* Limits for the PNG `scale` argument (pixels per module). */
#define QR_PNG_SCALE_MIN 1
#define QR_PNG_SCALE_MAX 32

/*
 * Append a complete, standalone SVG document (no XML prolog, no <title>:
 * the embedding page supplies the alt text).  The viewBox is in module
 * units, quiet zone included: "0 0 N N" with N = symbol width + 8; width and
 * height are N * QR_SVG_PX_PER_MODULE.  The dark modules are a single <path>
 * of one rectangle per horizontal run.  Returns 0 or -1 (see above).
 */
int qr_svg(buf *out, const char *text);

/*
 * Append a complete PNG file: 1-bit greyscale, non-interlaced, one IHDR, one
 * IDAT, IEND.  Each module is `scale` x `scale` pixels, so the image is
 * (symbol width + 8) * scale pixels square.  Returns 0, or -1 when scale is
 * outside QR_PNG_SCALE_MIN..QR_PNG_SCALE_MAX or on the failures above.
 */
int qr_png(buf *out, const char *text, int scale);

#endif
