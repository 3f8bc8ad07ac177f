/*
 * buf.h - growable byte buffer for building responses.
 *
 * malloc-backed rather than arena-backed: a response buffer is reused for
 * every request of a process, so after warm-up it never reallocates.
 * Out of memory aborts (see arena.h for why).
 */
#ifndef PORTAL_BUF_H
#define PORTAL_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char *p;      /* always NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
} buf;

#define BUF_INIT {NULL, 0, 0}

void buf_free(buf *b);
void buf_reset(buf *b);                   /* len = 0, keeps memory */
void buf_reserve(buf *b, size_t extra);
void buf_put(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
