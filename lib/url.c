/* url.c - see url.h */
#include "url.h"

#include <string.h>

#include "vntext.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int url_decode(arena *a, const char *s, size_t n, int plus_space,
	       char **out, size_t *outlen)
{
	char *d = arena_alloc(a, n + 1);
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return URL_BAD_ESCAPE;
			int hi = hexval((unsigned char)s[i + 1]);
			int lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return URL_BAD_ESCAPE;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (c == '\0')
			return URL_BAD_ESCAPE;
		d[j++] = (char)c;
	}
	d[j] = '\0';
	if (!utf8_valid(d, j))
		return URL_BAD_UTF8;
	*out = d;
	if (outlen)
		*outlen = j;
	return URL_OK;
}

static kv *list_grow(arena *a, kvlist *l, size_t cap)
{
	if (!l->items)
		l->items = arena_alloc(a, cap * sizeof(kv));
	return &l->items[l->n++];
}

int form_parse(arena *a, const char *s, size_t n, size_t max_pairs,
	       kvlist *out, const char **bad)
{
	out->items = NULL;
	out->n = 0;
	if (bad)
		*bad = NULL;
	size_t i = 0;
	while (i < n) {
		size_t start = i;
		while (i < n && s[i] != '&')
			i++;
		size_t end = i++;
		if (end == start)
			continue;
		if (out->n == max_pairs) {
			if (bad)
				*bad = arena_strndup(a, s + start, end - start);
			return URL_TOO_MANY;
		}
		const char *eq = memchr(s + start, '=', end - start);
		size_t nlen = eq ? (size_t)(eq - (s + start)) : end - start;
		char *name, *value = "";
		size_t vlen = 0;
		int rc = url_decode(a, s + start, nlen, 1, &name, NULL);
		if (rc == URL_OK && eq)
			rc = url_decode(a, eq + 1, end - start - nlen - 1, 1,
					&value, &vlen);
		if (rc != URL_OK) {
			if (bad)
				*bad = arena_strndup(a, s + start, nlen);
			return rc;
		}
		kv *p = list_grow(a, out, max_pairs);
		p->name = name;
		p->value = value;
		p->vlen = vlen;
	}
	return URL_OK;
}

static int is_cookie_space(char c)
{
	return c == ' ' || c == '\t';
}

int cookie_parse(arena *a, const char *s, size_t n, size_t max_pairs,
		 kvlist *out)
{
	out->items = NULL;
	out->n = 0;
	size_t i = 0;
	while (i < n) {
		while (i < n && (is_cookie_space(s[i]) || s[i] == ';'))
			i++;
		if (i == n)
			break;
		size_t start = i;
		while (i < n && s[i] != ';')
			i++;
		size_t end = i;
		while (end > start && is_cookie_space(s[end - 1]))
			end--;
		const char *eq = memchr(s + start, '=', end - start);
		if (!eq || eq == s + start)
			return URL_BAD_SYNTAX;
		if (out->n == max_pairs)
			return URL_TOO_MANY;
		size_t nlen = (size_t)(eq - (s + start));
		while (nlen && is_cookie_space(s[start + nlen - 1]))
			nlen--;
		const char *v = eq + 1;
		size_t vlen = (size_t)(s + end - v);
		while (vlen && is_cookie_space(*v)) {
			v++;
			vlen--;
		}
		if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
			v++;
			vlen -= 2;
		}
		for (size_t k = 0; k < vlen; k++) {
			unsigned char c = (unsigned char)v[k];
			/* RFC 6265 cookie-octet: no controls, space, DQUOTE,
			 * comma, semicolon, backslash or non-ASCII. */
			if (c < 0x21 || c == '"' || c == ',' || c == '\\' ||
			    c >= 0x7f)
				return URL_BAD_SYNTAX;
		}
		for (size_t k = 0; k < nlen; k++) {
			unsigned char c = (unsigned char)s[start + k];
			if (c < 0x21 || c >= 0x7f || strchr("()<>@,;:\\\"/[]?={}", c))
				return URL_BAD_SYNTAX;
		}
		kv *p = list_grow(a, out, max_pairs);
		p->name = arena_strndup(a, s + start, nlen);
		p->value = arena_strndup(a, v, vlen);
		p->vlen = vlen;
	}
	return URL_OK;
}

int path_split(arena *a, const char *s, size_t n, size_t max_segs,
	       char ***segs, size_t *nsegs, int *trailing_slash)
{
	*segs = NULL;
	*nsegs = 0;
	*trailing_slash = 0;
	if (n == 0 || s[0] != '/')
		return URL_BAD_PATH;
	char **v = arena_alloc(a, (max_segs ? max_segs : 1) * sizeof(char *));
	size_t count = 0, i = 0;
	while (i < n) {
		while (i < n && s[i] == '/')
			i++;
		if (i == n) {
			*trailing_slash = count > 0;
			break;
		}
		size_t start = i;
		while (i < n && s[i] != '/')
			i++;
		char *seg;
		size_t len;
		int rc = url_decode(a, s + start, i - start, 0, &seg, &len);
		if (rc != URL_OK)
			return rc;
		if (len == 0 || memchr(seg, '/', len) ||
		    strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0)
			return URL_BAD_PATH;
		if (count == max_segs)
			return URL_TOO_LONG;
		v[count++] = seg;
	}
	*segs = v;
	*nsegs = count;
	return URL_OK;
}

const kv *kv_find(const kvlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}

char *url_encode(arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *d = arena_alloc(a, 3 * n + 1), *p = d;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return d;
}

void cookie_salvage(arena *a, const char *s, size_t n, const char *const *names,
		    kvlist *out)
{
	size_t want = 0;
	while (names[want])
		want++;
	out->items = arena_calloc(a, want ? want : 1, sizeof(kv));
	out->n = 0;
	size_t i = 0;
	while (i < n && out->n < want) {
		size_t start = i;
		while (i < n && s[i] != ';')
			i++;
		size_t end = i++;
		while (start < end && (s[start] == ' ' || s[start] == '\t'))
			start++;
		const char *eq = memchr(s + start, '=', end - start);
		if (!eq)
			continue;
		size_t nlen = (size_t)(eq - (s + start)), vlen = end - (size_t)(eq + 1 - s);
		for (size_t k = 0; k < want; k++) {
			if (strlen(names[k]) != nlen || memcmp(names[k], s + start, nlen) != 0 ||
			    kv_find(out, names[k]))
				continue;
			const char *v = eq + 1;
			size_t ok = 0;
			while (ok < vlen && ((v[ok] >= '0' && v[ok] <= '9') || (v[ok] >= 'a' && v[ok] <= 'z') ||
					     (v[ok] >= 'A' && v[ok] <= 'Z')))
				ok++;
			if (ok != vlen)
				break;
			kv *p = &out->items[out->n++];
			p->name = names[k];
			p->value = arena_strndup(a, v, vlen);
			p->vlen = vlen;
			break;
		}
	}
}
