/* import_procs.c - procedures from tthc_catalog.csv, with their details
 * (channels, documents, results, legal basis) from the JSON Lines files.
 *
 * A procedure is matched by its code and compared by a SHA-256 of all it
 * stores: unchanged ones are not touched, changed ones are rewritten with
 * their child rows, so a re-run on the same files writes nothing. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "import.h"
#include "jsonparse.h"
#include "docname.h"
#include "doubled.h"
#include "fees.h"

enum { CH_DIRECT = 1, CH_ONLINE = 2, CH_POST = 3 };

typedef struct detail {
	const char *code;
	const json_value *v;
} detail;

typedef struct existing {
	const char *code;
	long long id;
	char hash[65];
	int in_files;
} existing;

/* A data row of the catalog file and the line it began on. */
typedef struct row {
	char **f;
	size_t line;
} row;

typedef struct channel {
	int kind;
	int time_value, time_unit, has_time;
	int fee_kind;
	long long fee;
	const char *fee_text;
} channel;

static int cmp_detail(const void *x, const void *y)
{
	return strcmp(((const detail *)x)->code, ((const detail *)y)->code);
}

static int cmp_row_code(const void *x, const void *y, void *ctx)
{
	const row *a = x, *b = y;
	int code_col = *(const int *)ctx;
	int c = strcmp(a->f[code_col], b->f[code_col]);
	return c ? c : (a->line > b->line) - (a->line < b->line);
}

static int cmp_existing(const void *x, const void *y)
{
	return strcmp(((const existing *)x)->code, ((const existing *)y)->code);
}

/* Every text of a detail, its typed-twice words folded (doubled.h).  A
 * parsed string lives in the import's arena, so it is folded in place. */
static void undouble_json(json_value *v)
{
	if (v->type == JSON_STRING) {
		undouble_words((char *)v->str);
		v->len = strlen(v->str);
	}
	if (v->type == JSON_ARRAY || v->type == JSON_OBJECT)
		for (size_t i = 0; i < v->n; i++)
			undouble_json(&v->items[i]);
}

/* Parse a JSON Lines file; later files override earlier ones per code. */
static int load_details(importer *im, const char *name, detail **all, size_t *n, size_t *cap)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/procedures/%s", im->data_dir, name);
	size_t len;
	char *text = read_file(im->a, path, &len);
	if (!text)
		return -1;
	size_t line = 0;
	for (char *p = text; p < text + len;) {
		char *e = memchr(p, '\n', (size_t)(text + len - p));
		if (!e)
			e = text + len;
		line++;
		if (e > p) {
			char err[128];
			json_value *v = json_parse(im->a, p, (size_t)(e - p), err, sizeof err);
			const char *code = v ? json_get_str(v, "code") : NULL;
			if (!code) {
				fprintf(stderr, "import: %s line %zu: %s\n", name, line,
					v ? "no code" : err);
				return -1;
			}
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 4096;
				detail *grown = arena_alloc(im->a, *cap * sizeof **all);
				if (*n)
					memcpy(grown, *all, *n * sizeof **all);
				*all = grown;
			}
			undouble_json(v);
			(*all)[(*n)++] = (detail){code, v};
		}
		p = e + 1;
	}
	return 0;
}

static const json_value *find_detail(detail *all, size_t n, const char *code)
{
	/* Later entries win: search from the end of equal keys. */
	detail key = {code, NULL};
	detail *d = bsearch(&key, all, n, sizeof *all, cmp_detail);
	if (!d)
		return NULL;
	while (d + 1 < all + n && strcmp(d[1].code, code) == 0)
		d++;
	return d->v;
}

static const char *jstr(const json_value *o, const char *key)
{
	const char *s = o ? json_get_str(o, key) : NULL;
	return s ? s : "";
}

static int channel_kind(const char *s)
{
	if (strstr(s, "Trực tuyến"))
		return CH_ONLINE;
	if (strstr(s, "bưu chính"))
		return CH_POST;
	if (strstr(s, "Trực tiếp"))
		return CH_DIRECT;
	return 0;
}

/* Read one channel of the detail.  Its fee is sure only when the text is
 * sure and agrees with the amount the scraper extracted. */
