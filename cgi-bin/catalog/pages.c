/* pages.c - the catalog's HTML pages: front door, search, detail, guide,
 * agencies.  Each handler fills the page data and names its template. */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "handlers.h"
#include "present.h"
#include "render.h"
#include "searchlog.h"
#include "url.h"
#include "vntext.h"

#define PER_PAGE 20

catalog *current;
db *catalog_db;

/* The fields people ask about most, found by their folded names. */
static const char *const common_fields[] = {
	"ho tich", "dang ky quan ly cu tru", "chung thuc", "dat dai",
	"thanh lap va hoat dong doanh nghiep ho kinh doanh", "cap quan ly can cuoc",
	"nguoi co cong", "thuc hien chinh sach bhxh", "nuoi con nuoi",
	"dang ky quan ly phuong tien giao thong co gioi xe may chuyen dung", NULL,
};

static void site_hdf(request *r)
{
	hset(r, "Site.intranet", strcmp(r->site, "intranet") == 0 ? "1" : "0");
}

static int common_field(const char *name)
{
	char fold[256];
	size_t len = strlen(name);
	if (len >= sizeof fold)
		return 0;
	vn_fold(name, len, fold);
	for (int k = 0; common_fields[k]; k++)
		if (strcmp(fold, common_fields[k]) == 0)
			return 1;
	return 0;
}

/* What every page may show and only an import changes: built once per
 * snapshot into the global page data, not per request. */
void catalog_globals(const catalog *c)
{
	char num[24];
	global_clear("Catalog");
	global_set("Site.province", c->home ? c->home->name : "");
	int n = 0, m = 0;
	for (int i = 0; i < c->nfields; i++) {
		const field *f = &c->fields[i];
		snprintf(num, sizeof num, "%d", f->id);
		global_setf(f->name, "Catalog.Fields.%d.name", i);
		global_setf(num, "Catalog.Fields.%d.id", i);
		if (common_field(f->name)) {
			global_setf(f->name, "Catalog.Common.%d.name", m);
			global_setf(num, "Catalog.Common.%d.id", m);
			snprintf(num, sizeof num, "%d", f->count);
			global_setf(num, "Catalog.Common.%d.count", m);
			m++;
		}
		snprintf(num, sizeof num, "%d", f->count);
		global_setf(num, "Catalog.Fields.%d.count", i);
	}
	for (int i = 0; i < c->nagencies; i++) {
		const agency *g = &c->agencies[i];
		if (g->kind == AG_COMMUNE)
			continue;
		global_setf(g->name, "Catalog.Agencies.%d.name", n);
		global_setf(g->code, "Catalog.Agencies.%d.code", n);
		n++;
	}
	buf b = BUF_INIT;
	vn_format_int(&b, c->nprocs);
	global_set("Catalog.Stats.procedures", b.p);
	buf_free(&b);
	snprintf(num, sizeof num, "%d", c->home ? c->home->ncommunes : 0);
	global_set("Catalog.Stats.communes", num);
}

static void communes_hdf(request *r)
{
	int m = 0;
	for (int i = 0; i < current->nagencies; i++) {
		const agency *g = &current->agencies[i];
		if (g->kind != AG_COMMUNE)
			continue;
		hsetf(r, g->name, "Communes.%d.name", m);
		hsetf(r, g->code, "Communes.%d.code", m);
		m++;
	}
	hset_int(r, "Communes.count", m);
}

int h_home(request *r)
{
	if (!current)
		return 503;
	site_hdf(r);
	r->cache_control = "public, max-age=60";
	return render(r, strcmp(r->site, "intranet") == 0 ? "intranet.cs" : "home.cs");
}

