/* pagecache.c - see pagecache.h.  Chained hash table plus an LRU list; an
 * entry is one malloc holding its key, content type and body. */
#include "pagecache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 4096

typedef struct entry {
	struct entry *next_hash;
	struct entry *prev, *next;   /* LRU: head = most recent */
	uint32_t hash;
	size_t size;                 /* bytes charged to the budget */
	char *key;
	page p;
} entry;

static entry *buckets[NBUCKETS];
static entry *head, *tail;
static size_t used, budget;
static long long gen = -1;

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

void pagecache_init(size_t bytes)
{
	budget = bytes;
}

size_t pagecache_bytes(void)
{
	return used;
}

static void unlink_lru(entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		tail = e->prev;
	e->prev = e->next = NULL;
}

static void push_front(entry *e)
{
	e->next = head;
	e->prev = NULL;
	if (head)
		head->prev = e;
	head = e;
	if (!tail)
		tail = e;
}

static void drop(entry *e)
{
	entry **pp = &buckets[e->hash % NBUCKETS];
	while (*pp != e)
		pp = &(*pp)->next_hash;
	*pp = e->next_hash;
	unlink_lru(e);
	used -= e->size;
	free(e);
}

void pagecache_generation(long long generation)
{
	if (generation == gen)
		return;
	while (tail)
		drop(tail);
	gen = generation;
}

int pagecache_get(const char *key, page *out)
{
	uint32_t h = hash(key);
	for (entry *e = buckets[h % NBUCKETS]; e; e = e->next_hash) {
		if (e->hash == h && strcmp(e->key, key) == 0) {
			unlink_lru(e);
			push_front(e);
			*out = e->p;
			return 1;
		}
	}
	return 0;
}

void pagecache_put(const char *key, const page *p)
{
	size_t klen = strlen(key) + 1, tlen = strlen(p->content_type) + 1,
	       clen = strlen(p->cache_control) + 1;
	size_t size = sizeof(entry) + klen + tlen + clen + p->len;
	if (!budget || size > budget / 4)
		return;  /* one page must never push out a quarter of the cache */
	page old;
	if (pagecache_get(key, &old))
		return;
	while (used + size > budget && tail)
		drop(tail);
	entry *e = malloc(size);
	if (!e)
		return;
	char *s = (char *)(e + 1);
	e->key = memcpy(s, key, klen);
	s += klen;
	e->p.content_type = memcpy(s, p->content_type, tlen);
	s += tlen;
	e->p.cache_control = memcpy(s, p->cache_control, clen);
	s += clen;
	e->p.body = memcpy(s, p->body, p->len);
	e->p.len = p->len;
	e->size = size;
	e->hash = hash(key);
	e->next_hash = buckets[e->hash % NBUCKETS];
	buckets[e->hash % NBUCKETS] = e;
	e->prev = e->next = NULL;
	push_front(e);
	used += size;
}
