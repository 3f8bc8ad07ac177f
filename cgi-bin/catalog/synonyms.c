/* synonyms.c - see synonyms.h */
#include "synonyms.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "vntext.h"

struct syn_dict {
	arena *a;
	syn_entry *e;
	int n, cap;
	int *slots;          /* open addressing: entry index + 1, 0 empty */
	uint32_t mask;
};

static const char *const kinds[] = {"tu", "viettat", "hutu"};

const char *syn_kind_name(int kind)
{
	return kind >= 0 && kind < 3 ? kinds[kind] : "?";
}

syn_dict *syn_new(void)
{
	syn_dict *d = calloc(1, sizeof *d);
	if (!d)
		abort();
	d->a = arena_new(1 << 16);
	d->mask = 255;
	d->slots = calloc(d->mask + 1, sizeof *d->slots);
	if (!d->slots)
		abort();
	return d;
}

void syn_free(syn_dict *d)
{
	if (!d)
		return;
	arena_free(d->a);
	free(d->e);
	free(d->slots);
	free(d);
}

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int *slot_for(const syn_dict *d, const char *key, size_t n)
{
	for (uint32_t i = hash(key, n) & d->mask;; i = (i + 1) & d->mask) {
		int *s = &d->slots[i];
		if (!*s)
			return s;
		const syn_entry *e = &d->e[*s - 1];
		if (strlen(e->key) == n && memcmp(e->key, key, n) == 0)
			return s;
	}
}

static void grow(syn_dict *d)
{
	uint32_t size = (d->mask + 1) * 2;
	free(d->slots);
	d->slots = calloc(size, sizeof *d->slots);
	if (!d->slots)
		abort();
	d->mask = size - 1;
	for (int i = 0; i < d->n; i++)
		*slot_for(d, d->e[i].key, strlen(d->e[i].key)) = i + 1;
}

static int fail(char *err, size_t errlen, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", why);
	return -1;
}

static int words_of(const char *folded)
{
	int n = *folded != '\0';
	for (const char *p = folded; *p; p++)
		n += *p == ' ';
	return n;
}

