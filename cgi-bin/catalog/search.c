/* search.c - see search.h */
#include "search.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vntext.h"

#define IN_NAME 1u

typedef struct term {
	const char *tok;
	uint32_t len;
	uint32_t n;          /* postings */
	int last_doc;        /* build-time de-duplication */
	uint32_t *post;      /* (doc << 1) | IN_NAME */
} term;

struct search_index {
	arena *a;
	term *slots;         /* open addressing, power-of-two size */
	uint32_t mask;
	uint32_t nterms;
};

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static term *lookup(const search_index *x, const char *s, size_t n)
{
	for (uint32_t i = hash(s, n) & x->mask;; i = (i + 1) & x->mask) {
		term *t = &x->slots[i];
		if (!t->tok)
			return NULL;
		if (t->len == n && memcmp(t->tok, s, n) == 0)
			return t;
	}
}

/* Keep the table at most half full: double it and re-place every word. */
static void grow(search_index *x)
{
	uint32_t size = (x->mask + 1) * 2;
	term *old = x->slots, *slots = calloc(size, sizeof *slots);
	if (!slots)
		abort();
	for (uint32_t i = 0; i <= x->mask; i++) {
		if (!old[i].tok)
			continue;
		uint32_t k = hash(old[i].tok, old[i].len) & (size - 1);
		while (slots[k].tok)
			k = (k + 1) & (size - 1);
		slots[k] = old[i];
	}
	free(old);
	x->slots = slots;
	x->mask = size - 1;
}

static term *intern(search_index *x, const char *s, size_t n)
{
	if ((x->nterms + 1) * 2 > x->mask + 1)
		grow(x);
	for (uint32_t i = hash(s, n) & x->mask;; i = (i + 1) & x->mask) {
		term *t = &x->slots[i];
		if (!t->tok) {
			t->tok = arena_strndup(x->a, s, n);
			t->len = (uint32_t)n;
			t->last_doc = -1;
			x->nterms++;
			return t;
		}
		if (t->len == n && memcmp(t->tok, s, n) == 0)
			return t;
	}
}

/* The body: what a person may remember of a procedure besides its name. */
static void body_text(const catalog *c, const proc *p, buf *b)
{
	buf_reset(b);
	if (p->field >= 0)
		buf_puts(b, c->fields[p->field].name), buf_putc(b, ' ');
	const char *parts[] = {p->implementing_agency, p->competent_authority,
			       p->target_subjects, p->ministry, p->code};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		buf_puts(b, parts[i]), buf_putc(b, ' ');
	for (int i = 0; i < p->nresults; i++)
		buf_puts(b, p->results[i].name), buf_putc(b, ' ');
	for (int i = 0; i < p->ndocs; i++)
		buf_puts(b, p->docs[i].name), buf_putc(b, ' ');
}

typedef void (*tok_fn)(search_index *x, const char *tok, size_t n, int doc, unsigned flag);

static void each_token(search_index *x, const char *folded, int doc, unsigned flag, tok_fn fn)
{
	const char *p = folded;
	while (*p) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n)
			fn(x, p, n, doc, flag);
		p += n;
		while (*p == ' ')
			p++;
	}
}

static void count_tok(search_index *x, const char *tok, size_t n, int doc, unsigned flag)
{
	term *t = intern(x, tok, n);
	if (t->last_doc != doc) {
		t->last_doc = doc;
		t->n++;
	}
}

static void post_tok(search_index *x, const char *tok, size_t n, int doc, unsigned flag)
{
	term *t = lookup(x, tok, n);
	if (t->last_doc != doc) {
		t->last_doc = doc;
		t->post[t->n++] = (uint32_t)doc << 1 | flag;
	}
}

static void pass(search_index *x, const catalog *c, tok_fn fn, buf *body, buf *fold)
{
	for (int d = 0; d < c->nprocs; d++) {
		const proc *p = &c->procs[d];
		each_token(x, p->fold_name, d, IN_NAME, fn);
		body_text(c, p, body);
		buf_reset(fold);
		buf_reserve(fold, body->len + 1);
		fold->len = vn_fold(body->p ? body->p : "", body->len, fold->p);
		each_token(x, fold->p, d, 0, fn);
	}
}

