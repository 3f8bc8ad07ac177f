/*
 * vntext.c - see vntext.h for the promises.
 *
 * Folding is table driven: one byte per code point for U+0000..U+024F
 * (ASCII, Latin-1, Latin Extended-A/B) and U+1E00..U+1EFF (Latin Extended
 * Additional, where most Vietnamese vowels with two marks live).  A table
 * entry is the ASCII base letter or digit, or 0 for "separates words".
 * 848 bytes in total, so the hot loop stays in L1 and never branches on
 * per-letter logic.
 */
#include "vntext.h"

#include <string.h>

/*
 * Generated - do not edit by hand.  Regenerate with python3 (tables below
 * from Unicode 14.0.0 data; the ranges used are stable across versions):
 *
 *	import re, unicodedata as ud
 *
 *	def fold(cp):
 *	    ch = chr(cp)
 *	    if cp < 0x80:
 *	        return ch.lower() if ch.isalnum() else ''
 *	    base = ''.join(c for c in ud.normalize('NFD', ch) if not ud.combining(c))
 *	    if len(base) == 1 and base.isascii() and base.isalpha():
 *	        return base.lower()
 *	    # No decomposition (stroke, hook, bar: đ ø ł ħ ...): trust the name.
 *	    m = re.match(r'LATIN (SMALL|CAPITAL) LETTER ([A-Z]) WITH (?!SMALL)',
 *	                 ud.name(ch, ''))
 *	    return m.group(2).lower() if m else ''
 *
 *	def table(name, lo, hi):
 *	    print('static const char %s[0x%X] = {' % (name, hi - lo))
 *	    for row in range(lo, hi, 16):
 *	        cells = ("'%s'" % fold(cp) if fold(cp) else '0'
 *	                 for cp in range(row, row + 16))
 *	        print('\t/' '* U+%04X *' '/ %s,' % (row, ','.join(cells)))
 *	    print('};')
 *
 *	table('fold_lo', 0x0000, 0x0250)
 *	table('fold_1e', 0x1E00, 0x1F00)
 *
 * One exception after generating: Ð/ð (U+00D0/U+00F0, eth) -> d.  In
 * Windows-1258 the bytes D0/F0 are Đ/đ, so Vietnamese text that went
 * through a Latin-1 conversion carries eth where it meant đ; nobody
 * searches this catalog in Icelandic.
 *
 * Letters without a decomposition are matched by name so that đ/Đ -> d
 * (required for Vietnamese) and ø ł ħ ... -> o l h come out of the same
 * rule instead of a hand-kept exception list.  Ligatures and other letters
 * that are not "base letter + mark" (æ ß œ ĳ ŋ ...) stay separators.
 */
