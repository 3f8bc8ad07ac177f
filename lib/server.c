/* server.c - see server.h */

#include "server.h"

#include <errno.h>
#include <fcgiapp.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "db.h"
#include "filetype.h"
#include "multipart.h"
#include "pagecache.h"
#include "render.h"
#include "session.h"
#include "vntext.h"

#define MAX_PROCS 64

static volatile sig_atomic_t stopping;
/* A worker asked to stop while it waits for a request leaves at once; in
 * the middle of one it finishes it first (serve() checks stopping). */
static volatile sig_atomic_t in_request;

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_method(const char *m)
{
	if (!m)
		return HTTP_OTHER;
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	return HTTP_OTHER;
}

static void allow_header(const app *area, request *r)
{
	int methods = 0, dummy;
	form_error err;
	for (size_t k = 0; k < area->nroutes; k++) {
		const route one = area->routes[k];
		int saved = r->method;
		r->method = HTTP_GET | HTTP_HEAD | HTTP_POST;
		if (route_match(&one, 1, r, &dummy, &err))
			methods |= one.methods;
		r->method = saved;
	}
	char allow[32] = "";
	if (methods & HTTP_GET)
		strcat(allow, "GET, ");
	if (methods & HTTP_HEAD)
		strcat(allow, "HEAD, ");
	if (methods & HTTP_POST)
		strcat(allow, "POST, ");
	size_t n = strlen(allow);
	if (n >= 2)
		allow[n - 2] = '\0';
	http_header(r, "Allow", allow);
}

static db *worker_db;

db *server_db(void)
{
	/* Opened on first use: an area that never needs the database (or a
	 * test driving server_dispatch) never connects. */
	if (!worker_db)
		worker_db = db_open();
	return worker_db;
}

static int bad(request *r, int status, const char *field, const char *msg)
{
	r->error.field = field;
	r->error.reason = NULL;
	r->error.message = msg;
	return status;
}

static int under_api(const app *area, const char *uri)
{
	return area->api_prefix && strncmp(uri, area->api_prefix, strlen(area->api_prefix)) == 0;
}

/* Serve a cacheable route from the page cache, or run it and keep a 200. */
static int cached_handler(const app *area, request *r)
{
	if (!r->route->cache || !area->generation)
		return r->route->handler(r);
	pagecache_generation(area->generation());
	const char *key = arena_printf(r->a, "%s %s", r->site, r->uri);
	page p;
	if (pagecache_get(key, &p)) {
		r->content_type = p.content_type;
		r->cache_control = p.cache_control;
		buf_put(r->body, p.body, p.len);
		return 200;
	}
	int status = r->route->handler(r);
	if (status == 200 && !r->no_page_cache) {
		p.content_type = r->content_type ? r->content_type : "text/html; charset=utf-8";
		p.cache_control = r->cache_control ? r->cache_control : "no-store";
		p.body = r->body->p ? r->body->p : "";
		p.len = r->body->len;
		pagecache_put(key, &p);
	}
	return status;
}

