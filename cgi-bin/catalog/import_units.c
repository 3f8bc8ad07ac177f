/* import_units.c - provinces and communes (GSO, since 1 July 2025) and the
 * agencies with their QCVN 102:2016 codes.
 *
 * Codes: level 1 of each province comes from sql/data/province_agency_codes.csv
 * (sourced where a public source gives it, else the pattern of the published
 * ones, and flagged so).  Below level 1 no numbering has been published for
 * the two-level government of 2025, so this importer assigns one, flagged
 * 'assigned' and shown as such: Văn phòng UBND 01 and the departments from
 * 02 at level 2 of the home province (sql/data/home_departments.csv), and the
 * communes of every province at level 2 from 101 in GSO code order (three
 * digits, as the portals' short forms such as H26.107 already use).
 *
 * A code, once given, is kept: a commune keeps its number by GSO code and a
 * department by name, a new one gets the next free number, and an agency
 * that leaves the files is retired (active = 0), never renumbered, because
 * its code may stand in dossier codes and bookmarks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "import.h"

/* A row's handler: 0, or -1 having said why (see row_error). */
typedef int (*row_fn)(importer *im, char **f, const int *idx, void *ctx,
		      const char *path, size_t line);

/* Read a CSV with a header; call fn for each row with the named columns. */
static int each_row(importer *im, const char *path, const char *const *cols, int ncols,
		    row_fn fn, void *ctx)
{
	size_t len;
	char *text = read_file(im->a, path, &len);
	if (!text)
		return -1;
	csv_reader *r = csv_open(im->a, text, len);
	char **hdr, **f;
	size_t nh, nf;
	if (csv_next(r, &hdr, &nh) != 1) {
		fprintf(stderr, "import: %s: no header%s%s\n", path,
			csv_line(r) ? ": " : "", csv_line(r) ? csv_error(r) : "");
		return -1;
	}
	int idx[16];
	for (int i = 0; i < ncols; i++)
		if ((idx[i] = csv_header_index(hdr, nh, cols[i])) < 0) {
			fprintf(stderr, "import: %s: no column %s\n", path, cols[i]);
			return -1;
		}
	int rc;
	while ((rc = csv_next(r, &f, &nf)) == 1) {
		if (nf != nh)
			return row_error(path, csv_line(r), "%zu fields where the header has %zu%s",
					 nf, nh, nf < nh ? ": cut off?" : "");
		if (fn(im, f, idx, ctx, path, csv_line(r)) < 0)
			return -1;
	}
	if (rc < 0) {
		fprintf(stderr, "import: %s %s\n", path, csv_error(r));
		return -1;
	}
	return check_whole(path, text, len, csv_line(r));
}

typedef struct hcode {
	char gso[4];
	char h[8];
	char status[12];
	char source[500];
} hcode;

/* A code already given: by GSO commune code, or by department name. */
typedef struct given {
	char key[208];
	char code[24];
	int seen;
} given;

typedef struct units {
	db_stmt *province, *commune, *agency, *agency_id;
	given *old;          /* the agencies below level 1 already in the database */
	int nold;
	int next_commune[64];  /* next free level-2 number per province */
	int next_dept;
	hcode codes[64];
	int ncodes;
	long long home_id;
	int dept_seq;
} units;

static const hcode *hcode_of(const units *u, const char *gso)
{
	for (int i = 0; i < u->ncodes; i++)
		if (strcmp(u->codes[i].gso, gso) == 0)
			return &u->codes[i];
	return NULL;
}

static int read_code(importer *im, char **f, const int *idx, void *ctx,
		     const char *path, size_t line)
{
	units *u = ctx;
	if (u->ncodes == 64)
		return row_error(path, line, "more than 64 provinces");
	hcode *c = &u->codes[u->ncodes++];
	snprintf(c->gso, sizeof c->gso, "%s", f[idx[0]]);
	snprintf(c->h, sizeof c->h, "%s", f[idx[1]]);
	snprintf(c->status, sizeof c->status, "%s", f[idx[2]]);
	snprintf(c->source, sizeof c->source, "%s", f[idx[3]]);
	return 0;
}

static int agency(importer *im, units *u, const char *code, const char *short_code,
		  const char *name, const char *kind, long long parent, const char *province,
		  const char *commune, const char *ministry, long long sort,
		  const char *status, const char *source, const char *path, size_t line)
{
	long long rc = db_exec(u->agency, "sssssssssiss", code, short_code, name, kind,
			       parent > 0 ? arena_printf(im->a, "%lld", parent) : NULL,
			       province, commune, ministry && *ministry ? ministry : NULL,
			       status, sort, source, "");
	if (rc < 0)
		return row_db_error(im, path, line, arena_printf(im->a, "agency %s", code), NULL);
	tally_upsert(&im->agencies, rc);
	return 0;
}

