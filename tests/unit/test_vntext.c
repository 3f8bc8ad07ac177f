/*
 * test_vntext.c - unit tests for lib/vntext.c.
 *
 * The Vietnamese vowel expectations are written out here by hand (one row
 * per vowel, one column per tone) instead of being derived from the table
 * in vntext.c, so a wrong generated table cannot pass its own test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vntext.h"

/*
 * Fold into a buffer of exactly n + 1 bytes, so AddressSanitizer catches
 * any write past the documented bound.
 */
static void check_fold_n(const char *in, size_t n, const char *want)
{
	char *out = malloc(n + 1);
	size_t len;

	assert_non_null(out);
	len = vn_fold(in, n, out);
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
	assert_true(len <= n);
	free(out);
}

/* For string literals, which may contain embedded NULs. */
#define FOLD_EQ(lit, want) check_fold_n(lit, sizeof(lit) - 1, want)

/* ---- vowels ------------------------------------------------------------ */

/* NFD tone marks in the column order used below. */
static const char *const tone_nfd[6] = {
	"",		/* ngang (no mark) */
	"\xcc\x80",	/* huyền  U+0300 */
	"\xcc\x81",	/* sắc    U+0301 */
	"\xcc\x89",	/* hỏi    U+0309 */
	"\xcc\x83",	/* ngã    U+0303 */
	"\xcc\xa3",	/* nặng   U+0323 */
};

#define BREVE	"\xcc\x86"	/* U+0306: ă */
#define CIRC	"\xcc\x82"	/* U+0302: â ê ô */
#define HORN	"\xcc\x9b"	/* U+031B: ơ ư */

static const struct vowel_row {
	char base;
	const char *mod_nfd;		/* vowel modifier as a combining mark */
	const char *lower[6];
	const char *upper[6];
} vowels[] = {
	{ 'a', "",    { "a", "à", "á", "ả", "ã", "ạ" },
		      { "A", "À", "Á", "Ả", "Ã", "Ạ" } },
	{ 'a', BREVE, { "ă", "ằ", "ắ", "ẳ", "ẵ", "ặ" },
		      { "Ă", "Ằ", "Ắ", "Ẳ", "Ẵ", "Ặ" } },
	{ 'a', CIRC,  { "â", "ầ", "ấ", "ẩ", "ẫ", "ậ" },
		      { "Â", "Ầ", "Ấ", "Ẩ", "Ẫ", "Ậ" } },
	{ 'e', "",    { "e", "è", "é", "ẻ", "ẽ", "ẹ" },
		      { "E", "È", "É", "Ẻ", "Ẽ", "Ẹ" } },
	{ 'e', CIRC,  { "ê", "ề", "ế", "ể", "ễ", "ệ" },
		      { "Ê", "Ề", "Ế", "Ể", "Ễ", "Ệ" } },
	{ 'i', "",    { "i", "ì", "í", "ỉ", "ĩ", "ị" },
		      { "I", "Ì", "Í", "Ỉ", "Ĩ", "Ị" } },
	{ 'o', "",    { "o", "ò", "ó", "ỏ", "õ", "ọ" },
		      { "O", "Ò", "Ó", "Ỏ", "Õ", "Ọ" } },
	{ 'o', CIRC,  { "ô", "ồ", "ố", "ổ", "ỗ", "ộ" },
		      { "Ô", "Ồ", "Ố", "Ổ", "Ỗ", "Ộ" } },
	{ 'o', HORN,  { "ơ", "ờ", "ớ", "ở", "ỡ", "ợ" },
		      { "Ơ", "Ờ", "Ớ", "Ở", "Ỡ", "Ợ" } },
	{ 'u', "",    { "u", "ù", "ú", "ủ", "ũ", "ụ" },
		      { "U", "Ù", "Ú", "Ủ", "Ũ", "Ụ" } },
	{ 'u', HORN,  { "ư", "ừ", "ứ", "ử", "ữ", "ự" },
		      { "Ư", "Ừ", "Ứ", "Ử", "Ữ", "Ự" } },
	{ 'y', "",    { "y", "ỳ", "ý", "ỷ", "ỹ", "ỵ" },
		      { "Y", "Ỳ", "Ý", "Ỷ", "Ỹ", "Ỵ" } },
};

