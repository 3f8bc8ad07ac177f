/*
 * http.h - one request and its response, as a handler sees them.
 *
 * The server (server.h) fills a request from FastCGI, validates it against
 * the route's declared fields and calls the handler.  A handler returns an
 * HTTP status.  For 2xx/3xx it has set the body (http_body/render) and the
 * content type; for an error status it may leave the body empty and the one
 * error renderer answers, as an HTML page or JSON depending on the route.
 */
#ifndef PORTAL_HTTP_H
#define PORTAL_HTTP_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "form.h"
#include "url.h"

enum http_method {
	HTTP_GET = 1,
	HTTP_HEAD = 2,
	HTTP_POST = 4,
	HTTP_OTHER = 8,
};

struct route;

/* Who is calling, once the server has checked the session. */
typedef struct principal {
	int kind;                 /* AUTH_CITIZEN or AUTH_STAFF (route.h) */
	long long id;             /* citizen.id or staff.id */
	const char *name;
	const char *login;        /* citizen: phone or e-mail; staff: login */
	const char *agency_code;  /* staff only */
	unsigned roles;           /* staff only: ROLE_* bits */
	const char *sid_hash;     /* the session row, for logout and rotation */
} principal;

typedef struct request {
	arena *a;
	int method;
	const char *method_name;
	const char *uri;          /* raw REQUEST_URI */
	const char *cookie_header; /* raw Cookie header, parsed by the server */
	char **segs;              /* decoded path segments */
	size_t nsegs;
	int trailing_slash;
	kvlist query_pairs;
	kvlist form_pairs;
	kvlist cookies;
	const char *site;         /* "public" or "intranet" (from nginx) */
	const char *remote_addr;
	const char *scheme_host;  /* e.g. http://127.0.0.1:8080, for absolute links */
	int https;                /* came over HTTPS: nginx's own TLS, or the trusted
	                           * proxy's X-Forwarded-Proto (PORTAL_HTTPS) */
	int rate_exempt;          /* the client is in PORTAL_RATE_EXEMPT (nginx's
	                           * verdict): no request-rate count applies */
	const char *accept_language;
	const struct route *route;
	field_value *query;       /* typed, in the route's declared order */
	field_value *form;
	field_value *captures;
	upload *files;            /* multipart file parts, validated */
	size_t nfiles;
	int file_status;          /* the first file part refused for what the
				   * file is (empty, not a PDF/JPEG/PNG), 0:
				   * none; answered after the CSRF check and
				   * the fields, so the route's refused() can
				   * show its form again (server.c) */
	form_error file_error;
	const char *raw_query;    /* what follows '?' in the URI, as received */
	char **env;               /* the FastCGI parameters ("NAME=value"),
				   * valid until the request ends: req_env() */
	const char *raw_body;     /* the POST body as received (signed APIs
				   * and JSON parse it themselves) */
	size_t raw_len;
	principal *user;          /* the checked session, or NULL */
	const char *csrf;         /* the token this visitor's forms carry */
	const char *anon_id;      /* the visitor's pre-session cookie value */
	const char *user_agent;

	/* response */
	int status;
	const char *content_type;
	const char *cache_control;
	buf *body;
	buf *headers;             /* extra header lines, each ending in \r\n */
	form_error error;         /* for 400 pages: which field, why */
	const char *error_detail; /* optional extra sentence for error pages */
	void *hdf;                /* the page data, see render.h */
	int want_json;            /* errors as JSON (API routes and paths) */
	int no_page_cache;        /* this answer must not be kept in the page
				   * cache (the handler has to see every such
				   * request, e.g. to count a search that
				   * found nothing) */
	double started;           /* monotonic seconds, for the log */
} request;

/* A FastCGI parameter of this request, e.g. "HTTP_X_PORTAL_KEY" for the
 * header X-Portal-Key; NULL when absent.  For signed APIs, whose headers
 * the handler checks itself. */
const char *req_env(const request *r, const char *name);

/* Typed access to validated fields (NULL / def when absent). */
const char *req_query(const request *r, const char *name);
long long req_query_int(const request *r, const char *name, long long def);
const char *req_capture(const request *r, const char *name);

/* Header values with CR or LF are refused (logged, not sent). */
void http_header(request *r, const char *name, const char *value);
/* 303 See Other to a local path; returns 303 for `return http_redirect(…)`. */
int http_redirect(request *r, const char *path);

/* A refusal that names its field, for `return http_field_error(…)`: the
 * error page (or JSON) gets r->error, and the message ends "(trường
 * “field”)" so the person and a tool both see which.  field may be NULL. */
int http_field_error(request *r, int status, const char *field, const char *msg);
/* A cookie with HttpOnly, SameSite=Lax, Path=/ and, when the portal is
 * served over https (PORTAL_PUBLIC_URL), Secure.  max_age < 0: a session
 * cookie; 0: delete it. */
void http_set_cookie(request *r, const char *name, const char *value, long max_age);
/* The file part of this field name, or NULL. */
const upload *req_file(const request *r, const char *field);
void http_body(request *r, const char *content_type, const void *p, size_t n);

/* The Vietnamese reason phrase of a status, for pages and logs. */
const char *http_status_text(int status);
const char *http_status_title_vi(int status);
const char *http_status_help_vi(int status);

#endif
