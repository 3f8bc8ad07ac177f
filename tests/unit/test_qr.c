/*
 * test_qr.c - unit tests for lib/qr.c.
 *
 * The images are checked against an independent QRcode_encodeString() of
 * the same text: the PNG is parsed chunk by chunk (CRCs recomputed),
 * inflated and compared pixel by pixel; the SVG path is rasterised back to a
 * module grid and compared cell by cell.  Finally zbarimg must read the PNG
 * back, which catches anything both sides might agree on wrongly (inverted
 * colours, a missing quiet zone, mirrored bits).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qrencode.h>
#include <zlib.h>

#include "buf.h"
#include "qr.h"

#ifndef ZBARIMG
#define ZBARIMG "/usr/bin/zbarimg"
#endif
#define PORTAL_URL "http://127.0.0.1:8080/catalog/procedures/1.001193"

static const char *const texts[] = {
	"1",
	"HELLO WORLD",
	PORTAL_URL,
	"https://example.org/catalog/procedures/1.001193?lang=fr&x=\xc3\xa9t\xc3\xa9",
};

static QRcode *reference(const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);

	assert_non_null(qr);
	return qr;
}

/* Dark at module (x, y) of the full image, quiet zone included? */
static int ref_dark(const QRcode *qr, int x, int y)
{
	x -= QR_QUIET_ZONE;
	y -= QR_QUIET_ZONE;
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return 0;
	return qr->data[y * qr->width + x] & 1;
}

static int ref_dark_count(const QRcode *qr)
{
	int n = 0;

	for (int i = 0; i < qr->width * qr->width; i++)
		n += qr->data[i] & 1;
	return n;
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ---- PNG parsing ------------------------------------------------------- */

struct png {
	uint32_t width, height;
	unsigned char depth, colour, compression, filter, interlace;
	unsigned char *idat;	/* concatenated IDAT data */
	size_t idat_len;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * Walk every chunk, recomputing its CRC; require IHDR first, at least one
 * IDAT, IEND last with nothing after it.
 */
static void png_parse(const unsigned char *p, size_t len, struct png *png)
{
	static const unsigned char sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};
	size_t off = 8;
	int nchunks = 0, seen_iend = 0;

	memset(png, 0, sizeof(*png));
	assert_true(len >= 8);
	assert_memory_equal(p, sig, 8);

	while (off < len) {
		assert_false(seen_iend);
		assert_true(len - off >= 12);
		uint32_t clen = be32(p + off);
		const unsigned char *type = p + off + 4;
		const unsigned char *data = p + off + 8;

		assert_true(clen <= 0x7fffffff);
		assert_true(len - off - 12 >= clen);
		uint32_t crc = (uint32_t)crc32(0, type, clen + 4);

		assert_int_equal(be32(data + clen), crc);

		if (nchunks == 0) {
			assert_memory_equal(type, "IHDR", 4);
			assert_int_equal(clen, 13);
			png->width = be32(data);
			png->height = be32(data + 4);
			png->depth = data[8];
			png->colour = data[9];
			png->compression = data[10];
			png->filter = data[11];
			png->interlace = data[12];
		} else if (!memcmp(type, "IDAT", 4)) {
			png->idat = realloc(png->idat, png->idat_len + clen);
			assert_non_null(png->idat);
			memcpy(png->idat + png->idat_len, data, clen);
			png->idat_len += clen;
		} else if (!memcmp(type, "IEND", 4)) {
			assert_int_equal(clen, 0);
			seen_iend = 1;
		} else {
			fail_msg("unexpected chunk %.4s", (const char *)type);
		}
		off += 12 + (size_t)clen;
		nchunks++;
	}
	assert_int_equal(off, len);
	assert_true(seen_iend);
	assert_true(png->idat_len > 0);
}

/* Inflate the IDAT stream; it must hold exactly `want` bytes. */
static unsigned char *png_inflate(const struct png *png, size_t want)
{
	unsigned char *raw = malloc(want + 1);	/* +1 to catch excess */
	z_stream zs = { 0 };

	assert_non_null(raw);
	assert_int_equal(inflateInit(&zs), Z_OK);
	zs.next_in = png->idat;
	zs.avail_in = (uInt)png->idat_len;
	zs.next_out = raw;
	zs.avail_out = (uInt)(want + 1);
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, want);
	assert_int_equal(zs.avail_in, 0);	/* no junk after the stream */
	inflateEnd(&zs);
	return raw;
}

/* Decode a 1-bit or 8-bit greyscale pixel; nonzero means dark. */
static int pixel_dark(const unsigned char *line, int depth, uint32_t x)
{
	if (depth == 8)
		return line[x] < 128;
	return !((line[x / 8] >> (7 - x % 8)) & 1);
}

