/*
 * arena.h - per-request memory pool.
 *
 * Everything a request allocates comes from one arena that is reset when the
 * request ends, so handlers never free by hand (the nginx pool idea).  The
 * first chunk is kept across resets, so a steady-state request allocates
 * nothing from malloc.  Allocation failure aborts the process: a FastCGI
 * process out of memory is restarted by its supervisor, which is safer than
 * limping on with half-built responses.
 */
#ifndef PORTAL_ARENA_H
#define PORTAL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(size_t chunk_size);
void arena_free(arena *a);
/* Forget every allocation; keeps the first chunk for the next request. */
void arena_reset(arena *a);
/* Bytes handed out since the last reset (for limits and benchmarks). */
size_t arena_used(const arena *a);

void *arena_alloc(arena *a, size_t n);  /* aligned to 16, not zeroed */
void *arena_calloc(arena *a, size_t n, size_t size);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