search_index *search_build(const catalog *c)
{
	search_index *x = calloc(1, sizeof *x);
	if (!x)
		abort();
	x->a = arena_new(1 << 20);
	uint32_t size = 1u << 12;
	x->slots = calloc(size, sizeof *x->slots);
	if (!x->slots)
		abort();
	x->mask = size - 1;
	buf body = BUF_INIT, fold = BUF_INIT;

	pass(x, c, count_tok, &body, &fold);
	for (uint32_t i = 0; i <= x->mask; i++) {
		term *t = &x->slots[i];
		if (!t->tok)
			continue;
		t->post = arena_alloc(x->a, t->n * sizeof *t->post);
		t->n = 0;
		t->last_doc = -1;
	}
	pass(x, c, post_tok, &body, &fold);
	fprintf(stderr, "search: %u words, %zu KiB of postings\n", x->nterms, arena_used(x->a) / 1024);
	buf_free(&body);
	buf_free(&fold);
	return x;
}

void search_free(search_index *x)
{
	if (!x)
		return;
	arena_free(x->a);
	free(x->slots);
	free(x);
}

static int passes(const catalog *c, const proc *p, const search_query *q)
{
	if (q->field >= 0 && p->field != q->field)
		return 0;
	if (q->level && !(p->levels & q->level))
		return 0;
	if (q->online >= 0 && p->online != q->online)
		return 0;
	if (q->fee >= 0 && p->fee_state != q->fee)
		return 0;
	if (q->ministry && strcmp(p->ministry, q->ministry) != 0)
		return 0;
	return 1;
}

/* Punctuation that ends a clause of a name: "đăng ký khai sinh, đăng ký
 * thường trú" holds no phrase "khai sinh đăng ký". */
static int clause_end(const char *s, size_t *len)
{
	if (strchr(",;:()[]", *s) && *s) {
		*len = 1;
		return 1;
	}
	if (strncmp(s, "–", strlen("–")) == 0 || strncmp(s, "—", strlen("—")) == 0) {
		*len = strlen("–");
		return 1;
	}
	return 0;
}

const char *search_fold_phrases(arena *a, const char *name, int *outlen)
{
	size_t n = strlen(name);
	char *out = arena_alloc(a, 2 * n + 4), *o = out;
	const char *start = name, *s = name;
	for (;;) {
		size_t skip = 0;
		if (*s == '\0' || clause_end(s, &skip)) {
			size_t k = vn_fold(start, (size_t)(s - start), o);
			if (k) {
				o += k;
				memcpy(o, " | ", 3);
				o += 3;
			}
			if (*s == '\0')
				break;
			s += skip;
			start = s;
			continue;
		}
		s++;
	}
	if (o > out)
		o -= 3;  /* no separator after the last clause */
	*o = '\0';
	*outlen = (int)(o - out);
	return out;
}

/* The folded phrase stands in the name as whole words. */
static int has_phrase(const char *name, size_t len, const char *phrase, size_t n)
{
	for (const char *s = name; (s = memmem(s, len - (size_t)(s - name), phrase, n)); s++) {
		int start = s == name || s[-1] == ' ';
		int end = s[n] == '\0' || s[n] == ' ';
		if (start && end)
			return 1;
	}
	return 0;
}

/* A max-heap of the best K keys seen: the worst of them on top. */
typedef struct hit {
	uint64_t key;
	int doc;
} hit;