static void check_png(const char *text, int scale)
{
	QRcode *qr = reference(text);
	buf out = BUF_INIT;
	struct png png;

	buf_puts(&out, "prefix");
	assert_int_equal(qr_png(&out, text, scale), 0);
	assert_memory_equal(out.p, "prefix", 6);
	png_parse((unsigned char *)out.p + 6, out.len - 6, &png);

	uint32_t side = (uint32_t)(qr->width + 2 * QR_QUIET_ZONE) *
			(uint32_t)scale;

	assert_int_equal(png.width, side);
	assert_int_equal(png.height, side);
	assert_true(png.depth == 1 || png.depth == 8);
	assert_int_equal(png.colour, 0);
	assert_int_equal(png.compression, 0);
	assert_int_equal(png.filter, 0);
	assert_int_equal(png.interlace, 0);

	size_t stride = 1 + ((size_t)side * png.depth + 7) / 8;
	unsigned char *raw = png_inflate(&png, stride * side);

	for (uint32_t y = 0; y < side; y++) {
		const unsigned char *line = raw + y * stride;

		assert_int_equal(line[0], 0);	/* filter type None */
		for (uint32_t x = 0; x < side; x++) {
			int want = ref_dark(qr, (int)(x / (uint32_t)scale),
					    (int)(y / (uint32_t)scale));

			if (pixel_dark(line + 1, png.depth, x) != want)
				fail_msg("%s scale %d: pixel (%u,%u) is %s",
					 text, scale, x, y,
					 want ? "light" : "dark");
		}
	}

	free(raw);
	free(png.idat);
	buf_free(&out);
	QRcode_free(qr);
}

static void test_png_pixels(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		check_png(texts[i], 1);
		check_png(texts[i], 3);
		check_png(texts[i], 4);
		check_png(texts[i], 9);	/* module edges off byte boundaries */
	}
	check_png(PORTAL_URL, QR_PNG_SCALE_MAX);
}

/* The largest symbol (version 40) at the largest scale. */
static void test_png_largest(void **state)
{
	char *s = repeat('x', 2331);	/* byte capacity of 40-M */
	QRcode *qr = reference(s);

	(void)state;
	assert_int_equal(qr->version, 40);
	QRcode_free(qr);
	check_png(s, 1);
	check_png(s, QR_PNG_SCALE_MAX);
	free(s);
}

/* ---- SVG parsing ------------------------------------------------------- */

static int attr_int(const char *svg, const char *name)
{
	const char *p = strstr(svg, name);
	int v;

	assert_non_null(p);
	assert_int_equal(sscanf(p + strlen(name), "%d", &v), 1);
	return v;
}

/*
 * Rasterise the path "M x y h w v1 h -w z ..." onto an n x n grid; every
 * rectangle must be one module high, inside the grid and not overlap
 * another.  Returns the number of dark modules.
 */
static int svg_rasterise(const char *d, unsigned char *grid, int n)
{
	int count = 0;

	while (*d != '"') {
		int x, y, w, w2, used = 0;

		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n",
					&x, &y, &w, &w2, &used), 4);
		assert_true(used > 0);
		assert_int_equal(w, w2);
		assert_true(w > 0 && x >= 0 && y >= 0 && x + w <= n && y < n);
		for (int i = x; i < x + w; i++) {
			assert_int_equal(grid[y * n + i], 0);
			grid[y * n + i] = 1;
		}
		count += w;
		d += used;
	}
	return count;
}

static void check_svg(const char *text)
{
	QRcode *qr = reference(text);
	int n = qr->width + 2 * QR_QUIET_ZONE;
	char viewbox[64];
	buf out = BUF_INIT;

	buf_puts(&out, "prefix");
	assert_int_equal(qr_svg(&out, text), 0);
	assert_memory_equal(out.p, "prefix", 6);

	const char *svg = out.p + 6;

	assert_int_equal(strlen(svg), out.len - 6);
	assert_true(!strncmp(svg, "<svg ", 5));
	assert_non_null(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
	snprintf(viewbox, sizeof(viewbox), "viewBox=\"0 0 %d %d\"", n, n);
	assert_non_null(strstr(svg, viewbox));
	assert_int_equal(attr_int(svg, "width=\""),
			 n * QR_SVG_PX_PER_MODULE);
	assert_int_equal(attr_int(svg, "height=\""),
			 n * QR_SVG_PX_PER_MODULE);
	assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
	assert_null(strstr(svg, "<title"));

	/* Exactly one path, and the document ends after it. */
	const char *path = strstr(svg, "<path ");

	assert_non_null(path);
	assert_null(strstr(path + 1, "<path"));
	assert_true(out.len >= 7 &&
		    !strcmp(out.p + out.len - 7, "</svg>\n"));

	const char *d = strstr(path, " d=\"");
	unsigned char *grid = calloc((size_t)n * (size_t)n, 1);

	assert_non_null(d);
	assert_non_null(grid);
	assert_int_equal(svg_rasterise(d + 4, grid, n), ref_dark_count(qr));
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n; x++)
			if (grid[y * n + x] != ref_dark(qr, x, y))
				fail_msg("%s: module (%d,%d) wrong", text, x, y);

	free(grid);
	buf_free(&out);
	QRcode_free(qr);
}

