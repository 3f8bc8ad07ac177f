/*
 * filetype.c - see filetype.h.
 *
 * Each checker walks the format's own structure with explicit bounds on
 * every read; a length field is compared with what is left before it is
 * used, so a lying length ends the walk instead of reading past the end.
 */
#include <string.h>
#include <zlib.h>

#include "filetype.h"

/* --- PDF ---------------------------------------------------------------- */

#define PDF_TAIL 1024   /* "startxref … %%EOF" is in the last kilobyte */

static int pdf_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0;
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Last occurrence of needle in p[from..to-1], or -1. */
static long rfind(const unsigned char *p, size_t from, size_t to, const char *needle)
{
	size_t k = strlen(needle);

	if (to < from + k)
		return -1;
	for (size_t i = to - k + 1; i-- > from;)
		if (memcmp(p + i, needle, k) == 0)
			return (long)i;
	return -1;
}

static int is_pdf(const unsigned char *p, size_t n)
{
	if (n < 32 || memcmp(p, "%PDF-", 5) != 0 || !is_digit(p[5]) || p[6] != '.' ||
	    !is_digit(p[7]))
		return 0;

	size_t tail = n > PDF_TAIL ? n - PDF_TAIL : 0;
	long eof = rfind(p, tail, n, "%%EOF");
	if (eof < 0)
		return 0;
	/* After %%EOF only line ends and padding. */
	for (size_t i = (size_t)eof + 5; i < n; i++)
		if (!pdf_space(p[i]))
			return 0;

	long sx = rfind(p, tail, (size_t)eof, "startxref");
	if (sx < 0)
		return 0;
	size_t i = (size_t)sx + 9;
	while (i < (size_t)eof && pdf_space(p[i]))
		i++;
	if (i >= (size_t)eof || !is_digit(p[i]))
		return 0;
	size_t off = 0;
	for (; i < (size_t)eof && is_digit(p[i]); i++) {
		if (off > n)            /* already past the end: stop growing */
			return 0;
		off = off * 10 + (size_t)(p[i] - '0');
	}
	while (i < (size_t)eof && pdf_space(p[i]))
		i++;
	if (i != (size_t)eof || off < 8 || off >= (size_t)sx)
		return 0;

	/* The offset points at "xref" or at "N G obj" (a cross-reference
	 * stream); some writers put a line end first. */
	while (off < (size_t)sx && pdf_space(p[off]))
		off++;
	if ((size_t)sx - off >= 4 && memcmp(p + off, "xref", 4) == 0)
		return 1;
	size_t j = off;
	for (int part = 0; part < 2; part++) {
		size_t start = j;
		while (j < (size_t)sx && is_digit(p[j]))
			j++;
		if (j == start || j >= (size_t)sx || !pdf_space(p[j]))
			return 0;
		while (j < (size_t)sx && pdf_space(p[j]))
			j++;
	}
	return (size_t)sx - j >= 3 && memcmp(p + j, "obj", 3) == 0;
}

/* --- JPEG --------------------------------------------------------------- */

static int is_sof(unsigned char m)
{
	/* C0–CF are frame headers except C4 (DHT), C8 (JPG), CC (DAC). */
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static int is_jpeg(const unsigned char *p, size_t n)
{
	if (n < 4 || p[0] != 0xff || p[1] != 0xd8 || p[2] != 0xff)
		return 0;

	size_t i = 2;
	int frame = 0, scans = 0;

	for (;;) {
		if (i >= n || p[i] != 0xff)
			return 0;
		while (i < n && p[i] == 0xff)     /* fill bytes */
			i++;
		if (i >= n)
			return 0;
		unsigned char m = p[i++];

		if (m == 0xd9) {                  /* EOI */
			if (!frame || !scans)
				return 0;
			for (; i < n; i++)
				if (p[i] != 0)
					return 0;
			return 1;
		}
		if (m == 0x00 || m == 0xd8 || (m >= 0xd0 && m <= 0xd7))
			return 0;                 /* stray stuffing, SOI or RST */
		if (m == 0x01)                    /* TEM: no length */
			continue;
		if (n - i < 2)
			return 0;
		size_t len = (size_t)p[i] << 8 | p[i + 1];
		if (len < 2 || len > n - i)
			return 0;
		if (is_sof(m)) {
			/* P, Y(2), X(2), Nf, then 3 bytes per component */
			if (len < 8 || frame)
				return 0;
			size_t h = (size_t)p[i + 3] << 8 | p[i + 4];
			size_t w = (size_t)p[i + 5] << 8 | p[i + 6];
			size_t nf = p[i + 7];
			if (w == 0 || h == 0 || nf == 0 || len != 8 + 3 * nf)
				return 0;
			frame = 1;
		}
		size_t seg_end = i + len;
		if (m != 0xda) {
			i = seg_end;
			continue;
		}
		/* SOS: a header, then entropy-coded data up to the next real
		 * marker (FF00 is a stuffed byte, FFD0–FFD7 restart markers). */
		if (!frame || len < 6)
			return 0;
		scans++;
		i = seg_end;
		for (;;) {
			const unsigned char *ff = memchr(p + i, 0xff, n - i);
			if (!ff)
				return 0;
			i = (size_t)(ff - p);
			if (i + 1 >= n)
				return 0;
			unsigned char c = p[i + 1];
			if (c == 0x00 || (c >= 0xd0 && c <= 0xd7)) {
				i += 2;
				continue;
			}
			if (c == 0xff) {          /* fill before a marker */
				i++;
				continue;
			}
			break;                    /* p[i] is the 0xff of a marker */
		}
	}
}

/* --- PNG ---------------------------------------------------------------- */

static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	       (unsigned long)p[2] << 8 | p[3];
}