/* The route's policy on who may call it.  0 lets the request through. */
static int authorize(request *r, int site)
{
	const route *rt = r->route;
	/* Forms live on pages that are never cached: give each visitor its
	 * token there (a cached page must not set cookies). */
	if (!rt->cache && !rt->json)
		csrf_prepare(r);
	if (rt->auth == AUTH_NONE)
		return 0;
	int kind = rt->auth == AUTH_OPTIONAL ? (site == SITE_INTRANET ? AUTH_STAFF : AUTH_CITIZEN)
					      : rt->auth;
	/* Staff work only on the intranet, whatever a route table says: the
	 * public site never reads a staff session. */
	if (kind == AUTH_STAFF && site != SITE_INTRANET)
		return 404;
	int got = session_load(server_db(), r, kind);
	if (got < 0)
		return 503;
	if (rt->auth == AUTH_OPTIONAL)
		return 0;
	if (got == 0) {
		if (rt->json)
			return bad(r, 401, NULL, "Cần đăng nhập.");
		const char *login = kind == AUTH_STAFF ? SESSION_LOGIN_STAFF : SESSION_LOGIN_CITIZEN;
		/* Back to the same page after signing in, query and all (a filing
		 * link is /dossiers/new?procedure=…); a URI the login form's
		 * `next` (500 characters) could not carry goes back to its path. */
		const char *path = strlen(r->uri) <= 500 ? r->uri
				   : arena_strndup(r->a, r->uri, strcspn(r->uri, "?"));
		if (r->method == HTTP_POST)
			return http_redirect(r, login);
		return http_redirect(r, arena_printf(r->a, "%s?next=%s", login, url_encode(r->a, path)));
	}
	if (rt->roles && !(r->user->roles & rt->roles))
		return bad(r, 403, NULL, "Vai trò của bạn không được làm việc này.");
	return 0;
}

static const file_spec *file_spec_for(const file_spec *fs, const char *name, int *index)
{
	for (; fs && fs->name; fs++) {
		size_t n = strlen(fs->name);
		if (fs->name[n - 1] != '_') {
			if (strcmp(fs->name, name) == 0) {
				*index = 0;
				return fs;
			}
			continue;
		}
		/* prefix_N, N from 1 to max_count, no leading zero */
		if (strncmp(fs->name, name, n) != 0 || name[n] < '1' || name[n] > '9' ||
		    strlen(name + n) > 3 || strspn(name + n, "0123456789") != strlen(name + n))
			continue;
		int i = atoi(name + n);
		if (i > fs->max_count)
			return NULL;
		*index = i;
		return fs;
	}
	return NULL;
}

static const char *kinds_text(unsigned k)
{
	static const char *const names[] = {"", "PDF", "JPEG", "PDF hoặc JPEG", "PNG",
					    "PDF hoặc PNG", "JPEG hoặc PNG", "PDF, JPEG hoặc PNG"};
	return names[k & 7];
}

