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
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "pagecache.h"
#include "render.h"

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

static int bad(request *r, int status, const char *field, const char *msg)
{
	r->error.field = field;
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

static int dispatch(const app *area, request *r, const char *body, size_t blen,
		    long long content_length, const char *content_type)
{
	if (strlen(r->uri) > MAX_URI)
		return 414;
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
	if (content_length > conf_bytes("PORTAL_MAX_BODY", 1 << 20))
		return 413;

	const char *qs = q ? q + 1 : "";
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
	if (form_validate(r->a, &r->query_pairs, r->route->query, &r->query, &r->error) < 0)
		return 400;

	if (r->method == HTTP_POST) {
		if (!content_type || strncmp(content_type, "application/x-www-form-urlencoded", 33) != 0)
			return 415;
		rc = form_parse(r->a, body, blen, MAX_QUERY_PAIRS, &r->form_pairs, &badpair);
		if (rc != URL_OK)
			return bad(r, 400, NULL, "Dữ liệu biểu mẫu có mã hoá ký tự sai.");
	}
	(void)body;
	if (area->before_request)
		area->before_request();
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

static void serve(const app *area, int fd)
{
	FCGX_Request fr;
	FCGX_InitRequest(&fr, fd, 0);
	arena *a = arena_new(64 * 1024);
	buf body = BUF_INIT, headers = BUF_INIT;
	long long max_body = conf_bytes("PORTAL_MAX_BODY", 1 << 20);
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
		r.site = param(&fr, "PORTAL_SITE");
		r.remote_addr = param(&fr, "REMOTE_ADDR");
		/* Absolute links (QR codes) use the configured address, never
		 * the Host header a client can forge. */
		r.scheme_host = public_url;
		const char *cookie = param(&fr, "HTTP_COOKIE");
		/* A stray cookie from another site on this host must not lock
		 * a citizen out: malformed cookie headers are ignored. */
		if (strlen(cookie) <= MAX_COOKIE &&
		    cookie_parse(a, cookie, strlen(cookie), MAX_COOKIES, &r.cookies) != URL_OK)
			r.cookies.n = 0;

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
		FCGX_Finish_r(&fr);
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

static pid_t spawn(const app *area, int fd, const char *user, const sigset_t *blocked)
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

	/* The supervisor takes its signals synchronously (sigtimedwait), so a
	 * SIGTERM can never slip in between a check and a blocking wait. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	pid_t kids[MAX_PROCS];
	double born[MAX_PROCS];
	for (int i = 0; i < procs; i++) {
		kids[i] = spawn(area, fd, user, &set);
		born[i] = now_seconds();
	}
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");
		if (f) {
			fprintf(f, "%ld\n", (long)getpid());
			fclose(f);
		}
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
			for (int i = 0; i < procs; i++) {
				if (kids[i] != pid)
					continue;
				fprintf(stderr, "server: %s worker %ld exited (status %d), restarting\n",
					area->name, (long)pid, st);
				kids[i] = -1;
			}
		}
		/* Replace what died or never started; a worker that cannot
		 * even start is retried once a second, not in a spin. */
		for (int i = 0; i < procs; i++) {
			if (kids[i] > 0 || now_seconds() - born[i] < 1.0)
				continue;
			kids[i] = spawn(area, fd, user, &set);
			born[i] = now_seconds();
			if (kids[i] < 0)
				perror("server: fork");
		}
	}
	for (int i = 0; i < procs; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	for (int i = 0; i < procs; i++)
		if (kids[i] > 0)
			waitpid(kids[i], NULL, 0);
	unlink(sock);
	if (pidfile)
		unlink(pidfile);
	fprintf(stderr, "server: %s stopped\n", area->name);
	return 0;
}