static const char fold_lo[0x250] = {
	/* U+0000 */ 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	/* U+0010 */ 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	/* U+0020 */ 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	/* U+0030 */ '0','1','2','3','4','5','6','7','8','9',0,0,0,0,0,0,
	/* U+0040 */ 0,'a','b','c','d','e','f','g','h','i','j','k','l','m','n','o',
	/* U+0050 */ 'p','q','r','s','t','u','v','w','x','y','z',0,0,0,0,0,
	/* U+0060 */ 0,'a','b','c','d','e','f','g','h','i','j','k','l','m','n','o',
	/* U+0070 */ 'p','q','r','s','t','u','v','w','x','y','z',0,0,0,0,0,
	/* U+0080 */ 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	/* U+0090 */ 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	/* U+00A0 */ 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	/* U+00B0 */ 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	/* U+00C0 */ 'a','a','a','a','a','a',0,'c','e','e','e','e','i','i','i','i',
	/* U+00D0 */ 'd','n','o','o','o','o','o',0,'o','u','u','u','u','y',0,0,
	/* U+00E0 */ 'a','a','a','a','a','a',0,'c','e','e','e','e','i','i','i','i',
	/* U+00F0 */ 'd','n','o','o','o','o','o',0,'o','u','u','u','u','y',0,'y',
	/* U+0100 */ 'a','a','a','a','a','a','c','c','c','c','c','c','c','c','d','d',
	/* U+0110 */ 'd','d','e','e','e','e','e','e','e','e','e','e','g','g','g','g',
	/* U+0120 */ 'g','g','g','g','h','h','h','h','i','i','i','i','i','i','i','i',
	/* U+0130 */ 'i',0,0,0,'j','j','k','k',0,'l','l','l','l','l','l','l',
	/* U+0140 */ 'l','l','l','n','n','n','n','n','n',0,0,0,'o','o','o','o',
	/* U+0150 */ 'o','o',0,0,'r','r','r','r','r','r','s','s','s','s','s','s',
	/* U+0160 */ 's','s','t','t','t','t','t','t','u','u','u','u','u','u','u','u',
	/* U+0170 */ 'u','u','u','u','w','w','y','y','y','z','z','z','z','z','z',0,
	/* U+0180 */ 'b','b','b','b',0,0,0,'c','c',0,'d','d','d',0,0,0,
	/* U+0190 */ 0,'f','f','g',0,0,0,'i','k','k','l',0,0,'n','n','o',
	/* U+01A0 */ 'o','o',0,0,'p','p',0,0,0,0,0,'t','t','t','t','u',
	/* U+01B0 */ 'u',0,'v','y','y','z','z',0,0,0,0,0,0,0,0,0,
	/* U+01C0 */ 0,0,0,0,0,0,0,0,0,0,0,0,0,'a','a','i',
	/* U+01D0 */ 'i','o','o','u','u','u','u','u','u','u','u','u','u',0,'a','a',
	/* U+01E0 */ 'a','a',0,0,'g','g','g','g','k','k','o','o','o','o',0,0,
	/* U+01F0 */ 'j',0,0,0,'g','g',0,0,'n','n','a','a',0,0,'o','o',
	/* U+0200 */ 'a','a','a','a','e','e','e','e','i','i','i','i','o','o','o','o',
	/* U+0210 */ 'r','r','r','r','u','u','u','u','s','s','t','t',0,0,'h','h',
	/* U+0220 */ 'n','d',0,0,'z','z','a','a','e','e','o','o','o','o','o','o',
	/* U+0230 */ 'o','o','y','y','l','n','t',0,0,0,'a','c','c','l','t','s',
	/* U+0240 */ 'z',0,0,'b',0,0,'e','e','j','j',0,'q','r','r','y','y',
};
static const char fold_1e[0x100] = {
	/* U+1E00 */ 'a','a','b','b','b','b','b','b','c','c','d','d','d','d','d','d',
	/* U+1E10 */ 'd','d','d','d','e','e','e','e','e','e','e','e','e','e','f','f',
	/* U+1E20 */ 'g','g','h','h','h','h','h','h','h','h','h','h','i','i','i','i',
	/* U+1E30 */ 'k','k','k','k','k','k','l','l','l','l','l','l','l','l','m','m',
	/* U+1E40 */ 'm','m','m','m','n','n','n','n','n','n','n','n','o','o','o','o',
	/* U+1E50 */ 'o','o','o','o','p','p','p','p','r','r','r','r','r','r','r','r',
	/* U+1E60 */ 's','s','s','s','s','s','s','s','s','s','t','t','t','t','t','t',
	/* U+1E70 */ 't','t','u','u','u','u','u','u','u','u','u','u','v','v','v','v',
	/* U+1E80 */ 'w','w','w','w','w','w','w','w','w','w','x','x','x','x','y','y',
	/* U+1E90 */ 'z','z','z','z','z','z','h','t','w','y','a',0,0,0,0,0,
	/* U+1EA0 */ 'a','a','a','a','a','a','a','a','a','a','a','a','a','a','a','a',
	/* U+1EB0 */ 'a','a','a','a','a','a','a','a','e','e','e','e','e','e','e','e',
	/* U+1EC0 */ 'e','e','e','e','e','e','e','e','i','i','i','i','o','o','o','o',
	/* U+1ED0 */ 'o','o','o','o','o','o','o','o','o','o','o','o','o','o','o','o',
	/* U+1EE0 */ 'o','o','o','o','u','u','u','u','u','u','u','u','u','u','u','u',
	/* U+1EF0 */ 'u','u','y','y','y','y','y','y','y','y',0,0,0,0,'y','y',
};

/* Table value for code points that are dropped without splitting a word. */
#define FOLD_SKIP	'\1'