/* A multipart body into form pairs and checked uploads. */
static int read_multipart(request *r, const char *body, size_t blen, const char *boundary)
{
	const route *rt = r->route;
	/* Each file's own cap is its field's (below), so a 12 MB scan is a
	 * refusal the form page can show; the parser only points into the
	 * body, whose size the route capped before it was read. */
	size_t max_file = blen;
	/* As many parts as the route can use (its fields, the token, each file
	 * input: a browser sends the empty ones too), never fewer than a small
	 * form's; a body of more is refused before anything is read into it. */
	size_t max_parts = 1;
	for (const field_spec *f = rt->form; f && f->name; f++)
		max_parts++;
	for (const file_spec *fs = rt->files; fs->name; fs++)
		max_parts += fs->max_count > 0 ? (size_t)fs->max_count : 1;
	if (max_parts < MAX_QUERY_PAIRS * 2)
		max_parts = MAX_QUERY_PAIRS * 2;
	mp_limits lim = {.max_parts = max_parts, .max_header = 1024, .max_name = 255,
			 .max_field = 16 * 1024, .max_file = max_file};
	mpart *parts;
	size_t n;
	const char *why;
	int rc = multipart_parse(r->a, boundary, body, blen, &lim, &parts, &n, &why);
	if (rc == MP_TOO_BIG)
		return bad(r, 413, NULL, why);
	if (rc != MP_OK)
		return bad(r, 400, NULL, why);
	r->form_pairs.items = arena_calloc(r->a, n ? n : 1, sizeof(kv));
	r->files = arena_calloc(r->a, n ? n : 1, sizeof(upload));
	for (size_t i = 0; i < n; i++) {
		mpart *p = &parts[i];
		const char *shown = field_name_shown(r->a, p->name, strlen(p->name));
		if (!p->filename) {
			kv *k = &r->form_pairs.items[r->form_pairs.n++];
			k->name = p->name;
			k->value = arena_strndup(r->a, p->data, p->len);
			k->vlen = p->len;
			if (strlen(k->value) != p->len)
				return bad(r, 400, shown, arena_printf(r->a,
					   "Trường “%s” có ký tự NUL (mã 0), không hợp lệ.", shown));
			continue;
		}
		int index = 0;
		const file_spec *fs = file_spec_for(rt->files, p->name, &index);
		if (!fs)
			return bad(r, 400, shown,
				   arena_printf(r->a, "Tệp “%s” không được nhận ở trang này.", shown));
		if (p->len == 0 && !*p->filename)
			continue;  /* a file input left empty */
		if (req_file(r, p->name))
			return bad(r, 400, shown, arena_printf(r->a, "Tệp “%s” được gửi hai lần.", shown));
		/* An empty file, one too big for its field (a 12 MB scan) or of
		 * the wrong kind (a phone's HEIC photo) is what a person picked,
		 * not a forged body: the first one is kept for read_post to
		 * answer once the token and the fields passed, and the part is
		 * left out.  (The body's own cap was met before any parsing.) */
		int too_big = p->len > fs->max_bytes;
		int kind = p->len && !too_big ? filetype_detect((const unsigned char *)p->data, p->len) : 0;
		if (too_big || p->len == 0 || !(kind & (int)fs->kinds)) {
			if (!r->file_status) {
				r->file_status = too_big ? 413 : 422;
				r->file_error.field = shown;
				r->file_error.message = too_big
					? arena_printf(r->a, "Tệp “%s” lớn quá %zu MB.", shown, fs->max_bytes >> 20)
					: p->len == 0
					? arena_printf(r->a, "Tệp “%s” rỗng.", shown)
					: arena_printf(r->a, "Tệp “%s” không phải tệp %s hợp lệ (kiểm tra theo nội dung tệp, không theo tên).",
						       shown, kinds_text(fs->kinds));
			}
			continue;
		}
		upload *u = &r->files[r->nfiles++];
		u->field = p->name;
		u->index = index;
		u->filename = field_name_shown(r->a, p->filename, strlen(p->filename));
		u->data = (const unsigned char *)p->data;
		u->len = p->len;
		u->kind = kind;
	}
	return 0;
}

