/*
 * jsonparse.c - see jsonparse.h.
 *
 * A recursive-descent parser; recursion depth is capped at JSON_MAX_DEPTH
 * so the C stack use is bounded.  Finished children are pushed onto one
 * scratch stack shared by all nesting levels; when a container closes its
 * children are copied into an exact-size arena array.  That way the arena
 * wastes at most the scratch stack's growth (bounded by the widest level
 * seen), not a doubling array per container.  The scratch stack may move
 * when it grows, so only indices into it are ever kept.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* newlocale, strtod_l */
#endif
#include "jsonparse.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vntext.h"

/* A finished child waiting for its container to close. */
struct slot {
	const char *key;	/* object members only */
	size_t klen;
	size_t koff;		/* key offset in the input, for messages */
	json_value v;
};

struct parser {
	arena *a;
	const unsigned char *start, *p, *end;
	unsigned depth;
	struct slot *stack;
	size_t sp, cap;
	char *err;
	size_t errlen;
	bool failed;
	const unsigned char *fail_pos;	/* the first failure's place and */
	const char *fail_msg;		/* message, for json_parse_ex */
};

/* Objects up to this size are checked for duplicate keys pairwise. */
#define DUP_LINEAR_MAX 16

static void fail_at(struct parser *ps, const unsigned char *at,
		    const char *msg)
{
	if (ps->failed)
		return;	/* keep the first, innermost message */
	ps->failed = true;
	ps->fail_pos = at;
	ps->fail_msg = msg;
	if (ps->err && ps->errlen)
		snprintf(ps->err, ps->errlen, "offset %zu: %s",
			 (size_t)(at - ps->start), msg);
}

static void fail(struct parser *ps, const char *msg)
{
	fail_at(ps, ps->p, msg);
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end) {
		unsigned char c = *ps->p;

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		ps->p++;
	}
}

static struct slot *push(struct parser *ps)
{
	if (ps->sp == ps->cap) {
		size_t ncap = ps->cap ? ps->cap * 2 : 16;
		struct slot *ns = arena_alloc(ps->a, ncap * sizeof(*ns));

		if (ps->sp)
			memcpy(ns, ps->stack, ps->sp * sizeof(*ns));
		ps->stack = ns;
		ps->cap = ncap;
	}
	return &ps->stack[ps->sp++];
}

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at p, 0 if invalid (see vntext.h). */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	uint32_t cp;
	return utf8_decode(p, (size_t)(end - p), &cp);
}