/* Fold one decoded non-ASCII code point: letter, 0 (separator) or skip. */
static inline char fold_cp(uint32_t cp)
{
	if (cp < sizeof fold_lo)
		return fold_lo[cp];
	/* NFD marks: "a" + U+0306 must fold like "ă", i.e. to "a". */
	if (cp >= 0x0300 && cp <= 0x036F)
		return FOLD_SKIP;
	if (cp - 0x1E00 < sizeof fold_1e)
		return fold_1e[cp - 0x1E00];
	return 0;
}

size_t vn_fold(const char *in, size_t n, char *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0;
	int gap = 0;		/* separator seen since the last letter */

	while (i < n) {
		unsigned c = s[i];
		char f;

		if (c < 0x80) {
			f = fold_lo[c];
			i++;
		} else {
			uint32_t cp;
			size_t len = utf8_decode(s + i, n - i, &cp);

			if (len) {
				f = fold_cp(cp);
				i += len;
				if (f == FOLD_SKIP)
					continue;
			} else {
				f = 0;	/* invalid byte: a separator, never a letter */
				i++;
			}
		}
		if (!f) {
			gap = 1;
			continue;
		}
		/*
		 * The space stands for at least one separator byte of input,
		 * and every letter for at least one byte, so o never passes i.
		 */
		if (gap && o)
			out[o++] = ' ';
		gap = 0;
		out[o++] = f;
	}
	out[o] = '\0';
	return o;
}

static uint32_t lower_cp(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c == 0xD0 || c == 0xF0)
		return 0x111;                     /* Ð ð as written for đ (see fold) */
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 32;                    /* À..Þ, not × */
	if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x178 &&
	    !(c >= 0x138 && c <= 0x148) && !(c >= 0x179 && c <= 0x17E))
		return c | 1;                     /* Ă ă, Đ đ, Ĩ ĩ, Ũ ũ: even upper */
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1) ? c + 1 : c;       /* odd upper in these runs */
	if (c == 0x1A0 || c == 0x1AF)
		return c + 1;                     /* Ơ Ư */
	if (c >= 0x1E00 && c <= 0x1EFF)
		return c | 1;                     /* Ạ ạ ... Ỹ ỹ: even upper */
	return c;
}

static size_t put_utf8(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	o[0] = (char)(0xE0 | c >> 12);
	o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[2] = (char)(0x80 | (c & 0x3F));
	return 3;
}

size_t vn_lower(const char *in, size_t n, char *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0;
	while (i < n) {
		uint32_t cp = 0;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0 || k == 4) {
			size_t copy = k ? k : 1;  /* invalid or astral: as is */
			memcpy(out + o, in + i, copy);
			o += copy;
			i += copy;
			continue;
		}
		/* a lower-case letter never needs more bytes than its capital here */
		uint32_t lc = lower_cp(cp);
		o += put_utf8(lc, out + o);
		i += k;
	}
	out[o] = '\0';
	return o;
}

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len;

		if (u[i] - 1u < 0x7F) {	/* 0x01..0x7F: the common case */
			i++;
			continue;
		}
		len = utf8_decode(u + i, n - i, &cp);
		if (!len || !cp)
			return 0;
		i += len;
	}
	return 1;
}

size_t utf8_prefix(const char *s, size_t n, size_t max_chars)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	for (size_t k = 0; k < max_chars && i < n; k++) {
		uint32_t cp;
		size_t len = utf8_decode(u + i, n - i, &cp);

		i += len ? len : 1;
	}
	return i;
}

/* |v| as unsigned, without the overflow of -LLONG_MIN. */
static unsigned long long magnitude(long long v)
{
	return v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
}

/* Write u in decimal so that it ends just before end; returns its start. */
static char *utoa_back(char *end, unsigned long long u)
{
	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	return end;
}

/* Append the digits d[0..n), n > 0, with '.' between groups of three. */
static void put_grouped(buf *out, const char *d, size_t n)
{
	size_t head = n % 3 ? n % 3 : 3;

	buf_put(out, d, head);
	for (size_t i = head; i < n; i += 3) {
		buf_putc(out, '.');
		buf_put(out, d + i, 3);
	}
}

void vn_format_int(buf *out, long long v)
{
	char d[20];			/* 2^64 has 20 digits */
	char *p = utoa_back(d + sizeof d, magnitude(v));

	if (v < 0)
		buf_putc(out, '-');
	put_grouped(out, p, (size_t)(d + sizeof d - p));
}