/*
 * Check one precomposed form: alone, inside a word (must not split it),
 * and its NFD spelling (base letter + modifier + tone) folds the same.
 * Returns 1 if the form is non-ASCII (one of the 134 that need the table).
 */
static int check_form(const char *nfc, char base, char nfd_base,
		      const char *mod, const char *tone)
{
	char want[2] = { base, '\0' };
	char word[32], nfd[32];

	check_fold_n(nfc, strlen(nfc), want);

	snprintf(word, sizeof word, "x%sx", nfc);
	char wword[4] = { 'x', base, 'x', '\0' };
	check_fold_n(word, strlen(word), wword);

	snprintf(nfd, sizeof nfd, "x%c%s%sx", nfd_base, mod, tone);
	check_fold_n(nfd, strlen(nfd), wword);

	/* A precomposed form is one code point. */
	assert_int_equal(utf8_prefix(nfc, strlen(nfc), 1), strlen(nfc));
	assert_true(utf8_valid(nfc, strlen(nfc)));
	return (unsigned char)nfc[0] >= 0x80;
}

static void test_fold_vowels(void **state)
{
	int forms = 0;

	(void)state;
	for (size_t r = 0; r < sizeof vowels / sizeof vowels[0]; r++) {
		const struct vowel_row *v = &vowels[r];

		for (int t = 0; t < 6; t++) {
			forms += check_form(v->lower[t], v->base, v->base,
					    v->mod_nfd, tone_nfd[t]);
			forms += check_form(v->upper[t], v->base,
					    (char)(v->base - 'a' + 'A'),
					    v->mod_nfd, tone_nfd[t]);
		}
	}
	/* đ/Đ have no decomposition: there is no NFD spelling to check. */
	FOLD_EQ("đ", "d");
	FOLD_EQ("Đ", "d");
	FOLD_EQ("xđx", "xdx");
	FOLD_EQ("xĐx", "xdx");
	forms += 2;
	assert_int_equal(forms, 134);
}

/* Whole rows at once: the vowels fold to a run of their base letter. */
static void test_fold_vowel_strings(void **state)
{
	(void)state;
	FOLD_EQ("àáảãạăằắẳẵặâầấẩẫậ", "aaaaaaaaaaaaaaaaa");
	FOLD_EQ("ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", "aaaaaaaaaaaaaaaaa");
	FOLD_EQ("èéẻẽẹêềếểễệ", "eeeeeeeeeee");
	FOLD_EQ("ÈÉẺẼẸÊỀẾỂỄỆ", "eeeeeeeeeee");
	FOLD_EQ("ìíỉĩị", "iiiii");
	FOLD_EQ("ÌÍỈĨỊ", "iiiii");
	FOLD_EQ("òóỏõọôồốổỗộơờớởỡợ", "ooooooooooooooooo");
	FOLD_EQ("ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", "ooooooooooooooooo");
	FOLD_EQ("ùúủũụưừứửữự", "uuuuuuuuuuu");
	FOLD_EQ("ÙÚỦŨỤƯỪỨỬỮỰ", "uuuuuuuuuuu");
	FOLD_EQ("ỳýỷỹỵ", "yyyyy");
	FOLD_EQ("ỲÝỶỸỴ", "yyyyy");
	FOLD_EQ("đĐ", "dd");
}

/* Other accented Latin letters, and letters that are not "base + mark". */
static void test_fold_other_latin(void **state)
{
	(void)state;
	FOLD_EQ("Ça ñ ü ÿ Ÿ ǎ ǚ ḍ ṭ", "ca n u y y a u d t");
	FOLD_EQ("ø Ø ł Ł ħ ŧ", "o o l l h t");
	FOLD_EQ("Crème Brûlée", "creme brulee");
	/* Ligatures and non-Latin letters separate words. */
	FOLD_EQ("straße", "stra e");
	FOLD_EQ("æther", "ther");
	FOLD_EQ("a×b÷c", "a b c");
	FOLD_EQ("Москва αβγ 北京 x", "x");
	FOLD_EQ("a\xf0\x9f\x98\x80" "b", "a b");	/* emoji U+1F600 */
}

