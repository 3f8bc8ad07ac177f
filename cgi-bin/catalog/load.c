/* load.c - build a catalog snapshot from MariaDB (see catalog.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "money.h"
#include "search.h"
#include "vntext.h"

static const char *dup(catalog *c, db_stmt *s, int col)
{
	size_t n;
	const char *v = db_col(s, col, &n);
	return v ? arena_strndup(c->a, v, n) : "";
}

long long catalog_db_version(db *d)
{
	/* One statement per connection asked (the supervisor asks on two). */
	static struct { db *d; db_stmt *s; } kept[4];
	db_stmt *s = NULL;
	for (size_t i = 0; i < sizeof kept / sizeof kept[0] && !s; i++) {
		if (kept[i].d == d)
			s = kept[i].s;
		else if (!kept[i].d) {
			kept[i].d = d;
			s = kept[i].s = db_prepare(d, "SELECT v FROM catalog_meta WHERE k = 'version'");
		}
	}
	if (!s)
		abort();
	if (db_query(s, "") < 0)
		return -1;
	long long v = -1;
	while (db_fetch(s) == 1)
		v = db_col_int(s, 0, -1);
	return v;
}

static int cmp_name_rank(const void *x, const void *y, void *ctx)
{
	const proc *p = ctx;
	int a = *(const int *)x, b = *(const int *)y;
	int r = strcmp(p[a].fold_name, p[b].fold_name);
	return r ? r : strcmp(p[a].code, p[b].code);
}

static int cmp_proc_code(const void *x, const void *y)
{
	return strcmp(((const proc *)x)->code, ((const proc *)y)->code);
}

static int load_fields(catalog *c, db *d)
{
	db_stmt *s = db_prepare(d, "SELECT id, name FROM procedure_field ORDER BY name");
	if (db_query(s, "") < 0) {
		db_stmt_close(s);
		return -1;
	}
	int cap = 256, rc;
	c->fields = arena_alloc(c->a, (size_t)cap * sizeof *c->fields);
	while ((rc = db_fetch(s)) == 1 && c->nfields < cap) {
		field *f = &c->fields[c->nfields++];
		f->id = (int)db_col_int(s, 0, 0);
		f->name = dup(c, s, 1);
		f->count = 0;
	}
	db_stmt_close(s);
	return rc < 0 ? -1 : 0;
}

int catalog_field_index(const catalog *c, int field_id)
{
	for (int i = 0; i < c->nfields; i++)
		if (c->fields[i].id == field_id)
			return i;
	return -1;
}