/* A POST body into r->form (typed) and r->files, then its CSRF token. */
static int read_post(request *r, const char *body, size_t blen, const char *content_type)
{
	const route *rt = r->route;
	const char *boundary = rt->files ? multipart_boundary(r->a, content_type) : NULL;
	int rc;
	if (rt->json && rt->no_csrf) {
		/* Only a signed machine API takes JSON: a browser form cannot
		 * send it, and no CSRF token is looked for.  The handler
		 * parses it (jsonparse.h) and checks the signature.  A POST
		 * with no body (a cancel) needs no type; a media type is
		 * matched without regard to case (RFC 9110 8.3.1). */
		size_t tl = content_type ? strcspn(content_type, "; \t") : 0;
		if (blen == 0 || (tl == 16 && strncasecmp(content_type, "application/json", 16) == 0))
			return 0;
		return bad(r, 415, "Content-Type",
			   "Nội dung phải gửi dạng JSON, với tiêu đề Content-Type: application/json.");
	}
	if (boundary) {
		rc = read_multipart(r, body, blen, boundary);
		if (rc)
			return rc;
	} else if (content_type && strncmp(content_type, "application/x-www-form-urlencoded", 33) == 0) {
		const char *badpair = NULL;
		rc = form_parse(r->a, body ? body : "", blen, MAX_QUERY_PAIRS, &r->form_pairs, &badpair);
		if (rc == URL_TOO_MANY)
			return bad(r, 400, NULL, "Biểu mẫu có quá nhiều trường.");
		if (rc != URL_OK) {
			/* named as a query parameter's is: the person is told
			 * which field to type again */
			const char *shown = badpair ? field_name_shown(r->a, badpair, strlen(badpair)) : "";
			return bad(r, 400, *shown ? shown : NULL, *shown
				   ? arena_printf(r->a, "Trường “%s” có mã hoá ký tự sai.", shown)
				   : "Dữ liệu biểu mẫu có mã hoá ký tự sai.");
		}
	} else {
		return bad(r, 415, NULL, rt->files ? "Biểu mẫu phải gửi dạng multipart/form-data."
						   : "Biểu mẫu phải gửi dạng application/x-www-form-urlencoded.");
	}
	/* The token is checked before anything else of the form is looked at,
	 * and taken out so no route has to declare it. */
	if (!rt->no_csrf) {
		const char *token = NULL;
		size_t k = 0;
		for (size_t i = 0; i < r->form_pairs.n; i++) {
			if (strcmp(r->form_pairs.items[i].name, "csrf") == 0) {
				if (token)
					return bad(r, 403, "csrf", "Mã chống giả mạo biểu mẫu bị gửi hai lần.");
				token = r->form_pairs.items[i].value;
				continue;
			}
			r->form_pairs.items[k++] = r->form_pairs.items[i];
		}
		r->form_pairs.n = k;
		if (!csrf_valid(r, token))
			return bad(r, 403, "csrf",
				   "Biểu mẫu đã hết hạn hoặc không phải từ trang này. Hãy tải lại trang rồi gửi lại.");
	}
	form_drop_empty(&r->form_pairs, rt->form);
	if (form_validate(r->a, &r->form_pairs, rt->form, &r->form, &r->error) < 0) {
		r->file_status = 0;    /* the field's refusal is the answer */
		return rt->refused ? rt->refused(r) : 400;
	}
	if (r->file_status) {
		/* the fields are good and typed in r->form: the form page can
		 * show them again with the file's refusal */
		r->error = r->file_error;
		if (rt->refused)
			rt->refused(r);
		return r->file_status;
	}
	return 0;
}