/*
 * Next decimal digit of r/b for r < b: computes 10*r = digit*b + r'.
 * Ten additions instead of one multiplication because 10*r overflows when
 * b is above ULLONG_MAX/10; acc + r < 2*b <= 2^64 cannot overflow since
 * both magnitudes are at most 2^63.
 */
static char next_digit(unsigned long long *r, unsigned long long b)
{
	unsigned long long acc = 0;
	char digit = '0';

	for (int i = 0; i < 10; i++) {
		acc += *r;
		if (acc >= b) {
			acc -= b;
			digit++;
		}
	}
	*r = acc;
	return digit;
}

const char *vn_text_for(const char *const (*t)[2], size_t n, const char *code,
			const char *otherwise)
{
	for (size_t i = 0; code && i < n; i++)
		if (strcmp(t[i][0], code) == 0)
			return t[i][1];
	return otherwise;
}

void vn_format_percent(buf *out, long long num, long long den)
{
	/* spare carry digit + quotient (<= 2^63, 19 digits) + 4 digits */
	char d[1 + 20 + 4];
	char *end = d + sizeof d, *frac = end - 4, *p;
	unsigned long long a = magnitude(num), b = magnitude(den), r;
	int neg = (num < 0) != (den < 0);

	if (den == 0) {
		buf_puts(out, "\xE2\x80\x94");	/* U+2014 EM DASH */
		return;
	}
	/* Exact long division: a/b*100 needs two digits, plus two decimals. */
	p = utoa_back(frac, a / b);
	r = a % b;
	for (char *q = frac; q < end; q++)
		*q = next_digit(&r, b);

	/* Round half away from zero on the remainder: r/b >= 1/2. */
	if (r >= b - r) {
		char *q = end;

		while (q > p && q[-1] == '9')
			*--q = '0';
		if (q == p)			/* 99,995 -> 100,00 */
			*--p = '1';
		else
			q[-1]++;
	}

	/* Integer part of the percentage is d[p .. end-2); drop leading 0s. */
	while (p < end - 3 && *p == '0')
		p++;
	if (neg && !(p == end - 3 && !memcmp(p, "000", 3)))
		buf_putc(out, '-');
	put_grouped(out, p, (size_t)(end - 2 - p));
	buf_putc(out, ',');
	buf_put(out, end - 2, 2);
	buf_putc(out, '%');
}

void utf8_clean(const char *s, size_t n, char *out, size_t max)
{
	size_t i = 0, j = 0;
	while (i < n) {
		uint32_t cp = 0;
		size_t k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			if (j + 1 > max)
				break;
			out[j++] = '?';
			i += k ? k : 1;
			continue;
		}
		if (j + k > max)
			break;
		memcpy(out + j, s + i, k);
		j += k;
		i += k;
	}
	out[j] = '\0';
}

size_t vn_control_at(const char *s, size_t n, int spaces_ok)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t pos = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		if ((c & 0xC0) != 0x80)
			pos++;
		if (spaces_ok && (c == '\t' || c == '\n' || c == '\r'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return pos;
		if (c == 0xC2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
			return pos;
		/* E2 80 AA..AE = U+202A..U+202E; E2 81 A6..A9 = U+2066..U+2069 */
		if (c == 0xE2 && i + 2 < n &&
		    ((u[i + 1] == 0x80 && u[i + 2] >= 0xAA && u[i + 2] <= 0xAE) ||
		     (u[i + 1] == 0x81 && u[i + 2] >= 0xA6 && u[i + 2] <= 0xA9)))
			return pos;
	}
	return 0;
}

int vn_has_letter(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t k = utf8_decode((const unsigned char *)s + i, n - i, &c);
		if (k == 0)
			return 0;  /* not valid UTF-8: no name */
		i += k;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
			return 1;
		if (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7)
			return 1;
		if ((c >= 0x370 && c <= 0x137F) ||  /* Greek … Ethiopic (no combining marks) */
		    (c >= 0x1E00 && c <= 0x1EFF) ||  /* Latin Extended Additional: ạ ế ữ … */
		    (c >= 0x3040 && c <= 0x30FF) ||  /* kana */
		    (c >= 0x3400 && c <= 0x9FFF) ||  /* CJK */
		    (c >= 0xAC00 && c <= 0xD7A3))    /* Hangul */
			return 1;
	}
	return 0;
}