static int load_procs(catalog *c, db *d, int **by_id, int *max_id)
{
	db_stmt *s = db_prepare(d,
		"SELECT id, code, name, field_id, publishing_ministry, level_ministry,"
		" level_province, level_commune, level_other, procedure_type, decision_no,"
		" implementing_agency, competent_authority, target_subjects, receiving_address,"
		" conditions, steps_text, online_level, online_derived, fee_state, fee_min,"
		" fee_max, fee_text, time_value, time_unit, time_text, source_url"
		" FROM `procedure` ORDER BY code");
	if (db_query(s, "") < 0) {
		db_stmt_close(s);
		return -1;
	}
	int cap = 4096, rc;
	c->procs = arena_alloc(c->a, (size_t)cap * sizeof *c->procs);
	*max_id = 0;
	while ((rc = db_fetch(s)) == 1) {
		if (c->nprocs == cap) {
			proc *g = arena_alloc(c->a, (size_t)cap * 2 * sizeof *g);
			memcpy(g, c->procs, (size_t)cap * sizeof *g);
			c->procs = g;
			cap *= 2;
		}
		proc *p = &c->procs[c->nprocs++];
		memset(p, 0, sizeof *p);
		p->id = (int)db_col_int(s, 0, 0);
		p->code = dup(c, s, 1);
		p->name = dup(c, s, 2);
		p->field = catalog_field_index(c, (int)db_col_int(s, 3, 0));
		p->ministry = dup(c, s, 4);
		p->levels = (db_col_int(s, 5, 0) ? LV_MINISTRY : 0) |
			    (db_col_int(s, 6, 0) ? LV_PROVINCE : 0) |
			    (db_col_int(s, 7, 0) ? LV_COMMUNE : 0) |
			    (db_col_int(s, 8, 0) ? LV_OTHER : 0);
		p->procedure_type = dup(c, s, 9);
		p->decision_no = dup(c, s, 10);
		p->implementing_agency = dup(c, s, 11);
		p->competent_authority = dup(c, s, 12);
		p->target_subjects = dup(c, s, 13);
		p->receiving_address = dup(c, s, 14);
		p->conditions = dup(c, s, 15);
		p->steps_text = dup(c, s, 16);
		const char *online = db_col(s, 17, NULL);
		p->online = !online ? ONLINE_NONE : strcmp(online, "full") == 0 ? ONLINE_FULL
			  : strcmp(online, "partial") == 0 ? ONLINE_PARTIAL : ONLINE_NONE;
		p->online_derived = (int)db_col_int(s, 18, 1);
		const char *fee = db_col(s, 19, NULL);
		p->fee_state = !fee ? FEES_UNKNOWN : strcmp(fee, "fee") == 0 ? FEES_FEE
			     : strcmp(fee, "free") == 0 ? FEES_FREE : FEES_UNKNOWN;
		p->has_fee_range = db_col(s, 20, NULL) != NULL;
		p->fee_min = db_col_int(s, 20, 0);
		p->fee_max = db_col_int(s, 21, 0);
		p->fee_text = dup(c, s, 22);
		p->has_time = db_col(s, 23, NULL) != NULL;
		p->time_value = (int)db_col_int(s, 23, 0);
		p->time_unit = time_unit_from_db(db_col(s, 24, NULL));
		p->time_text = dup(c, s, 25);
		p->source_url = dup(c, s, 26);
		size_t n = strlen(p->name);
		char *f = arena_alloc(c->a, n + 1);
		p->fold_len = (int)vn_fold(p->name, n, f);
		p->fold_name = f;
		p->fold_phrases = search_fold_phrases(c->a, p->name, &p->phrases_len);
		char *lw = arena_alloc(c->a, n + 1);
		vn_lower(p->name, n, lw);
		p->lower_name = lw;
		if (p->field >= 0)
			c->fields[p->field].count++;
		if (p->id > *max_id)
			*max_id = p->id;
	}
	db_stmt_close(s);
	if (rc < 0)
		return -1;
	/* bsearch by code needs byte order, whatever the collation sorted by. */
	qsort(c->procs, (size_t)c->nprocs, sizeof *c->procs, cmp_proc_code);
	*by_id = calloc((size_t)*max_id + 1, sizeof **by_id);
	if (!*by_id)
		abort();
	for (int i = 0; i <= *max_id; i++)
		(*by_id)[i] = -1;
	for (int i = 0; i < c->nprocs; i++)
		(*by_id)[c->procs[i].id] = i;
	c->by_name = arena_alloc(c->a, (size_t)(c->nprocs ? c->nprocs : 1) * sizeof(int));
	for (int i = 0; i < c->nprocs; i++)
		c->by_name[i] = i;
	qsort_r(c->by_name, (size_t)c->nprocs, sizeof(int), cmp_name_rank, c->procs);
	for (int i = 0; i < c->nprocs; i++)
		c->procs[c->by_name[i]].name_rank = i;
	return 0;
}

/*
 * Child rows arrive ordered by procedure id; each run is gathered in a
 * scratch array and copied to the snapshot in one piece.
 */
typedef void (*child_fill)(catalog *c, db_stmt *s, void *item);
typedef void (*child_attach)(proc *p, void *items, int n);