static int dispatch(const app *area, request *r, const char *body, size_t blen,
		    long long content_length, const char *content_type)
{
	if (strlen(r->uri) > MAX_URI)
		return 414;
	/* A stray cookie from another site on this host must not lock a
	 * citizen out: from a malformed or oversized Cookie header only our
	 * own well-formed cookies are kept. */
	const char *cookie = r->cookie_header ? r->cookie_header : "";
	static const char *const ours[] = {"pv", "sid", "ssid", NULL};
	if (strlen(cookie) > MAX_COOKIE ||
	    cookie_parse(r->a, cookie, strlen(cookie), MAX_COOKIES, &r->cookies) != URL_OK)
		cookie_salvage(r->a, cookie, strnlen(cookie, 4 * MAX_COOKIE), ours, &r->cookies);
	const char *q = strchr(r->uri, '?');
	size_t plen = q ? (size_t)(q - r->uri) : strlen(r->uri);
	int rc = path_split(r->a, r->uri, plen, MAX_SEGS, &r->segs, &r->nsegs,
			    &r->trailing_slash);
	if (rc == URL_BAD_ESCAPE || rc == URL_BAD_UTF8)
		return bad(r, 400, NULL, "Địa chỉ trang có mã hoá ký tự sai.");
	if (rc != URL_OK)
		return 404;

	int path_matched;
	form_error err = {0};
	r->route = route_match(area->routes, area->nroutes, r, &path_matched, &err);
	if (!r->route) {
		if (!path_matched)
			return 404;
		allow_header(area, r);
		return 405;
	}
	int site = r->site && strcmp(r->site, "intranet") == 0 ? SITE_INTRANET : SITE_PUBLIC;
	if (r->route->sites && !(r->route->sites & site))
		return 404;

	if ((r->method & (HTTP_GET | HTTP_HEAD)) && (content_length > 0 || blen > 0))
		return bad(r, 400, NULL, "Yêu cầu GET không được kèm dữ liệu.");
	long long limit = r->route->body_limit ? r->route->body_limit
					       : conf_bytes("PORTAL_MAX_BODY", 1 << 20);
	if (content_length > limit || (long long)blen > limit)
		return bad(r, 413, NULL, arena_printf(r->a, "Dữ liệu gửi lên quá %lld MB.",
						      (limit + (1 << 20) - 1) >> 20));
	rc = authorize(r, site);
	if (rc)
		return rc;

	const char *qs = q ? q + 1 : "";
	r->raw_query = qs;
	if (r->route->raw_query)
		goto query_done;
	if (strlen(qs) > MAX_QUERY)
		return bad(r, 414, NULL, "Chuỗi tham số quá dài.");
	const char *badpair = NULL;
	rc = form_parse(r->a, qs, strlen(qs), MAX_QUERY_PAIRS, &r->query_pairs, &badpair);
	if (rc == URL_TOO_MANY)
		return bad(r, 400, NULL, "Quá nhiều tham số.");
	if (rc != URL_OK) {
		const char *shown = badpair ? field_name_shown(r->a, badpair, strlen(badpair)) : "";
		return bad(r, 400, *shown ? shown : NULL,
			   arena_printf(r->a, "Tham số “%s” có mã hoá ký tự sai.", shown));
	}
	query_drop_tracking(&r->query_pairs, r->route->query);
	if (form_validate(r->a, &r->query_pairs, r->route->query, &r->query, &r->error) < 0)
		return 400;
query_done:

	if (r->method == HTTP_POST) {
		r->raw_body = body ? body : "";
		r->raw_len = blen;
		rc = read_post(r, body, blen, content_type);
		if (rc)
			return rc;
	}
	if (area->before_request)
		area->before_request(r);
	return cached_handler(area, r);
}

void server_dispatch(const app *area, request *r, const char *body, size_t blen,
		     long long content_length, const char *content_type)
{
	r->status = dispatch(area, r, body, blen, content_length, content_type);
	if (r->route)
		r->want_json = r->route->json;
	else
		r->want_json = under_api(area, r->uri);
	if (r->status >= 400 && r->body->len == 0)
		render_error(r, r->status);
	if (r->status == 503 || r->status == 429)
		http_header(r, "Retry-After", "30");
}

static const char *param(FCGX_Request *fr, const char *name)
{
	const char *v = FCGX_GetParam(name, fr->envp);
	return v ? v : "";
}

static void write_response(FCGX_Request *fr, request *r)
{
	char head[512];
	int n = snprintf(head, sizeof head,
			 "Status: %d %s\r\nContent-Type: %s\r\nContent-Length: %lu\r\n"
			 "Cache-Control: %s\r\n",
			 r->status, http_status_text(r->status),
			 r->content_type ? r->content_type : "text/html; charset=utf-8",
			 (unsigned long)r->body->len,
			 r->cache_control ? r->cache_control : "no-store");
	if (n < 0 || (size_t)n >= sizeof head)
		n = snprintf(head, sizeof head, "Status: 500 Internal Server Error\r\n"
			     "Content-Type: text/plain\r\nContent-Length: 0\r\n");
	FCGX_PutStr(head, n, fr->out);
	FCGX_PutStr(r->headers->p ? r->headers->p : "", (int)r->headers->len, fr->out);
	FCGX_PutStr("\r\n", 2, fr->out);
	if (r->method != HTTP_HEAD && r->body->len)
		FCGX_PutStr(r->body->p, (int)r->body->len, fr->out);
}

static void log_request(const app *area, request *r)
{
	double ms = (now_seconds() - r->started) * 1000.0;
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s area=%s route=%s method=%s status=%d ms=%.2f bytes=%lu\n",
		ts, area->name, r->route ? r->route->name : "-",
		r->method_name, r->status, ms, (unsigned long)r->body->len);
}

