/* render.c - see render.h */
#include "render.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ClearSilver.h>

#include "json.h"
#include "route.h"

#define MAX_TEMPLATES 32

static struct {
	char name[64];
	CSPARSE *cs;
} cache[MAX_TEMPLATES];
static size_t ncache;
static HDF *config;    /* escaping mode and search path: read at parse */
static HDF *globals;   /* site-wide values every page may show */

HDF *render_globals(void)
{
	return globals;
}

int render_init(const char *const *dirs)
{
	NEOERR *err = hdf_init(&config);
	if (!err)
		err = hdf_init(&globals);
	if (!err)
		err = hdf_set_value(config, "Config.VarEscapeMode", "html");
	for (int i = 0; !err && dirs[i]; i++) {
		char name[32];
		snprintf(name, sizeof name, "hdf.loadpaths.%d", i);
		err = hdf_set_value(config, name, dirs[i]);
	}
	/* The home province's name for the layout, when the stack knows it
	 * (an area may set a better one from its data). */
	if (!err && getenv("PORTAL_SITE_PROVINCE"))
		err = hdf_set_value(globals, "Site.province", getenv("PORTAL_SITE_PROVINCE"));
	/* The site's navigation and search box are the deployment's, not any
	 * area's: "path|label;path|label" and a search path. */
	if (!err)
		err = hdf_set_value(globals, "Site.search", getenv("PORTAL_SEARCH_PATH"));
	/* Each site its own: the public one for citizens, the intranet's for
	 * staff (PORTAL_NAV_INTRANET). */
	for (int site = 0; site < 2 && !err; site++) {
	const char *nav = getenv(site ? "PORTAL_NAV_INTRANET" : "PORTAL_NAV");
	const char *top = site ? "Site.navi" : "Site.nav";
	for (int i = 0; !err && nav && *nav && i < 12; i++) {
		size_t n = strcspn(nav, ";");
		const char *bar = memchr(nav, '|', n);
		if (bar && nav[0] == '/') {
			char name[48], val[256];
			snprintf(name, sizeof name, "%s.%d.href", top, i);
			snprintf(val, sizeof val, "%.*s", (int)(bar - nav), nav);
			err = hdf_set_value(globals, name, val);
			snprintf(name, sizeof name, "%s.%d.label", top, i);
			snprintf(val, sizeof val, "%.*s", (int)(n - (size_t)(bar - nav) - 1), bar + 1);
			if (!err)
				err = hdf_set_value(globals, name, val);
		}
		nav += n + (nav[n] == ';');
	}
	}
	if (err) {
		nerr_log_error(err);
		nerr_ignore(&err);
		return -1;
	}
	return 0;
}

void global_set(const char *name, const char *value)
{
	NEOERR *err = hdf_set_value(globals, name, value ? value : "");
	nerr_ignore(&err);
}

void global_setf(const char *value, const char *namefmt, ...)
{
	char name[128];
	va_list ap;
	va_start(ap, namefmt);
	vsnprintf(name, sizeof name, namefmt, ap);
	va_end(ap);
	global_set(name, value);
}

void global_clear(const char *top)
{
	NEOERR *err = hdf_remove_tree(globals, top);
	nerr_ignore(&err);
}

static CSPARSE *template(const char *name)
{
	for (size_t i = 0; i < ncache; i++)
		if (strcmp(cache[i].name, name) == 0)
			return cache[i].cs;
	if (ncache == MAX_TEMPLATES || strlen(name) >= sizeof cache[0].name)
		return NULL;
	CSPARSE *cs = NULL;
	NEOERR *err = cs_init(&cs, config);
	if (!err)
		err = cs_parse_file(cs, name);
	if (err) {
		STRING s;
		string_init(&s);
		nerr_error_string(err, &s);
		fprintf(stderr, "render: %s: %s\n", name, s.buf ? s.buf : "?");
		string_clear(&s);
		nerr_ignore(&err);
		if (cs)
			cs_destroy(&cs);
		return NULL;
	}
	snprintf(cache[ncache].name, sizeof cache[0].name, "%s", name);
	cache[ncache].cs = cs;
	ncache++;
	return cs;
}

HDF *req_hdf(request *r)
{
	if (!r->hdf) {
		NEOERR *err = hdf_init((HDF **)&r->hdf);
		if (err) {
			nerr_ignore(&err);
			return NULL;
		}
	}
	return r->hdf;
}