static int load_children(catalog *c, db *d, const char *sql, size_t size,
			 child_fill fill, child_attach attach, const int *by_id, int max_id)
{
	db_stmt *s = db_prepare(d, sql);
	if (db_query(s, "") < 0) {
		db_stmt_close(s);
		return -1;
	}
	size_t cap = 64, n = 0;
	char *scratch = malloc(cap * size);
	long long cur = -1;
	int rc;
	for (;;) {
		rc = db_fetch(s);
		long long pid = rc == 1 ? db_col_int(s, 0, -1) : -2;
		if (pid != cur && cur >= 0 && n) {
			if (cur <= max_id && by_id[cur] >= 0) {
				void *items = arena_alloc(c->a, n * size);
				memcpy(items, scratch, n * size);
				attach(&c->procs[by_id[cur]], items, (int)n);
			}
			n = 0;
		}
		if (rc != 1)
			break;
		cur = pid;
		if (n == cap) {
			cap *= 2;
			scratch = realloc(scratch, cap * size);
			if (!scratch)
				abort();
		}
		fill(c, s, scratch + n * size);
		n++;
	}
	free(scratch);
	db_stmt_close(s);
	return rc < 0 ? -1 : 0;
}

static void fill_channel(catalog *c, db_stmt *s, void *item)
{
	channel *ch = item;
	ch->kind = (int)db_col_int(s, 1, 0);
	ch->has_time = db_col(s, 2, NULL) != NULL;
	ch->time_value = (int)db_col_int(s, 2, 0);
	ch->time_unit = time_unit_from_db(db_col(s, 3, NULL));
	ch->has_fee = db_col(s, 4, NULL) != NULL;
	ch->fee = db_col_int(s, 4, 0);
	ch->fee_text = dup(c, s, 5);
}

static void attach_channels(proc *p, void *items, int n)
{
	p->channels = items;
	p->nchannels = n;
}

static void fill_document(catalog *c, db_stmt *s, void *item)
{
	document *doc = item;
	doc->group = dup(c, s, 1);
	doc->name = dup(c, s, 2);
	doc->templates = dup(c, s, 3);
	doc->quantity = dup(c, s, 4);
}

static void attach_documents(proc *p, void *items, int n)
{
	p->docs = items;
	p->ndocs = n;
}

static void fill_named(catalog *c, db_stmt *s, void *item)
{
	named *x = item;
	x->code = dup(c, s, 1);
	x->name = dup(c, s, 2);
}

static void attach_results(proc *p, void *items, int n)
{
	p->results = items;
	p->nresults = n;
}

static void attach_legal(proc *p, void *items, int n)
{
	p->legal = items;
	p->nlegal = n;
}

static int load_places(catalog *c, db *d, const char *home)
{
	db_stmt *s = db_prepare(d,
		"SELECT p.code, p.name, p.short_name, COUNT(c.code) FROM province p"
		" LEFT JOIN agency c ON c.province_code = p.code AND c.kind = 'commune' AND c.active = 1"
		" GROUP BY p.code ORDER BY p.code");
	if (db_query(s, "") < 0) {
		db_stmt_close(s);
		return -1;
	}
	c->provinces = arena_alloc(c->a, 128 * sizeof *c->provinces);
	int rc;
	while ((rc = db_fetch(s)) == 1 && c->nprovinces < 128) {
		province *p = &c->provinces[c->nprovinces++];
		p->code = dup(c, s, 0);
		p->name = dup(c, s, 1);
		p->short_name = dup(c, s, 2);
		p->ncommunes = (int)db_col_int(s, 3, 0);
		if (strcmp(p->code, home) == 0)
			c->home = p;
	}
	db_stmt_close(s);
	if (rc < 0)
		return -1;
	s = db_prepare(d,
		"SELECT a.code, a.short_code, a.name, a.kind, a.province_code, a.commune_code,"
		" a.ministry, c.unit_type FROM agency a LEFT JOIN commune c ON c.code = a.commune_code"
		" WHERE a.province_code = ? AND a.active = 1 ORDER BY FIELD(a.kind,'province','office','department','commune'),"
		" a.sort_order, a.name");
	if (db_query(s, "s", home) < 0) {
		db_stmt_close(s);
		return -1;
	}
	int cap = 8192;
	c->agencies = arena_alloc(c->a, (size_t)cap * sizeof *c->agencies);
	while ((rc = db_fetch(s)) == 1 && c->nagencies < cap) {
		agency *g = &c->agencies[c->nagencies++];
		g->code = dup(c, s, 0);
		g->short_code = dup(c, s, 1);
		g->name = dup(c, s, 2);
		const char *k = db_col(s, 3, NULL);
		g->kind = !k ? AG_COMMUNE : strcmp(k, "province") == 0 ? AG_PROVINCE
			: strcmp(k, "office") == 0 ? AG_OFFICE
			: strcmp(k, "department") == 0 ? AG_DEPARTMENT : AG_COMMUNE;
		g->province_code = dup(c, s, 4);
		g->commune_code = dup(c, s, 5);
		g->ministry = dup(c, s, 6);
		g->commune_type = dup(c, s, 7);
	}
	db_stmt_close(s);
	return rc < 0 ? -1 : 0;
}

