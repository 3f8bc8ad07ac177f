/*
 * vntext.h - Vietnamese text utilities: search folding, UTF-8 checks,
 * Vietnamese number formatting.
 *
 * Promises:
 *  - Pure functions over caller memory: no locale, no global mutable state,
 *    no allocation except growing the caller's buf.  Safe from any thread.
 *  - Strict UTF-8 everywhere: overlong forms, surrogates (U+D800..U+DFFF),
 *    code points above U+10FFFF and truncated sequences are never decoded as
 *    characters.  An overlong "A" must not fold to "a", or filters built on
 *    the folded text could be bypassed.
 *  - Input is (pointer, length); embedded NUL bytes are data, not the end.
 */
#ifndef PORTAL_VNTEXT_H
#define PORTAL_VNTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"

/*
 * Fold text for search: lowercase ASCII words separated by single spaces,
 * no leading or trailing space, NUL-terminated.  Returns the output length.
 *
 *  - Latin letters with diacritics (U+00C0..U+024F, U+1E00..U+1EFF, which
 *    covers all Vietnamese precomposed vowels) and đ/Đ map to their ASCII
 *    base letter; ASCII letters are lowercased; digits are kept.
 *  - Combining marks U+0300..U+036F are dropped without splitting the word,
 *    so NFD and NFC spellings of a word fold the same.
 *  - Everything else - punctuation, whitespace, other scripts, ligatures
 *    such as æ/ß, invalid UTF-8 bytes - separates words.
 *
 * The output is never longer than the input: out must hold n + 1 bytes.
 * out must not overlap in (folding in place is not supported).
 * Folding is idempotent: vn_fold(vn_fold(x)) == vn_fold(x).
 */
size_t vn_fold(const char *in, size_t n, char *out);

/*
 * Vietnamese text in composed form (NFC, TCVN 6909:2001's dựng sẵn), in
 * place: a Latin letter followed by the marks Vietnamese writes (the tones,
 * circumflex, breve, horn) becomes the precomposed letter, as NFC has it
 * ("a" U+0323 U+0302 -> "ậ").  Other text, and invalid UTF-8, is left as
 * it is.  Never longer than the input; s[result] is set to NUL, so s needs
 * n + 1 bytes.  Returns the new length.
 */
size_t vn_nfc(char *s, size_t n);

/* 1 if s[0..n) is strictly valid UTF-8 and contains no NUL byte, else 0. */
int utf8_valid(const char *s, size_t n);

/* A copy of n bytes of untrusted text (a User-Agent, a remote party's
 * error) safe to store and show: invalid UTF-8 and control characters
 * become '?', and it is cut to at most max bytes on a character boundary.
 * Written to out, which has room for max + 1 bytes. */
void utf8_clean(const char *s, size_t n, char *out, size_t max);

/*
 * Lower-case UTF-8 text keeping its diacritics (ĐĂNG KÝ -> đăng ký), for
 * telling "thuế" from "thuê" where folding cannot.  Covers ASCII and the
 * Latin letters Vietnamese uses (Latin-1, Extended-A, Extended Additional);
 * other characters and invalid bytes are copied as they are.  The output is
 * never longer than the input: out needs n + 1 bytes.  Returns its length.
 */
size_t vn_lower(const char *in, size_t n, char *out);

/*
 * Byte length of the first max_chars code points of s[0..n), never cutting
 * a valid multi-byte sequence in half.  Each byte of an invalid sequence
 * counts as one character (it will be shown as one U+FFFD).
 */
size_t utf8_prefix(const char *s, size_t n, size_t max_chars);

/* Append v with Vietnamese digit grouping: -1234567 -> "-1.234.567". */
void vn_format_int(buf *out, long long v);
/* The same, as a string of the arena ("150.000"). */
const char *vn_int_text(arena *a, long long v);

/*
 * 1 if the NUL-terminated UTF-8 text has at least one letter: ASCII, the
 * Latin letters (with Vietnamese's, U+00C0..U+024F, U+1E00..U+1EFF), or a
 * letter of another script's block (Greek to Ethiopic, kana, CJK, Hangul).
 * Digits, punctuation, spaces, combining marks alone, zero-width and
 * direction marks, symbols and emoji are not letters: a person's name made
 * only of them is not a name.
 */
int vn_has_letter(const char *s);

/*
 * The position (in characters, from 1) of the first character of s[0..n)
 * that nobody types and no page, slip or receipt may carry, or 0: the C0
 * controls, DEL, the C1 controls (U+0080..U+009F), and the bidirectional
 * embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069),
 * which make a name or a reason read in another order than it is stored.
 * Tabs and line breaks pass when spaces_ok.
 */
size_t vn_control_at(const char *s, size_t n, int spaces_ok);

/* The national catalog writes list items as "- text" or "+ text": past the
 * bullet and the spaces (a page's list bullets them itself). */
const char *vn_skip_bullet(const char *s);

/*
 * Append num/den as a percentage with two decimals and a decimal comma,
 * rounded half away from zero: 4206/10000 -> "42,06%", 1/-8 -> "-12,50%".
 * The integer part is grouped like vn_format_int.  den == 0 -> "—".
 * Exact for every long long pair (no overflow, no floating point).
 */
void vn_format_percent(buf *out, long long num, long long den);

/*
 * The text of a code in a table of {code, text} pairs, such as a status's
 * Vietnamese name, or `otherwise` when the code is NULL or not in it.
 * VN_TEXT_FOR(table, code, otherwise) counts a static table's rows.
 */
const char *vn_text_for(const char *const (*t)[2], size_t n, const char *code,
			const char *otherwise);
#define VN_TEXT_FOR(t, code, otherwise) vn_text_for((t), sizeof(t) / sizeof((t)[0]), (code), (otherwise))

/*
 * Decode one strictly valid UTF-8 sequence at s[0..n), n > 0.
 * Returns its length (1..4) and stores the code point in *cp, or returns 0
 * if s does not start with a complete valid sequence (the caller then
 * treats s[0] as one invalid byte).  NUL is decoded as U+0000; utf8_valid
 * rejects it separately.  Inline because vn_fold and json_str run it per
 * character on hot paths.
 */
static inline size_t utf8_decode(const unsigned char *s, size_t n,
				 uint32_t *cp)
{
	unsigned c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2)			/* stray continuation, or overlong C0/C1 */
		return 0;
	if (c < 0xE0) {
		if (n < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		*cp = (c & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	if (c < 0xF0) {
		/* E0 needs A0..BF (no overlongs), ED needs 80..9F (no surrogates) */
		unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
		unsigned hi = c == 0xED ? 0x9F : 0xBF;

		if (n < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
			return 0;
		*cp = (c & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		return 3;
	}
	if (c < 0xF5) {
		/* F0 needs 90..BF (no overlongs), F4 needs 80..8F (<= U+10FFFF) */
		unsigned lo = c == 0xF0 ? 0x90 : 0x80;
		unsigned hi = c == 0xF4 ? 0x8F : 0xBF;

		if (n < 4 || s[1] < lo || s[1] > hi ||
		    (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		*cp = (uint32_t)(c & 0x07) << 18 | (s[1] & 0x3F) << 12 |
		      (s[2] & 0x3F) << 6 | (s[3] & 0x3F);
		return 4;
	}
	return 0;			/* F5..FF never appear in UTF-8 */
}

#endif