const char *vn_skip_bullet(const char *s)
{
	while (*s == ' ' || *s == '-' || *s == '+' || *s == '*')
		s++;
	return s;
}

const char *vn_int_text(arena *a, long long v)
{
	buf b = BUF_INIT;
	vn_format_int(&b, v);
	const char *t = arena_strndup(a, b.p ? b.p : "", b.len);
	buf_free(&b);
	return t;
}

/* Canonical compositions of a Latin letter (U+0000..U+024F, U+1E00..U+1EFF)
 * with one of the marks Vietnamese writes (grave, acute, circumflex, tilde,
 * breve, hook above, horn, dot below), from Unicode's decompositions:
 * {base, mark, composed}, sorted by base then mark. */
static const struct { uint16_t base, mark, composed; } nfc_pairs[] = {
	{0x0041, 0x0300, 0x00C0},
	{0x0041, 0x0301, 0x00C1},
	{0x0041, 0x0302, 0x00C2},
	{0x0041, 0x0303, 0x00C3},
	{0x0041, 0x0306, 0x0102},
	{0x0041, 0x0309, 0x1EA2},
	{0x0041, 0x0323, 0x1EA0},
	{0x0042, 0x0323, 0x1E04},
	{0x0043, 0x0301, 0x0106},
	{0x0043, 0x0302, 0x0108},
	{0x0044, 0x0323, 0x1E0C},
	{0x0045, 0x0300, 0x00C8},
	{0x0045, 0x0301, 0x00C9},
	{0x0045, 0x0302, 0x00CA},
	{0x0045, 0x0303, 0x1EBC},
	{0x0045, 0x0306, 0x0114},
	{0x0045, 0x0309, 0x1EBA},
	{0x0045, 0x0323, 0x1EB8},
	{0x0047, 0x0301, 0x01F4},
	{0x0047, 0x0302, 0x011C},
	{0x0047, 0x0306, 0x011E},
	{0x0048, 0x0302, 0x0124},
	{0x0048, 0x0323, 0x1E24},
	{0x0049, 0x0300, 0x00CC},
	{0x0049, 0x0301, 0x00CD},
	{0x0049, 0x0302, 0x00CE},
	{0x0049, 0x0303, 0x0128},
	{0x0049, 0x0306, 0x012C},
	{0x0049, 0x0309, 0x1EC8},
	{0x0049, 0x0323, 0x1ECA},
	{0x004A, 0x0302, 0x0134},
	{0x004B, 0x0301, 0x1E30},
	{0x004B, 0x0323, 0x1E32},
	{0x004C, 0x0301, 0x0139},
	{0x004C, 0x0323, 0x1E36},
	{0x004D, 0x0301, 0x1E3E},
	{0x004D, 0x0323, 0x1E42},
	{0x004E, 0x0300, 0x01F8},
	{0x004E, 0x0301, 0x0143},
	{0x004E, 0x0303, 0x00D1},
	{0x004E, 0x0323, 0x1E46},
	{0x004F, 0x0300, 0x00D2},
	{0x004F, 0x0301, 0x00D3},
	{0x004F, 0x0302, 0x00D4},
	{0x004F, 0x0303, 0x00D5},
	{0x004F, 0x0306, 0x014E},
	{0x004F, 0x0309, 0x1ECE},
	{0x004F, 0x031B, 0x01A0},
	{0x004F, 0x0323, 0x1ECC},
	{0x0050, 0x0301, 0x1E54},
	{0x0052, 0x0301, 0x0154},
	{0x0052, 0x0323, 0x1E5A},
	{0x0053, 0x0301, 0x015A},
	{0x0053, 0x0302, 0x015C},
	{0x0053, 0x0323, 0x1E62},
	{0x0054, 0x0323, 0x1E6C},
	{0x0055, 0x0300, 0x00D9},
	{0x0055, 0x0301, 0x00DA},
	{0x0055, 0x0302, 0x00DB},
	{0x0055, 0x0303, 0x0168},
	{0x0055, 0x0306, 0x016C},
	{0x0055, 0x0309, 0x1EE6},
	{0x0055, 0x031B, 0x01AF},
	{0x0055, 0x0323, 0x1EE4},
	{0x0056, 0x0303, 0x1E7C},
	{0x0056, 0x0323, 0x1E7E},
	{0x0057, 0x0300, 0x1E80},
	{0x0057, 0x0301, 0x1E82},
	{0x0057, 0x0302, 0x0174},
	{0x0057, 0x0323, 0x1E88},
	{0x0059, 0x0300, 0x1EF2},
	{0x0059, 0x0301, 0x00DD},
	{0x0059, 0x0302, 0x0176},
	{0x0059, 0x0303, 0x1EF8},
	{0x0059, 0x0309, 0x1EF6},
	{0x0059, 0x0323, 0x1EF4},
	{0x005A, 0x0301, 0x0179},
	{0x005A, 0x0302, 0x1E90},
	{0x005A, 0x0323, 0x1E92},
	{0x0061, 0x0300, 0x00E0},
	{0x0061, 0x0301, 0x00E1},
	{0x0061, 0x0302, 0x00E2},
	{0x0061, 0x0303, 0x00E3},
	{0x0061, 0x0306, 0x0103},
	{0x0061, 0x0309, 0x1EA3},
	{0x0061, 0x0323, 0x1EA1},
	{0x0062, 0x0323, 0x1E05},
	{0x0063, 0x0301, 0x0107},
	{0x0063, 0x0302, 0x0109},
	{0x0064, 0x0323, 0x1E0D},
	{0x0065, 0x0300, 0x00E8},
	{0x0065, 0x0301, 0x00E9},
	{0x0065, 0x0302, 0x00EA},
	{0x0065, 0x0303, 0x1EBD},
	{0x0065, 0x0306, 0x0115},
	{0x0065, 0x0309, 0x1EBB},
	{0x0065, 0x0323, 0x1EB9},
	{0x0067, 0x0301, 0x01F5},
	{0x0067, 0x0302, 0x011D},
	{0x0067, 0x0306, 0x011F},
	{0x0068, 0x0302, 0x0125},
	{0x0068, 0x0323, 0x1E25},
	{0x0069, 0x0300, 0x00EC},
	{0x0069, 0x0301, 0x00ED},
	{0x0069, 0x0302, 0x00EE},
	{0x0069, 0x0303, 0x0129},
	{0x0069, 0x0306, 0x012D},
	{0x0069, 0x0309, 0x1EC9},
	{0x0069, 0x0323, 0x1ECB},
	{0x006A, 0x0302, 0x0135},
	{0x006B, 0x0301, 0x1E31},
	{0x006B, 0x0323, 0x1E33},
	{0x006C, 0x0301, 0x013A},
	{0x006C, 0x0323, 0x1E37},
	{0x006D, 0x0301, 0x1E3F},
	{0x006D, 0x0323, 0x1E43},
	{0x006E, 0x0300, 0x01F9},
	{0x006E, 0x0301, 0x0144},
	{0x006E, 0x0303, 0x00F1},
	{0x006E, 0x0323, 0x1E47},
	{0x006F, 0x0300, 0x00F2},
	{0x006F, 0x0301, 0x00F3},
	{0x006F, 0x0302, 0x00F4},
	{0x006F, 0x0303, 0x00F5},
	{0x006F, 0x0306, 0x014F},
	{0x006F, 0x0309, 0x1ECF},
	{0x006F, 0x031B, 0x01A1},
	{0x006F, 0x0323, 0x1ECD},
	{0x0070, 0x0301, 0x1E55},
	{0x0072, 0x0301, 0x0155},
	{0x0072, 0x0323, 0x1E5B},
	{0x0073, 0x0301, 0x015B},
	{0x0073, 0x0302, 0x015D},
	{0x0073, 0x0323, 0x1E63},
	{0x0074, 0x0323, 0x1E6D},
	{0x0075, 0x0300, 0x00F9},
	{0x0075, 0x0301, 0x00FA},
	{0x0075, 0x0302, 0x00FB},
	{0x0075, 0x0303, 0x0169},
	{0x0075, 0x0306, 0x016D},
	{0x0075, 0x0309, 0x1EE7},
	{0x0075, 0x031B, 0x01B0},
	{0x0075, 0x0323, 0x1EE5},
	{0x0076, 0x0303, 0x1E7D},
	{0x0076, 0x0323, 0x1E7F},
	{0x0077, 0x0300, 0x1E81},
	{0x0077, 0x0301, 0x1E83},
	{0x0077, 0x0302, 0x0175},
	{0x0077, 0x0323, 0x1E89},
	{0x0079, 0x0300, 0x1EF3},
	{0x0079, 0x0301, 0x00FD},
	{0x0079, 0x0302, 0x0177},
	{0x0079, 0x0303, 0x1EF9},
	{0x0079, 0x0309, 0x1EF7},
	{0x0079, 0x0323, 0x1EF5},
	{0x007A, 0x0301, 0x017A},
	{0x007A, 0x0302, 0x1E91},
	{0x007A, 0x0323, 0x1E93},
	{0x00C2, 0x0300, 0x1EA6},
	{0x00C2, 0x0301, 0x1EA4},
	{0x00C2, 0x0303, 0x1EAA},
	{0x00C2, 0x0309, 0x1EA8},
	{0x00C5, 0x0301, 0x01FA},
	{0x00C6, 0x0301, 0x01FC},
	{0x00C7, 0x0301, 0x1E08},
	{0x00CA, 0x0300, 0x1EC0},
	{0x00CA, 0x0301, 0x1EBE},
	{0x00CA, 0x0303, 0x1EC4},
	{0x00CA, 0x0309, 0x1EC2},
	{0x00CF, 0x0301, 0x1E2E},
	{0x00D4, 0x0300, 0x1ED2},
	{0x00D4, 0x0301, 0x1ED0},
	{0x00D4, 0x0303, 0x1ED6},
	{0x00D4, 0x0309, 0x1ED4},
	{0x00D5, 0x0301, 0x1E4C},
	{0x00D8, 0x0301, 0x01FE},
	{0x00DC, 0x0300, 0x01DB},
	{0x00DC, 0x0301, 0x01D7},
	{0x00E2, 0x0300, 0x1EA7},
	{0x00E2, 0x0301, 0x1EA5},
	{0x00E2, 0x0303, 0x1EAB},
	{0x00E2, 0x0309, 0x1EA9},
	{0x00E5, 0x0301, 0x01FB},
	{0x00E6, 0x0301, 0x01FD},
	{0x00E7, 0x0301, 0x1E09},
	{0x00EA, 0x0300, 0x1EC1},
	{0x00EA, 0x0301, 0x1EBF},
	{0x00EA, 0x0303, 0x1EC5},
	{0x00EA, 0x0309, 0x1EC3},
	{0x00EF, 0x0301, 0x1E2F},
	{0x00F4, 0x0300, 0x1ED3},
	{0x00F4, 0x0301, 0x1ED1},
	{0x00F4, 0x0303, 0x1ED7},
	{0x00F4, 0x0309, 0x1ED5},
	{0x00F5, 0x0301, 0x1E4D},
	{0x00F8, 0x0301, 0x01FF},
	{0x00FC, 0x0300, 0x01DC},
	{0x00FC, 0x0301, 0x01D8},
	{0x0102, 0x0300, 0x1EB0},
	{0x0102, 0x0301, 0x1EAE},
	{0x0102, 0x0303, 0x1EB4},
	{0x0102, 0x0309, 0x1EB2},
	{0x0103, 0x0300, 0x1EB1},
	{0x0103, 0x0301, 0x1EAF},
	{0x0103, 0x0303, 0x1EB5},
	{0x0103, 0x0309, 0x1EB3},
	{0x0112, 0x0300, 0x1E14},
	{0x0112, 0x0301, 0x1E16},
	{0x0113, 0x0300, 0x1E15},
	{0x0113, 0x0301, 0x1E17},
	{0x014C, 0x0300, 0x1E50},
	{0x014C, 0x0301, 0x1E52},
	{0x014D, 0x0300, 0x1E51},
	{0x014D, 0x0301, 0x1E53},
	{0x0168, 0x0301, 0x1E78},
	{0x0169, 0x0301, 0x1E79},
	{0x01A0, 0x0300, 0x1EDC},
	{0x01A0, 0x0301, 0x1EDA},
	{0x01A0, 0x0303, 0x1EE0},
	{0x01A0, 0x0309, 0x1EDE},
	{0x01A0, 0x0323, 0x1EE2},
	{0x01A1, 0x0300, 0x1EDD},
	{0x01A1, 0x0301, 0x1EDB},
	{0x01A1, 0x0303, 0x1EE1},
	{0x01A1, 0x0309, 0x1EDF},
	{0x01A1, 0x0323, 0x1EE3},
	{0x01AF, 0x0300, 0x1EEA},
	{0x01AF, 0x0301, 0x1EE8},
	{0x01AF, 0x0303, 0x1EEE},
	{0x01AF, 0x0309, 0x1EEC},
	{0x01AF, 0x0323, 0x1EF0},
	{0x01B0, 0x0300, 0x1EEB},
	{0x01B0, 0x0301, 0x1EE9},
	{0x01B0, 0x0303, 0x1EEF},
	{0x01B0, 0x0309, 0x1EED},
	{0x01B0, 0x0323, 0x1EF1},
	{0x0228, 0x0306, 0x1E1C},
	{0x0229, 0x0306, 0x1E1D},
	{0x1EA0, 0x0302, 0x1EAC},
	{0x1EA0, 0x0306, 0x1EB6},
	{0x1EA1, 0x0302, 0x1EAD},
	{0x1EA1, 0x0306, 0x1EB7},
	{0x1EB8, 0x0302, 0x1EC6},
	{0x1EB9, 0x0302, 0x1EC7},
	{0x1ECC, 0x0302, 0x1ED8},
	{0x1ECD, 0x0302, 0x1ED9}
};

