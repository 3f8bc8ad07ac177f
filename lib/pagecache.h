/*
 * pagecache.h - rendered pages kept in the process, least recently used out.
 *
 * A catalog page is a pure function of its validated URL, the site (public
 * or intranet) and the catalog's version, and rendering it through HDF and
 * ClearSilver costs far more than sending it.  Popular pages (the birth
 * registration page, the front door, common searches) are therefore kept,
 * up to a byte budget per process (PORTAL_PAGE_CACHE, default 8 MiB), and
 * dropped all at once when the generation (the catalog version) changes.
 * Only 200 answers are kept.  Not for anything personal: a page that
 * depends on a session must not be declared cacheable.
 */
#ifndef PORTAL_PAGECACHE_H
#define PORTAL_PAGECACHE_H

#include <stddef.h>

typedef struct page {
	const char *content_type;
	const char *cache_control;
	const char *body;
	size_t len;
} page;

void pagecache_init(size_t budget);
/* Drop everything if generation differs from the one the pages were made for. */
void pagecache_generation(long long generation);
int pagecache_get(const char *key, page *out);   /* 1 hit, 0 miss */
void pagecache_put(const char *key, const page *p);
size_t pagecache_bytes(void);

#endif