/* Read the body into the arena, at most cap bytes; -1 if it is bigger. */
static long long read_body(FCGX_Request *fr, request *r, long long cl, char **out)
{
	*out = NULL;
	if (cl <= 0)
		return 0;
	char *b = arena_alloc(r->a, (size_t)cl + 1);
	long long got = 0;
	while (got < cl) {
		int k = FCGX_GetStr(b + got, (int)(cl - got), fr->in);
		if (k <= 0)
			break;
		got += k;
	}
	b[got] = '\0';
	*out = b;
	return got;
}

/* Ends a request.  libfcgi's close is a lingering one: it shuts its side
 * and waits for nginx to hang up first, so that a body left unread cannot
 * turn into a reset that costs nginx the answer; that is one more wake-up
 * of this process, and one more step before it can take the next request,
 * for every request.  When nginx has sent everything (the body read to its
 * end and the closing empty stdin record seen) there is nothing left to
 * protect: the connection is closed at once (FCGX_Detach makes libfcgi's
 * close a plain close()).  A body left unread, such as one refused for its
 * size, keeps the lingering close. */
static void finish(FCGX_Request *fr)
{
	if (FCGX_GetChar(fr->in) == EOF && FCGX_GetError(fr->in) == 0)
		FCGX_Detach(fr);
	FCGX_Finish_r(fr);
}

static void serve(const app *area, int fd)
{
	FCGX_Request fr;
	FCGX_InitRequest(&fr, fd, 0);
	arena *a = arena_new(64 * 1024);
	buf body = BUF_INIT, headers = BUF_INIT;
	/* Bodies are read up to the largest limit any route declares; each
	 * route's own limit is applied once the route is known. */
	long long max_body = conf_bytes("PORTAL_MAX_BODY", 1 << 20);
	for (size_t k = 0; k < area->nroutes; k++)
		if (area->routes[k].body_limit > max_body)
			max_body = area->routes[k].body_limit;
	const char *public_url = conf_str("PORTAL_PUBLIC_URL", "http://127.0.0.1:8080");

	while (!stopping && FCGX_Accept_r(&fr) >= 0) {
		in_request = 1;
		request r;
		memset(&r, 0, sizeof r);
		r.started = now_seconds();
		r.a = a;
		r.body = &body;
		r.headers = &headers;
		r.method_name = arena_strdup(a, param(&fr, "REQUEST_METHOD"));
		r.method = parse_method(r.method_name);
		r.uri = param(&fr, "REQUEST_URI");
		r.env = fr.envp;
		r.site = param(&fr, "PORTAL_SITE");
		r.remote_addr = arena_strdup(a, param(&fr, "REMOTE_ADDR"));
		/* Stored in the audit log: valid UTF-8 of at most 300 bytes. */
		const char *ua = param(&fr, "HTTP_USER_AGENT");
		char *uac = arena_alloc(a, 301);
		utf8_clean(ua, strlen(ua), uac, 300);
		r.user_agent = uac;
		/* Absolute links (QR codes) use the configured address, never
		 * the Host header a client can forge. */
		r.scheme_host = public_url;
		r.cookie_header = param(&fr, "HTTP_COOKIE");
		/* nginx's verdict (conf/nginx.conf.in): a client's own
		 * X-Forwarded-Proto never reaches this as "on" */
		r.https = strcmp(param(&fr, "PORTAL_HTTPS"), "on") == 0;
		r.rate_exempt = strcmp(param(&fr, "PORTAL_RATE_EXEMPT"), "1") == 0;

		const char *cls = param(&fr, "CONTENT_LENGTH");
		long long cl = *cls ? strtoll(cls, NULL, 10) : 0;
		char *bodyp = NULL;
		long long blen = 0;
		if (cl > max_body) {
			r.want_json = under_api(area, r.uri);
			r.status = 413;
			render_error(&r, 413);
		} else {
			blen = read_body(&fr, &r, cl, &bodyp);
			server_dispatch(area, &r, bodyp, (size_t)blen, cl, param(&fr, "CONTENT_TYPE"));
		}
		write_response(&fr, &r);
		finish(&fr);
		log_request(area, &r);
		render_end(&r);
		arena_reset(a);
		buf_reset(&body);
		buf_reset(&headers);
		if (body.cap > (8u << 20))
			buf_free(&body);  /* one huge page must not pin memory */
		in_request = 0;
	}
}

