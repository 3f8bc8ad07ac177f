/*
 * fuzz_qr.c - libFuzzer harness for lib/qr.c.
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-Ilib lib/buf.c lib/qr.c tests/fuzz/fuzz_qr.c -lqrencode -lz \
 *	-o /tmp/fuzz_qr
 *
 * The first byte picks the PNG scale (kept small: big scales only cost time
 * in deflate, not coverage), the rest is the text up to its first NUL.
 * Besides memory errors it checks that both writers agree on success, only
 * ever append, and produce something that starts and ends like an SVG or a
 * PNG.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "qr.h"

static const unsigned char png_sig[8] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
};
static const unsigned char png_iend[12] = {
	0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;

	int scale = 1 + data[0] % 4;
	char *text = malloc(size);

	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	buf svg = BUF_INIT, png = BUF_INIT;

	buf_puts(&svg, "x");
	buf_puts(&png, "x");

	int rs = qr_svg(&svg, text);
	int rp = qr_png(&png, text, scale);

	if (rs != rp || (rs != 0 && rs != -1))
		abort();
	if (svg.p[0] != 'x' || png.p[0] != 'x')
		abort();
	if (rs) {
		if (svg.len != 1 || png.len != 1)
			abort();
	} else {
		if (strncmp(svg.p + 1, "<svg ", 5) ||
		    strcmp(svg.p + svg.len - 7, "</svg>\n"))
			abort();
		if (png.len < 1 + 8 + 25 + 12 ||
		    memcmp(png.p + 1, png_sig, 8) ||
		    memcmp(png.p + png.len - 12, png_iend, 12))
			abort();
	}

	buf_free(&svg);
	buf_free(&png);
	free(text);
	return 0;
}