static void test_svg(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		check_svg(texts[i]);

	char *s = repeat('x', 2331);

	check_svg(s);
	free(s);
}

/* ---- Errors ------------------------------------------------------------ */

/* A failing call must leave both a fresh and a used buffer untouched. */
static void expect_fail(const char *text, int scale, int svg)
{
	buf fresh = BUF_INIT;
	buf used = BUF_INIT;

	buf_puts(&used, "keep me");
	if (svg) {
		assert_int_equal(qr_svg(&fresh, text), -1);
		assert_int_equal(qr_svg(&used, text), -1);
	} else {
		assert_int_equal(qr_png(&fresh, text, scale), -1);
		assert_int_equal(qr_png(&used, text, scale), -1);
	}
	assert_null(fresh.p);
	assert_int_equal(fresh.len, 0);
	assert_int_equal(used.len, 7);
	assert_string_equal(used.p, "keep me");
	buf_free(&used);
}

static void test_errors(void **state)
{
	char *big = repeat('x', 5000);
	char *over = repeat('x', 2332);	/* one byte over 40-M */
	char *digits_over = repeat('7', QR_TEXT_MAX + 1);

	(void)state;
	expect_fail("", 4, 1);
	expect_fail("", 4, 0);
	expect_fail(PORTAL_URL, 0, 0);
	expect_fail(PORTAL_URL, 33, 0);
	expect_fail(PORTAL_URL, -1, 0);
	expect_fail(big, 4, 1);
	expect_fail(big, 4, 0);
	expect_fail(over, 1, 1);
	expect_fail(over, 1, 0);
	expect_fail(digits_over, 1, 1);
	expect_fail(digits_over, 1, 0);
	free(digits_over);
	free(over);
	free(big);
}

/* Scale limits are inclusive; QR_TEXT_MAX digits still fit. */
static void test_limits(void **state)
{
	char *digits = repeat('7', QR_TEXT_MAX);
	buf out = BUF_INIT;

	(void)state;
	assert_int_equal(qr_png(&out, "1", QR_PNG_SCALE_MIN), 0);
	assert_int_equal(qr_png(&out, "1", QR_PNG_SCALE_MAX), 0);
	assert_int_equal(qr_svg(&out, digits), 0);
	buf_free(&out);
	check_png(digits, 1);
	free(digits);
}

/* ---- Threads ----------------------------------------------------------- */

#define NTHREADS 4

static void *thread_png(void *arg)
{
	buf *out = arg;

	for (int i = 0; i < 20; i++) {
		buf_reset(out);
		if (qr_png(out, PORTAL_URL, 4) || qr_svg(out, PORTAL_URL))
			return out;
	}
	return NULL;
}

/* Concurrent calls give the same bytes as a lone call. */
static void test_threads(void **state)
{
	pthread_t t[NTHREADS];
	buf outs[NTHREADS];
	buf want = BUF_INIT;

	(void)state;
	assert_int_equal(qr_png(&want, PORTAL_URL, 4), 0);
	assert_int_equal(qr_svg(&want, PORTAL_URL), 0);
	for (int i = 0; i < NTHREADS; i++) {
		outs[i] = (buf)BUF_INIT;
		assert_int_equal(pthread_create(&t[i], NULL, thread_png,
						&outs[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		void *rc;

		assert_int_equal(pthread_join(t[i], &rc), 0);
		assert_null(rc);
		assert_int_equal(outs[i].len, want.len);
		assert_memory_equal(outs[i].p, want.p, want.len);
		buf_free(&outs[i]);
	}
	buf_free(&want);
}

/* ---- Round trip through a real decoder --------------------------------- */

static void test_zbarimg_decodes(void **state)
{
	char path[] = "/tmp/test_qr-XXXXXX.png";
	char cmd[128], got[512];
	buf out = BUF_INIT;

	(void)state;
	if (access(ZBARIMG, X_OK) != 0)
		fail_msg(ZBARIMG " not found: install zbar-tools "
			 "(apt-get install zbar-tools) to run the decode test");

	assert_int_equal(qr_png(&out, PORTAL_URL, 4), 0);

	int fd = mkstemps(path, 4);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, out.p, out.len), (ssize_t)out.len);
	assert_int_equal(close(fd), 0);
	buf_free(&out);

	/*
	 * path comes from mkstemps: no shell metacharacters to quote.
	 * --nodbus: otherwise zbarimg complains on stderr when there is no
	 * system bus (containers, CI).
	 */
	snprintf(cmd, sizeof(cmd), ZBARIMG " --raw -q --nodbus %s", path);

	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	size_t n = fread(got, 1, sizeof(got) - 1, p);
	int status = pclose(p);

	unlink(path);
	got[n] = '\0';
	if (n > 0 && got[n - 1] == '\n')
		got[--n] = '\0';
	assert_int_equal(status, 0);
	assert_string_equal(got, PORTAL_URL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_pixels),
		cmocka_unit_test(test_png_largest),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_zbarimg_decodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