/* ---- examples, separators, NFD ----------------------------------------- */

static void test_fold_examples(void **state)
{
	(void)state;
	FOLD_EQ("Thủ tục ĐĂNG KÝ khai sinh!", "thu tuc dang ky khai sinh");
	FOLD_EQ("  Đà Nẵng,  Huế ", "da nang hue");
	FOLD_EQ("1.001193", "1 001193");
	FOLD_EQ("Cấp Căn cước công dân (CCCD) - lần đầu",
		"cap can cuoc cong dan cccd lan dau");
	FOLD_EQ("Nguyễn Thị Minh Khai, Q.1, TP.HCM",
		"nguyen thi minh khai q 1 tp hcm");
}

static void test_fold_separators(void **state)
{
	(void)state;
	FOLD_EQ("a\tb\nc\r\nd\ve\ff", "a b c d e f");
	FOLD_EQ("a!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~b", "a b");
	FOLD_EQ("a\0b", "a b");			/* NUL is data */
	FOLD_EQ("a\x7f" "b", "a b");
	FOLD_EQ("a\xc2\xa0" "b", "a b");		/* NBSP */
	FOLD_EQ("a\xe2\x80\x93" "b", "a b");	/* en dash */
	FOLD_EQ("\xe2\x80\x9c" "Hà Nội" "\xe2\x80\x9d", "ha noi");
	FOLD_EQ("a\xe3\x80\x80" "b", "a b");	/* ideographic space */
	FOLD_EQ(" ,.; ", "");
	FOLD_EQ("---x---", "x");
	FOLD_EQ("ABC xyz 019", "abc xyz 019");
	FOLD_EQ("x", "x");
}

/* Generated from Python: unicodedata.normalize('NFD', ...). */
static void test_fold_nfd(void **state)
{
	(void)state;
	/* "Thủ tục đăng ký khai sinh" */
	FOLD_EQ("Thu\xcc\x89 tu\xcc\xa3" "c \xc4\x91" "a\xcc\x86ng ky\xcc\x81"
		" khai sinh", "thu tuc dang ky khai sinh");
	/* "Nguyễn": e + U+0302 + U+0303 */
	FOLD_EQ("Nguye\xcc\x82\xcc\x83n", "nguyen");
	FOLD_EQ("Nguyễn", "nguyen");
	/* "Hộ tịch" in canonical order: dot below (ccc 220) before circumflex */
	FOLD_EQ("Ho\xcc\xa3\xcc\x82 ti\xcc\xa3" "ch", "ho tich");
	/* "ƯỚC" uppercase: U + horn, O + horn + acute */
	FOLD_EQ("U\xcc\x9b" "O\xcc\x9b\xcc\x81" "C", "uoc");
	FOLD_EQ("dang\xcc\x86", "dang");
	/* Marks with no letter before them are dropped, not separators. */
	FOLD_EQ("\xcc\x81\xcc\x80", "");
	FOLD_EQ("a \xcc\x81" "b", "a b");
	FOLD_EQ("a\xcc\x81\xcc\x81\xcc\x81" "b", "ab");
	/* U+0370 is just past the combining block: a separator. */
	FOLD_EQ("a\xcd\xb0" "b", "a b");
	FOLD_EQ("a\xcd\xaf" "b", "ab");		/* U+036F, last mark */
}

/* ---- invalid UTF-8 ----------------------------------------------------- */

