/* main.c - the catalog area: its route table and its process state.
 *
 * Every parameter a route accepts is declared here; the server rejects the
 * rest before a handler runs.  The catalog lives in memory (catalog.h); a
 * worker checks at most once a second whether an import changed it. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "conf.h"
#include "db.h"
#include "dossier_code.h"
#include "handlers.h"
#include "searchlog.h"
#include "server.h"


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
	{"code", FT_PATTERN, 16, 0, 0, NULL, proc_code_valid, "mã thủ tục, ví dụ 1.001193"},
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

static const char *const kinds[] = {"tu", "viettat", "hutu", NULL};
static const field_spec entry_form[] = {
	{"phrase", FT_LINE, 100, 0, 0, NULL, NULL, "cụm từ người dân gõ, tối đa 100 ký tự"},
	{"expansion", FT_LINE, 400, 0, 0, NULL, NULL,
	 "từ ngữ của danh mục, các cách hiểu cách nhau bằng “|”, tối đa 400 ký tự"},
	{"kind", FT_ENUM, 0, 0, 0, kinds, NULL, "tu, viettat hoặc hutu"},
	{"reason", FT_LINE, 300, 0, 0, NULL, NULL, "vì sao hiểu như vậy, tối đa 300 ký tự"},
	{NULL},
};

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
	/* Staff's page of searches that found nothing, and the form adding a
	 * dictionary entry from it: intranet, administrators and leaders. */
	{.name = "admin_search_misses", .methods = GET, .pattern = "/catalog/admin/search-misses",
	 .handler = h_admin_misses, .query = misses_q, .sites = SITE_INTRANET, .auth = AUTH_STAFF,
	 .roles = ROLE_ADMIN | ROLE_LEADER},
	{.name = "admin_search_entry", .methods = HTTP_POST, .pattern = "/catalog/admin/search-misses",
	 .handler = h_admin_misses, .form = entry_form, .sites = SITE_INTRANET, .auth = AUTH_STAFF,
	 .roles = ROLE_ADMIN | ROLE_LEADER},
};

/*
 * Who asks the database, and when: never a request, while it hangs.
 *
 * The supervisor loads the catalog before it forks (master_init), so every
 * worker starts with a snapshot, one restarted while MariaDB is down too,
 * and shares its pages until it loads a newer one.  About once a second
 * the supervisor asks for the catalog version on a connection of its own
 * with one-second bounds, backing off while that fails, and publishes the
 * answer in a page it shares with the workers (master_tick).  A worker
 * goes to the database only when that page names a newer version than it
 * serves, or when it has nothing to serve; a load that fails is not tried
 * again for a while.  So a stopped or cut-off database costs the
 * supervisor a few seconds of its own time and no page any.
 */
enum { CHECK_TIMEOUT = 1, MAX_BACKOFF = 16 };

static db *dbh;                           /* loads: the supervisor's, then each worker's */
static db *quick;                         /* the supervisor's version checks */
static volatile long long *seen_version;  /* shared: what the supervisor last saw, -1 none */

typedef struct backoff {
	double next;  /* nothing before this time */
	double wait;
} backoff;

static void failed(backoff *b, double now)
{
	b->wait = b->wait ? b->wait * 2 : 1;
	if (b->wait > MAX_BACKOFF)
		b->wait = MAX_BACKOFF;
	b->next = now + b->wait;
}

/* Load the current catalog into `current`; 0 if it could. */
static int reload(const char *who)
{
	catalog *next = catalog_load(dbh, conf_str("PORTAL_HOME_PROVINCE", "01"));
	if (!next)
		return -1;
	catalog *old = current;
	current = next;
	catalog_free(old);
	/* Give the old snapshot and the client's result buffers back. */
	malloc_trim(0);
	fprintf(stderr, "catalog: %s serving version %lld (%d procedures, %zu KiB)\n",
		who, next->version, next->nprocs, arena_used(next->a) / 1024);
	return 0;
}

static void master_tick(void)
{
	static backoff check;
	double now = now_seconds();
	if (now < check.next)
		return;
	long long v = catalog_db_version(quick);
	if (v < 0) {
		failed(&check, now);
		return;
	}
	*seen_version = v;
	check.wait = 0;
	check.next = now + 1.0;
	/* Keep the snapshot new workers inherit up to date. */
	if ((!current || current->version != v) && reload("supervisor") < 0)
		failed(&check, now);
}

static void master_init(void)
{
	seen_version = mmap(NULL, sizeof *seen_version, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (seen_version == MAP_FAILED) {
		perror("catalog: mmap");
		exit(1);
	}
	*seen_version = -1;
	dbh = db_open();
	quick = db_open_timeouts(CHECK_TIMEOUT, CHECK_TIMEOUT);
	master_tick();
}

/* Before each request: take a newer catalog the supervisor has seen. */
static void refresh(request *r)
{
	(void)r;
	static backoff load;
	long long want = seen_version ? *seen_version : -1;
	/* Versions only grow: an import adds one. */
	if (current && want <= current->version)
		return;
	double now = now_seconds();
	if (now < load.next)
		return;
	if (reload("worker") < 0) {
		failed(&load, now);
		return;
	}
	load.wait = 0;
	catalog_globals(current);
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
	/* The supervisor's connections are its own: a worker loads on the
	 * server's connection for it (never closing the inherited ones,
	 * which would end them for the supervisor). */
	dbh = server_db();
	quick = NULL;
	if (current)
		catalog_globals(current);
	refresh(NULL);
	catalog_db = dbh;
	searchlog_init(dict_path());
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
		.master_init = master_init,
		.master_tick = master_tick,
		.before_request = refresh,
		.generation = generation,
		.api_prefix = "/catalog/api/",
	};
	searchlog_prefork();
	return server_main(argc, argv, &catalog_app);
}
