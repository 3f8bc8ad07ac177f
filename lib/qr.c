/* qr.c - see qr.h */
#include "qr.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <qrencode.h>
#include <zlib.h>

/* Widest possible image side in pixels: version 40 is 177 modules. */
#define QR_MAX_MODULES 177
#define QR_MAX_SIDE ((QR_MAX_MODULES + 2 * QR_QUIET_ZONE) * QR_PNG_SCALE_MAX)

static QRcode *encode(const char *text)
{
	/*
	 * strnlen rather than strlen: a URL-sized caller never gets here with
	 * megabytes, but if one does we refuse it without handing it to
	 * libqrencode's splitter first.  Empty text is refused here too, so
	 * the contract in qr.h does not hinge on libqrencode's EINVAL.
	 */
	size_t len = strnlen(text, QR_TEXT_MAX + 1);

	if (len == 0 || len > QR_TEXT_MAX)
		return NULL;
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

/* Module (x, y) of the symbol proper, without the quiet zone. */
static int is_dark(const QRcode *qr, int x, int y)
{
	return qr->data[(size_t)y * (size_t)qr->width + (size_t)x] & 1;
}

/* ---- SVG ---------------------------------------------------------------- */

/* One subpath per horizontal run of dark modules in row y. */
static void svg_row(buf *out, const QRcode *qr, int y)
{
	int x = 0;

	while (x < qr->width) {
		if (!is_dark(qr, x, y)) {
			x++;
			continue;
		}
		int start = x;

		while (x < qr->width && is_dark(qr, x, y))
			x++;
		buf_printf(out, "M%d %dh%dv1h-%dz", start + QR_QUIET_ZONE,
			   y + QR_QUIET_ZONE, x - start, x - start);
	}
}

int qr_svg(buf *out, const char *text)
{
	QRcode *qr = encode(text);

	if (!qr)
		return -1;

	int n = qr->width + 2 * QR_QUIET_ZONE;
	int px = n * QR_SVG_PX_PER_MODULE;

	/*
	 * The white rect makes the background opaque: a transparent QR code
	 * on a dark page would be unreadable.
	 */
	buf_printf(out,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\""
		   " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
		   " shape-rendering=\"crispEdges\">"
		   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		   "<path fill=\"#000\" d=\"",
		   n, n, px, px, n, n);
	for (int y = 0; y < qr->width; y++)
		svg_row(out, qr, y);
	buf_puts(out, "\"/></svg>\n");

	QRcode_free(qr);
	return 0;
}

/* ---- PNG ---------------------------------------------------------------- */

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void emit_be32(buf *b, uint32_t v)
{
	unsigned char p[4];

	put_be32(p, v);
	buf_put(b, p, 4);
}

/*
 * Chunks are written in place: a length placeholder and the type now, the
 * data by the caller, then chunk_end() patches the length and appends the
 * CRC.  That lets IDAT stream straight out of deflate without a copy.
 */
static size_t chunk_begin(buf *b, const char type[4])
{
	size_t start = b->len;

	emit_be32(b, 0);
	buf_put(b, type, 4);
	return start;
}

static int chunk_end(buf *b, size_t start)
{
	size_t len = b->len - start - 8;
	const unsigned char *type = (const unsigned char *)b->p + start + 4;

	if (len > 0x7fffffff)	/* PNG's limit; unreachable for QR sizes */
		return -1;
	put_be32((unsigned char *)b->p + start, (uint32_t)len);
	/* The CRC covers type and data, not the length. */
	emit_be32(b, (uint32_t)crc32_z(0, type, len + 4));
	return 0;
}

static int png_ihdr(buf *b, uint32_t side)
{
	/* bit depth 1, colour type 0 (grey), deflate, adaptive, no interlace */
	static const unsigned char tail[5] = { 1, 0, 0, 0, 0 };
	size_t c = chunk_begin(b, "IHDR");

	emit_be32(b, side);
	emit_be32(b, side);
	buf_put(b, tail, sizeof(tail));
	return chunk_end(b, c);
}

/*
 * One scanline for module row my (quiet zone included): filter byte 0, then
 * pixels packed MSB first, 1 = white.  Padding bits stay white.
 */
static void png_scanline(unsigned char *row, size_t rowlen, const QRcode *qr,
			 int my, int scale)
{
	int y = my - QR_QUIET_ZONE;

	row[0] = 0;
	memset(row + 1, 0xff, rowlen - 1);
	if (y < 0 || y >= qr->width)
		return;
	for (int x = 0; x < qr->width; x++) {
		if (!is_dark(qr, x, y))
			continue;
		int px = (x + QR_QUIET_ZONE) * scale;

		for (int i = px; i < px + scale; i++)
			row[1 + i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	}
}

/*
 * Run deflate until it has consumed its input (or, with Z_FINISH, ended the
 * stream), writing directly into b's spare capacity.
 */
static int deflate_into(buf *b, z_stream *zs, int flush)
{
	for (;;) {
		buf_reserve(b, 4096);
		size_t room = b->cap - b->len - 1;	/* keep buf's NUL */

		if (room > UINT_MAX)
			room = UINT_MAX;
		zs->next_out = (Bytef *)b->p + b->len;
		zs->avail_out = (uInt)room;

		int rc = deflate(zs, flush);

		b->len += room - zs->avail_out;
		b->p[b->len] = '\0';
		if (rc == Z_STREAM_ERROR)
			return -1;
		if (flush == Z_FINISH ? rc == Z_STREAM_END : zs->avail_out != 0)
			return 0;
	}
}

/*
 * Each module row becomes `scale` identical scanlines; the packed row is
 * built once and fed to deflate `scale` times, so memory stays at one
 * scanline however large the image.
 */
static int png_idat(buf *b, const QRcode *qr, int scale, z_stream *zs)
{
	unsigned char row[1 + (QR_MAX_SIDE + 7) / 8];
	int modules = qr->width + 2 * QR_QUIET_ZONE;
	size_t rowlen = 1 + ((size_t)modules * (size_t)scale + 7) / 8;
	size_t c = chunk_begin(b, "IDAT");

	for (int my = 0; my < modules; my++) {
		png_scanline(row, rowlen, qr, my, scale);
		for (int i = 0; i < scale; i++) {
			zs->next_in = row;
			zs->avail_in = (uInt)rowlen;
			if (deflate_into(b, zs, Z_NO_FLUSH))
				return -1;
		}
	}
	if (deflate_into(b, zs, Z_FINISH))
		return -1;
	return chunk_end(b, c);
}

static int png_write(buf *b, const QRcode *qr, int scale, z_stream *zs)
{
	static const unsigned char sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};
	uint32_t side = (uint32_t)(qr->width + 2 * QR_QUIET_ZONE) *
			(uint32_t)scale;

	buf_put(b, sig, sizeof(sig));
	if (png_ihdr(b, side) || png_idat(b, qr, scale, zs))
		return -1;
	return chunk_end(b, chunk_begin(b, "IEND"));
}

int qr_png(buf *out, const char *text, int scale)
{
	if (scale < QR_PNG_SCALE_MIN || scale > QR_PNG_SCALE_MAX)
		return -1;

	QRcode *qr = encode(text);

	if (!qr)
		return -1;
	if (qr->width > QR_MAX_MODULES) {	/* guards the stack row */
		QRcode_free(qr);
		return -1;
	}

	/*
	 * Level 9: the scanline repeats are long-distance matches that lower
	 * levels give up on.  Measured for version 40 at scale 32: 27 KB in
	 * ~0.1 s, against 205 KB at level 6; URL-sized codes take under a
	 * millisecond either way.
	 */
	z_stream zs = { 0 };

	if (deflateInit(&zs, Z_BEST_COMPRESSION) != Z_OK) {
		QRcode_free(qr);
		return -1;
	}

	size_t start = out->len;
	int rc = png_write(out, qr, scale, &zs);

	if (rc) {
		/* Drop the partial file so out is as the caller left it. */
		out->len = start;
		if (out->p)
			out->p[start] = '\0';
	}
	deflateEnd(&zs);
	QRcode_free(qr);
	return rc;
}