static void read_channel(const json_value *m, channel *c)
{
	memset(c, 0, sizeof *c);
	c->kind = channel_kind(jstr(m, "channel"));
	const char *tv = json_get_str(m, "time_value");
	const char *tu = json_get_str(m, "time_unit");
	if (tv && *tv) {
		char *end;
		long v = strtol(tv, &end, 10);
		if (!*end && v >= 0 && v < 100000) {
			c->has_time = 1;
			c->time_value = (int)v;
			int u = time_unit_parse(tu);
			c->time_unit = u < 0 ? TU_NONE : u;
		}
	}
	c->fee_text = jstr(m, "fee_and_description_text");
	c->fee_kind = fee_parse(c->fee_text, &c->fee);
	const char *fa = json_get_str(m, "fee_amount");
	if (c->fee_kind == FEE_AMOUNT && (!fa || strtoll(fa, NULL, 10) != c->fee))
		c->fee_kind = FEE_UNKNOWN;
}

typedef struct record {
	const char *row[17];
	const json_value *det;
	channel ch[8];
	int nch;
	int lv_ministry, lv_province, lv_commune, lv_other;
	const char *online, *fee_state;
	long long fee_min, fee_max;
	int has_fee_range;
	int time_value, time_unit, has_time;
	char hash[65];
} record;

enum {
	C_CODE, C_NAME, C_FIELD, C_MINISTRY, C_LEVELS, C_TYPE, C_DECISION,
	C_AGENCY, C_AUTHORITY, C_SUBJECTS, C_CHANNELS, C_TIME, C_FEE,
	C_NDOCS, C_RESULTS, C_LEGAL, C_URL, NCOLS
};

static const char *const columns[NCOLS] = {
	"code", "name", "field", "publishing_ministry", "implementation_levels",
	"procedure_type", "decision_no", "implementing_agency",
	"competent_authority", "target_subjects", "submission_channels",
	"processing_time", "fee_summary", "n_documents", "results",
	"legal_basis_codes", "source_url",
};

static void derive(record *r)
{
	const char *lv = r->row[C_LEVELS];
	r->lv_ministry = strstr(lv, "Cấp bộ") != NULL;
	r->lv_province = strstr(lv, "Cấp tỉnh") != NULL;
	r->lv_commune = strstr(lv, "Cấp xã") != NULL;
	r->lv_other = strstr(lv, "Cơ quan khác") != NULL;

	const json_value *ms = r->det ? json_get(r->det, "submission_methods") : NULL;
	r->nch = 0;
	if (ms && ms->type == JSON_ARRAY) {
		for (size_t i = 0; i < ms->n && r->nch < 8; i++) {
			read_channel(&ms->items[i], &r->ch[r->nch]);
			if (r->ch[r->nch].kind)
				r->nch++;
		}
	} else {
		/* No detail: the channels named in the catalog row, no fee. */
		static const char *const names[] = {"Trực tiếp", "Trực tuyến", "bưu chính"};
		for (int k = 0; k < 3; k++)
			if (strstr(r->row[C_CHANNELS], names[k])) {
				memset(&r->ch[r->nch], 0, sizeof r->ch[0]);
				r->ch[r->nch].kind = channel_kind(names[k]);
				r->ch[r->nch].fee_text = "";
				r->nch++;
			}
	}

	/* Online level: the data has none, so it is derived from the
	 * channels (and the page says so): only online = toàn trình, online
	 * among others = một phần. */
	int online = 0, offline = 0;
	for (int i = 0; i < r->nch; i++)
		r->ch[i].kind == CH_ONLINE ? online++ : offline++;
	r->online = !online ? "none" : offline ? "partial" : "full";

	/* A procedure's fee is stated only when every channel's fee is sure:
	 * "fee" with the range over all channels (a free channel counts as 0),
	 * "free" when all are free, and "unknown" as soon as one is unsure, so
	 * the page never shows one channel's amount as the whole story. */
	int sure = 0, unknown = 0, paid = 0;
	for (int i = 0; i < r->nch; i++) {
		channel *c = &r->ch[i];
		if (c->fee_kind == FEE_UNKNOWN) {
			unknown++;
			continue;
		}
		long long v = c->fee_kind == FEE_AMOUNT ? c->fee : 0;
		if (!sure || v < r->fee_min)
			r->fee_min = v;
		if (!sure || v > r->fee_max)
			r->fee_max = v;
		sure++;
		paid += v > 0;
	}
	if (!r->nch) {
		long long v;
		int k = fee_parse(r->row[C_FEE], &v);
		if (k != FEE_UNKNOWN) {
			r->fee_min = r->fee_max = k == FEE_AMOUNT ? v : 0;
			sure = 1;
			paid = k == FEE_AMOUNT;
		} else {
			unknown = 1;
		}
	}
	int known = sure && !unknown;
	r->has_fee_range = known && paid;
	r->fee_state = !known ? "unknown" : paid ? "fee" : "free";

	r->has_time = time_parse(r->row[C_TIME], &r->time_value, &r->time_unit) == 0;
}