static void test_fold_invalid_utf8(void **state)
{
	(void)state;
	FOLD_EQ("a\xc0\x80" "b", "a b");		/* overlong NUL */
	FOLD_EQ("a\xc1\x81" "b", "a b");		/* overlong 'A': no "aab" */
	FOLD_EQ("a\xe0\x81\x81" "b", "a b");	/* 3-byte overlong 'A' */
	FOLD_EQ("a\xf0\x80\x81\x81" "b", "a b");	/* 4-byte overlong 'A' */
	FOLD_EQ("a\xe0\x83\xa0" "b", "a b");	/* overlong U+00E0 'à' */
	FOLD_EQ("a\xed\xa0\x80" "b", "a b");	/* surrogate U+D800 */
	FOLD_EQ("a\xed\xbf\xbf" "b", "a b");	/* surrogate U+DFFF */
	FOLD_EQ("a\xe1\xba", "a");			/* truncated ạ at end */
	FOLD_EQ("x\xe1\xba" "y", "x y");		/* truncated ạ mid-text */
	FOLD_EQ("\xe1\xba\xa1", "a");			/* the complete ạ */
	FOLD_EQ("a\xc3", "a");
	FOLD_EQ("a\xbf" "b", "a b");			/* lone continuation */
	FOLD_EQ("a\xa1\xa1" "b", "a b");
	FOLD_EQ("a\xf4\x90\x80\x80" "b", "a b");	/* > U+10FFFF */
	FOLD_EQ("a\xf4\x8f\xbf\xbf" "b", "a b");	/* U+10FFFF valid, no letter */
	FOLD_EQ("\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff", "");
	for (unsigned c = 0xF5; c <= 0xFF; c++) {
		char in[4] = { 'a', (char)c, 'b', '\0' };

		check_fold_n(in, 3, "a b");
	}
	/* A bad lead byte must not swallow the letter after it. */
	FOLD_EQ("\xc3" "a", "a");
	FOLD_EQ("\xe1" "ab", "ab");
	FOLD_EQ("\xf0\x9f" "ab", "ab");
}

static void test_fold_empty(void **state)
{
	char out[1] = { 'X' };

	(void)state;
	assert_int_equal(vn_fold("", 0, out), 0);
	assert_int_equal(out[0], '\0');
	out[0] = 'X';
	assert_int_equal(vn_fold(NULL, 0, out), 0);
	assert_int_equal(out[0], '\0');
}

