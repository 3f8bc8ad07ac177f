/* form.c - see form.h */
#include "form.h"

#include <stdlib.h>
#include <string.h>

#include "vntext.h"

static int fail(arena *a, form_error *err, const char *field,
		const char *why, const char *hint)
{
	err->field = field;
	err->reason = hint ? arena_printf(a, "%s: %s.", why, hint) : arena_printf(a, "%s.", why);
	err->message = arena_printf(a, "Tham số “%s” %s", field, err->reason);
	return -1;
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* A copy with each CR LF (and a lone CR) made one LF; *n is updated. */
static const char *lf_lines(arena *a, const char *v, size_t *n)
{
	if (!memchr(v, '\r', *n))
		return v;
	char *s = arena_alloc(a, *n + 1), *o = s;
	for (size_t i = 0; i < *n; i++) {
		if (v[i] == '\r') {
			*o++ = '\n';
			if (i + 1 < *n && v[i + 1] == '\n')
				i++;
		} else {
			*o++ = v[i];
		}
	}
	*o = '\0';
	*n = (size_t)(o - s);
	return s;
}

/* A copy with each tab and line break made a space. */
static const char *one_line(arena *a, const char *v, size_t n)
{
	if (!memchr(v, '\t', n) && !memchr(v, '\n', n) && !memchr(v, '\r', n))
		return v;
	char *s = arena_strndup(a, v, n);
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			s[i] = ' ';
	return s;
}

size_t form_space_at(const char *s)
{
	if (*s == ' ' || *s == '\t')
		return 1;
	if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
		return 2;
	return 0;
}

int form_blank(const char *s)
{
	if (!s)
		return 1;
	for (size_t k; *s; s += k)
		if (!(k = form_space_at(s)))
			return 0;
	return 1;
}

size_t form_trimmed(const char *s, const char **start)
{
	for (size_t k; (k = form_space_at(s)); )
		s += k;
	size_t n = strlen(s);
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		else if (n >= 2 && form_space_at(s + n - 2) == 2)
			n -= 2;
		else
			break;
	}
	*start = s;
	return n;
}

const char *form_trim(arena *a, const char *s)
{
	size_t n = form_trimmed(s, &s);
	return arena_strndup(a, s, n);
}

/* At most max characters of valid UTF-8 s[0..n), each control character
 * as ctrl; NULL when s is not valid UTF-8. */
static const char *cut_shown(arena *a, const char *s, size_t n, size_t max, char ctrl)
{
	if (!utf8_valid(s, n))
		return NULL;
	char *out = arena_alloc(a, n + 1), *o = out;
	size_t i = 0;
	for (size_t chars = 0; i < n && chars < max; chars++) {
		uint32_t cp = 0;
		size_t k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k == 0)
			break;  /* cannot happen after utf8_valid, but never loop */
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			*o++ = ctrl;
		} else {
			memcpy(o, s + i, k);
			o += k;
		}
		i += k;
	}
	*o = '\0';
	return out;
}

const char *field_name_shown(arena *a, const char *name, size_t n)
{
	/* A name we did not declare comes from the client: show at most 40
	 * characters of it, valid UTF-8, each control character as '?'. */
	const char *s = cut_shown(a, name, n, 40, '?');
	return s ? s : "(tên không hợp lệ)";
}

const char *form_typed(arena *a, const kvlist *in, const char *name, size_t max_chars)
{
	for (size_t i = 0; i < in->n; i++)
		if (strcmp(in->items[i].name, name) == 0)
			return cut_shown(a, in->items[i].value, in->items[i].vlen, max_chars, ' ');
	return NULL;
}

/* YYYY-MM-DD of a real day, years 1900-2199. */
static int date_ok(const char *v, size_t n, long long *out)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (n != 10 || v[4] != '-' || v[7] != '-')
		return 0;
	int d[8], k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 4 || i == 7)
			continue;
		if (v[i] < '0' || v[i] > '9')
			return 0;
		d[k++] = v[i] - '0';
	}
	int y = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
	int m = d[4] * 10 + d[5], day = d[6] * 10 + d[7];
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && day == 29 && !leap)
		return 0;
	*out = (long long)y * 10000 + m * 100 + day;
	return 1;
}

/* Whole đồng: digits, optionally grouped by dots ("150.000").  1 valid,
 * 0 malformed, -1 over max. */
static int money_ok(const char *v, size_t n, long long max, long long *out)
{
	long long x = 0;
	size_t digits = 0, group = 0;
	int dotted = 0;
	if (n == 0 || n > 24 || v[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '.') {
			if ((dotted && group != 3) || (!dotted && (group < 1 || group > 3)))
				return 0;
			dotted = 1;
			group = 0;
			continue;
		}
		if (v[i] < '0' || v[i] > '9')
			return 0;
		if (++digits > 16)
			return -1;
		x = x * 10 + (v[i] - '0');
		group++;
	}
	if (dotted && group != 3)
		return 0;
	if (x > max)
		return -1;
	*out = x;
	return 1;
}