catalog *catalog_load(db *d, const char *home_province)
{
	catalog *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->a = arena_new(1 << 20);
	int *by_id = NULL, max_id = 0;
	/* One snapshot: an import committing meanwhile is either all in or
	 * not at all, and the version read names exactly what was loaded. */
	int ok = db_begin_snapshot(d) == 0;
	c->version = ok ? catalog_db_version(d) : -1;
	ok = ok && c->version >= 0 && load_fields(c, d) == 0 &&
		 load_procs(c, d, &by_id, &max_id) == 0 &&
		 load_children(c, d,
			"SELECT procedure_id, channel, time_value, time_unit, fee_amount, fee_text"
			" FROM procedure_channel ORDER BY procedure_id, seq",
			sizeof(channel), fill_channel, attach_channels, by_id, max_id) == 0 &&
		 load_children(c, d,
			"SELECT procedure_id, group_name, name, templates, quantity"
			" FROM procedure_document ORDER BY procedure_id, seq",
			sizeof(document), fill_document, attach_documents, by_id, max_id) == 0 &&
		 load_children(c, d,
			"SELECT procedure_id, code, name FROM procedure_result ORDER BY procedure_id, seq",
			sizeof(named), fill_named, attach_results, by_id, max_id) == 0 &&
		 load_children(c, d,
			"SELECT procedure_id, code, title FROM procedure_legal ORDER BY procedure_id, seq",
			sizeof(named), fill_named, attach_legal, by_id, max_id) == 0 &&
		 load_places(c, d, home_province) == 0;
	free(by_id);
	if (ok)
		ok = db_commit(d) == 0;
	else
		db_rollback(d);
	if (!ok) {
		fprintf(stderr, "catalog: load failed: %s\n", db_error(d));
		catalog_free(c);
		return NULL;
	}
	c->idx = search_build(c);
	return c;
}

void catalog_free(catalog *c)
{
	if (!c)
		return;
	search_free(c->idx);
	arena_free(c->a);
	free(c);
}

static int cmp_code(const void *key, const void *elem)
{
	return strcmp(key, ((const proc *)elem)->code);
}

const proc *catalog_find(const catalog *c, const char *code)
{
	return bsearch(code, c->procs, (size_t)c->nprocs, sizeof *c->procs, cmp_code);
}

const agency *catalog_agency(const catalog *c, const char *code)
{
	for (int i = 0; i < c->nagencies; i++)
		if (strcmp(c->agencies[i].code, code) == 0)
			return &c->agencies[i];
	return NULL;
}

const char *channel_name_vi(int kind)
{
	switch (kind) {
	case CH_DIRECT: return "Trực tiếp";
	case CH_ONLINE: return "Trực tuyến";
	case CH_POST: return "Qua bưu chính công ích";
	default: return "Khác";
	}
}
