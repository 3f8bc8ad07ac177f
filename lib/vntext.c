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