static size_t utf8_put(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* ---- strings ---- */

static int hex4(const unsigned char *p, const unsigned char *end,
		unsigned long *out)
{
	unsigned long v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		unsigned char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned long)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * Decode a \u escape at ps->p (pointing at the 'u'), joining a surrogate
 * pair.  Writes UTF-8 to o and returns its length, or 0 on error.
 */
static size_t decode_u(struct parser *ps, char *o)
{
	const unsigned char *esc = ps->p - 1;
	unsigned long cp, lo;

	if (hex4(ps->p + 1, ps->end, &cp)) {
		fail_at(ps, esc, "bad \\u escape");
		return 0;
	}
	ps->p += 5;
	if (cp == 0) {
		fail_at(ps, esc, "\\u0000 not allowed in strings");
		return 0;
	}
	if (cp >= 0xDC00 && cp <= 0xDFFF) {
		fail_at(ps, esc, "lone low surrogate");
		return 0;
	}
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (ps->end - ps->p < 6 || ps->p[0] != '\\' ||
		    ps->p[1] != 'u' || hex4(ps->p + 2, ps->end, &lo) ||
		    lo < 0xDC00 || lo > 0xDFFF) {
			fail_at(ps, esc, "lone high surrogate");
			return 0;
		}
		ps->p += 6;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	return utf8_put(o, cp);
}

/* One escape at ps->p (pointing after the backslash); 0 on error. */
static size_t decode_escape(struct parser *ps, char *o)
{
	char c;

	if (ps->p >= ps->end) {
		fail(ps, "unterminated string");
		return 0;
	}
	switch (*ps->p) {
	case '"':  c = '"';  break;
	case '\\': c = '\\'; break;
	case '/':  c = '/';  break;
	case 'b':  c = '\b'; break;
	case 'f':  c = '\f'; break;
	case 'n':  c = '\n'; break;
	case 'r':  c = '\r'; break;
	case 't':  c = '\t'; break;
	case 'u':
		return decode_u(ps, o);
	default:
		fail_at(ps, ps->p - 1, "bad escape");
		return 0;
	}
	ps->p++;
	*o = c;
	return 1;
}

/*
 * Find the closing quote of the string whose body starts at p, without
 * validating: it bounds the decode buffer, since decoding never grows
 * (every escape is at least as long as the UTF-8 it stands for).
 */
static const unsigned char *string_end(const unsigned char *p,
				       const unsigned char *end)
{
	while (p < end) {
		if (*p == '"')
			return p;
		if (*p == '\\') {
			if (end - p < 2)
				break;
			p++;
		}
		p++;
	}
	return NULL;
}

/* Parse a string at ps->p (on the opening quote) into *out / *outlen. */
static int parse_string(struct parser *ps, const char **out, size_t *outlen)
{
	const unsigned char *q, *open = ps->p;
	char *text, *o;

	ps->p++;
	q = string_end(ps->p, ps->end);
	if (!q) {
		fail_at(ps, open, "unterminated string");
		return -1;
	}
	o = text = arena_alloc(ps->a, (size_t)(q - ps->p) + 1);
	while (ps->p < q) {
		unsigned char c = *ps->p;
		size_t k;

		if (c >= 0x20 && c < 0x80 && c != '\\') {
			/* Plain ASCII: the common case, keep it cheap. */
			*o++ = (char)c;
			ps->p++;
			continue;
		}
		if (c == '\\') {
			ps->p++;
			k = decode_escape(ps, o);
			if (!k)
				return -1;
			o += k;
			continue;
		}
		if (c < 0x20) {
			fail(ps, "unescaped control character in string");
			return -1;
		}
		k = utf8_seq(ps->p, q);
		if (!k) {
			fail(ps, "invalid UTF-8 in string");
			return -1;
		}
		memcpy(o, ps->p, k);
		o += k;
		ps->p += k;
	}
	/*
	 * No escape can swallow q: string_end skipped any quote right after
	 * a backslash, and a \u escape running into q fails on its '"'.
	 */
	ps->p = q + 1;
	*o = '\0';
	*out = text;
	*outlen = (size_t)(o - text);
	return 0;
}

/* ---- numbers ---- */

static bool is_digit(const struct parser *ps)
{
	return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static void skip_digits(struct parser *ps)
{
	while (is_digit(ps))
		ps->p++;
}

static int parse_number(struct parser *ps, json_value *v)
{
	const unsigned char *s = ps->p;

	if (*ps->p == '-')
		ps->p++;
	if (!is_digit(ps)) {
		fail(ps, "bad number");
		return -1;
	}
	if (*ps->p == '0') {
		ps->p++;
		if (is_digit(ps)) {
			fail_at(ps, s, "leading zero in number");
			return -1;
		}
	} else {
		skip_digits(ps);
	}
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!is_digit(ps)) {
			fail(ps, "digit expected after decimal point");
			return -1;
		}
		skip_digits(ps);
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!is_digit(ps)) {
			fail(ps, "digit expected in exponent");
			return -1;
		}
		skip_digits(ps);
	}
	v->type = JSON_NUMBER;
	v->len = (size_t)(ps->p - s);
	v->num = arena_strndup(ps->a, (const char *)s, v->len);
	return 0;
}

/* ---- containers ---- */

static int parse_value(struct parser *ps, json_value *v);

static json_value *pop_items(struct parser *ps, size_t base)
{
	size_t n = ps->sp - base, i;
	json_value *items;

	if (!n)
		return NULL;
	items = arena_alloc(ps->a, n * sizeof(*items));
	for (i = 0; i < n; i++)
		items[i] = ps->stack[base + i].v;
	return items;
}