static uint32_t nfc_compose(uint32_t base, uint32_t mark)
{
	size_t lo = 0, hi = sizeof nfc_pairs / sizeof nfc_pairs[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		uint32_t b = nfc_pairs[mid].base, m = nfc_pairs[mid].mark;
		if (b == base && m == mark)
			return nfc_pairs[mid].composed;
		if (b < base || (b == base && m < mark))
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Canonical combining class of the marks above; -1 for another
 * combining mark (a sequence with one is left as it is). */
static int nfc_ccc(uint32_t c)
{
	switch (c) {
	case 0x300: case 0x301: case 0x302: case 0x303: case 0x306: case 0x309:
		return 230;
	case 0x31B:
		return 216;
	case 0x323:
		return 220;
	default:
		return c >= 0x300 && c <= 0x36F ? -1 : 0;
	}
}

size_t vn_nfc(char *s, size_t n)
{
	if (!utf8_valid(s, n)) {
		s[n] = '\0';	/* as promised for any text */
		return n;
	}
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0;
	while (i < n) {
		uint32_t st = 0;
		size_t k = utf8_decode(u + i, n - i, &st), start = i;
		i += k;
		/* the run of marks after it */
		uint32_t mk[16];
		int cc[16], nm = 0, other = 0;
		size_t j = i;
		while (j < n) {
			uint32_t c = 0;
			size_t kk = utf8_decode(u + j, n - j, &c);
			int ccc = nfc_ccc(c);
			if (ccc == 0)
				break;
			if (ccc < 0 || nm == 16)
				other = 1;
			else {
				mk[nm] = c;
				cc[nm++] = ccc;
			}
			j += kk;
		}
		if (nm == 0 || other || nfc_ccc(st) != 0) {
			/* nothing to compose: copied as it is */
			memmove(s + o, s + start, j - start);
			o += j - start;
			i = j;
			continue;
		}
		/* canonical order (stable by class), then compose what is not
		 * blocked by an uncomposed mark of the same class */
		for (int a = 1; a < nm; a++)
			for (int b = a; b > 0 && cc[b - 1] > cc[b]; b--) {
				uint32_t t = mk[b];
				int tc = cc[b];
				mk[b] = mk[b - 1], cc[b] = cc[b - 1];
				mk[b - 1] = t, cc[b - 1] = tc;
			}
		uint32_t left[16];
		int nl = 0, composed = 0;
		for (int a = 0; a < nm; a++) {
			uint32_t c = nl && cc[a] == nfc_ccc(left[nl - 1]) ? 0 :
				     st <= 0x1EFF ? nfc_compose(st, mk[a]) : 0;
			if (c) {
				st = c;
				composed = 1;
			} else
				left[nl++] = mk[a];
		}
		char tmp[4 + 16 * 2];
		size_t t = 0;
		if (composed)
			t += put_utf8(st, tmp);
		else {
			memcpy(tmp, s + start, k);
			t = k;
		}
		for (int a = 0; a < nl; a++)
			t += put_utf8(left[a], tmp + t);
		memcpy(s + o, tmp, t);	/* never longer than s[start..j) */
		o += t;
		i = j;
	}
	s[o] = '\0';
	return o;
}
