/* multipart.c - see multipart.h */
#include "multipart.h"

#include <string.h>
#include <strings.h>

/* RFC 2046: 1 to 70 characters from a small set. */
static int bchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       strchr("'()+_,-./:=? ", c) != NULL;
}

const char *multipart_boundary(arena *a, const char *ct)
{
	if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return NULL;
	const char *p = ct + 19;
	while (*p) {
		while (*p == ';' || *p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) == 0) {
			p += 9;
			size_t n;
			if (*p == '"') {
				const char *e = strchr(++p, '"');
				if (!e)
					return NULL;
				n = (size_t)(e - p);
			} else {
				n = strcspn(p, "; \t");
			}
			if (n < 1 || n > 70 || p[n - 1] == ' ')
				return NULL;
			for (size_t i = 0; i < n; i++)
				if (!bchar(p[i]))
					return NULL;
			return arena_strndup(a, p, n);
		}
		p += strcspn(p, ";");
	}
	return NULL;
}

/* A parameter of a Content-Disposition value: name="x" or name=x.  Returns
 * 1 found, 0 absent, -1 malformed or over max. */
static int disp_param(arena *a, const char *v, size_t n, const char *key,
		      size_t maxlen, const char **out)
{
	size_t klen = strlen(key);
	size_t i = 0;
	while (i < n) {
		/* the start of a parameter: after ';' and white space */
		while (i < n && v[i] != ';')
			i++;
		if (i == n)
			return 0;
		i++;
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (n - i > klen && strncasecmp(v + i, key, klen) == 0 && v[i + klen] == '=') {
			i += klen + 1;
			size_t s = i, len;
			if (i < n && v[i] == '"') {
				s = ++i;
				while (i < n && v[i] != '"') {
					if (v[i] == '\\')
						return -1;  /* browsers never escape; refuse */
					i++;
				}
				if (i == n)
					return -1;
				len = i - s;
			} else {
				while (i < n && v[i] != ';' && v[i] != ' ')
					i++;
				len = i - s;
			}
			if (len > maxlen || memchr(v + s, '\0', len))
				return -1;
			*out = arena_strndup(a, v + s, len);
			return 1;
		}
	}
	return 0;
}

static int headers(arena *a, const char *h, size_t n, const mp_limits *lim, mpart *p,
		   const char **why)
{
	int have_disp = 0;
	p->content_type = "";
	while (n > 0) {
		const char *e = memmem(h, n, "\r\n", 2);
		size_t len = e ? (size_t)(e - h) : n;
		const char *colon = memchr(h, ':', len);
		if (!colon) {
			*why = "Phần dữ liệu có dòng tiêu đề sai.";
			return MP_BAD;
		}
		size_t klen = (size_t)(colon - h);
		const char *v = colon + 1;
		size_t vlen = len - klen - 1;
		while (vlen && (*v == ' ' || *v == '\t'))
			v++, vlen--;
		if (klen == 19 && strncasecmp(h, "Content-Disposition", 19) == 0) {
			if (have_disp++ || vlen < 9 || strncasecmp(v, "form-data", 9) != 0) {
				*why = "Phần dữ liệu không phải trường của biểu mẫu.";
				return MP_BAD;
			}
			if (disp_param(a, v, vlen, "name", lim->max_name, &p->name) != 1 ||
			    !*p->name) {
				*why = "Phần dữ liệu thiếu tên trường hoặc tên quá dài.";
				return MP_BAD;
			}
			/* A file name is what the person's computer called the
			 * file (Windows allows 255 UTF-16 characters, ~700 bytes
			 * of Vietnamese in UTF-8): bounded by the header block,
			 * not by max_name, and cut by whoever shows it. */
			if (disp_param(a, v, vlen, "filename", lim->max_header, &p->filename) < 0) {
				*why = "Tên tệp không hợp lệ hoặc quá dài.";
				return MP_BAD;
			}
		} else if (klen == 12 && strncasecmp(h, "Content-Type", 12) == 0) {
			p->content_type = arena_strndup(a, v, vlen > 100 ? 100 : vlen);
		}
		if (!e)
			break;
		n -= len + 2;
		h = e + 2;
	}
	if (!have_disp) {
		*why = "Phần dữ liệu thiếu Content-Disposition.";
		return MP_BAD;
	}
	return MP_OK;
}

int multipart_parse(arena *a, const char *boundary, const char *body, size_t n,
		    const mp_limits *lim, mpart **parts, size_t *nparts,
		    const char **why)
{
	size_t blen = strlen(boundary);
	/* "\r\n--" boundary: the delimiter inside the body */
	char *delim = arena_alloc(a, blen + 5);
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, boundary, blen + 1);
	size_t dlen = blen + 4;

	*parts = arena_calloc(a, lim->max_parts ? lim->max_parts : 1, sizeof(mpart));
	*nparts = 0;
	*why = "Dữ liệu biểu mẫu (multipart) không đúng định dạng.";

	/* The first delimiter may stand at the very start (no CRLF before). */
	const char *p;
	if (n >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		p = body + dlen - 2;
	} else {
		const char *d = memmem(body, n, delim, dlen);
		if (!d)
			return MP_BAD;
		p = d + dlen;
	}
	const char *end = body + n;
	for (;;) {
		/* after a delimiter: "--" closes, CRLF opens a part */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return MP_OK;  /* an epilogue after it is ignored */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;  /* transport padding */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return MP_BAD;
		p += 2;
		if (*nparts == lim->max_parts) {
			*why = "Biểu mẫu có quá nhiều phần dữ liệu.";
			return MP_TOO_MANY;
		}
		size_t room = (size_t)(end - p);
		const char *hend = memmem(p, room < lim->max_header + 4 ? room : lim->max_header + 4,
					  "\r\n\r\n", 4);
		if (!hend) {
			*why = room > lim->max_header ? "Tiêu đề của một phần dữ liệu quá dài."
						       : "Dữ liệu biểu mẫu bị cắt cụt.";
			return MP_BAD;
		}
		mpart *mp = &(*parts)[*nparts];
		memset(mp, 0, sizeof *mp);
		int rc = headers(a, p, (size_t)(hend - p), lim, mp, why);
		if (rc != MP_OK)
			return rc;
		p = hend + 4;
		const char *d = memmem(p, (size_t)(end - p), delim, dlen);
		if (!d) {
			*why = "Dữ liệu biểu mẫu bị cắt cụt.";
			return MP_BAD;
		}
		mp->data = p;
		mp->len = (size_t)(d - p);
		if (mp->len > (mp->filename ? lim->max_file : lim->max_field)) {
			*why = mp->filename ? "Tệp tải lên lớn hơn mức cho phép."
					    : "Một trường của biểu mẫu dài quá mức cho phép.";
			return MP_TOO_BIG;
		}
		(*nparts)++;
		p = d + dlen;
	}
}