static int drop_privileges(const char *user)
{
	if (!user || getuid() != 0 || strcmp(user, "root") == 0)
		return 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		fprintf(stderr, "server: no user %s\n", user);
		return -1;
	}
	if (initgroups(user, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		perror("server: dropping privileges");
		return -1;
	}
	if (setuid(0) == 0) {
		fputs("server: could regain root, refusing to serve\n", stderr);
		return -1;
	}
	return 0;
}

static void worker_stop(int sig)
{
	(void)sig;
	stopping = 1;
	if (!in_request)
		_exit(0);
}

/* A background job's life: rounds on its own connection until told to
 * stop.  A round in progress finishes (its transaction is short); kill -9
 * at any instant loses nothing, as an unfinished row stays claimable. */
static void run_job(const job *j)
{
	/* Citizens' requests before deliveries: a job yields the CPU to the
	 * workers of its host (PORTAL_JOB_NICE, 10), so a burst at the desk
	 * is served first and the outbox catches up after it.  Every message
	 * is still delivered; only later under load. */
	long long nice_to = conf_int("PORTAL_JOB_NICE", 10);
	if (nice_to > 0 && nice_to <= 19 && setpriority(PRIO_PROCESS, 0, (int)nice_to) < 0)
		perror("server: job priority");
	db *d = server_db();
	fprintf(stderr, "server: job %s started\n", j->name);
	while (!stopping) {
		in_request = 1;
		int n = j->run(d);
		in_request = 0;
		if (stopping)
			break;
		if (n <= 0) {
			struct timespec ts = {j->idle_ms / 1000, (long)(j->idle_ms % 1000) * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
}

static pid_t spawn(const app *area, int fd, const char *user, const sigset_t *blocked,
		   const job *j)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;  /* the parent, or -1: the supervisor tries again */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = worker_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_UNBLOCK, blocked, NULL);
	if (drop_privileges(user) < 0)
		_exit(2);
	/* Die with the supervisor, whatever kills it: no orphan keeps
	 * answering on a socket nobody manages.  Set after dropping root, as
	 * a change of credentials clears it. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		_exit(0);
	if (j) {
		/* A job names itself ("job:sync") so an operator, or a fault
		 * test, can tell it from a worker in ps and /proc/PID/comm. */
		char title[16];
		snprintf(title, sizeof title, "job:%s", j->name);
		prctl(PR_SET_NAME, title);
		close(fd);
		run_job(j);
		_exit(0);
	}
	pagecache_init((size_t)conf_bytes("PORTAL_PAGE_CACHE", 8 << 20));
	if (render_init(area->template_dirs) < 0)
		_exit(2);
	if (area->worker_init && area->worker_init() < 0)
		_exit(3);
	serve(area, fd);
	_exit(0);
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s --socket PATH [--procs N] [--pidfile FILE] [--user NAME]\n", prog);
	exit(64);
}