int read_filters(request *r, search_query *q, int per_page)
{
	memset(q, 0, sizeof *q);
	q->q = req_query(r, "q");
	q->field = -1;
	q->online = -1;
	q->fee = -1;
	long long fid = req_query_int(r, "field", 0);
	if (fid) {
		q->field = catalog_field_index(current, (int)fid);
		if (q->field < 0) {
			r->error.field = "field";
			r->error.message = "Tham số “field” không phải một lĩnh vực có trong danh mục.";
			return 400;
		}
	}
	const char *lv = req_query(r, "level");
	if (lv)
		q->level = strcmp(lv, "bo") == 0 ? LV_MINISTRY : strcmp(lv, "tinh") == 0 ? LV_PROVINCE
			 : strcmp(lv, "xa") == 0 ? LV_COMMUNE : LV_OTHER;
	const char *on = req_query(r, "online");
	if (on)
		q->online = strcmp(on, "toan_trinh") == 0 ? ONLINE_FULL
			  : strcmp(on, "mot_phan") == 0 ? ONLINE_PARTIAL : ONLINE_NONE;
	const char *fee = req_query(r, "fee");
	if (fee)
		q->fee = strcmp(fee, "co") == 0 ? FEES_FEE : FEES_FREE;
	q->limit = per_page;
	q->offset = (int)(req_query_int(r, "page", 1) - 1) * per_page;
	q->exact = req_query(r, "exact") != NULL;
	q->dict = searchlog_dict(catalog_db);
	return 0;
}

/* After a search: a query that found nothing is counted (its words only),
 * and such an answer is never kept in the page cache, or only the first
 * asking would be counted. */
void note_search(request *r, const search_query *q, const search_result *res)
{
	if (res->total == 0 && res->ntokens > 0 && q->q) {
		searchlog_miss(q->q);
		r->no_page_cache = 1;
	}
}

/* The current query string without page, for paging and filter links. */
const char *page_base_url(request *r)
{
	static const char *const keep[] = {"q", "field", "level", "online", "fee", "exact", NULL};
	buf b = BUF_INIT;
	buf_puts(&b, "/catalog/search?");
	for (int i = 0; keep[i]; i++) {
		const char *v = req_query(r, keep[i]);
		if (v && *v)
			buf_printf(&b, "%s=%s&", keep[i], url_encode(r->a, v));
	}
	char *s = arena_strdup(r->a, b.p);
	buf_free(&b);
	return s;
}

static int past_last_page(request *r, int pages)
{
	r->error_detail = pages ? arena_printf(r->a, "Chỉ có %d trang kết quả.", pages)
				: "Không có kết quả nào để chia trang.";
	return 404;
}

