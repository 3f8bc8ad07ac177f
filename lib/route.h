/*
 * route.h - the static route table of an area, which is also its policy.
 *
 * A pattern is a path with literal segments and {captures}:
 * "/catalog/procedures/{code}/qr.svg".  Each row says, with designated
 * initialisers, everything the server enforces before the handler runs:
 * the methods, the query and POST fields (typed, capped, unknown ones
 * refused), the files a multipart body may carry, the body limit, who may
 * call it (site, citizen or staff session, staff roles), CSRF and caching.
 * A handler therefore never re-checks a session or a token by hand.
 */
#ifndef PORTAL_ROUTE_H
#define PORTAL_ROUTE_H

#include "form.h"
#include "http.h"

typedef int (*handler_fn)(request *r);

enum { SITE_PUBLIC = 1, SITE_INTRANET = 2 };

/* Who may call a route.  AUTH_OPTIONAL loads a session when there is one
 * (pages that greet a signed-in citizen) and lets everyone in. */
enum route_auth { AUTH_NONE = 0, AUTH_OPTIONAL, AUTH_CITIZEN, AUTH_STAFF };

/* Staff roles, as bits; a route's .roles of 0 lets any staff member in. */
enum staff_role {
	ROLE_DESK = 1,        /* tiếp nhận và trả kết quả */
	ROLE_PROCESSOR = 2,   /* xử lý */
	ROLE_LEADER = 4,      /* lãnh đạo */
	ROLE_ADMIN = 8,       /* quản trị */
};

typedef struct route {
	const char *name;            /* for the log line */
	int methods;                 /* HTTP_GET | HTTP_HEAD | HTTP_POST */
	const char *pattern;
	handler_fn handler;
	const field_spec *query;     /* allowed query parameters, or NULL: none */
	const field_spec *captures;  /* one spec per {capture}, in order */
	const field_spec *form;      /* POST fields (urlencoded, or the text
				      * parts of multipart), or NULL: none */
	const file_spec *files;      /* multipart file parts; NULL: multipart
				      * bodies are refused */
	long long body_limit;        /* bytes; 0: PORTAL_MAX_BODY */
	int json;                    /* answer errors as JSON */
	int sites;                   /* which server blocks may call it; 0 = both */
	int cache;                   /* a pure function of URL, site and generation:
				      * keep its 200 answers (pagecache.h) */
	int auth;                    /* enum route_auth */
	unsigned roles;              /* AUTH_STAFF: any of these roles */
	int no_csrf;                 /* a POST that carries no form token: callbacks
				      * and APIs that are signed instead */
	int raw_query;               /* the query string is not parsed or checked
				      * here: the handler reads r->raw_query
				      * itself (a bank's callback is stored as it
				      * came, before anything judges it) */
	handler_fn refused;          /* a form page's own answer to POST fields
				      * the server refuses (a type, a cap, an
				      * unknown or repeated name): called with
				      * r->error set and r->form_pairs as sent,
				      * it shows the form again and returns the
				      * status to answer (the area's choice for
				      * its routes: 400 or 422).
				      * Only once the session, the roles and the
				      * CSRF token passed; those refusals, and a
				      * bad body, keep the error page.  NULL: the
				      * error page, 400.  Also called, with
				      * r->form typed and r->file_status set,
				      * when a file part was refused for what it
				      * is (empty, of a kind the route does not
				      * take): the answer is then that refusal's
				      * status, 422. */
} route;

/* Find the route for a path.  Returns it, or NULL; *path_matched tells a
 * 405 (path known, method not allowed) from a 404. */
const route *route_match(const route *routes, size_t n, request *r,
			 int *path_matched, form_error *err);

#endif