int field_check(arena *a, const field_spec *sp, const char *v, size_t n,
		field_value *out, form_error *err)
{
	out->name = sp->name;
	out->s = v;
	out->len = n;
	out->i = 0;
	if (!utf8_valid(v, n))
		return fail(a, err, sp->name, "không phải văn bản UTF-8 hợp lệ", NULL);
	switch (sp->type) {
	case FT_PARA:
		v = lf_lines(a, v, &n);
		out->s = v;
		out->len = n;
		/* fall through */
	case FT_TEXT:
	case FT_LINE:
		if (utf8_chars(v, n) > sp->max_chars)
			return fail(a, err, sp->name,
				    arena_printf(a, "dài quá %zu ký tự", sp->max_chars),
				    sp->hint);
		size_t at = vn_control_at(v, n, sp->type != FT_TEXT);
		if (at)
			/* the length hint would mislead here: say where it is */
			return fail(a, err, sp->name,
				    arena_printf(a, "có ký tự điều khiển không gõ được "
						 "(ký tự thứ %zu); hãy xoá nó rồi thử lại", at),
				    NULL);
		if (sp->type == FT_LINE)
			out->s = one_line(a, v, n);
		return 0;
	case FT_INT: {
		if (n == 0)
			return fail(a, err, sp->name, "để trống", sp->hint);
		if (n > 18)
			return fail(a, err, sp->name, "không hợp lệ", sp->hint);
		/* Read exactly n bytes: the value need not be NUL-terminated. */
		int neg = v[0] == '-';
		long long x = 0;
		if (neg && n == 1)
			return fail(a, err, sp->name, "phải là một số", sp->hint);
		for (size_t i = neg; i < n; i++) {
			if (v[i] < '0' || v[i] > '9')
				return fail(a, err, sp->name, "phải là một số", sp->hint);
			x = x * 10 + (v[i] - '0');   /* 18 digits cannot overflow */
		}
		if (neg)
			x = -x;
		if (x < sp->min || x > sp->max)
			return fail(a, err, sp->name,
				    arena_printf(a, "phải từ %lld đến %lld", sp->min, sp->max),
				    sp->hint);
		out->i = x;
		return 0;
	}
	case FT_ENUM:
		for (long long i = 0; sp->choices[i]; i++)
			if (strlen(sp->choices[i]) == n && memcmp(sp->choices[i], v, n) == 0) {
				out->i = i;
				return 0;
			}
		return fail(a, err, sp->name, "không thuộc các giá trị cho phép", sp->hint);
	case FT_PATTERN:
		if (utf8_chars(v, n) > sp->max_chars || !sp->check(v, n))
			return fail(a, err, sp->name, "không đúng định dạng", sp->hint);
		return 0;
	case FT_DATE:
		if (!date_ok(v, n, &out->i))
			return fail(a, err, sp->name, "không phải ngày hợp lệ (năm-tháng-ngày)", sp->hint);
		if ((sp->min && out->i < sp->min) || (sp->max && out->i > sp->max))
			return fail(a, err, sp->name, "nằm ngoài khoảng cho phép", sp->hint);
		return 0;
	case FT_MONEY: {
		long long max = sp->max ? sp->max : 1000000000000000LL;
		int r = money_ok(v, n, max, &out->i);
		if (r == 0)
			return fail(a, err, sp->name, "phải là số tiền nguyên đồng, chỉ gồm chữ số", sp->hint);
		if (r < 0 || out->i < sp->min)
			return fail(a, err, sp->name,
				    arena_printf(a, "phải từ %lld đến %lld đồng", sp->min, max), sp->hint);
		return 0;
	}
	}
	return fail(a, err, sp->name, "không hợp lệ", NULL);
}

void form_drop_empty(kvlist *in, const field_spec *specs)
{
	size_t k = 0;
	for (size_t i = 0; i < in->n; i++) {
		const kv *p = &in->items[i];
		int drop = 0;
		for (size_t j = 0; p->vlen == 0 && specs && specs[j].name; j++)
			if (strcmp(specs[j].name, p->name) == 0)
				drop = specs[j].type != FT_TEXT && specs[j].type != FT_LINE &&
				       specs[j].type != FT_PARA;
		if (!drop)
			in->items[k++] = *p;
	}
	in->n = k;
}

static int tracking_name(const char *name)
{
	static const char *const names[] = {"zarsrc", "fbclid", "gclid", "_gl", NULL};
	if (strncmp(name, "utm_", 4) == 0)
		return 1;
	for (int i = 0; names[i]; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

void query_drop_tracking(kvlist *in, const field_spec *specs)
{
	size_t k = 0;
	for (size_t i = 0; i < in->n; i++) {
		const kv *p = &in->items[i];
		int drop = tracking_name(p->name);
		for (size_t j = 0; drop && specs && specs[j].name; j++)
			if (strcmp(specs[j].name, p->name) == 0)
				drop = 0;
		if (!drop)
			in->items[k++] = *p;
	}
	in->n = k;
}

int form_validate(arena *a, const kvlist *in, const field_spec *specs,
		  field_value **out, form_error *err)
{
	size_t nspecs = 0;
	while (specs && specs[nspecs].name)
		nspecs++;
	field_value *vals = arena_calloc(a, nspecs ? nspecs : 1, sizeof(*vals));
	for (size_t k = 0; k < nspecs; k++)
		vals[k].name = specs[k].name;
	*out = vals;

	for (size_t i = 0; i < in->n; i++) {
		const kv *p = &in->items[i];
		size_t k = 0;
		while (k < nspecs && strcmp(specs[k].name, p->name) != 0)
			k++;
		if (k == nspecs) {
			return fail(a, err, field_name_shown(a, p->name, strlen(p->name)),
				    "không được hỗ trợ ở trang này", NULL);
		}
		if (vals[k].s)
			return fail(a, err, specs[k].name, "xuất hiện nhiều lần", NULL);
		if (field_check(a, &specs[k], p->value, p->vlen, &vals[k], err) < 0)
			return -1;
	}
	return 0;
}