static long long agency_id(units *u, const char *code)
{
	if (db_query(u->agency_id, "s", code) < 0)
		return -1;
	long long id = -1;
	while (db_fetch(u->agency_id) == 1)
		id = db_col_int(u->agency_id, 0, -1);
	return id;
}

static const char *kept_code(units *u, const char *key)
{
	for (int i = 0; i < u->nold; i++)
		if (strcmp(u->old[i].key, key) == 0) {
			u->old[i].seen = 1;
			return u->old[i].code;
		}
	return NULL;
}

/* 000.00.NNN.H26 -> NNN */
static int level2(const char *code)
{
	const char *p = strchr(code, '.');
	p = p ? strchr(p + 1, '.') : NULL;
	return p ? atoi(p + 1) : 0;
}

/* The codes already given below level 1, and the next free numbers. */
static int load_given(importer *im, units *u)
{
	db_stmt *q = db_prepare(im->d,
		"SELECT IF(kind = 'commune', commune_code, name), code, province_code, kind"
		" FROM agency WHERE kind <> 'province'");
	if (db_query(q, "") < 0) {
		db_stmt_close(q);
		return -1;
	}
	int cap = 4096, rc;
	u->old = arena_alloc(im->a, (size_t)cap * sizeof *u->old);
	for (int i = 0; i < 64; i++)
		u->next_commune[i] = 101;
	u->next_dept = 2;
	while ((rc = db_fetch(q)) == 1) {
		if (u->nold == cap) {
			given *g = arena_alloc(im->a, (size_t)cap * 2 * sizeof *g);
			memcpy(g, u->old, (size_t)cap * sizeof *g);
			u->old = g;
			cap *= 2;
		}
		given *g = &u->old[u->nold++];
		db_col_copy(q, 0, g->key, sizeof g->key);
		db_col_copy(q, 1, g->code, sizeof g->code);
		g->seen = 0;
		const char *kind = db_col(q, 3, NULL);
		int n = level2(g->code);
		const hcode *h = hcode_of(u, db_col(q, 2, NULL));
		if (strcmp(kind, "commune") == 0 && h && n >= u->next_commune[h - u->codes])
			u->next_commune[h - u->codes] = n + 1;
		if (strcmp(kind, "department") == 0 && n >= u->next_dept)
			u->next_dept = n + 1;
	}
	db_stmt_close(q);
	return rc;
}

/* Agencies no longer in the files: retired, their codes kept. */
static int retire_unseen(importer *im, units *u)
{
	db_stmt *q = db_prepare(im->d, "UPDATE agency SET active = 0 WHERE code = ? AND active = 1");
	for (int i = 0; i < u->nold; i++) {
		if (u->old[i].seen)
			continue;
		long long rc = db_exec(q, "s", u->old[i].code);
		if (rc < 0) {
			db_stmt_close(q);
			return -1;
		}
		im->agencies.skipped += rc;
	}
	db_stmt_close(q);
	return 0;
}

static int province_row(importer *im, char **f, const int *idx, void *ctx,
			const char *path, size_t line)
{
	units *u = ctx;
	const char *code = f[idx[0]];
	long long rc = db_exec(u->province, "sssss", code, f[idx[1]], f[idx[2]], f[idx[3]], f[idx[4]]);
	if (rc < 0)
		return row_db_error(im, path, line, arena_printf(im->a, "province %s", code), NULL);
	tally_upsert(&im->provinces, rc);
	const hcode *h = hcode_of(u, code);
	if (!h)
		return row_error(path, line, "no QCVN 102 code for province %s", code);
	return agency(im, u, arena_printf(im->a, "000.00.00.%s", h->h), h->h,
		      arena_printf(im->a, "Ủy ban nhân dân %s", f[idx[1]]), "province", 0, code,
		      NULL, NULL, 0, h->status, h->source, path, line);
}

static int commune_row(importer *im, char **f, const int *idx, void *ctx,
		       const char *path, size_t line)
{
	units *u = ctx;
	const char *code = f[idx[0]], *prov = f[idx[4]];
	long long rc = db_exec(u->commune, "ssssss", code, prov, f[idx[1]], f[idx[2]],
			       f[idx[3]], f[idx[5]]);
	if (rc < 0)
		return row_db_error(im, path, line, arena_printf(im->a, "commune %s", code), NULL);
	tally_upsert(&im->communes, rc);
	/* communes.csv is in GSO code order, and a merged province's communes
	 * come in several runs: number them per province. */
	const hcode *h = hcode_of(u, prov);
	if (!h)
		return row_error(path, line, "commune %s: no province %s", code, prov);
	long long parent = agency_id(u, arena_printf(im->a, "000.00.00.%s", h->h));
	if (parent < 0)
		return row_db_error(im, path, line, arena_printf(im->a, "commune %s", code), NULL);
	const char *full = kept_code(u, code);
	int n = full ? level2(full) : u->next_commune[h - u->codes]++;
	return agency(im, u, arena_printf(im->a, "000.00.%d.%s", n, h->h),
		      arena_printf(im->a, "%s.%d", h->h, n),
		      arena_printf(im->a, "Ủy ban nhân dân %s", f[idx[1]]), "commune", parent,
		      prov, code, NULL, atoll(code), "assigned",
		      "số cấp 2 gán theo thứ tự mã xã của Cục Thống kê, chờ tỉnh công bố mã chính thức",
		      path, line);
}

