/*
 * route.h - the static route table of an area.
 *
 * A pattern is a path with literal segments and {captures}: 
 * "/catalog/procedures/{code}/qr.svg".  Each route names the methods it
 * answers, its query whitelist and the spec of each capture; everything not
 * declared is rejected before the handler runs.
 */
#ifndef PORTAL_ROUTE_H
#define PORTAL_ROUTE_H

#include "form.h"
#include "http.h"

typedef int (*handler_fn)(request *r);

typedef struct route {
	const char *name;            /* for the log line */
	int methods;                 /* HTTP_GET | HTTP_HEAD | ... */
	const char *pattern;
	handler_fn handler;
	const field_spec *query;     /* allowed query parameters, or NULL: none */
	const field_spec *captures;  /* one spec per {capture}, in order */
	int json;                    /* answer errors as JSON */
	int sites;                   /* which server blocks may call it; 0 = both */
	int cache;                   /* a pure function of URL, site and generation:
				      * keep its 200 answers (pagecache.h) */
} route;

enum { SITE_PUBLIC = 1, SITE_INTRANET = 2 };

/* Find the route for a path.  Returns it, or NULL; *path_matched tells a
 * 405 (path known, method not allowed) from a 404. */
const route *route_match(const route *routes, size_t n, request *r,
			 int *path_matched, form_error *err);

#endif