static void hash_str(EVP_MD_CTX *h, const char *s)
{
	EVP_DigestUpdate(h, s ? s : "", s ? strlen(s) : 0);
	EVP_DigestUpdate(h, "\x1f", 1);
}

static void hash_json_array(EVP_MD_CTX *h, const json_value *arr, const char *const *keys)
{
	if (!arr || arr->type != JSON_ARRAY)
		return;
	for (size_t i = 0; i < arr->n; i++) {
		for (int k = 0; keys[k]; k++)
			hash_str(h, jstr(&arr->items[i], keys[k]));
		EVP_DigestUpdate(h, "\x1e", 1);
	}
}

static const char *const doc_keys[] = {"group", "name", "templates", "quantity", NULL};
static const char *const result_keys[] = {"name", "code", NULL};
static const char *const legal_keys[] = {"code", "title", NULL};
static const char *const method_keys[] = {"channel", "time_value", "time_unit", "fee_amount",
					  "fee_and_description_text", NULL};
static const char *const det_keys[] = {"receiving_address", "conditions", "steps_text", NULL};

static void content_hash(record *r)
{
	unsigned char md[32];
	unsigned int mdlen;
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	EVP_DigestInit_ex(h, EVP_sha256(), NULL);
	hash_str(h, "v4");   /* v3: documents through doc_split(); v4: undouble_words() */
	for (int i = 0; i < NCOLS; i++)
		hash_str(h, r->row[i]);
	for (int k = 0; det_keys[k]; k++)
		hash_str(h, jstr(r->det, det_keys[k]));
	if (r->det) {
		hash_json_array(h, json_get(r->det, "submission_methods"), method_keys);
		hash_json_array(h, json_get(r->det, "documents"), doc_keys);
		hash_json_array(h, json_get(r->det, "results"), result_keys);
		hash_json_array(h, json_get(r->det, "legal_basis"), legal_keys);
	}
	/* What we derived, not only what we read: a better fee or time parser
	 * changes the hash and so rewrites the procedure on the next import. */
	char derived[256];
	snprintf(derived, sizeof derived, "%s|%s|%d|%lld|%lld|%d|%d|%d|%d%d%d%d",
		 r->online, r->fee_state, r->has_fee_range, r->fee_min, r->fee_max,
		 r->has_time, r->time_value, r->time_unit,
		 r->lv_ministry, r->lv_province, r->lv_commune, r->lv_other);
	hash_str(h, derived);
	for (int i = 0; i < r->nch; i++) {
		snprintf(derived, sizeof derived, "%d|%d|%d|%d|%d|%lld", r->ch[i].kind,
			 r->ch[i].has_time, r->ch[i].time_value, r->ch[i].time_unit,
			 r->ch[i].fee_kind, r->ch[i].fee);
		hash_str(h, derived);
	}
	EVP_DigestFinal_ex(h, md, &mdlen);
	EVP_MD_CTX_free(h);
	for (int i = 0; i < 32; i++)
		snprintf(r->hash + 2 * i, 3, "%02x", md[i]);
}

struct known_field {
	const char *name;
	long long id;
};

typedef struct stmts {
	struct known_field fields[1024];
	int nfields;
	db_stmt *field_upsert, *field_id, *insert, *update, *del[4];
	db_stmt *ins_channel, *ins_doc, *ins_result, *ins_legal;
} stmts;

#define PROC_COLUMNS \
	"name=?, field_id=?, publishing_ministry=?, level_ministry=?, level_province=?, " \
	"level_commune=?, level_other=?, procedure_type=?, decision_no=?, " \
	"implementing_agency=?, competent_authority=?, target_subjects=?, " \
	"receiving_address=?, conditions=?, steps_text=?, online_level=?, online_derived=1, " \
	"fee_state=?, fee_min=?, fee_max=?, fee_text=?, time_value=?, time_unit=?, " \
	"time_text=?, source_url=?, has_detail=?, content_hash=?, updated_at=UTC_TIMESTAMP()"
#define PROC_TYPES "sss" "iiii" "sssssssssssssssss" "is"