int server_main(int argc, char **argv, const app *area)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"procs", required_argument, NULL, 'n'},
		{"pidfile", required_argument, NULL, 'p'},
		{"user", required_argument, NULL, 'u'},
		{NULL, 0, NULL, 0},
	};
	const char *sock = NULL, *pidfile = NULL, *user = NULL;
	int procs = 2, c;
	while ((c = getopt_long(argc, argv, "s:n:p:u:", opts, NULL)) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'n': procs = atoi(optarg); break;
		case 'p': pidfile = optarg; break;
		case 'u': user = optarg; break;
		default: usage(argv[0]);
		}
	}
	if (!sock || procs < 1 || procs > MAX_PROCS)
		usage(argv[0]);

	/* A cached page is served to everyone: it may not depend on who asks. */
	for (size_t k = 0; k < area->nroutes; k++) {
		if (area->routes[k].cache && area->routes[k].auth != AUTH_NONE) {
			fprintf(stderr, "server: route %s is cached and reads a session\n",
				area->routes[k].name);
			return 1;
		}
	}
	if (FCGX_Init() != 0) {
		fputs("server: FCGX_Init failed\n", stderr);
		return 1;
	}
	unlink(sock);
	int fd = FCGX_OpenSocket(sock, 1024);
	if (fd < 0) {
		fprintf(stderr, "server: cannot listen on %s\n", sock);
		return 1;
	}
	/* nginx's workers connect as --user: the socket is theirs to use. */
	if (user && getuid() == 0) {
		struct passwd *pw = getpwnam(user);
		if (pw && chown(sock, pw->pw_uid, pw->pw_gid) < 0)
			perror("server: chown socket");
	}
	chmod(sock, 0660);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");
		if (f) {
			fprintf(f, "%ld\n", (long)getpid());
			fclose(f);
		}
	}
	/* Root was needed for the socket and the pid file only.  The
	 * supervisor reads from the database too (the catalog's snapshot,
	 * before it forks), and a flaw in that parsing must not be a flaw
	 * running as root: it drops to the workers' user here, before any. */
	if (drop_privileges(user) < 0)
		return 1;

	/* The supervisor takes its signals synchronously (sigtimedwait), so a
	 * SIGTERM can never slip in between a check and a blocking wait. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (area->master_init)
		area->master_init();
	/* Workers first, then one process per background job (PORTAL_JOBS=0
	 * turns jobs off on a host that should only serve). */
	const job *jobs[MAX_PROCS];
	int nkids = procs;
	for (int i = 0; i < procs; i++)
		jobs[i] = NULL;
	for (const job *j = area->jobs; j && j->name && nkids < MAX_PROCS; j++)
		if (conf_int("PORTAL_JOBS", 1))
			jobs[nkids++] = j;
	pid_t kids[MAX_PROCS];
	double born[MAX_PROCS];
	for (int i = 0; i < nkids; i++) {
		kids[i] = spawn(area, fd, user, &set, jobs[i]);
		born[i] = now_seconds();
	}
	fprintf(stderr, "server: %s listening on %s with %d processes\n", area->name, sock, procs);

	for (;;) {
		struct timespec tick = {1, 0};
		int sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		int st;
		pid_t pid;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			for (int i = 0; i < nkids; i++) {
				if (kids[i] != pid)
					continue;
				fprintf(stderr, "server: %s worker %ld exited (status %d), restarting\n",
					area->name, (long)pid, st);
				kids[i] = -1;
			}
		}
		/* Replace what died or never started; a worker that cannot
		 * even start is retried once a second, not in a spin. */
		for (int i = 0; i < nkids; i++) {
			if (kids[i] > 0 || now_seconds() - born[i] < 1.0)
				continue;
			kids[i] = spawn(area, fd, user, &set, jobs[i]);
			born[i] = now_seconds();
			if (kids[i] < 0)
				perror("server: fork");
		}
		if (area->master_tick)
			area->master_tick();
	}
	for (int i = 0; i < nkids; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	for (int i = 0; i < nkids; i++)
		if (kids[i] > 0)
			waitpid(kids[i], NULL, 0);
	unlink(sock);
	if (pidfile)
		unlink(pidfile);
	fprintf(stderr, "server: %s stopped\n", area->name);
	return 0;
}
