/* route.c - see route.h.  Tables are a dozen entries, so a linear scan
 * over pre-split patterns beats any cleverness. */
#include "route.h"

#include <string.h>

/* Walk the pattern's segments in place, without allocating. */
static const char *next_seg(const char *p, size_t *len)
{
	while (*p == '/')
		p++;
	const char *e = strchr(p, '/');
	*len = e ? (size_t)(e - p) : strlen(p);
	return p;
}

static int match_one(const route *rt, request *r, form_error *err)
{
	const char *p = rt->pattern;
	size_t i = 0, ncap = 0, len;
	field_value caps[8];

	for (;;) {
		p = next_seg(p, &len);
		if (len == 0)
			break;
		if (i == r->nsegs)
			return 0;
		const char *seg = r->segs[i++];
		if (p[0] == '{') {
			if (!rt->captures || !rt->captures[ncap].name || ncap == 8)
				return 0;
			if (field_check(r->a, &rt->captures[ncap], seg, strlen(seg),
					&caps[ncap], err) < 0)
				return 0;
			ncap++;
		} else if (strlen(seg) != len || memcmp(seg, p, len) != 0) {
			return 0;
		}
		p += len;
	}
	if (i != r->nsegs)
		return 0;
	if (ncap) {
		r->captures = arena_alloc(r->a, ncap * sizeof(field_value));
		memcpy(r->captures, caps, ncap * sizeof(field_value));
	}
	return 1;
}

const route *route_match(const route *routes, size_t n, request *r,
			 int *path_matched, form_error *err)
{
	*path_matched = 0;
	for (size_t k = 0; k < n; k++) {
		if (!match_one(&routes[k], r, err))
			continue;
		*path_matched = 1;
		if (routes[k].methods & r->method)
			return &routes[k];
	}
	return NULL;
}