static int department_row(importer *im, char **f, const int *idx, void *ctx,
			  const char *path, size_t line)
{
	units *u = ctx;
	const hcode *h = hcode_of(u, im->home_province);
	u->dept_seq++;
	const char *full = kept_code(u, f[idx[0]]);
	int n = full ? level2(full) : (strcmp(f[idx[1]], "office") == 0 ? 1 : u->next_dept++);
	char num[12];
	snprintf(num, sizeof num, "%02d", n);
	return agency(im, u, arena_printf(im->a, "000.00.%s.%s", num, h->h),
		      arena_printf(im->a, "%s.%s", h->h, num), f[idx[0]], f[idx[1]], u->home_id,
		      im->home_province, NULL, f[idx[2]], u->dept_seq, "assigned",
		      arena_printf(im->a, "%s; số cấp 2 gán theo thứ tự, chờ tỉnh công bố mã chính thức",
				   f[idx[3]]), path, line);
}

int import_units(importer *im)
{
	units u;
	memset(&u, 0, sizeof u);
	u.province = db_prepare(im->d,
		"INSERT INTO province (code, name, short_name, unit_type, name_en) VALUES (?,?,?,?,?)"
		" ON DUPLICATE KEY UPDATE name=VALUES(name), short_name=VALUES(short_name),"
		" unit_type=VALUES(unit_type), name_en=VALUES(name_en)");
	u.commune = db_prepare(im->d,
		"INSERT INTO commune (code, province_code, name, short_name, unit_type, name_en)"
		" VALUES (?,?,?,?,?,?) ON DUPLICATE KEY UPDATE province_code=VALUES(province_code),"
		" name=VALUES(name), short_name=VALUES(short_name), unit_type=VALUES(unit_type),"
		" name_en=VALUES(name_en)");
	u.agency = db_prepare(im->d,
		"INSERT INTO agency (code, short_code, name, kind, parent_id, province_code,"
		" commune_code, ministry, code_status, sort_order, code_source)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,CONCAT(?,?)) ON DUPLICATE KEY UPDATE"
		" short_code=VALUES(short_code), name=VALUES(name), kind=VALUES(kind),"
		" parent_id=VALUES(parent_id), province_code=VALUES(province_code),"
		" commune_code=VALUES(commune_code), ministry=VALUES(ministry),"
		" code_status=VALUES(code_status), sort_order=VALUES(sort_order),"
		" code_source=VALUES(code_source), active=1");
	u.agency_id = db_prepare(im->d, "SELECT id FROM agency WHERE code = ?");

	char path[1024];
	static const char *const code_cols[] = {"gso_code", "qcvn102_code", "status", "source"};
	snprintf(path, sizeof path, "%s/province_agency_codes.csv", im->seed_dir);
	if (each_row(im, path, code_cols, 4, read_code, &u) < 0)
		return -1;
	if (!hcode_of(&u, im->home_province)) {
		fprintf(stderr, "import: home province %s is not one of the 34 provinces\n",
			im->home_province);
		return -1;
	}

	if (load_given(im, &u) < 0) {
		fprintf(stderr, "import: reading the agencies already given: %s\n", db_error(im->d));
		return -1;
	}

	static const char *const prov_cols[] = {"code", "name", "short_name", "type", "name_en"};
	snprintf(path, sizeof path, "%s/admin_units/2025-07-01/provinces.csv", im->data_dir);
	if (each_row(im, path, prov_cols, 5, province_row, &u) < 0)
		return -1;

	static const char *const com_cols[] = {"code", "name", "short_name", "type",
					       "province_code", "name_en"};
	snprintf(path, sizeof path, "%s/admin_units/2025-07-01/communes.csv", im->data_dir);
	if (each_row(im, path, com_cols, 6, commune_row, &u) < 0)
		return -1;

	const hcode *home = hcode_of(&u, im->home_province);
	u.home_id = agency_id(&u, arena_printf(im->a, "000.00.00.%s", home->h));
	static const char *const dep_cols[] = {"name", "kind", "ministry", "source"};
	snprintf(path, sizeof path, "%s/home_departments.csv", im->seed_dir);
	if (each_row(im, path, dep_cols, 4, department_row, &u) < 0)
		return -1;
	if (retire_unseen(im, &u) < 0) {
		fprintf(stderr, "import: retiring agencies: %s\n", db_error(im->d));
		return -1;
	}
	return 0;
}