static void heap_push(hit *h, int *n, int cap, hit v)
{
	if (*n < cap) {
		int i = (*n)++;
		while (i > 0 && h[(i - 1) / 2].key < v.key) {
			h[i] = h[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		h[i] = v;
		return;
	}
	if (v.key >= h[0].key)
		return;
	int i = 0;
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		uint64_t mk = v.key;
		if (l < *n && h[l].key > mk)
			m = l, mk = h[l].key;
		if (r < *n && h[r].key > mk)
			m = r;
		if (m == i)
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = v;
}

static int cmp_hit(const void *x, const void *y)
{
	uint64_t a = ((const hit *)x)->key, b = ((const hit *)y)->key;
	return a < b ? -1 : a > b;
}

static int is_code(const char *s)
{
	/* 1.001193: a digit, a dot, six digits */
	if (!s || strlen(s) != 8 || s[1] != '.')
		return 0;
	for (int i = 0; i < 8; i++)
		if (i != 1 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

static int bits16(unsigned v)
{
	v = v - ((v >> 1) & 0x5555);
	v = (v & 0x3333) + ((v >> 2) & 0x3333);
	v = (v + (v >> 4)) & 0x0f0f;
	return (int)((v + (v >> 8)) & 0x1f);
}

/* Lower is better: tier, then the words as typed with their marks, then
 * how many words matched, in the name, a shorter name, alphabetical. */
static uint64_t make_key(int tier, int marks, int matched, int in_name, const proc *p)
{
	size_t len = (size_t)p->fold_len;
	if (len > 4095)
		len = 4095;
	return (uint64_t)tier << 61 | (uint64_t)!marks << 60 | (uint64_t)(15 - matched) << 56 |
	       (uint64_t)(15 - in_name) << 52 | (uint64_t)len << 40 |
	       (uint64_t)(uint32_t)p->name_rank;
}

static int has_marks(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

void search_run(const catalog *c, const search_query *q, arena *a, search_result *out)
{
	memset(out, 0, sizeof *out);
	const char *raw = q->q ? q->q : "";
	while (*raw == ' ')
		raw++;
	size_t rawlen = strlen(raw);
	while (rawlen && raw[rawlen - 1] == ' ')
		rawlen--;
	raw = arena_strndup(a, raw, rawlen);
	/* A code typed in full is a look-up, not a search for the word "1". */
	if (is_code(raw)) {
		const proc *p = catalog_find(c, raw);
		int shown = p && passes(c, p, q) && q->offset == 0;
		out->total = p && passes(c, p, q);
		out->n = shown;
		out->procs = arena_alloc(a, sizeof(int));
		out->tiers = arena_alloc(a, sizeof(int));
		if (shown) {
			out->procs[0] = (int)(p - c->procs);
			out->tiers[0] = 0;
		}
		return;
	}
	/* Typed with marks: names holding the words exactly as typed win ties. */
	char *lowered = NULL;
	if (has_marks(raw)) {
		lowered = arena_alloc(a, rawlen + 1);
		vn_lower(raw, rawlen, lowered);
	}
	char *folded = arena_alloc(a, rawlen + 1);
	size_t flen = vn_fold(raw, rawlen, folded);

	/* Split into distinct words. */
	char *copy = arena_strndup(a, folded, flen);
	for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && out->ntokens < SEARCH_MAX_TOKENS;
	     t = strtok_r(NULL, " ", &save)) {
		int dup = 0;
		for (int i = 0; i < out->ntokens; i++)
			dup |= strcmp(out->tokens[i], t) == 0;
		if (!dup)
			out->tokens[out->ntokens++] = t;
	}
	int nt = out->ntokens;
	int cap = q->offset + q->limit;
	hit *heap = arena_alloc(a, (size_t)(cap > 0 ? cap : 1) * sizeof *heap);
	int nheap = 0;

	if (nt == 0) {
		for (int d = 0; d < c->nprocs; d++) {
			const proc *p = &c->procs[d];
			if (!passes(c, p, q))
				continue;
			out->total++;
			heap_push(heap, &nheap, cap, (hit){(uint64_t)(uint32_t)p->name_rank, d});
		}
	} else {
		uint16_t *name_mask = arena_calloc(a, (size_t)c->nprocs, sizeof *name_mask);
		uint16_t *any_mask = arena_calloc(a, (size_t)c->nprocs, sizeof *any_mask);
		int *touched = arena_alloc(a, (size_t)c->nprocs * sizeof *touched);
		int ntouched = 0;
		for (int i = 0; i < nt; i++) {
			const term *t = lookup(c->idx, out->tokens[i], strlen(out->tokens[i]));
			if (!t)
				continue;
			out->token_hits[i] = (int)t->n;
			for (uint32_t k = 0; k < t->n; k++) {
				int d = (int)(t->post[k] >> 1);
				if (!any_mask[d])
					touched[ntouched++] = d;
				any_mask[d] |= (uint16_t)(1u << i);
				if (t->post[k] & IN_NAME)
					name_mask[d] |= (uint16_t)(1u << i);
			}
		}
		uint16_t full = (uint16_t)((1u << nt) - 1);
		for (int k = 0; k < ntouched; k++) {
			int d = touched[k];
			const proc *p = &c->procs[d];
			if (!passes(c, p, q))
				continue;
			int tier = name_mask[d] == full
					   ? (has_phrase(p->fold_phrases, (size_t)p->phrases_len, folded, flen) ? 0 : 1)
				 : any_mask[d] == full ? 2 : 3;
			int marks = lowered && strstr(p->lower_name, lowered) != NULL;
			uint64_t key = make_key(tier, marks, bits16(any_mask[d]), bits16(name_mask[d]), p);
			out->total++;
			heap_push(heap, &nheap, cap, (hit){key, d});
		}
	}
	qsort(heap, (size_t)nheap, sizeof *heap, cmp_hit);
	int from = q->offset < nheap ? q->offset : nheap;
	out->n = nheap - from;
	out->procs = arena_alloc(a, (size_t)(out->n ? out->n : 1) * sizeof(int));
	out->tiers = arena_alloc(a, (size_t)(out->n ? out->n : 1) * sizeof(int));
	for (int i = 0; i < out->n; i++) {
		out->procs[i] = heap[from + i].doc;
		out->tiers[i] = nt ? (int)(heap[from + i].key >> 61) : 0;
	}
}