/* Encode cp as UTF-8 (no validity checks: the caller skips surrogates). */
static size_t put_utf8(char *p, uint32_t cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xC0 | cp >> 6);
		p[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (char)(0xE0 | cp >> 12);
		p[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		p[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	p[0] = (char)(0xF0 | cp >> 18);
	p[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	p[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	p[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Every code point, between two letters: it is either a letter/digit
 * ("x?y"), a dropped mark ("xy", only U+0300..U+036F), or a separator
 * ("x y").  Also checks utf8_valid/utf8_prefix agree with the encoder.
 */
static void test_fold_all_code_points(void **state)
{
	unsigned letters = 0;

	(void)state;
	for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
		char in[8], out[8];
		size_t n, len;

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		in[0] = 'x';
		n = 1 + put_utf8(in + 1, cp);
		in[n++] = 'y';
		assert_true(utf8_valid(in, n));
		assert_int_equal(utf8_prefix(in, n, 2), n - 1);
		len = vn_fold(in, n, out);
		if (cp >= 0x300 && cp <= 0x36F) {
			assert_string_equal(out, "xy");
		} else if (len == 2) {
			fail_msg("U+%04X dropped but is not a mark",
				 (unsigned)cp);
		} else if (out[1] == ' ') {
			assert_string_equal(out, "x y");
		} else {
			assert_int_equal(len, 3);
			assert_true((out[1] >= 'a' && out[1] <= 'z') ||
				    (out[1] >= '0' && out[1] <= '9'));
			/* Only the tabled blocks may produce letters. */
			assert_true(cp < 0x250 ||
				    (cp >= 0x1E00 && cp <= 0x1EFF));
			letters++;
		}
	}
	/* 62 ASCII + the Latin letters with marks; sanity, not exactness. */
	assert_true(letters > 62 + 134);
}

/* ---- utf8_valid / utf8_prefix ------------------------------------------ */

#define VALID(lit) utf8_valid(lit, sizeof(lit) - 1)

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid(NULL, 0));
	assert_true(VALID("plain ASCII ~\x7f"));
	assert_true(VALID("Thủ tục hành chính"));
	assert_true(VALID("\xc2\x80"));			/* U+0080 */
	assert_true(VALID("\xdf\xbf"));			/* U+07FF */
	assert_true(VALID("\xe0\xa0\x80"));		/* U+0800 */
	assert_true(VALID("\xed\x9f\xbf"));		/* U+D7FF */
	assert_true(VALID("\xee\x80\x80"));		/* U+E000 */
	assert_true(VALID("\xef\xbf\xbf"));		/* U+FFFF */
	assert_true(VALID("\xf0\x90\x80\x80"));		/* U+10000 */
	assert_true(VALID("\xf4\x8f\xbf\xbf"));		/* U+10FFFF */

	assert_false(VALID("\0"));
	assert_false(VALID("abc\0def"));
	assert_false(VALID("\xc0\x80"));			/* overlong NUL */
	assert_false(VALID("\xc1\xbf"));
	assert_false(VALID("\xe0\x9f\xbf"));		/* overlong U+07FF */
	assert_false(VALID("\xf0\x8f\xbf\xbf"));		/* overlong U+FFFF */
	assert_false(VALID("\xed\xa0\x80"));		/* U+D800 */
	assert_false(VALID("\xed\xbf\xbf"));		/* U+DFFF */
	assert_false(VALID("\xed\xa0\xbd\xed\xb8\x80"));	/* CESU-8 pair */
	assert_false(VALID("\xf4\x90\x80\x80"));		/* U+110000 */
	assert_false(VALID("\xe1\xba"));			/* truncated */
	assert_false(VALID("\xf0\x9f\x98"));
	assert_false(VALID("\xc3"));
	assert_false(VALID("\x80"));
	assert_false(VALID("a\xbf"));
	assert_false(VALID("\xe1\x41\x80"));		/* bad continuation */
	for (unsigned c = 0xF5; c <= 0xFF; c++) {
		char s[4] = { (char)c, '\x80', '\x80', '\x80' };

		assert_false(utf8_valid(s, 1));
		assert_false(utf8_valid(s, 4));
	}
}

static void test_utf8_prefix(void **state)
{
	const char *s = "Hà Nội";			/* 6 chars, 9 bytes */

	(void)state;
	assert_int_equal(utf8_prefix(s, 9, 0), 0);
	assert_int_equal(utf8_prefix(s, 9, 1), 1);
	assert_int_equal(utf8_prefix(s, 9, 2), 3);	/* "Hà" */
	assert_int_equal(utf8_prefix(s, 9, 4), 5);	/* "Hà N" */
	assert_int_equal(utf8_prefix(s, 9, 5), 8);	/* "Hà Nộ" */
	assert_int_equal(utf8_prefix(s, 9, 6), 9);
	assert_int_equal(utf8_prefix(s, 9, 100), 9);
	assert_int_equal(utf8_prefix(s, 9, SIZE_MAX), 9);
	assert_int_equal(utf8_prefix("", 0, 5), 0);
	assert_int_equal(utf8_prefix(NULL, 0, 5), 0);
	/* n cuts into a character: the partial bytes count one each. */
	assert_int_equal(utf8_prefix(s, 7, 5), 6);	/* "Hà N" E1 */
	assert_int_equal(utf8_prefix(s, 7, 6), 7);
	assert_int_equal(utf8_prefix(s, 2, 1), 1);
	assert_int_equal(utf8_prefix(s, 2, 2), 2);
	/* 4-byte character is kept whole. */
	assert_int_equal(utf8_prefix("\xf0\x9f\x98\x80z", 5, 1), 4);
	/* Invalid bytes count as one character each. */
	assert_int_equal(utf8_prefix("\xff\xfe" "a", 3, 2), 2);
	assert_int_equal(utf8_prefix("\xed\xa0\x80" "a", 4, 1), 1);
	assert_int_equal(utf8_prefix("\xe1\xba" "a", 3, 2), 2);
	assert_int_equal(utf8_prefix("\xe1\xba" "a", 3, 3), 3);
}

/* ---- number formatting ------------------------------------------------- */

static void check_int(long long v, const char *want)
{
	buf b = BUF_INIT;

	vn_format_int(&b, v);
	assert_string_equal(b.p, want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
}

static void test_format_int(void **state)
{
	(void)state;
	check_int(0, "0");
	check_int(7, "7");
	check_int(-7, "-7");
	check_int(999, "999");
	check_int(1000, "1.000");
	check_int(-1000, "-1.000");
	check_int(99999, "99.999");
	check_int(100000, "100.000");
	check_int(170531, "170.531");
	check_int(1234567, "1.234.567");
	check_int(-1234567, "-1.234.567");
	check_int(LLONG_MAX, "9.223.372.036.854.775.807");
	check_int(LLONG_MIN, "-9.223.372.036.854.775.808");
	check_int(LLONG_MIN + 1, "-9.223.372.036.854.775.807");
}

static void check_pct(long long num, long long den, const char *want)
{
	buf b = BUF_INIT;

	vn_format_percent(&b, num, den);
	assert_string_equal(b.p, want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
}

static void test_format_percent(void **state)
{
	(void)state;
	check_pct(4206, 10000, "42,06%");
	check_pct(0, 5, "0,00%");
	check_pct(1, 1, "100,00%");
	check_pct(1, 3, "33,33%");
	check_pct(2, 3, "66,67%");
	check_pct(1, 8, "12,50%");
	check_pct(1, 16, "6,25%");
	check_pct(123, 1, "12.300,00%");
	check_pct(7, 0, "\xe2\x80\x94");		/* U+2014 */
	check_pct(0, 0, "\xe2\x80\x94");
	/* Half up at the third decimal. */
	check_pct(5, 100000, "0,01%");			/* 0,005 */
	check_pct(4, 100000, "0,00%");			/* 0,004 */
	check_pct(49999, 10000000, "0,50%");		/* 0,49999 */
	check_pct(12345, 1000000, "1,23%");		/* 1,2345 */
	check_pct(12355, 1000000, "1,24%");		/* 1,2355 */
	/* Carries through every digit. */
	check_pct(99995, 10000000, "1,00%");		/* 0,99995 */
	check_pct(9999995, 10000000, "100,00%");	/* 99,99995 */
	check_pct(99999995, 100000000, "100,00%");
	check_pct(999999995, 1000000, "100.000,00%");	/* 99.999,9995 */
	/* Signs: no "-0,00%". */
	check_pct(-1, 4, "-25,00%");
	check_pct(1, -4, "-25,00%");
	check_pct(-1, -4, "25,00%");
	check_pct(-4, 100000, "0,00%");
	check_pct(-5, 100000, "-0,01%");		/* half away from zero */
	check_pct(0, -3, "0,00%");
	/* Extremes: exact, no overflow. */
	check_pct(LLONG_MAX, 1, "922.337.203.685.477.580.700,00%");
	check_pct(LLONG_MIN, 1, "-922.337.203.685.477.580.800,00%");
	check_pct(LLONG_MIN, -1, "922.337.203.685.477.580.800,00%");
	check_pct(LLONG_MIN, LLONG_MIN, "100,00%");
	check_pct(LLONG_MAX, LLONG_MIN, "-100,00%");
	check_pct(LLONG_MAX, LLONG_MAX, "100,00%");
	check_pct(LLONG_MAX - 1, LLONG_MAX, "100,00%");
	check_pct(LLONG_MAX / 2, LLONG_MAX, "50,00%");
	check_pct(1, LLONG_MAX, "0,00%");
	check_pct(1, LLONG_MIN, "0,00%");
	check_pct(LLONG_MAX / 3, LLONG_MAX / 2, "66,67%");
}

/* The formatters append; they must not reset or NUL-cut the buffer. */
static void test_format_appends(void **state)
{
	buf b = BUF_INIT;

	(void)state;
	buf_puts(&b, "Dân số: ");
	vn_format_int(&b, 1234567);
	buf_puts(&b, " (");
	vn_format_percent(&b, 1, 3);
	buf_puts(&b, ") ");
	vn_format_percent(&b, 1, 0);
	assert_string_equal(b.p, "Dân số: 1.234.567 (33,33%) —");
	buf_free(&b);
}


/* vn_lower: every Vietnamese capital to its small letter, marks kept. */
static void test_has_letter(void **state)
{
	(void)state;
	assert_true(vn_has_letter("Nguyễn Thị Lan"));
	assert_true(vn_has_letter("H'Hen Niê"));
	assert_true(vn_has_letter("Đ"));
	assert_true(vn_has_letter("ữ"));
	assert_true(vn_has_letter("Иван"));
	assert_true(vn_has_letter("王"));
	assert_true(vn_has_letter("  \u0303a"));
	assert_false(vn_has_letter(""));
	assert_false(vn_has_letter("123"));
	assert_false(vn_has_letter("... -'"));
	assert_false(vn_has_letter("\u200b\u200b"));          /* zero width spaces */
	assert_false(vn_has_letter("\u0303\u0301"));          /* combining marks alone */
	assert_false(vn_has_letter("\u200e \u2060\u202e"));  /* direction, word joiner */
	assert_false(vn_has_letter("\u00d7\u00f7"));          /* × ÷ */
	assert_false(vn_has_letter("\U0001F600"));             /* emoji */
	assert_false(vn_has_letter("\xc3"));                   /* cut sequence */
}

static size_t ctl(const char *s, int spaces_ok)
{
	return vn_control_at(s, strlen(s), spaces_ok);
}

static void test_control_at(void **state)
{
	(void)state;
	assert_int_equal(ctl("Nguyễn Thị Lan", 0), 0);
	assert_int_equal(ctl("Phạm\u200bAnh \u200e", 0), 0);      /* zero width, LRM: marks, not controls */
	assert_int_equal(ctl("ab\x07", 0), 3);                   /* BEL */
	assert_int_equal(ctl("ễ\x7f", 0), 2);                    /* DEL, counted in characters */
	assert_int_equal(ctl("a\xc2\x85", 0), 2);                /* NEL, a C1 control */
	assert_int_equal(ctl("a\xc2\xa0", 0), 0);                /* no-break space is text */
	assert_int_equal(ctl("Lan\u202enaL", 0), 4);             /* right-to-left override */
	assert_int_equal(ctl("\u202a" "a", 0), 1);
	assert_int_equal(ctl("x\u2066y\u2069", 0), 2);           /* isolates */
	assert_int_equal(ctl("\u2065\u206a\u2029", 0), 0);       /* their neighbours are not */
	assert_int_equal(ctl("a\r\nb\tc", 0), 2);
	assert_int_equal(ctl("a\r\nb\tc", 1), 0);
	assert_int_equal(ctl("\u202e", 1), 1);                   /* never a space */
	assert_int_equal(vn_control_at("ab\xe2\x80", 4, 0), 0); /* cut sequence: not read past n */
}

static void test_lower_keeps_marks(void **state)
{
	(void)state;
	const char *up = "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ";
	const char *low = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
	char out[512];
	size_t n = vn_lower(up, strlen(up), out);
	assert_int_equal(n, strlen(low));
	assert_string_equal(out, low);
	n = vn_lower(low, strlen(low), out);
	assert_string_equal(out, low);
	vn_lower("ĐĂNG KÝ Khai Sinh 1.001193", strlen("ĐĂNG KÝ Khai Sinh 1.001193"), out);
	assert_string_equal(out, "đăng ký khai sinh 1.001193");
	/* thuế and thuê stay apart */
	vn_lower("THUẾ THUÊ", strlen("THUẾ THUÊ"), out);
	assert_string_equal(out, "thuế thuê");
	/* invalid bytes are copied, never grown */
	n = vn_lower("A\xff\xc3(", 4, out);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "a\xff\xc3(", 4);
}

/* Ð/ð (eth) stand for Đ/đ in text that went through Windows-1258 to
 * Latin-1: they fold to d and lower-case to đ. */
static void test_eth_is_d(void **state)
{
	(void)state;
	char out[64];
	vn_fold("\xC3\x90\xC4\x82NG K\xC3\x9D", 10, out);   /* ÐĂNG KÝ */
	assert_string_equal(out, "dang ky");
	vn_fold("\xC3\xB0i", 3, out);                         /* ði */
	assert_string_equal(out, "di");
	size_t n = vn_lower("\xC3\x90\xC3\xB0", 4, out);
	assert_int_equal(n, 4);
	assert_string_equal(out, "\xC4\x91\xC4\x91");            /* đđ */
}

/* A code's text from a {code, text} table: the first match, or the
 * caller's fallback for an unknown or absent code. */
static void test_text_for(void **state)
{
	(void)state;
	static const char *const t[][2] = {{"paid", "Đã nộp"}, {"unpaid", "Chưa nộp"}, {"paid", "x"}};
	assert_string_equal(VN_TEXT_FOR(t, "paid", "?"), "Đã nộp");
	assert_string_equal(VN_TEXT_FOR(t, "unpaid", "?"), "Chưa nộp");
	assert_string_equal(VN_TEXT_FOR(t, "pai", "?"), "?");
	assert_string_equal(VN_TEXT_FOR(t, "", "?"), "?");
	assert_null(VN_TEXT_FOR(t, NULL, NULL));
	assert_null(vn_text_for(t, 0, "paid", NULL));
}

/* vn_nfc: decomposed Vietnamese composed again, as NFC has it (the
 * expected strings are Python's unicodedata.normalize("NFC", ...)). */
static void nfc_is(const char *in, const char *want)
{
	char out[1024];
	size_t n = strlen(in);
	memcpy(out, in, n + 1);
	size_t m = vn_nfc(out, n);
	assert_int_equal(m, strlen(want));
	assert_string_equal(out, want);
}

static void test_nfc(void **state)
{
	(void)state;
	const char *up = "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
			 "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
	nfc_is(up, up);			/* composed stays composed */
	nfc_is("Nguye\u0302\u0303n Thi\u0323 Hu\u031bo\u031b\u0300ng", "Nguyễn Thị Hường");
	/* marks in another order than the canonical one: reordered first */
	nfc_is("a\u0302\u0323", "ậ");
	nfc_is("o\u0300\u031b", "ờ");
	nfc_is("u\u0323\u031b", "ự");
	/* two marks of one class: the second is blocked, as in NFC */
	nfc_is("a\u0301\u0302", "á\u0302");
	/* a mark with no composition is kept after the letter */
	nfc_is("q\u0303", "q\u0303");
	nfc_is("\u0303abc", "\u0303abc");		/* a mark first: as it is */
	nfc_is("a\u0308\u0301", "a\u0308\u0301");	/* another mark: as it is */
	nfc_is("\xff" "a\u0301", "\xff" "a\u0301");	/* invalid UTF-8: as it is */
	nfc_is("", "");
	nfc_is("\U0001F600\u0301x", "\U0001F600\u0301x");
	/* the end is marked for every input, invalid text included (found by
	 * fuzz_fold: the invalid case returned without its NUL) */
	char b[4] = {'\xff', 'a', 'b', 'X'};
	assert_int_equal(vn_nfc(b, 3), 3);
	assert_int_equal(b[3], '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eth_is_d),
		cmocka_unit_test(test_fold_vowels),
		cmocka_unit_test(test_fold_vowel_strings),
		cmocka_unit_test(test_fold_other_latin),
		cmocka_unit_test(test_fold_examples),
		cmocka_unit_test(test_fold_separators),
		cmocka_unit_test(test_fold_nfd),
		cmocka_unit_test(test_fold_invalid_utf8),
		cmocka_unit_test(test_fold_empty),
		cmocka_unit_test(test_fold_all_code_points),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_prefix),
		cmocka_unit_test(test_format_int),
		cmocka_unit_test(test_format_percent),
		cmocka_unit_test(test_format_appends),
		cmocka_unit_test(test_lower_keeps_marks),
		cmocka_unit_test(test_has_letter),
		cmocka_unit_test(test_control_at),
		cmocka_unit_test(test_text_for),
		cmocka_unit_test(test_nfc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