static long long field_id(importer *im, stmts *s, const char *name)
{
	if (!*name)
		return -1;
	/* Each field is written (and counted) once per import. */
	for (int i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return s->fields[i].id;
	long long rc = db_exec(s->field_upsert, "s", name);
	if (rc < 0)
		return -2;
	tally_upsert(&im->fields, rc);
	if (db_query(s->field_id, "s", name) < 0 || db_fetch(s->field_id) != 1)
		return -2;
	long long id = db_col_int(s->field_id, 0, -1);
	while (db_fetch(s->field_id) == 1)
		;
	if (s->nfields < 1024)
		s->fields[s->nfields++] = (struct known_field){arena_strdup(im->a, name), id};
	return id;
}

static const char *lld(arena *a, int has, long long v)
{
	return has ? arena_printf(a, "%lld", v) : NULL;
}

static int write_children(importer *im, stmts *s, long long id, record *r)
{
	for (int i = 0; i < r->nch; i++) {
		channel *c = &r->ch[i];
		if (db_exec(s->ins_channel, "iiisssss", id, (long long)i, (long long)c->kind,
			    lld(im->a, c->has_time, c->time_value),
			    c->has_time ? time_unit_db(c->time_unit) : NULL,
			    lld(im->a, c->fee_kind != FEE_UNKNOWN, c->fee),
			    c->fee_text, "") < 0)
			return -1;
	}
	if (!r->det)
		return 0;
	const json_value *docs = json_get(r->det, "documents");
	for (size_t i = 0; docs && docs->type == JSON_ARRAY && i < docs->n; i++) {
		const json_value *d = &docs->items[i];
		const char *name, *templates;
		doc_split(im->a, jstr(d, "name"), jstr(d, "templates"), &name, &templates);
		if (db_exec(s->ins_doc, "iissss", id, (long long)i, jstr(d, "group"),
			    name, templates, jstr(d, "quantity")) < 0)
			return -1;
	}
	const json_value *res = json_get(r->det, "results");
	for (size_t i = 0; res && res->type == JSON_ARRAY && i < res->n; i++)
		if (db_exec(s->ins_result, "iiss", id, (long long)i, jstr(&res->items[i], "name"),
			    jstr(&res->items[i], "code")) < 0)
			return -1;
	const json_value *leg = json_get(r->det, "legal_basis");
	for (size_t i = 0; leg && leg->type == JSON_ARRAY && i < leg->n; i++)
		if (db_exec(s->ins_legal, "iiss", id, (long long)i, jstr(&leg->items[i], "code"),
			    jstr(&leg->items[i], "title")) < 0)
			return -1;
	return 0;
}

/* 0, or -1 having said why with the file and line. */
static int write_record(importer *im, stmts *s, record *r, existing *old,
			const char *path, size_t line)
{
	const char *what = arena_printf(im->a, "procedure %s", r->row[C_CODE]);
	long long fid = field_id(im, s, r->row[C_FIELD]);
	if (fid == -2)
		return row_db_error(im, path, line, what, "field");
	const char *receiving = jstr(r->det, "receiving_address");
	const char *conditions = jstr(r->det, "conditions");
	const char *steps = jstr(r->det, "steps_text");
	const char *fmin = lld(im->a, r->has_fee_range, r->fee_min);
	const char *fmax = lld(im->a, r->has_fee_range, r->fee_max);
	const char *tval = lld(im->a, r->has_time, r->time_value);
	/* Only a link to the national portal goes into an href. */
	const char *url = strncmp(r->row[C_URL], "https://dichvucong.gov.vn/", 26) == 0 ? r->row[C_URL] : "";
	const char *tunit = r->has_time ? time_unit_db(r->time_unit) : NULL;
	const char *fieldp = fid > 0 ? arena_printf(im->a, "%lld", fid) : NULL;
	long long id;
	if (old) {
		id = old->id;
		if (db_exec(s->update, PROC_TYPES "i", r->row[C_NAME], fieldp,
			    r->row[C_MINISTRY], (long long)r->lv_ministry, (long long)r->lv_province,
			    (long long)r->lv_commune, (long long)r->lv_other, r->row[C_TYPE],
			    r->row[C_DECISION], r->row[C_AGENCY], r->row[C_AUTHORITY],
			    r->row[C_SUBJECTS], receiving, conditions, steps, r->online,
			    r->fee_state, fmin, fmax, r->row[C_FEE], tval, tunit, r->row[C_TIME],
			    url, (long long)(r->det != NULL), r->hash, id) < 0)
			return row_db_error(im, path, line, what, NULL);
		for (int k = 0; k < 4; k++)
			if (db_exec(s->del[k], "i", id) < 0)
				return row_db_error(im, path, line, what, NULL);
		im->procedures.changed++;
	} else {
		if (db_exec(s->insert, "s" PROC_TYPES, r->row[C_CODE], r->row[C_NAME],
			    fieldp, r->row[C_MINISTRY],
			    (long long)r->lv_ministry, (long long)r->lv_province,
			    (long long)r->lv_commune, (long long)r->lv_other, r->row[C_TYPE],
			    r->row[C_DECISION], r->row[C_AGENCY], r->row[C_AUTHORITY],
			    r->row[C_SUBJECTS], receiving, conditions, steps, r->online,
			    r->fee_state, fmin, fmax, r->row[C_FEE], tval, tunit, r->row[C_TIME],
			    url, (long long)(r->det != NULL), r->hash) < 0)
			return row_db_error(im, path, line, what, NULL);
		id = db_insert_id(s->insert);
		im->procedures.added++;
	}
	/* Child rows come from the detail files; the catalog line names the
	 * procedure they belong to. */
	if (write_children(im, s, id, r) < 0)
		return row_db_error(im, path, line,
				    arena_printf(im->a, "procedure %s, details", r->row[C_CODE]), NULL);
	return 0;
}

static int load_existing(importer *im, existing **out, size_t *n)
{
	db_stmt *q = db_prepare(im->d, "SELECT code, id, content_hash FROM `procedure`");
	if (db_query(q, "") < 0)
		return -1;
	size_t cap = 4096;
	existing *v = arena_alloc(im->a, cap * sizeof *v);
	*n = 0;
	int rc;
	while ((rc = db_fetch(q)) == 1) {
		if (*n == cap) {
			existing *g = arena_alloc(im->a, 2 * cap * sizeof *v);
			memcpy(g, v, cap * sizeof *v);
			v = g;
			cap *= 2;
		}
		v[*n].code = arena_strdup(im->a, db_col(q, 0, NULL));
		v[*n].id = db_col_int(q, 1, 0);
		db_col_copy(q, 2, v[*n].hash, sizeof v[*n].hash);
		v[*n].in_files = 0;
		(*n)++;
	}
	qsort(v, *n, sizeof *v, cmp_existing);
	*out = v;
	return rc;
}

int import_procedures(importer *im)
{
	detail *det = NULL;
	size_t ndet = 0, capdet = 0;
	/* The commune-level file is read last so it wins where both differ. */
	if (load_details(im, "tthc_detail_all.jsonl.gz", &det, &ndet, &capdet) < 0 ||
	    load_details(im, "tthc_detail_commune_level.jsonl", &det, &ndet, &capdet) < 0)
		return -1;
	/* Stable order for "later wins": merge sort keeps equal keys' order. */
	for (size_t i = 1; i < ndet; i++) {  /* insertion sort on mostly sorted data */
		detail x = det[i];
		size_t j = i;
		while (j > 0 && strcmp(det[j - 1].code, x.code) > 0) {
			det[j] = det[j - 1];
			j--;
		}
		det[j] = x;
	}

	existing *old;
	size_t nold;
	if (load_existing(im, &old, &nold) < 0) {
		fprintf(stderr, "import: reading the procedures already imported: %s\n",
			db_error(im->d));
		return -1;
	}

	static stmts s;
	s.nfields = 0;
	s.field_upsert = db_prepare(im->d,
		"INSERT INTO procedure_field (name) VALUES (?) ON DUPLICATE KEY UPDATE name = name");
	s.field_id = db_prepare(im->d, "SELECT id FROM procedure_field WHERE name = ?");
	s.insert = db_prepare(im->d, "INSERT INTO `procedure` SET code=?, " PROC_COLUMNS);
	s.update = db_prepare(im->d, "UPDATE `procedure` SET " PROC_COLUMNS " WHERE id=?");
	s.del[0] = db_prepare(im->d, "DELETE FROM procedure_channel WHERE procedure_id=?");
	s.del[1] = db_prepare(im->d, "DELETE FROM procedure_document WHERE procedure_id=?");
	s.del[2] = db_prepare(im->d, "DELETE FROM procedure_result WHERE procedure_id=?");
	s.del[3] = db_prepare(im->d, "DELETE FROM procedure_legal WHERE procedure_id=?");
	s.ins_channel = db_prepare(im->d,
		"INSERT INTO procedure_channel (procedure_id, seq, channel, time_value, time_unit,"
		" fee_amount, fee_text) VALUES (?,?,?,?,?,?,CONCAT(?,?))");
	s.ins_doc = db_prepare(im->d,
		"INSERT INTO procedure_document (procedure_id, seq, group_name, name, templates,"
		" quantity) VALUES (?,?,?,?,?,?)");
	s.ins_result = db_prepare(im->d,
		"INSERT INTO procedure_result (procedure_id, seq, name, code) VALUES (?,?,?,?)");
	s.ins_legal = db_prepare(im->d,
		"INSERT INTO procedure_legal (procedure_id, seq, code, title) VALUES (?,?,?,?)");

	char path[1024];
	snprintf(path, sizeof path, "%s/procedures/tthc_catalog.csv", im->data_dir);
	size_t len;
	char *text = read_file(im->a, path, &len);
	if (!text)
		return -1;
	csv_reader *cr = csv_open(im->a, text, len);
	char **hdr;
	size_t nh;
	if (csv_next(cr, &hdr, &nh) != 1) {
		fprintf(stderr, "import: %s: no header\n", path);
		return -1;
	}
	int idx[NCOLS];
	for (int i = 0; i < NCOLS; i++)
		if ((idx[i] = csv_header_index(hdr, nh, columns[i])) < 0) {
			fprintf(stderr, "import: %s: no column %s\n", path, columns[i]);
			return -1;
		}
	/* Read and check the whole file before writing anything: a row cut
	 * short or a code given twice stops the import with both places
	 * named, never a partial catalog or a silently dropped procedure. */
	char **f;
	size_t nf, nrows = 0, caprows = 4096;
	row *rows = arena_alloc(im->a, caprows * sizeof *rows);
	int rc;
	while ((rc = csv_next(cr, &f, &nf)) == 1) {
		size_t line = csv_line(cr);
		if (nf != nh)
			return row_error(path, line, "%zu fields where the header has %zu%s",
					 nf, nh, nf < nh ? ": cut off?" : "");
		if (!*f[idx[C_CODE]])
			return row_error(path, line, "no procedure code");
		if (!*f[idx[C_NAME]])
			return row_error(path, line, "procedure %s has no name", f[idx[C_CODE]]);
		if (nrows == caprows) {
			row *g = arena_alloc(im->a, 2 * caprows * sizeof *g);
			memcpy(g, rows, caprows * sizeof *g);
			rows = g;
			caprows *= 2;
		}
		rows[nrows++] = (row){f, line};
	}
	if (rc < 0) {
		fprintf(stderr, "import: %s %s\n", path, csv_error(cr));
		return -1;
	}
	if (check_whole(path, text, len, nrows ? rows[nrows - 1].line : 1) < 0)
		return -1;
	row *by_code = arena_alloc(im->a, (nrows ? nrows : 1) * sizeof *by_code);
	memcpy(by_code, rows, nrows * sizeof *rows);
	int code_col = idx[C_CODE];
	qsort_r(by_code, nrows, sizeof *by_code, cmp_row_code, &code_col);
	for (size_t i = 1; i < nrows; i++)
		if (strcmp(by_code[i].f[code_col], by_code[i - 1].f[code_col]) == 0)
			return row_error(path, by_code[i].line,
					 "procedure code %s again (first on line %zu)",
					 by_code[i].f[code_col], by_code[i - 1].line);

	for (size_t k = 0; k < nrows; k++) {
		record r;
		memset(&r, 0, sizeof r);
		for (int i = 0; i < NCOLS; i++) {
			undouble_words(rows[k].f[idx[i]]);
			r.row[i] = rows[k].f[idx[i]];
		}
		r.det = find_detail(det, ndet, r.row[C_CODE]);
		derive(&r);
		content_hash(&r);
		existing key = {.code = r.row[C_CODE]};
		existing *o = bsearch(&key, old, nold, sizeof *old, cmp_existing);
		if (o)
			o->in_files = 1;
		if (o && strcmp(o->hash, r.hash) == 0) {
			im->procedures.unchanged++;
			continue;
		}
		if (write_record(im, &s, &r, o, path, rows[k].line) < 0)
			return -1;
	}
	im->not_in_files = 0;
	for (size_t i = 0; i < nold; i++)
		im->not_in_files += !old[i].in_files;
	return 0;
}
