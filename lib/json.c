/*
 * json.c - see json.h for the promises.
 *
 * json_str copies runs of bytes that need no escaping with one buf_put, so
 * the common case (plain Vietnamese text) costs a scan and a memcpy.
 */
#include "json.h"

#include <string.h>

#include "vntext.h"		/* utf8_decode (static inline, no link dep) */

/* Bytes that cannot be copied verbatim into a JSON string. */
static inline int json_special(unsigned char c)
{
	return c < 0x20 || c >= 0x80 || c == '"' || c == '\\' ||
	       c == '<' || c == '>' || c == '&';
}

/* Append \u followed by four lowercase hex digits. */
static void put_u_escape(buf *out, unsigned cp)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', hex[cp >> 12 & 0xF], hex[cp >> 8 & 0xF],
		      hex[cp >> 4 & 0xF], hex[cp & 0xF] };

	buf_put(out, e, sizeof e);
}

/* Escape one ASCII byte for which json_special() is true. */
static void put_ascii_escape(buf *out, unsigned char c)
{
	const char *e;

	switch (c) {
	case '"':
		e = "\\\"";
		break;
	case '\\':
		e = "\\\\";
		break;
	case '\b':
		e = "\\b";
		break;
	case '\f':
		e = "\\f";
		break;
	case '\n':
		e = "\\n";
		break;
	case '\r':
		e = "\\r";
		break;
	case '\t':
		e = "\\t";
		break;
	default:			/* other controls, and < > & */
		put_u_escape(out, c);
		return;
	}
	buf_put(out, e, 2);
}

/*
 * Handle the non-ASCII sequence at s[0..n); returns bytes consumed.
 * Valid characters are copied as UTF-8 (smaller than \u escapes and
 * readable), except the two that end a line in old JavaScript.
 */
static size_t put_non_ascii(buf *out, const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len = utf8_decode(s, n, &cp);

	if (!len) {
		buf_put(out, "\xEF\xBF\xBD", 3);	/* U+FFFD */
		return 1;
	}
	if (cp == 0x2028 || cp == 0x2029)
		put_u_escape(out, cp);
	else
		buf_put(out, s, len);
	return len;
}

void json_str(buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	buf_reserve(out, n + 2);
	buf_putc(out, '"');
	while (i < n) {
		size_t start = i;

		while (i < n && !json_special(u[i]))
			i++;
		if (i > start)
			buf_put(out, u + start, i - start);
		if (i == n)
			break;
		if (u[i] < 0x80)
			put_ascii_escape(out, u[i++]);
		else
			i += put_non_ascii(out, u + i, n - i);
	}
	buf_putc(out, '"');
}

void json_cstr(buf *out, const char *s)
{
	if (s)
		json_str(out, s, strlen(s));
	else
		buf_put(out, "null", 4);
}

void json_int(buf *out, long long v)
{
	char d[21];			/* '-' and 20 digits */
	char *p = d + sizeof d;
	/* Negate in unsigned: -LLONG_MIN overflows long long. */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
				     : (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	buf_put(out, p, (size_t)(d + sizeof d - p));
}

void json_key(buf *out, const char *key)
{
	json_str(out, key, strlen(key));
	buf_putc(out, ':');
}
