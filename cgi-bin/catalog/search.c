/* search.c - see search.h */
#include "search.h"

#include <math.h>
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
	const char *shown;   /* as mostly written in the names, with its marks */
	int votes;           /* majority vote for shown */
} term;

struct search_index {
	arena *a;
	term *slots;         /* open addressing, power-of-two size */
	uint32_t mask;
	uint32_t nterms;
	int ndocs;
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

/*
 * Split text into words the way vn_fold does (letters and digits; marks,
 * NFD ones included, stay inside a word), keeping each word both folded and
 * as written.  Returns how many, at most max.
 */
static int split_words(arena *a, const char *s, size_t n, const char **fold,
		       const char **shown, int max)
{
	const unsigned char *u = (const unsigned char *)s;
	int k = 0;
	size_t i = 0;
	while (i < n && k < max) {
		size_t start = i, end = i;
		while (i < n) {
			uint32_t cp = 0;
			size_t len = utf8_decode(u + i, n - i, &cp);
			char tmp[8];
			int letter = len && vn_fold(s + i, len, tmp) > 0;
			int mark = len && cp >= 0x300 && cp <= 0x36F;
			if (!(letter || (mark && end > start))) {
				i += len ? len : 1;
				if (end > start)
					break;
				start = end = i;
				continue;
			}
			i += len;
			end = i;
		}
		if (end > start) {
			char *f = arena_alloc(a, end - start + 1);
			if (vn_fold(s + start, end - start, f) == 0)
				continue;
			char *w = arena_alloc(a, end - start + 1);
			vn_lower(s + start, end - start, w);
			fold[k] = f;
			shown[k] = w;
			k++;
		}
	}
	return k;
}

/* Remember how each word is written in the names, to show corrections. */
static void note_shown(search_index *x, arena *tmp, const char *lower)
{
	const char *fold[64], *shown[64];
	arena_reset(tmp);
	int n = split_words(tmp, lower, strlen(lower), fold, shown, 64);
	for (int i = 0; i < n; i++) {
		term *t = lookup(x, fold[i], strlen(fold[i]));
		if (!t)
			continue;
		/* Boyer-Moore majority: the spelling most names use wins. */
		if (t->shown && strcmp(t->shown, shown[i]) == 0)
			t->votes++;
		else if (t->votes > 0)
			t->votes--;
		else {
			t->shown = arena_strdup(x->a, shown[i]);
			t->votes = 1;
		}
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
	x->ndocs = c->nprocs;
	arena *tmp = arena_new(1 << 14);
	for (int d = 0; d < c->nprocs; d++)
		note_shown(x, tmp, c->procs[d].lower_name);
	arena_free(tmp);
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

static int has_marks(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* ---- reading the query ------------------------------------------------ */

#define MAX_WORDS 64          /* distinct words of all alternatives */
#define MAX_CONCEPTS 16
#define MAX_ALTS 10
#define MAX_CANDIDATES 8      /* corrections kept for one word */
#define BODY_WEIGHT 0.5f      /* a word in the body counts half */
#define ADJ_WEIGHT 0.5f       /* two concepts side by side in the name */
#define DICT_WEIGHT 2.0f      /* a phrase the dictionary knows is what the
			       * query is about: it outweighs stray words */

typedef struct qalt {
	uint64_t mask;        /* its words */
	float weight;         /* sum of their idf */
	float factor;         /* 1 as typed or meant, less for a guess */
	int corrected;
	int first, last;      /* its first and last word, for adjacency */
	const char *phrase;   /* folded, in order */
	int nw;
} qalt;

typedef struct qconcept {
	qalt alt[MAX_ALTS];
	int nalt;
	float w;              /* how much it decides */
	float maxw;           /* weight of its fullest alternative */
	int optional;         /* filler: never required, never scored */
	int from_dict, from_fix;
	const char *shown;    /* how the concept reads, for "understood as" */
} qconcept;

typedef struct qplan {
	const char *word[MAX_WORDS];
	float idf[MAX_WORDS];
	const term *t[MAX_WORDS];
	int nwords;
	qconcept c[MAX_CONCEPTS];
	int nc;
	int rewrites;         /* the dictionary put other words for the typed
			       * ones: all of those in a name no longer
			       * counts as "the words as typed" */
} qplan;

static float idf_of(const search_index *x, uint32_t df)
{
	return logf(1.0f + ((float)x->ndocs - (float)df + 0.5f) / ((float)df + 0.5f));
}

static uint32_t df_of(const search_index *x, const char *w, size_t n)
{
	const term *t = lookup(x, w, n);
	return t ? t->n : 0;
}

static int word_id(qplan *pl, const search_index *x, const char *w, size_t n, arena *a)
{
	for (int i = 0; i < pl->nwords; i++)
		if (strlen(pl->word[i]) == n && memcmp(pl->word[i], w, n) == 0)
			return i;
	if (pl->nwords == MAX_WORDS)
		return -1;
	int i = pl->nwords++;
	pl->word[i] = arena_strndup(a, w, n);
	pl->t[i] = lookup(x, w, n);
	pl->idf[i] = pl->t[i] ? idf_of(x, pl->t[i]->n) : 0;
	return i;
}

/* Add an alternative made of the folded words of phrase.  One that holds a
 * word no procedure has can never match: it is not added. */
static int add_alt(qplan *pl, qconcept *c, const search_index *x, const char *phrase,
		   float factor, int corrected, arena *a)
{
	if (c->nalt == MAX_ALTS)
		return 0;
	qalt al = {0, 0, factor, corrected, -1, -1, phrase, 0};
	for (const char *p = phrase; *p;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		int id = word_id(pl, x, p, n, a);
		if (id < 0 || !pl->t[id])
			return 0;
		al.mask |= 1ull << id;
		if (al.first < 0)
			al.first = id;
		al.last = id;
		p += n;
	}
	if (!al.mask)
		return 0;
	for (int i = 0; i < c->nalt; i++)
		if (c->alt[i].mask == al.mask)
			return 1;
	int nw = 0;
	for (uint64_t m = al.mask; m; m &= m - 1) {
		al.weight += pl->idf[__builtin_ctzll(m)];
		nw++;
	}
	al.nw = nw;
	al.phrase = arena_strdup(a, phrase);
	if (al.weight > c->maxw)
		c->maxw = al.weight;
	c->alt[c->nalt++] = al;
	/* A concept weighs the mean rarity of its best-known way of saying. */
	float mean = al.weight / (float)nw;
	if (mean > c->w)
		c->w = mean;
	return 1;
}

/* Spelling slips people make, as rewrite rules on a folded word: telex
 * leftovers and the sounds Vietnamese dialects merge in writing. */
typedef struct rule { const char *from, *to; int where; } rule;
enum { ANY = 0, START = 1, END = 2 };
static const rule rules[] = {
	{"dd", "d", ANY}, {"aa", "a", ANY}, {"ee", "e", ANY}, {"oo", "o", ANY},
	{"aw", "a", ANY}, {"ow", "o", ANY}, {"uw", "u", ANY}, {"w", "u", ANY},
	{"tr", "ch", START}, {"ch", "tr", START}, {"d", "gi", START}, {"gi", "d", START},
	{"r", "d", START}, {"d", "r", START}, {"r", "gi", START}, {"gi", "r", START},
	{"s", "x", START}, {"x", "s", START}, {"l", "n", START}, {"n", "l", START},
	{"v", "d", START}, {"d", "v", START}, {"ng", "n", END}, {"n", "ng", END},
	{"c", "t", END}, {"t", "c", END}, {"nh", "n", END}, {"ch", "t", END},
	{"i", "y", ANY}, {"y", "i", ANY}, {"k", "c", START}, {"c", "k", START},
	{"ph", "f", START}, {"f", "ph", START}, {"z", "d", START}, {"j", "gi", START},
	{"q", "qu", START}, {"g", "gi", START},
};

typedef struct cand { char w[48]; uint32_t df; int score; } cand;

static void offer(const search_index *x, cand *best, int *nbest, const char *w, size_t n, int score)
{
	if (n == 0 || n >= sizeof best[0].w)
		return;
	uint32_t df = df_of(x, w, n);
	if (!df)
		return;
	for (int i = 0; i < *nbest; i++)
		if (strlen(best[i].w) == n && memcmp(best[i].w, w, n) == 0) {
			if (score > best[i].score)
				best[i].score = score;
			return;
		}
	/* keep the best MAX_CANDIDATES: by kind of slip, then how common */
	int at = *nbest < MAX_CANDIDATES ? (*nbest)++ : MAX_CANDIDATES - 1;
	if (at == MAX_CANDIDATES - 1 && *nbest == MAX_CANDIDATES &&
	    (best[at].score > score || (best[at].score == score && best[at].df >= df)) &&
	    best[at].w[0])
		return;
	memcpy(best[at].w, w, n);
	best[at].w[n] = '\0';
	best[at].df = df;
	best[at].score = score;
	for (int i = at; i > 0 && (best[i].score > best[i - 1].score ||
				   (best[i].score == best[i - 1].score && best[i].df > best[i - 1].df)); i--) {
		cand t = best[i];
		best[i] = best[i - 1];
		best[i - 1] = t;
	}
}

/* Each rule applied once at each place it fits. */
static void rule_variants(const search_index *x, const char *w, cand *best, int *nbest, int score)
{
	size_t n = strlen(w);
	char wb[64];
	for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
		size_t fl = strlen(rules[r].from), tl = strlen(rules[r].to);
		for (size_t i = 0; i + fl <= n; i++) {
			if (rules[r].where == START && i != 0)
				break;
			if (rules[r].where == END && i + fl != n)
				continue;
			if (memcmp(w + i, rules[r].from, fl) != 0)
				continue;
			if (n - fl + tl >= sizeof wb)
				continue;
			memcpy(wb, w, i);
			memcpy(wb + i, rules[r].to, tl);
			memcpy(wb + i + tl, w + i + fl, n - i - fl);
			offer(x, best, nbest, wb, n - fl + tl, score);
		}
	}
}

/* A word no procedure holds: the words one slip away from it. */
static void edit_variants(const search_index *x, const char *w, cand *best, int *nbest)
{
	size_t n = strlen(w);
	char wb[64];
	if (n < 2 || n + 2 >= sizeof wb)
		return;
	rule_variants(x, w, best, nbest, 3);
	/* a telex tone key left at the end: "dangw kys" */
	if (n > 2 && strchr("sfrxj", w[n - 1])) {
		memcpy(wb, w, n - 1);
		wb[n - 1] = '\0';
		offer(x, best, nbest, wb, n - 1, 3);
		rule_variants(x, wb, best, nbest, 2);
	}
	for (size_t i = 0; i < n; i++) {          /* a letter too many */
		memcpy(wb, w, i);
		memcpy(wb + i, w + i + 1, n - i - 1);
		offer(x, best, nbest, wb, n - 1, i > 0 && w[i] == w[i - 1] ? 3 : 2);
	}
	for (size_t i = 0; i + 1 < n; i++) {      /* two letters swapped */
		memcpy(wb, w, n);
		wb[i] = w[i + 1];
		wb[i + 1] = w[i];
		offer(x, best, nbest, wb, n, 2);
	}
	if (n < 3)
		return;                            /* too short to guess more */
	for (size_t i = 0; i < n; i++)            /* one letter wrong */
		for (char ch = 'a'; ch <= 'z'; ch++) {
			if (ch == w[i])
				continue;
			memcpy(wb, w, n);
			wb[i] = ch;
			offer(x, best, nbest, wb, n, 1);
		}
	for (size_t i = 0; i <= n; i++)           /* a letter missing */
		for (char ch = 'a'; ch <= 'z'; ch++) {
			memcpy(wb, w, i);
			wb[i] = ch;
			memcpy(wb + i + 1, w + i, n - i);
			offer(x, best, nbest, wb, n + 1, 1);
		}
}

static const char *shown_of(const search_index *x, const char *w)
{
	const term *t = lookup(x, w, strlen(w));
	return t && t->shown ? t->shown : w;
}

/* One word not in the dictionary: as typed, plus its likely corrections. */
static void plan_word(qplan *pl, const search_index *x, const char *w, const char *shown, arena *a)
{
	qconcept *c = &pl->c[pl->nc++];
	memset(c, 0, sizeof *c);
	c->shown = shown;
	uint32_t df = df_of(x, w, strlen(w));
	cand best[MAX_CANDIDATES];
	int nbest = 0;
	memset(best, 0, sizeof best);
	if (df) {
		add_alt(pl, c, x, w, 1.0f, 0, a);
		/* A rare word next to a far more common look-alike ("ki" and
		 * "ky"): the look-alike too, as a guess. */
		if (df * 100 < (uint32_t)x->ndocs) {
			rule_variants(x, w, best, &nbest, 3);
			for (int i = 0; i < nbest; i++)
				if (best[i].df >= 8 * df)
					add_alt(pl, c, x, best[i].w, 0.7f, 1, a);
		}
		return;
	}
	edit_variants(x, w, best, &nbest);
	/* Two words run together: "dangky", "khaisinh" (unless a surer slip
	 * explains the word, as "dd" for đ does "ddang"). */
	size_t n = strlen(w);
	int sure = nbest && best[0].score >= 3, split = 0;
	for (size_t i = 2; i + 2 <= n && !split && !sure; i++)
		if (df_of(x, w, i) && df_of(x, w + i, n - i)) {
			char *two = arena_printf(a, "%.*s %s", (int)i, w, w + i);
			if (add_alt(pl, c, x, two, 0.9f, 1, a)) {
				c->shown = arena_printf(a, "%s %s", shown_of(x, arena_strndup(a, w, i)),
							shown_of(x, w + i));
				split = 1;
			}
		}
	for (int i = 0; i < nbest; i++)
		if (add_alt(pl, c, x, best[i].w, 0.8f, 1, a) && !split && i == 0)
			c->shown = arena_strdup(a, shown_of(x, best[i].w));  /* best[] is on the stack */
	c->from_fix = c->nalt > 0;
}

/* From words to concepts: the dictionary's phrases, filler, corrections. */
static void plan_query(qplan *pl, const search_index *x, const syn_dict *dict, int exact,
		       const char **fold, const char **shown, int n, arena *a)
{
	for (int i = 0; i < n && pl->nc < MAX_CONCEPTS;) {
		int used = 0;
		const syn_entry *e = exact ? NULL : syn_match(dict, fold + i, n - i, &used);
		if (!e) {
			if (exact) {
				qconcept *c = &pl->c[pl->nc++];
				memset(c, 0, sizeof *c);
				c->shown = shown[i];
				add_alt(pl, c, x, fold[i], 1.0f, 0, a);
			} else {
				plan_word(pl, x, fold[i], shown[i], a);
			}
			i++;
			continue;
		}
		qconcept *c = &pl->c[pl->nc++];
		memset(c, 0, sizeof *c);
		buf typed = BUF_INIT;
		for (int k = 0; k < used; k++)
			buf_printf(&typed, "%s%s", k ? " " : "", fold[i + k]);
		if (e->kind == SYN_FILLER) {
			c->optional = 1;
			add_alt(pl, c, x, typed.p, 1.0f, 0, a);
			c->w = 0;
		} else {
			c->from_dict = 1;
			c->shown = e->shown[0];
			int keeps = e->kind == SYN_ABBR;
			for (int k = 0; k < e->nalts; k++)
				keeps |= strcmp(e->alts[k], e->key) == 0;
			pl->rewrites |= !keeps;
			if (e->kind == SYN_ABBR)
				add_alt(pl, c, x, typed.p, 1.0f, 0, a);
			for (int k = 0; k < e->nalts; k++)
				add_alt(pl, c, x, e->alts[k], 1.0f, 0, a);
			c->w *= DICT_WEIGHT;
		}
		buf_free(&typed);
		i += used;
	}
	/* Only filler ("thủ tục"): then it is what was asked for. */
	int required = 0;
	for (int i = 0; i < pl->nc; i++)
		required += !pl->c[i].optional;
	if (!required)
		for (int i = 0; i < pl->nc; i++) {
			qconcept *c = &pl->c[i];
			c->optional = 0;
			for (int j = 0; j < c->nalt; j++)
				if (c->alt[j].weight / (float)c->alt[j].nw > c->w)
					c->w = c->alt[j].weight / (float)c->alt[j].nw;
		}
}

static float idf_sum(const qplan *pl, uint64_t m)
{
	float s = 0;
	for (; m; m &= m - 1)
		s += pl->idf[__builtin_ctzll(m)];
	return s;
}

/* ---- ranking -------------------------------------------------------- */

/* Consecutive concepts of the query that stand side by side in the name
 * ("thường trú", not "thường ... chủ"): a bonus, the way a phrase query
 * would score it.  Only alternatives whole in the name are tried. */
static float adjacency(const qplan *pl, const proc *p, uint64_t nm)
{
	float bonus = 0;
	int prev = -1;
	for (int i = 0; i < pl->nc; i++) {
		if (pl->c[i].optional)
			continue;
		if (prev >= 0) {
			const qconcept *a = &pl->c[prev], *b = &pl->c[i];
			float best = 0;
			for (int x = 0; x < a->nalt; x++) {
				if ((a->alt[x].mask & nm) != a->alt[x].mask)
					continue;
				for (int y = 0; y < b->nalt; y++) {
					if ((b->alt[y].mask & nm) != b->alt[y].mask)
						continue;
					float f = a->alt[x].factor < b->alt[y].factor ? a->alt[x].factor
										     : b->alt[y].factor;
					if (f <= best)
						continue;
					char pair[130];
					int n = snprintf(pair, sizeof pair, "%s %s", pl->word[a->alt[x].last],
							 pl->word[b->alt[y].first]);
					if (n > 0 && (size_t)n < sizeof pair &&
					    has_phrase(p->fold_phrases, (size_t)p->phrases_len, pair, (size_t)n))
						best = f;
				}
			}
			bonus += ADJ_WEIGHT * (a->w < b->w ? a->w : b->w) * best;
		}
		prev = i;
	}
	return bonus;
}

/* Lower is better: tier, an exact match before a corrected one, all the
 * words as typed in the name, the words with their marks, the score, a
 * shorter name, alphabetical. */
static uint64_t make_key(int tier, int corrected, int literal, int marks, float score,
			 const proc *p)
{
	size_t len = (size_t)p->fold_len;
	if (len > 4095)
		len = 4095;
	long sc = lrintf(score * 400.0f);
	if (sc > 65535)
		sc = 65535;
	if (sc < 0)
		sc = 0;
	return (uint64_t)tier << 62 | (uint64_t)(corrected != 0) << 61 |
	       (uint64_t)!literal << 60 | (uint64_t)!marks << 59 |
	       (uint64_t)(65535 - sc) << 43 | (uint64_t)len << 31 |
	       (uint64_t)(uint32_t)p->name_rank;
}

static void shown_query(const qplan *pl, arena *a, search_result *out)
{
	int changed = 0;
	buf b = BUF_INIT;
	for (int i = 0; i < pl->nc; i++) {
		const qconcept *c = &pl->c[i];
		changed |= c->from_dict || c->from_fix;
		if (c->optional || !c->shown)
			continue;
		buf_printf(&b, "%s%s", b.len ? " " : "", c->shown);
		out->corrected |= c->from_fix;
	}
	if (changed && b.len)
		out->understood = arena_strndup(a, b.p, b.len);
	buf_free(&b);
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

	/* The words as typed: distinct, at most SEARCH_MAX_TOKENS. */
	const char *wf[SEARCH_MAX_TOKENS * 2], *ws[SEARCH_MAX_TOKENS * 2];
	int nw = split_words(a, raw, rawlen, wf, ws, SEARCH_MAX_TOKENS * 2);
	const char *qf[SEARCH_MAX_TOKENS];
	int nq = 0;
	for (int i = 0; i < nw && nq < SEARCH_MAX_TOKENS; i++) {
		int dup = 0;
		for (int k = 0; k < nq; k++)
			dup |= strcmp(qf[k], wf[i]) == 0;
		if (!dup)
			qf[nq++] = wf[i];
	}
	out->ntokens = nq;
	for (int i = 0; i < nq; i++)
		out->tokens[i] = qf[i];
	int cap = q->offset + q->limit;
	hit *heap = arena_alloc(a, (size_t)(cap > 0 ? cap : 1) * sizeof *heap);
	int nheap = 0;

	if (nq == 0 && rawlen) {
		/* "???" or "..." asks for nothing: no results, and say why. */
		out->no_words = 1;
	} else if (nq == 0) {
		for (int d = 0; d < c->nprocs; d++) {
			const proc *p = &c->procs[d];
			if (!passes(c, p, q))
				continue;
			out->total++;
			heap_push(heap, &nheap, cap, (hit){(uint64_t)(uint32_t)p->name_rank, d});
		}
	} else {
		qplan *pl = arena_calloc(a, 1, sizeof *pl);
		/* every word in its place: phrases and filler need the order */
		plan_query(pl, c->idx, q->dict, q->exact, wf, ws, nw, a);
		shown_query(pl, a, out);
		/* The words as typed, for "all of them in the name". */
		uint64_t lit = 0;
		int lit_known = 1;
		for (int i = 0; i < nq; i++) {
			const term *t = lookup(c->idx, qf[i], strlen(qf[i]));
			out->token_hits[i] = t ? (int)t->n : 0;
			int id = t ? word_id(pl, c->idx, qf[i], strlen(qf[i]), a) : -1;
			if (id < 0)
				lit_known = 0;
			else
				lit |= 1ull << id;
		}
		/* The words as typed without the filler, for a phrase. */
		buf core = BUF_INIT;
		int plain = 1;
		for (int i = 0; i < pl->nc; i++) {
			const qconcept *k = &pl->c[i];
			if (k->optional)
				continue;
			plain &= !k->from_dict && !k->from_fix && k->nalt >= 1;
			if (plain)
				buf_printf(&core, "%s%s", core.len ? " " : "",
					   pl->word[__builtin_ctzll(k->alt[0].mask)]);
		}

		uint64_t *name_mask = arena_calloc(a, (size_t)c->nprocs, sizeof *name_mask);
		uint64_t *any_mask = arena_calloc(a, (size_t)c->nprocs, sizeof *any_mask);
		int *touched = arena_alloc(a, (size_t)c->nprocs * sizeof *touched);
		int ntouched = 0;
		for (int i = 0; i < pl->nwords; i++) {
			const term *t = pl->t[i];
			if (!t)
				continue;
			for (uint32_t k = 0; k < t->n; k++) {
				int d = (int)(t->post[k] >> 1);
				if (!any_mask[d])
					touched[ntouched++] = d;
				any_mask[d] |= 1ull << i;
				if (t->post[k] & IN_NAME)
					name_mask[d] |= 1ull << i;
			}
		}
		for (int k = 0; k < ntouched; k++) {
			int d = touched[k];
			const proc *p = &c->procs[d];
			if (!passes(c, p, q))
				continue;
			uint64_t nm = name_mask[d], am = any_mask[d];
			int all_name = 1, all_any = 1, corrected = 0, some = 0;
			float score = 0;
			for (int i = 0; i < pl->nc; i++) {
				const qconcept *cc = &pl->c[i];
				int in_name = 0, in_any = 0, exact_any = 0;
				float best = 0;
				for (int j = 0; j < cc->nalt; j++) {
					const qalt *al = &cc->alt[j];
					uint64_t mn = al->mask & nm, ma = al->mask & am;
					if (!ma)
						continue;
					/* the fuller way of saying it counts more */
					float cov = (idf_sum(pl, mn) + BODY_WEIGHT * idf_sum(pl, ma & ~mn)) /
						    al->weight * al->factor *
						    (0.6f + 0.4f * al->weight / cc->maxw);
					if (mn == al->mask && al->nw > 1 &&
					    has_phrase(p->fold_phrases, (size_t)p->phrases_len, al->phrase,
						       strlen(al->phrase)))
						cov += ADJ_WEIGHT * al->factor;
					if (cov > best)
						best = cov;
					if (mn == al->mask)
						in_name = 1;
					if (ma == al->mask) {
						in_any = 1;
						exact_any |= !al->corrected;
					}
				}
				score += cc->w * best;
				if (cc->optional)
					continue;
				some |= best > 0;
				all_name &= in_name;
				all_any &= in_any;
				corrected |= in_any && !exact_any;
			}
			if (!some)
				continue;   /* only filler words in common */
			score += adjacency(pl, p, nm);
			/* All the typed words in the name: a phrase of it is what was
			 * typed, always; scattered, only when the dictionary did not
			 * say they mean something else ("mất bằng lái" is not any
			 * name holding mất, bằng and lại), unless the query is long
			 * enough to be a name typed from memory. */
			int lit_all = lit_known && (nm & lit) == lit;
			int literal = lit_all && (!pl->rewrites || nq >= 5);
			int tier;
			if (lit_all && has_phrase(p->fold_phrases, (size_t)p->phrases_len, folded, flen))
				tier = 0;
			else if (all_name && plain && core.len &&
				 has_phrase(p->fold_phrases, (size_t)p->phrases_len, core.p, core.len))
				tier = 0;
			else
				tier = literal || all_name ? 1 : all_any ? 2 : 3;
			if (tier == 3 || literal)
				corrected = 0;
			int marks = lowered && strstr(p->lower_name, lowered) != NULL;
			uint64_t key = make_key(tier, corrected, literal || tier == 0, marks, score, p);
			out->total++;
			heap_push(heap, &nheap, cap, (hit){key, d});
		}
		buf_free(&core);
	}
	qsort(heap, (size_t)nheap, sizeof *heap, cmp_hit);
	int from = q->offset < nheap ? q->offset : nheap;
	out->n = nheap - from;
	out->procs = arena_alloc(a, (size_t)(out->n ? out->n : 1) * sizeof(int));
	out->tiers = arena_alloc(a, (size_t)(out->n ? out->n : 1) * sizeof(int));
	for (int i = 0; i < out->n; i++) {
		out->procs[i] = heap[from + i].doc;
		out->tiers[i] = nq ? (int)(heap[from + i].key >> 62) : 0;
	}
}