void render_end(request *r)
{
	if (r->hdf) {
		HDF *h = r->hdf;
		hdf_destroy(&h);
		r->hdf = NULL;
	}
}

void hsetn(request *r, const char *name, const char *value, size_t n)
{
	char *v = arena_strndup(r->a, value, n);
	hset(r, name, v);
}

void hset(request *r, const char *name, const char *value)
{
	HDF *h = req_hdf(r);
	NEOERR *err = h ? hdf_set_value(h, name, value ? value : "") : NULL;
	nerr_ignore(&err);
}

void hset_int(request *r, const char *name, long long v)
{
	char tmp[24];
	snprintf(tmp, sizeof tmp, "%lld", v);
	hset(r, name, tmp);
}

void hsetf(request *r, const char *value, const char *namefmt, ...)
{
	char name[128];
	va_list ap;
	va_start(ap, namefmt);
	vsnprintf(name, sizeof name, namefmt, ap);
	va_end(ap);
	hset(r, name, value);
}

void hset_intf(request *r, long long v, const char *namefmt, ...)
{
	char name[128];
	va_list ap;
	va_start(ap, namefmt);
	vsnprintf(name, sizeof name, namefmt, ap);
	va_end(ap);
	hset_int(r, name, v);
}

static NEOERR *to_body(void *ctx, char *s)
{
	buf_puts(((request *)ctx)->body, s);
	return STATUS_OK;
}

/* What the layout needs on every page of every area: which site, and who
 * is signed in with the token their forms carry. */
static void page_data(request *r)
{
	hset(r, "Site.intranet", r->site && strcmp(r->site, "intranet") == 0 ? "1" : "0");
	if (r->csrf)
		hset(r, "Session.csrf", r->csrf);
	if (r->user) {
		hset(r, "Session.name", r->user->name);
		hset(r, "Session.kind", r->user->kind == AUTH_STAFF ? "staff" : "citizen");
		if (r->user->agency_code)
			hset(r, "Session.agency", r->user->agency_code);
	}
}

int render(request *r, const char *tmpl)
{
	CSPARSE *cs = template(tmpl);
	HDF *h = req_hdf(r);
	if (!cs || !h)
		return 500;
	page_data(r);
	size_t mark = r->body->len;
	cs->hdf = h;
	cs->global_hdf = globals;
	NEOERR *err = cs_render(cs, r, to_body);
	cs->hdf = config;
	if (err) {
		STRING s;
		string_init(&s);
		nerr_error_string(err, &s);
		fprintf(stderr, "render: %s: %s\n", tmpl, s.buf ? s.buf : "?");
		string_clear(&s);
		nerr_ignore(&err);
		r->body->len = mark;
		return 500;
	}
	r->content_type = "text/html; charset=utf-8";
	return 200;
}

static void error_json(request *r, int status)
{
	buf *b = r->body;
	buf_reset(b);
	buf_puts(b, "{\"error\":{\"status\":");
	json_int(b, status);
	if (r->error.field) {
		buf_puts(b, ",\"field\":");
		json_cstr(b, r->error.field);
	}
	buf_puts(b, ",\"message\":");
	json_cstr(b, r->error.message ? r->error.message : http_status_title_vi(status));
	buf_puts(b, "}}\n");
	r->content_type = "application/json; charset=utf-8";
}

void render_error(request *r, int status)
{
	buf_reset(r->body);
	if (r->want_json) {
		error_json(r, status);
		return;
	}
	render_end(r);  /* a half-built page's data must not leak into it */
	hset_int(r, "Error.status", status);
	hset(r, "Error.title", http_status_title_vi(status));
	/* A 403 that names a field refuses what was sent (a form's expired
	 * token), not who asks: "you may not see this page" would contradict
	 * the message that says to reload the form and send it again. */
	if (!(status == 403 && r->error.field))
		hset(r, "Error.help", http_status_help_vi(status));
	if (r->error.field)
		hset(r, "Error.field", r->error.field);
	if (r->error.message)
		hset(r, "Error.message", r->error.message);
	if (r->error_detail)
		hset(r, "Error.detail", r->error_detail);
	if (render(r, "error.cs") != 200) {
		/* The template itself failed: a page that needs nothing. */
		buf_reset(r->body);
		buf_printf(r->body,
			   "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\">"
			   "<title>%d</title><h1>%s</h1><p>%s</p></html>\n",
			   status, http_status_title_vi(status), http_status_help_vi(status));
		r->content_type = "text/html; charset=utf-8";
	}
}
