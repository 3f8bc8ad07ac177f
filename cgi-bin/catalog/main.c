/* main.c - the catalog area: its route table and its process state.
 *
 * Every parameter a route accepts is declared here; the server rejects the
 * rest before a handler runs.  The catalog lives in memory (catalog.h); a
 * worker checks at most once a second whether an import changed it. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "db.h"
#include "handlers.h"
#include "searchlog.h"
#include "server.h"


static db *dbh;
static double last_check;

static int is_proc_code(const char *v, size_t n)
{
	/* 1.001193 and its kin: digits, one dot, digits */
	if (n < 3 || n > 16)
		return 0;
	size_t dots = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '.')
			dots++;
		else if (v[i] < '0' || v[i] > '9')
			return 0;
	}
	return dots == 1 && v[0] != '.' && v[n - 1] != '.';
}

static int is_agency_code(const char *v, size_t n)
{
	/* 000.00.12.H26: digits and dots, then a letter and two digits */
	if (n < 5 || n > 20)
		return 0;
	for (size_t i = 0; i + 3 < n; i++)
		if (!(v[i] == '.' || (v[i] >= '0' && v[i] <= '9')))
			return 0;
	return v[n - 4] == '.' && v[n - 3] >= 'A' && v[n - 3] <= 'Z' &&
	       v[n - 2] >= '0' && v[n - 2] <= '9' && v[n - 1] >= '0' && v[n - 1] <= '9';
}

static const char *const levels[] = {"bo", "tinh", "xa", "khac", NULL};
static const char *const onlines[] = {"toan_trinh", "mot_phan", "khong", NULL};
static const char *const fees[] = {"co", "khong", NULL};
static const char *const yes[] = {"1", NULL};

#define SEARCH_FIELDS \
	{"q", FT_LINE, 200, 0, 0, NULL, NULL, "hãy gõ ngắn hơn, chỉ giữ những từ chính"}, \
	{"field", FT_INT, 0, 1, 65535, NULL, NULL, "mã lĩnh vực"}, \
	{"level", FT_ENUM, 0, 0, 0, levels, NULL, "bo, tinh, xa hoặc khac"}, \
	{"online", FT_ENUM, 0, 0, 0, onlines, NULL, "toan_trinh, mot_phan hoặc khong"}, \
	{"fee", FT_ENUM, 0, 0, 0, fees, NULL, "co hoặc khong"}, \
	{"page", FT_INT, 0, 1, 1000, NULL, NULL, "số trang từ 1 đến 1000"}, \
	{"exact", FT_ENUM, 0, 0, 0, yes, NULL, "1: tìm đúng các từ đã gõ, không đoán nghĩa"}

static const field_spec search_q[] = {SEARCH_FIELDS, {NULL}};
static const field_spec api_q[] = {
	SEARCH_FIELDS,
	{"limit", FT_INT, 0, 1, 100, NULL, NULL, "từ 1 đến 100"},
	{NULL},
};
static const field_spec agency_q[] = {
	{"page", FT_INT, 0, 1, 1000, NULL, NULL, "số trang từ 1 đến 1000"},
	{NULL},
};
static const field_spec code_cap[] = {
	{"code", FT_PATTERN, 16, 0, 0, NULL, is_proc_code, "mã thủ tục, ví dụ 1.001193"},
	{NULL},
};
static const field_spec agency_cap[] = {
	{"code", FT_PATTERN, 20, 0, 0, NULL, is_agency_code, "mã cơ quan, ví dụ 000.00.00.H26"},
	{NULL},
};

#define GET (HTTP_GET | HTTP_HEAD)

/* Staff's page of searches that found nothing (admin.c): its list takes
 * ?page, its form posts these fields. */
static const field_spec misses_q[] = {
	{"page", FT_INT, 0, 1, 1000, NULL, NULL, "số trang từ 1 đến 1000"},
	{NULL},
};