/* Control characters have no place in any field of an entry. */
static int clean(const char *s, size_t n)
{
	if (!utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int kind_of(const char *k)
{
	if (!k || !*k)
		return SYN_WORD;
	for (int i = 0; i < 3; i++)
		if (strcmp(k, kinds[i]) == 0)
			return i;
	return -1;
}

int syn_add(syn_dict *d, const char *phrase, const char *expansion, const char *kind,
	    const char *reason, int from_db, char *err, size_t errlen)
{
	size_t pn = strlen(phrase), xn = strlen(expansion), rn = strlen(reason);
	int k = kind_of(kind);
	if (k < 0)
		return fail(err, errlen, "loại phải là tu, viettat hoặc hutu");
	if (pn == 0 || pn > SYN_MAX_PHRASE || !clean(phrase, pn))
		return fail(err, errlen, "cụm từ trống, quá dài hoặc có ký tự lạ");
	if (xn > SYN_MAX_EXPANSION || !clean(expansion, xn))
		return fail(err, errlen, "nghĩa quá dài hoặc có ký tự lạ");
	if (rn == 0 || rn > SYN_MAX_REASON || !clean(reason, rn))
		return fail(err, errlen, "thiếu lý do, hoặc lý do quá dài");
	if ((k == SYN_FILLER) != (xn == 0))
		return fail(err, errlen, k == SYN_FILLER ? "từ đệm (hutu) không có nghĩa thay thế"
						      : "thiếu nghĩa thay thế");
	char *key = arena_alloc(d->a, pn + 1);
	vn_fold(phrase, pn, key);
	int nw = words_of(key);
	if (nw == 0 || nw > SYN_MAX_WORDS)
		return fail(err, errlen, "cụm từ phải có từ 1 đến 8 từ");

	syn_entry e;
	memset(&e, 0, sizeof e);
	e.key = key;
	e.nwords = nw;
	e.kind = k;
	e.phrase = arena_strndup(d->a, phrase, pn);
	e.expansion = arena_strndup(d->a, expansion, xn);
	e.reason = arena_strndup(d->a, reason, rn);
	e.from_db = from_db;
	/* Alternatives: "a | b | c", each folded; empty ones are skipped. */
	const char *s = expansion, *end = expansion + xn;
	while (s < end && e.nalts < SYN_MAX_ALTS) {
		const char *bar = memchr(s, '|', (size_t)(end - s));
		const char *stop = bar ? bar : end;
		char *f = arena_alloc(d->a, (size_t)(stop - s) + 1);
		size_t fl = vn_fold(s, (size_t)(stop - s), f);
		if (fl) {
			while (*s == ' ')
				s++;
			size_t sl = (size_t)(stop - s);
			while (sl && s[sl - 1] == ' ')
				sl--;
			e.alts[e.nalts] = f;
			e.shown[e.nalts] = arena_strndup(d->a, s, sl);
			e.nalts++;
		}
		s = bar ? bar + 1 : end;
	}
	if (k != SYN_FILLER && e.nalts == 0)
		return fail(err, errlen, "nghĩa thay thế không có chữ nào");

	int *slot = slot_for(d, key, strlen(key));
	if (*slot) {
		d->e[*slot - 1] = e;  /* the later entry (staff's) wins */
		return 0;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->e = realloc(d->e, (size_t)d->cap * sizeof *d->e);
		if (!d->e)
			abort();
	}
	d->e[d->n++] = e;
	*slot = d->n;
	if ((uint32_t)d->n * 2 > d->mask)
		grow(d);
	return 0;
}

int syn_parse(syn_dict *d, const char *text, size_t n, char *err, size_t errlen)
{
	int bad = 0;
	size_t line = 0;
	char why[160];
	if (err && errlen)
		err[0] = '\0';
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (text + i)) : n - i;
		const char *s = text + i;
		i += len + (nl != NULL);
		line++;
		if (len && s[len - 1] == '\r')
			len--;
		if (len == 0 || s[0] == '#')
			continue;
		/* Split into exactly four fields on tabs. */
		const char *f[4];
		size_t fl[4];
		int nf = 0;
		const char *p = s, *e = s + len;
		while (nf < 4) {
			const char *tab = memchr(p, '\t', (size_t)(e - p));
			f[nf] = p;
			fl[nf] = (size_t)((tab ? tab : e) - p);
			nf++;
			if (!tab)
				break;
			p = tab + 1;
		}
		const char *problem = NULL;
		if (nf != 4 || memchr(f[3], '\t', fl[3]))
			problem = "cần đúng 4 cột cách nhau bằng tab";
		char *cols[4];
		if (!problem) {
			for (int k = 0; k < 4; k++)
				cols[k] = arena_strndup(d->a, f[k], fl[k]);
			if (syn_add(d, cols[0], cols[1], cols[2], cols[3], 0, why, sizeof why) < 0)
				problem = why;
		}
		if (problem) {
			if (bad == 0 && err && errlen)
				snprintf(err, errlen, "dòng %zu: %s", line, problem);
			bad++;
		}
	}
	return bad;
}

const syn_entry *syn_match(const syn_dict *d, const char *const *words, int nwords, int *used)
{
	*used = 0;
	if (!d || d->n == 0)
		return NULL;
	char key[SYN_MAX_WORDS * 64];
	int max = nwords < SYN_MAX_WORDS ? nwords : SYN_MAX_WORDS;
	for (int k = max; k >= 1; k--) {
		size_t o = 0;
		int fits = 1;
		for (int i = 0; i < k && fits; i++) {
			size_t l = strlen(words[i]);
			if (o + l + 2 > sizeof key) {
				fits = 0;
				break;
			}
			if (i)
				key[o++] = ' ';
			memcpy(key + o, words[i], l);
			o += l;
		}
		if (!fits)
			continue;
		int *slot = slot_for(d, key, o);
		if (*slot) {
			*used = k;
			return &d->e[*slot - 1];
		}
	}
	return NULL;
}

int syn_count(const syn_dict *d)
{
	return d ? d->n : 0;
}

const syn_entry *syn_at(const syn_dict *d, int i)
{
	return &d->e[i];
}