static int parse_array(struct parser *ps, json_value *v)
{
	size_t base = ps->sp;

	ps->p++;	/* '[' */
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		goto done;
	}
	for (;;) {
		json_value item;

		if (parse_value(ps, &item))
			return -1;
		push(ps)->v = item;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			break;
		}
		fail(ps, "',' or ']' expected");
		return -1;
	}
done:
	v->type = JSON_ARRAY;
	v->n = ps->sp - base;
	v->items = pop_items(ps, base);
	ps->sp = base;
	return 0;
}

struct keyref {
	const char *key;
	size_t len, off;
};

static int keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	/* Tie-break on position so the later duplicate is reported. */
	return x->off < y->off ? -1 : x->off > y->off;
}

static bool same_key(const struct slot *x, const struct slot *y)
{
	return x->klen == y->klen && !memcmp(x->key, y->key, x->klen);
}

/*
 * Reject duplicate keys among stack[base..sp).  Small objects pairwise;
 * large ones by sorting copies, so a hostile object with many keys costs
 * O(n log n) rather than O(n^2).
 */
static int check_dups(struct parser *ps, size_t base)
{
	size_t n = ps->sp - base, i, j, dup = SIZE_MAX;
	const struct slot *s = ps->stack + base;

	if (n <= DUP_LINEAR_MAX) {
		for (i = 1; i < n && dup == SIZE_MAX; i++)
			for (j = 0; j < i; j++)
				if (same_key(&s[i], &s[j])) {
					dup = s[i].koff;
					break;
				}
	} else {
		struct keyref *k = arena_alloc(ps->a, n * sizeof(*k));

		for (i = 0; i < n; i++) {
			k[i].key = s[i].key;
			k[i].len = s[i].klen;
			k[i].off = s[i].koff;
		}
		qsort(k, n, sizeof(*k), keyref_cmp);
		for (i = 1; i < n; i++)
			if (k[i].len == k[i - 1].len &&
			    !memcmp(k[i].key, k[i - 1].key, k[i].len) &&
			    k[i].off < dup)
				dup = k[i].off;
	}
	if (dup == SIZE_MAX)
		return 0;
	fail_at(ps, ps->start + dup, "duplicate key in object");
	return -1;
}

static int parse_member(struct parser *ps)
{
	const unsigned char *kat = ps->p;
	const char *key;
	size_t klen;
	json_value val;
	struct slot *s;

	if (ps->p >= ps->end || *ps->p != '"') {
		fail(ps, "string key expected");
		return -1;
	}
	if (parse_string(ps, &key, &klen))
		return -1;
	skip_ws(ps);
	if (ps->p >= ps->end || *ps->p != ':') {
		fail(ps, "':' expected");
		return -1;
	}
	ps->p++;
	if (parse_value(ps, &val))
		return -1;
	s = push(ps);
	s->key = key;
	s->klen = klen;
	s->koff = (size_t)(kat - ps->start);
	s->v = val;
	return 0;
}

static int parse_object(struct parser *ps, json_value *v)
{
	size_t base = ps->sp, i;

	ps->p++;	/* '{' */
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		goto done;
	}
	for (;;) {
		skip_ws(ps);
		if (parse_member(ps))
			return -1;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			break;
		}
		fail(ps, "',' or '}' expected");
		return -1;
	}
	if (check_dups(ps, base))
		return -1;
done:
	v->type = JSON_OBJECT;
	v->n = ps->sp - base;
	v->keys = NULL;
	if (v->n) {
		v->keys = arena_alloc(ps->a, v->n * sizeof(*v->keys));
		for (i = 0; i < v->n; i++)
			v->keys[i] = ps->stack[base + i].key;
	}
	v->items = pop_items(ps, base);
	ps->sp = base;
	return 0;
}

static int parse_container(struct parser *ps, json_value *v)
{
	int rc;

	if (ps->depth >= JSON_MAX_DEPTH) {
		fail(ps, "nesting too deep");
		return -1;
	}
	ps->depth++;
	rc = *ps->p == '[' ? parse_array(ps, v) : parse_object(ps, v);
	ps->depth--;
	return rc;
}

