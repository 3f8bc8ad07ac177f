/*
 * test_filetype.c - unit tests for lib/filetype.c.
 *
 * Real files made by real encoders (libjpeg baseline, progressive with
 * restart markers, greyscale; PDF with an xref table and with an xref
 * stream; PNG RGB and palette with an ancillary chunk) live in
 * tests/fuzz/corpus/filetype/ and seed the fuzzer too.  Each must be
 * recognised; every truncation of each, every one-bit change of a PNG,
 * and the usual disguises (this very executable, HTML, a ZIP, a polyglot
 * header on HTML) must not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filetype.h"

#define DIR "tests/fuzz/corpus/filetype/"

static unsigned char *load(const char *name, size_t *n)
{
	char path[256];
	snprintf(path, sizeof path, "%s", name[0] == '/' ? name : DIR);
	if (name[0] != '/')
		strncat(path, name, sizeof path - strlen(path) - 1);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	unsigned char *p = NULL;
	size_t cap = 0, len = 0, got;
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			p = realloc(p, cap);
			assert_non_null(p);
		}
		got = fread(p + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	*n = len;
	return p;
}

static const struct { const char *file; int kind; } good[] = {
	{ "photo.jpg", FILE_JPEG },
	{ "progressive.jpg", FILE_JPEG },
	{ "gray.jpg", FILE_JPEG },
	{ "scan.pdf", FILE_PDF },
	{ "xrefstream.pdf", FILE_PDF },
	{ "rgb.png", FILE_PNG },
	{ "palette.png", FILE_PNG },
};
#define NGOOD (sizeof good / sizeof good[0])

static void test_good(void **state)
{
	for (size_t i = 0; i < NGOOD; i++) {
		size_t n;
		unsigned char *p = load(good[i].file, &n);
		if (filetype_detect(p, n) != good[i].kind)
			fail_msg("%s not recognised", good[i].file);
		free(p);
	}
}

/* A file cut anywhere before its end marker is not a file. */
static void test_truncated(void **state)
{
	for (size_t i = 0; i < NGOOD; i++) {
		size_t n;
		unsigned char *p = load(good[i].file, &n);
		size_t keep = n;
		if (good[i].kind == FILE_PDF)   /* the line end after %%EOF may go */
			while (keep > 0 && (p[keep - 1] == '\n' || p[keep - 1] == '\r'))
				keep--;
		for (size_t k = 0; k < keep; k++) {
			unsigned char *cut = malloc(k ? k : 1);
			memcpy(cut, p, k);
			if (filetype_detect(cut, k) != FILE_NONE)
				fail_msg("%s cut to %zu bytes accepted", good[i].file, k);
			free(cut);
		}
		free(p);
	}
}

static void test_png_bit_flips(void **state)
{
	const char *files[] = { "rgb.png", "palette.png" };
	for (size_t f = 0; f < 2; f++) {
		size_t n;
		unsigned char *p = load(files[f], &n);
		for (size_t i = 0; i < n; i++)
			for (int bit = 0; bit < 8; bit++) {
				p[i] ^= (unsigned char)(1 << bit);
				if (filetype_detect(p, n) != FILE_NONE)
					fail_msg("%s with bit %d of byte %zu flipped accepted",
						 files[f], bit, i);
				p[i] ^= (unsigned char)(1 << bit);
			}
		free(p);
	}
}

static void test_trailing(void **state)
{
	size_t n;
	unsigned char *p = load("photo.jpg", &n);
	unsigned char *q = malloc(n + 64);
	memcpy(q, p, n);
	memset(q + n, 0, 64);
	assert_int_equal(filetype_detect(q, n + 64), FILE_JPEG);   /* zero padding */
	memcpy(q + n, "<script>", 8);
	assert_int_equal(filetype_detect(q, n + 64), FILE_NONE);   /* anything else */
	free(q);
	free(p);

	p = load("rgb.png", &n);
	q = malloc(n + 1);
	memcpy(q, p, n);
	q[n] = 0;
	assert_int_equal(filetype_detect(q, n + 1), FILE_NONE);    /* after IEND */
	free(q);
	free(p);

	p = load("scan.pdf", &n);
	q = malloc(n + 16);
	memcpy(q, p, n);
	memcpy(q + n, "\r\n  \n", 5);
	assert_int_equal(filetype_detect(q, n + 5), FILE_PDF);
	memcpy(q + n, "<html>", 6);
	assert_int_equal(filetype_detect(q, n + 6), FILE_NONE);
	free(q);
	free(p);
}