static const route routes[] = {
	{"home", GET, "/", h_home, NULL, NULL, 0, 0, 1},
	{"catalog", GET, "/catalog/", h_search, search_q, NULL, 0, 0, 1},
	{"search", GET, "/catalog/search", h_search, search_q, NULL, 0, 0, 1},
	{"procedure", GET, "/catalog/procedures/{code}", h_procedure, NULL, code_cap, 0, 0, 1},
	{"guide", GET, "/catalog/procedures/{code}/guide", h_guide, NULL, code_cap, 0, 0, 1},
	{"qr_svg", GET, "/catalog/procedures/{code}/qr.svg", h_qr_svg, NULL, code_cap, 0, 0, 1},
	{"qr_png", GET, "/catalog/procedures/{code}/qr.png", h_qr_png, NULL, code_cap, 0, 0, 1},
	{"agencies", GET, "/catalog/agencies/", h_agencies, NULL, NULL, 0, 0, 1},
	{"agency", GET, "/catalog/agencies/{code}", h_agency, agency_q, agency_cap, 0, 0, 1},
	{"api_search", GET, "/catalog/api/procedures", h_api_search, api_q, NULL, 1, 0, 1},
	{"api_procedure", GET, "/catalog/api/procedures/{code}", h_api_procedure, NULL, code_cap, 1, 0, 1},
	{"health", GET, "/catalog/health", h_health, NULL, NULL, 1, 0, 0},
	/* STAFF ONLY.  The lead adds `.auth = AUTH_STAFF` (a staff login with
	 * the catalog role) and the audit log when merging; the server's CSRF
	 * check covers the POST.  Until then the intranet site is its only
	 * gate.  Never cached: it changes with every edit. */
	{"admin_search_misses", GET | HTTP_POST, "/catalog/admin/search-misses", h_admin_misses,
	 misses_q, NULL, 0, SITE_INTRANET, 0},
};

/* Reload when an import has changed the catalog; keep serving what we
 * have while the database is away. */
static void refresh(void)
{
	double now = now_seconds();
	if (current && now - last_check < 1.0)
		return;
	last_check = now;
	long long v = catalog_db_version(dbh);
	if (v < 0 || (current && v == current->version))
		return;
	catalog *next = catalog_load(dbh, conf_str("PORTAL_HOME_PROVINCE", "01"));
	if (!next)
		return;
	catalog *old = current;
	current = next;
	catalog_globals(current);
	catalog_free(old);
	/* Give the old snapshot and the client's result buffers back. */
	malloc_trim(0);
	fprintf(stderr, "catalog: serving version %lld (%d procedures, %zu KiB)\n",
		next->version, next->nprocs, arena_used(next->a) / 1024);
}

/* Pages are a function of the catalog and of the search dictionary. */
static long long generation(void)
{
	return current ? current->version * 1000003 + searchlog_generation() : -1;
}

/* The dictionary file: PORTAL_SEARCH_DICT, or data/synonyms.tsv next to
 * the catalog's templates directory. */
static const char *dict_path(void)
{
	const char *p = conf_str("PORTAL_SEARCH_DICT", NULL);
	if (p)
		return p;
	static char path[1024];
	const char *t = conf_str("PORTAL_TEMPLATES", "cgi-bin/catalog/templates");
	size_t n = strlen(t);
	while (n && t[n - 1] == '/')
		n--;
	if (n >= 9 && strncmp(t + n - 9, "templates", 9) == 0)
		n -= 9;
	snprintf(path, sizeof path, "%.*sdata/synonyms.tsv", (int)n, t);
	return path;
}

static int init(void)
{
	dbh = db_open();
	catalog_db = dbh;
	searchlog_init(dict_path());
	refresh();
	return 0;
}

int main(int argc, char **argv)
{
	static const char *dirs[3];
	dirs[0] = conf_str("PORTAL_TEMPLATES", "cgi-bin/catalog/templates");
	dirs[1] = conf_str("PORTAL_LIB_TEMPLATES", "lib/templates");
	static const app catalog_app = {
		.name = "catalog",
		.routes = routes,
		.nroutes = sizeof routes / sizeof routes[0],
		.template_dirs = dirs,
		.worker_init = init,
		.before_request = refresh,
		.generation = generation,
		.api_prefix = "/catalog/api/",
	};
	searchlog_prefork();
	return server_main(argc, argv, &catalog_app);
}