static int png_type_ok(const unsigned char *t)
{
	for (int k = 0; k < 4; k++) {
		unsigned char c = t[k] | 0x20;
		if (c < 'a' || c > 'z')
			return 0;
	}
	return 1;
}

static int png_ihdr_ok(const unsigned char *d)
{
	unsigned long w = be32(d), h = be32(d + 4);
	unsigned depth = d[8], color = d[9];

	if (w == 0 || h == 0 || w > 0x7fffffffUL || h > 0x7fffffffUL)
		return 0;
	if (d[10] != 0 || d[11] != 0 || d[12] > 1)   /* compression, filter, interlace */
		return 0;
	switch (color) {
	case 0:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
	case 3:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8;
	case 2: case 4: case 6:
		return depth == 8 || depth == 16;
	default:
		return 0;
	}
}

static int is_png(const unsigned char *p, size_t n)
{
	if (n < 8 + 25 + 12 + 12 || memcmp(p, png_sig, 8) != 0)
		return 0;

	size_t i = 8;
	int first = 1, idat = 0, plte = 0, color = 0;

	while (n - i >= 12) {
		unsigned long len = be32(p + i);
		const unsigned char *type = p + i + 4;
		if (len > 0x7fffffffUL || len > n - i - 12 || !png_type_ok(type))
			return 0;
		const unsigned char *data = type + 4;
		uLong crc = crc32(0L, Z_NULL, 0);
		crc = crc32(crc, type, (uInt)(len + 4));
		if (crc != be32(data + len))
			return 0;

		if (first) {
			if (memcmp(type, "IHDR", 4) != 0 || len != 13 || !png_ihdr_ok(data))
				return 0;
			color = data[9];
			first = 0;
		} else if (memcmp(type, "IHDR", 4) == 0) {
			return 0;
		} else if (memcmp(type, "PLTE", 4) == 0) {
			if (plte || idat || len == 0 || len % 3 != 0 || len > 768 ||
			    color == 0 || color == 4)
				return 0;
			plte = 1;
		} else if (memcmp(type, "IDAT", 4) == 0) {
			if (color == 3 && !plte)
				return 0;
			idat = 1;
		} else if (memcmp(type, "IEND", 4) == 0) {
			return len == 0 && idat && i + 12 == n;
		} else if (!(type[0] & 0x20)) {
			return 0;                 /* a critical chunk we do not know */
		}
		i += 12 + len;
	}
	return 0;
}

/* --- the table ---------------------------------------------------------- */

int filetype_detect(const unsigned char *p, size_t n)
{
	if (!p || n == 0)
		return FILE_NONE;
	if (is_pdf(p, n))
		return FILE_PDF;
	if (is_jpeg(p, n))
		return FILE_JPEG;
	if (is_png(p, n))
		return FILE_PNG;
	return FILE_NONE;
}

static const struct {
	int kind;
	const char *name, *mime, *ext;
} kinds[] = {
	{ FILE_PDF, "pdf", "application/pdf", "pdf" },
	{ FILE_JPEG, "jpeg", "image/jpeg", "jpg" },
	{ FILE_PNG, "png", "image/png", "png" },
};

#define NKINDS (sizeof kinds / sizeof kinds[0])

const char *filetype_name(int kind)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].kind == kind)
			return kinds[i].name;
	return NULL;
}

int filetype_from_name(const char *name)
{
	for (size_t i = 0; name && i < NKINDS; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return kinds[i].kind;
	return FILE_NONE;
}

const char *filetype_mime(int kind)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].kind == kind)
			return kinds[i].mime;
	return NULL;
}

const char *filetype_ext(int kind)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].kind == kind)
			return kinds[i].ext;
	return NULL;
}