static int parse_literal(struct parser *ps, json_value *v, const char *word,
			 json_type t)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n)) {
		fail(ps, "unexpected character");
		return -1;
	}
	ps->p += n;
	v->type = t;
	return 0;
}

static int parse_value(struct parser *ps, json_value *v)
{
	memset(v, 0, sizeof(*v));
	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, "unexpected end of input");
		return -1;
	}
	switch (*ps->p) {
	case '{':
	case '[':
		return parse_container(ps, v);
	case '"':
		v->type = JSON_STRING;
		return parse_string(ps, &v->str, &v->len);
	case 't':
		return parse_literal(ps, v, "true", JSON_TRUE);
	case 'f':
		return parse_literal(ps, v, "false", JSON_FALSE);
	case 'n':
		return parse_literal(ps, v, "null", JSON_NULL);
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return parse_number(ps, v);
		fail(ps, "unexpected character");
		return -1;
	}
}

static json_value *parse_all(struct parser *ps, arena *a, const char *s, size_t n)
{
	static const char empty[1];
	json_value v, *root;

	ps->a = a;
	if (!s)
		s = empty;	/* n must be 0 then; avoids NULL arithmetic */
	ps->start = ps->p = (const unsigned char *)s;
	ps->end = ps->start + n;
	if (ps->err && ps->errlen)
		ps->err[0] = '\0';
	if (parse_value(ps, &v))
		return NULL;
	skip_ws(ps);
	if (ps->p != ps->end) {
		fail(ps, "trailing characters after value");
		return NULL;
	}
	root = arena_alloc(a, sizeof(*root));
	*root = v;
	return root;
}

json_value *json_parse(arena *a, const char *s, size_t n,
		       char *err, size_t errlen)
{
	struct parser ps = {
		.err = err,
		.errlen = errlen,
	};

	return parse_all(&ps, a, s, n);
}

/* Every message of the parser, in Vietnamese. */
static const struct {
	const char *en, *vi;
} messages_vi[] = {
	{"bad \\u escape", "mã \\u phải có đúng 4 chữ số hệ 16"},
	{"\\u0000 not allowed in strings", "chuỗi không được chứa \\u0000"},
	{"lone low surrogate", "nửa sau của cặp \\u (\\uDC00–\\uDFFF) đứng một mình"},
	{"lone high surrogate", "nửa đầu của cặp \\u (\\uD800–\\uDBFF) thiếu nửa sau"},
	{"unterminated string", "chuỗi chưa có dấu ngoặc kép đóng"},
	{"bad escape", "sau dấu \\ chỉ được là \" \\ / b f n r t hoặc u"},
	{"unescaped control character in string",
	 "ký tự điều khiển trong chuỗi phải viết dạng thoát (\\n, \\t, \\u00XX)"},
	{"invalid UTF-8 in string", "chuỗi không phải UTF-8 hợp lệ"},
	{"bad number", "số sai dạng"},
	{"leading zero in number", "số không được bắt đầu bằng chữ số 0"},
	{"digit expected after decimal point", "thiếu chữ số sau dấu chấm thập phân"},
	{"digit expected in exponent", "thiếu chữ số ở phần số mũ"},
	{"',' or ']' expected", "cần dấu ',' hoặc ']'"},
	{"duplicate key in object", "khóa bị lặp trong cùng một đối tượng"},
	{"string key expected", "cần tên khóa trong dấu ngoặc kép"},
	{"':' expected", "cần dấu ':' sau tên khóa"},
	{"',' or '}' expected", "cần dấu ',' hoặc '}'"},
	{"nesting too deep", "lồng quá 64 tầng mảng/đối tượng"},
	{"unexpected character", "ký tự không hợp lệ ở đây (chuỗi cần ngoặc kép; chỉ có true, false, null)"},
	{"unexpected end of input", "nội dung kết thúc khi còn thiếu giá trị"},
	{"trailing characters after value", "còn ký tự thừa sau giá trị JSON"},
};

static bool plain_key_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

