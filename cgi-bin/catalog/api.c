/* api.c - the catalog's JSON API and its QR images.  JSON is written by
 * hand with json.h's escaping: stable field names, UTF-8, errors as
 * {"error": {...}} from the one error renderer. */
#include <string.h>

#include "db.h"
#include "handlers.h"
#include "json.h"
#include "present.h"
#include "qr.h"

int h_api_search(request *r)
{
	if (!current)
		return 503;
	search_query q;
	int st = read_filters(r, &q, (int)req_query_int(r, "limit", 20));
	if (st)
		return st;
	search_result res;
	search_run(current, &q, r->a, &res);
	note_search(r, &q, &res);
	buf *b = r->body;
	buf_puts(b, "{\"query\":");
	json_cstr(b, q.q ? q.q : "");
	/* how the query was read, when not as typed (null otherwise) */
	buf_puts(b, ",\"understood_as\":");
	if (res.understood)
		json_cstr(b, res.understood);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"total\":");
	json_int(b, res.total);
	buf_puts(b, ",\"page\":");
	json_int(b, req_query_int(r, "page", 1));
	buf_puts(b, ",\"results\":[");
	for (int i = 0; i < res.n; i++) {
		if (i)
			buf_putc(b, ',');
		proc_json(b, r->a, current, &current->procs[res.procs[i]], 0);
	}
	buf_puts(b, "]}\n");
	r->content_type = "application/json; charset=utf-8";
	r->cache_control = "public, max-age=60";
	return 200;
}

int h_api_procedure(request *r)
{
	if (!current)
		return 503;
	const proc *p = catalog_find(current, req_capture(r, "code"));
	if (!p) {
		r->error.message = "Không có thủ tục nào mang mã này.";
		return 404;
	}
	proc_json(r->body, r->a, current, p, 1);
	buf_putc(r->body, '\n');
	r->content_type = "application/json; charset=utf-8";
	r->cache_control = "public, max-age=300";
	return 200;
}

static int qr(request *r, int png)
{
	if (!current)
		return 503;
	const proc *p = catalog_find(current, req_capture(r, "code"));
	if (!p)
		return 404;
	const char *url = arena_printf(r->a, "%s/catalog/procedures/%s", r->scheme_host, p->code);
	if ((png ? qr_png(r->body, url, 8) : qr_svg(r->body, url)) < 0)
		return 500;
	r->content_type = png ? "image/png" : "image/svg+xml";
	r->cache_control = "public, max-age=86400";
	return 200;
}

int h_qr_svg(request *r)
{
	return qr(r, 0);
}

int h_qr_png(request *r)
{
	return qr(r, 1);
}

int h_health(request *r)
{
	buf *b = r->body;
	buf_puts(b, "{\"status\":");
	json_cstr(b, current ? "ok" : "loading");
	buf_puts(b, ",\"version\":");
	json_int(b, current ? current->version : -1);
	buf_puts(b, ",\"procedures\":");
	json_int(b, current ? current->nprocs : 0);
	buf_puts(b, "}\n");
	r->content_type = "application/json; charset=utf-8";
	return current ? 200 : 503;
}