int h_search(request *r)
{
	if (!current)
		return 503;
	search_query q;
	int st = read_filters(r, &q, PER_PAGE);
	if (st)
		return st;
	search_result res;
	search_run(current, &q, r->a, &res);
	site_hdf(r);
	note_search(r, &q, &res);
	const char *keys[] = {"q", "level", "online", "fee"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (req_query(r, keys[i]))
			hsetf(r, req_query(r, keys[i]), "Query.%s", keys[i]);
	/* "0" is a query like any other: templates test this, not Query.q,
	 * which ClearSilver reads as false when it is "0". */
	hset_int(r, "Query.has_q", q.q && *q.q);
	hset_int(r, "Query.exact", q.exact);
	hset_int(r, "Result.no_words", res.no_words);
	if (res.understood) {
		hset(r, "Result.understood", res.understood);
		hset_int(r, "Result.corrected", res.corrected);
		/* the literal search: the same filters, exact=1 */
		const char *base = page_base_url(r);
		hset(r, "Result.exact_url", arena_printf(r->a, "%sexact=1", base));
	}
	hset_int(r, "Query.field", req_query_int(r, "field", 0));
	int searched = r->query_pairs.n > 0;
	hset_int(r, "Query.searched", searched);
	hset_int(r, "Result.total", res.total);
	hset(r, "Result.total_vi", number_vi(r->a, res.total));
	for (int i = 0; i < res.n; i++) {
		char prefix[32];
		snprintf(prefix, sizeof prefix, "Results.%d", i);
		proc_hdf(r, current, &current->procs[res.procs[i]], prefix, 0);
	}
	for (int i = 0; i < res.ntokens; i++)
		if (res.token_hits[i] == 0)
			hsetf(r, res.tokens[i], "Result.unknown.%d", i);
	int page = (int)req_query_int(r, "page", 1);
	int pages = (res.total + PER_PAGE - 1) / PER_PAGE;
	if (page > 1 && page > pages)
		return past_last_page(r, pages);
	hset_int(r, "Page.current", page);
	hset_int(r, "Page.count", pages);
	hset(r, "Page.base", page_base_url(r));
	if (page > 1)
		hset_int(r, "Page.prev", page - 1);
	if (page < pages)
		hset_int(r, "Page.next", page + 1);
	hset_int(r, "Page.first", (page - 1) * PER_PAGE + 1);
	hset_int(r, "Page.last", (page - 1) * PER_PAGE + res.n);
	r->cache_control = "public, max-age=60";
	return render(r, "search.cs");
}

static const proc *find_proc(request *r)
{
	return current ? catalog_find(current, req_capture(r, "code")) : NULL;
}

static int detail(request *r, const char *tmpl)
{
	if (!current)
		return 503;
	const proc *p = find_proc(r);
	if (!p) {
		r->error_detail = "Không có thủ tục nào mang mã này trong danh mục.";
		return 404;
	}
	site_hdf(r);
	proc_hdf(r, current, p, "Proc", 1);
	hset(r, "Proc.self_url", arena_printf(r->a, "%s/catalog/procedures/%s", r->scheme_host, p->code));
	r->cache_control = "public, max-age=300";
	return render(r, tmpl);
}

int h_procedure(request *r)
{
	return detail(r, "procedure.cs");
}

int h_guide(request *r)
{
	return detail(r, "guide.cs");
}

int h_agencies(request *r)
{
	if (!current)
		return 503;
	site_hdf(r);
	communes_hdf(r);
	r->cache_control = "public, max-age=300";
	return render(r, "agencies.cs");
}

int h_agency(request *r)
{
	if (!current)
		return 503;
	const agency *g = catalog_agency(current, req_capture(r, "code"));
	if (!g) {
		r->error_detail = "Không có cơ quan nào mang mã này trong tỉnh, thành phố.";
		return 404;
	}
	/* An agency runs the procedures of its level: a commune those of
	 * cấp xã, a department the cấp tỉnh ones of its ministry, the
	 * province's People's Committee the remaining cấp tỉnh ones. */
	search_query q;
	memset(&q, 0, sizeof q);
	q.field = -1;
	q.online = -1;
	q.fee = -1;
	q.limit = PER_PAGE;
	q.offset = (int)(req_query_int(r, "page", 1) - 1) * PER_PAGE;
	q.level = g->kind == AG_COMMUNE ? LV_COMMUNE : LV_PROVINCE;
	if (g->kind == AG_DEPARTMENT)
		q.ministry = g->ministry;
	int show = g->kind != AG_OFFICE;
	search_result res;
	memset(&res, 0, sizeof res);
	if (show)
		search_run(current, &q, r->a, &res);
	site_hdf(r);
	hset(r, "Agency.name", g->name);
	hset(r, "Agency.code", g->code);
	hset(r, "Agency.short_code", g->short_code);
	hset(r, "Agency.kind", g->kind == AG_COMMUNE ? "commune" : g->kind == AG_DEPARTMENT ? "department"
			       : g->kind == AG_OFFICE ? "office" : "province");
	hset(r, "Agency.ministry", g->ministry);
	hset_int(r, "Result.total", res.total);
	for (int i = 0; i < res.n; i++) {
		char prefix[32];
		snprintf(prefix, sizeof prefix, "Results.%d", i);
		proc_hdf(r, current, &current->procs[res.procs[i]], prefix, 0);
	}
	int page = (int)req_query_int(r, "page", 1);
	int pages = (res.total + PER_PAGE - 1) / PER_PAGE;
	if (page > 1 && page > pages)
		return past_last_page(r, pages);
	hset_int(r, "Page.current", page);
	hset_int(r, "Page.count", pages);
	hset(r, "Page.base", arena_printf(r->a, "/catalog/agencies/%s?", g->code));
	if (page > 1)
		hset_int(r, "Page.prev", page - 1);
	if (page < pages)
		hset_int(r, "Page.next", page + 1);
	r->cache_control = "public, max-age=300";
	return render(r, "agency.cs");
}