json_value *json_parse_ex(arena *a, const char *s, size_t n, json_error *e)
{
	struct parser ps = {0};
	json_value *root = parse_all(&ps, a, s, n);
	size_t i;

	if (root || !e)
		return root;
	memset(e, 0, sizeof(*e));
	e->offset = (size_t)(ps.fail_pos - ps.start);
	e->what = ps.fail_msg ? ps.fail_msg : "invalid JSON";
	e->what_vi = "JSON không hợp lệ";
	for (i = 0; i < sizeof(messages_vi) / sizeof(messages_vi[0]); i++)
		if (!strcmp(messages_vi[i].en, e->what))
			e->what_vi = messages_vi[i].vi;
	e->line = e->column = 1;
	for (i = 0; i < e->offset; i++) {
		unsigned char c = ps.start[i];

		if (c == '\n') {
			e->line++;
			e->column = 1;
		} else if ((c & 0xC0) != 0x80) {
			e->column++;	/* a character's first byte */
		}
	}
	e->at_end = e->offset >= n;
	if (!e->at_end)
		e->byte = ps.start[e->offset];
	if (!strcmp(e->what, "duplicate key in object") && !e->at_end &&
	    e->byte == '"') {
		size_t k = 0;
		const unsigned char *p = ps.start + e->offset + 1;

		while (p + k < ps.end && k < sizeof(e->key) - 1 &&
		       plain_key_byte(p[k]))
			k++;
		if (k && p + k < ps.end && p[k] == '"') {
			memcpy(e->key, p, k);
			e->key[k] = '\0';
		}
	}
	return NULL;
}

void json_error_vi(const json_error *e, char *out, size_t outlen)
{
	char near[48];

	if (!outlen)
		return;
	if (e->at_end)
		snprintf(near, sizeof near, "ở cuối nội dung");
	else if (e->byte > 0x20 && e->byte < 0x7F)
		snprintf(near, sizeof near, "gặp ký tự ‘%c’", e->byte);
	else if (e->byte == ' ' || e->byte == '\t' || e->byte == '\r' || e->byte == '\n')
		snprintf(near, sizeof near, "gặp khoảng trắng");
	else
		snprintf(near, sizeof near, "gặp byte 0x%02X", e->byte);
	if (e->key[0])
		snprintf(out, outlen, "dòng %zu, cột %zu (byte %zu): khóa “%s” bị lặp trong cùng một đối tượng",
			 e->line, e->column, e->offset, e->key);
	else
		snprintf(out, outlen, "dòng %zu, cột %zu (byte %zu), %s: %s",
			 e->line, e->column, e->offset, near, e->what_vi);
}

/* ---- accessors ---- */

const json_value *json_get(const json_value *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != JSON_OBJECT || !key)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

const char *json_get_str(const json_value *obj, const char *key)
{
	const json_value *v = json_get(obj, key);

	return v && v->type == JSON_STRING ? v->str : NULL;
}

int json_get_i64(const json_value *v, long long *out)
{
	const char *p;
	bool neg = false;
	/* Accumulate as a negative magnitude: |LLONG_MIN| > LLONG_MAX. */
	long long acc = 0;

	if (!v || v->type != JSON_NUMBER || !v->num)
		return -1;
	p = v->num;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!*p)
		return -1;
	for (; *p; p++) {
		int d;

		if (*p < '0' || *p > '9')
			return -1;	/* fraction or exponent */
		d = *p - '0';
		if (acc < (LLONG_MIN + d) / 10)
			return -1;
		acc = acc * 10 - d;
	}
	if (!neg) {
		if (acc == LLONG_MIN)
			return -1;
		acc = -acc;
	}
	*out = acc;
	return 0;
}

int json_get_double(const json_value *v, double *out)
{
	locale_t c;
	double d;
	char *endp;

	if (!v || v->type != JSON_NUMBER || !v->num)
		return -1;
	/*
	 * strtod honours LC_NUMERIC, and a process that called setlocale()
	 * for vi_VN would read "1.5" as 1.  The "C" locale object is static
	 * in glibc, so this costs nothing.
	 */
	c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (c == (locale_t)0)
		return -1;
	errno = 0;
	d = strtod_l(v->num, &endp, c);
	freelocale(c);
	if (*endp || (errno == ERANGE && isinf(d)))
		return -1;
	*out = d;
	return 0;
}
