/* arena.c - see arena.h. Chunks form a singly linked chain, newest first;
 * a block bigger than a quarter chunk gets a chunk of its own on a side list,
 * so a large allocation never wastes the rest of a chunk. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct chunk *head;   /* current chunk, where allocation happens */
	struct chunk *first;  /* kept across resets; always last in the chain */
	struct chunk *big;    /* oversized blocks, freed on reset */
	size_t chunk_size;
	size_t total;
};

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c = malloc(sizeof(*c) + size);
	if (!c) {
		fputs("arena: out of memory\n", stderr);
		abort();
	}
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

arena *arena_new(size_t chunk_size)
{
	arena *a = calloc(1, sizeof(*a));
	if (!a)
		abort();
	a->chunk_size = chunk_size < 1024 ? 1024 : chunk_size;
	a->first = a->head = chunk_new(a->chunk_size);
	return a;
}

void arena_reset(arena *a)
{
	struct chunk *c = a->head;
	while (c && c != a->first) {
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
	while (a->big) {
		struct chunk *next = a->big->next;
		free(a->big);
		a->big = next;
	}
	a->head = a->first;
	a->first->used = 0;
	a->first->next = NULL;
	a->total = 0;
}

void arena_free(arena *a)
{
	if (!a)
		return;
	arena_reset(a);
	free(a->first);
	free(a);
}

size_t arena_used(const arena *a)
{
	return a->total;
}

void *arena_alloc(arena *a, size_t n)
{
	/* Room for the rounding and the chunk header, or the sums overflow. */
	if (n > SIZE_MAX / 2)
		abort();
	size_t need = (n + 15) & ~(size_t)15;
	a->total += need;
	if (need > a->chunk_size / 4) {
		/* Oversized block: a chunk of its own on the side list, so the
		 * current chunk keeps serving small allocations. */
		struct chunk *big = chunk_new(need);
		big->used = need;
		big->next = a->big;
		a->big = big;
		return big->data;
	}
	struct chunk *c = a->head;
	if (c->size - c->used < need) {
		c = chunk_new(a->chunk_size);
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += need;
	return p;
}

void *arena_calloc(arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		abort();
	void *p = arena_alloc(a, n * size);
	memset(p, 0, n * size);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return arena_strdup(a, "");
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
