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

#define SEARCH_FIELDS \
	{"q", FT_TEXT, 200, 0, 0, NULL, NULL, "tối đa 200 ký tự"}, \
	{"field", FT_INT, 0, 1, 65535, NULL, NULL, "mã lĩnh vực"}, \
	{"level", FT_ENUM, 0, 0, 0, levels, NULL, "bo, tinh, xa hoặc khac"}, \
	{"online", FT_ENUM, 0, 0, 0, onlines, NULL, "toan_trinh, mot_phan hoặc khong"}, \
	{"fee", FT_ENUM, 0, 0, 0, fees, NULL, "co hoặc khong"}, \
	{"page", FT_INT, 0, 1, 1000, NULL, NULL, "số trang từ 1 đến 1000"}

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

static const route routes[] = {
	{.name = "home", .methods = GET, .pattern = "/", .handler = h_home, .cache = 1},
	{.name = "catalog", .methods = GET, .pattern = "/catalog/", .handler = h_search,
	 .query = search_q, .cache = 1},
	{.name = "search", .methods = GET, .pattern = "/catalog/search", .handler = h_search,
	 .query = search_q, .cache = 1},
	{.name = "procedure", .methods = GET, .pattern = "/catalog/procedures/{code}",
	 .handler = h_procedure, .captures = code_cap, .cache = 1},
	{.name = "guide", .methods = GET, .pattern = "/catalog/procedures/{code}/guide",
	 .handler = h_guide, .captures = code_cap, .cache = 1},
	{.name = "qr_svg", .methods = GET, .pattern = "/catalog/procedures/{code}/qr.svg",
	 .handler = h_qr_svg, .captures = code_cap, .cache = 1},
	{.name = "qr_png", .methods = GET, .pattern = "/catalog/procedures/{code}/qr.png",
	 .handler = h_qr_png, .captures = code_cap, .cache = 1},
	{.name = "agencies", .methods = GET, .pattern = "/catalog/agencies/", .handler = h_agencies,
	 .cache = 1},
	{.name = "agency", .methods = GET, .pattern = "/catalog/agencies/{code}", .handler = h_agency,
	 .query = agency_q, .captures = agency_cap, .cache = 1},
	{.name = "api_search", .methods = GET, .pattern = "/catalog/api/procedures",
	 .handler = h_api_search, .query = api_q, .json = 1, .cache = 1},
	{.name = "api_procedure", .methods = GET, .pattern = "/catalog/api/procedures/{code}",
	 .handler = h_api_procedure, .captures = code_cap, .json = 1, .cache = 1},
	{.name = "health", .methods = GET, .pattern = "/catalog/health", .handler = h_health,
	 .json = 1},
};

/* Reload when an import has changed the catalog; keep serving what we
 * have while the database is away. */
static void refresh(request *r)
{
	(void)r;
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

static long long generation(void)
{
	return current ? current->version : -1;
}

static int init(void)
{
	dbh = db_open();
	refresh(NULL);
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
	return server_main(argc, argv, &catalog_app);
}