static void test_pdf_offsets(void **state)
{
	size_t n;
	unsigned char *p = load("scan.pdf", &n);
	char *sx = memmem(p, n, "startxref\n", 10);
	assert_non_null(sx);
	char *num = sx + 10;
	/* point startxref one byte off: neither "xref" nor "N G obj" */
	num[strspn(num, "0123456789") - 1] += 1;
	assert_int_equal(filetype_detect(p, n), FILE_NONE);
	free(p);

	static const char *const bad[] = {
		"%PDF-1.4\n%%EOF\n",
		"%PDF-1.4\n1 0 obj\n<<>>\nendobj\nstartxref\n99999999999999999999999\n%%EOF\n",
		"%PDF-1.4\n1 0 obj\n<<>>\nendobj\nstartxref\n\n%%EOF\n",
		"%PDF-1.4\n1 0 obj\n<<>>\nendobj\nstartxref\n9 x\n%%EOF\n",
		"%PDF-X.4\nxref\n0 1\ntrailer<<>>\nstartxref\n9\n%%EOF\n",
		"%PDF-1.4\nxref\n0 1\ntrailer<<>>\nstartxref\n9\n%%EOF\nMZ\x90",
		" %PDF-1.4\nxref\n0 1\ntrailer<<>>\nstartxref\n10\n%%EOF\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (filetype_detect((const unsigned char *)bad[i], strlen(bad[i])) != FILE_NONE)
			fail_msg("bad PDF %zu accepted", i);
	const char *ok = "%PDF-1.4\nxref\n0 1\ntrailer<<>>\nstartxref\n9\n%%EOF\n";
	assert_int_equal(filetype_detect((const unsigned char *)ok, strlen(ok)), FILE_PDF);
}

static void test_disguises(void **state)
{
	size_t n;
	unsigned char *self = load("/proc/self/exe", &n);
	assert_int_equal(filetype_detect(self, n), FILE_NONE);
	free(self);

	static const char *const bad[] = {
		"<!doctype html><html><script>alert(1)</script></html>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
		"PK\x03\x04\x14\x00\x00\x00\x08\x00",
		"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
		"\x7f" "ELF\x02\x01\x01",
		"%PDF-1.7\n<html><body>not a pdf</body></html>",
		"\xff\xd8\xff\xe0<html>",
		"\xff\xd8\xff\xd9",                       /* SOI EOI, no image */
		"\x89PNG\r\n\x1a\n<html>",
		"GIF89a\x01\x00\x01\x00",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (filetype_detect((const unsigned char *)bad[i], strlen(bad[i])) != FILE_NONE)
			fail_msg("disguise %zu accepted", i);
	assert_int_equal(filetype_detect(NULL, 10), FILE_NONE);
}

static void test_jpeg_structure(void **state)
{
	size_t n;
	unsigned char *p = load("photo.jpg", &n);
	/* a segment length that runs past the end */
	unsigned char *q = malloc(n);
	memcpy(q, p, n);
	assert_int_equal(q[2], 0xff);
	q[4] = 0xff;
	q[5] = 0xff;
	assert_int_equal(filetype_detect(q, n), FILE_NONE);
	/* a length below 2 */
	memcpy(q, p, n);
	q[4] = 0;
	q[5] = 1;
	assert_int_equal(filetype_detect(q, n), FILE_NONE);
	/* the frame header's height set to 0 */
	memcpy(q, p, n);
	for (size_t i = 2; i + 9 < n; i++)
		if (q[i] == 0xff && q[i + 1] == 0xc0) {
			q[i + 5] = 0;
			q[i + 6] = 0;
			break;
		}
	assert_int_equal(filetype_detect(q, n), FILE_NONE);
	free(q);
	free(p);
}

static void test_names(void **state)
{
	assert_string_equal(filetype_name(FILE_PDF), "pdf");
	assert_string_equal(filetype_mime(FILE_JPEG), "image/jpeg");
	assert_string_equal(filetype_ext(FILE_JPEG), "jpg");
	assert_string_equal(filetype_mime(FILE_PNG), "image/png");
	assert_null(filetype_name(FILE_NONE));
	assert_null(filetype_mime(FILE_PDF | FILE_PNG));
	assert_int_equal(filetype_from_name("png"), FILE_PNG);
	assert_int_equal(filetype_from_name("exe"), FILE_NONE);
	assert_int_equal(filetype_from_name(NULL), FILE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_png_bit_flips),
		cmocka_unit_test(test_trailing),
		cmocka_unit_test(test_pdf_offsets),
		cmocka_unit_test(test_disguises),
		cmocka_unit_test(test_jpeg_structure),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
