/*
 * dossier.c - filing a dossier (citizen online, or the desk for a walk-in
 * or postal applicant), following it, and the public lookup.
 *
 * The filing form is built from the catalog's own tables (procedure,
 * procedure_document, agency): nothing is copied by hand.  Submitting is
 * one transaction: the day's number for the agency (a row lock on
 * dossier_seq, so numbers have no gaps and no repeats), the dossier, its
 * documents, the first event, the counters, the sync and notice messages.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "audit.h"
#include "conf.h"
#include "crypto.h"
#include "dossier_code.h"
#include "filetype.h"
#include "limit.h"
#include "once.h"
#include "paycode.h"
#include "qr.h"
#include "render.h"
#include "server.h"
#include "outbox.h"
#include "submission.h"
#include "url.h"
#include "obligation.h"
#include "vntext.h"

#define MAX_DOCS DOSSIER_MAX_DOCS
#define DOSSIER_MAX_BYTES (30LL << 20)

static void drain(db_stmt *s)
{
	while (db_fetch(s) == 1)
		;
}


/* --- the procedure, its documents and the agencies that take it -------------- */

static int unit_from_db(const char *u);
static int limit_value(long long v, const char *unit);

typedef struct proc {
	long long id;
	const char *code, *name, *online;
	int level_commune, level_province, level_ministry;
	int time_value, time_unit;
	int ndocs, nnotes;
	int generic;            /* the catalog lists no document: one upload for all */
	const char *doc_name[MAX_DOCS];
	const char *doc_tpl[MAX_DOCS];   /* the blank forms' file names, "" for none */
	int doc_seq[MAX_DOCS];
	const char *source_url;  /* the national portal's page, where those files are */
	const char *note[MAX_DOCS];  /* the catalog's "Lưu ý" items: read, not uploaded */
} proc;

/* Some of the catalog's procedures (1.001521, 1.001613, …) have an
 * online channel but a document list its source did not break into
 * items.  With no upload the form could never be sent ("at least one
 * document"): offer a few uploads for the papers the steps describe,
 * numbered 0 (no item of the catalog's list). */
static void proc_generic(proc *p)
{
	static const char *const generic[] = {
		"Tờ khai hoặc đơn theo hướng dẫn của thủ tục",
		"Giấy tờ kèm theo (1)", "Giấy tờ kèm theo (2)", "Giấy tờ kèm theo (3)",
		"Giấy tờ kèm theo (4)",
	};
	p->generic = 1;
	p->ndocs = 0;
	for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++) {
		p->doc_seq[p->ndocs] = 0;
		p->doc_tpl[p->ndocs] = "";
		p->doc_name[p->ndocs++] = generic[i];
	}
}

static int proc_load(db *d, arena *a, const char *code, proc *p)
{
	db_stmt *s = STMT(d, "SELECT id, code, name, online_level, level_commune, level_province, "
			     "time_value, time_unit, level_ministry, source_url FROM `procedure` WHERE code = ?");
	if (db_query(s, "s", code) != 0)
		return -1;
	int rc = db_fetch(s);
	if (rc != 1)
		return rc < 0 ? -1 : 0;
	memset(p, 0, sizeof *p);
	p->id = db_col_int(s, 0, 0);
	p->code = col(s, a, 1);
	p->name = col(s, a, 2);
	p->online = col(s, a, 3);
	p->level_commune = (int)db_col_int(s, 4, 0);
	p->level_province = (int)db_col_int(s, 5, 0);
	p->time_value = limit_value(db_col_int(s, 6, -1), db_col(s, 7, NULL));
	p->time_unit = unit_from_db(db_col(s, 7, NULL));
	p->level_ministry = (int)db_col_int(s, 8, 0);
	p->source_url = col(s, a, 9);
	drain(s);
	/* The catalog's document list mixes in its notes (group "Lưu ý", or
	 * an item of another group whose text starts "Lưu ý:", as 2.001255's
	 * does): a citizen uploads documents, and reads the notes above them,
	 * and the slip lists no note as a paper received. */
	db_stmt *q = STMT(d, "SELECT seq, name, group_name = 'Lưu ý', templates FROM procedure_document "
			     "WHERE procedure_id = ? ORDER BY seq");
	if (db_query(q, "i", p->id) != 0)
		return -1;
	int rc2;
	while ((rc2 = db_fetch(q)) == 1) {
		const char *name = vn_skip_bullet(col(q, a, 1));
		if (db_col_int(q, 2, 0) || (name && strncmp(name, "Lưu ý", strlen("Lưu ý")) == 0)) {
			if (p->nnotes < MAX_DOCS)
				p->note[p->nnotes++] = name;
		} else if (p->ndocs < MAX_DOCS) {
			p->doc_seq[p->ndocs] = (int)db_col_int(q, 0, 0);
			const char *tpl = col(q, a, 3);
			p->doc_tpl[p->ndocs] = tpl ? tpl : "";
			p->doc_name[p->ndocs++] = name;
		}
	}
	if (rc2 < 0)
		return -1;
	if (p->ndocs == 0)
		proc_generic(p);
	return 1;
}

/* The documents a supplement answers to: the procedure's, or the generic
 * uploads when the catalog lists none or no longer has the procedure. */
static int supplement_proc(db *d, arena *a, const char *code, proc *p)
{
	int rc = proc_load(d, a, code, p);
	if (rc < 0)
		return -1;
	if (!rc) {
		memset(p, 0, sizeof *p);
		proc_generic(p);
	}
	return 0;
}

/* The time limit of the channel (procedure_channel), else the procedure's. */
static void proc_limit(db *d, const proc *p, int channel, int *value, int *unit)
{
	*value = p->time_value;
	*unit = p->time_unit;
	db_stmt *s = STMT(d, "SELECT time_value, time_unit FROM procedure_channel "
			     "WHERE procedure_id = ? AND channel = ? AND time_value IS NOT NULL "
			     "ORDER BY seq LIMIT 1");
	if (db_query(s, "ii", p->id, (long long)channel) == 0 && db_fetch(s) == 1) {
		*value = limit_value(db_col_int(s, 0, -1), db_col(s, 1, NULL));
		*unit = unit_from_db(db_col(s, 1, NULL));
	}
	drain(s);
}

/* The catalog's ENUM('working_day','day','hour','month') to workdays.h;
 * no unit at all counts as working days (the catalog's plain "N ngày"). */
static int unit_from_db(const char *u)
{
	if (!u)
		return WD_UNIT_WORKING_DAY;
	if (strcmp(u, "day") == 0)
		return WD_UNIT_DAY;
	if (strcmp(u, "hour") == 0)
		return WD_UNIT_HOUR;
	if (strcmp(u, "month") == 0)
		return WD_UNIT_MONTH;
	return WD_UNIT_WORKING_DAY;
}

/* The catalog's time as a limit, or -1 when it gives none.  A bare "0"
 * with no unit is how the national catalog shows a time it does not know
 * (1.115148: "Không có thông tin", the province sets it), not "the same
 * day": counted as 0 working days it made the dossier due the day it was
 * filed and late on the desk from the next morning. */
static int limit_value(long long v, const char *unit)
{
	if (v < 0 || v > INT_MAX || (v == 0 && !unit))
		return -1;
	return (int)v;
}

/* A procedure only a ministry or another central agency handles (the
 * catalog's level "Cấp Bộ" alone, e.g. 1.011431 at the Vietnam ship
 * registry): no agency of the province receives it, so neither a citizen
 * nor a desk files it here.  Procedures the catalog gives no level at all
 * stay fileable at any agency of the province, as before. */
static int central_only(const proc *p)
{
	return p->level_ministry && !p->level_province && !p->level_commune;
}

#define CENTRAL_ONLY "Thủ tục này do bộ, ngành trung ương giải quyết; cơ quan của tỉnh không tiếp nhận " \
		     "hồ sơ này. Xem nơi nộp trong trang thủ tục."

/* Agencies of the home province that handle the procedure at its level.
 * At the province's level the catalog's "implementing agency" text names
 * who handles it ("Sở Xây dựng, Uỷ ban Nhân dân cấp xã, …"): when it names
 * one or more of the province's departments or its office, only those
 * (and the province's people's committee when the text names the
 * provincial committee) take the dossier, so nobody files a vessel's
 * registration at the Inspectorate.  A department named by its name
 * before the 2025 mergers is named (NAMES).  A text that names none of
 * them ("cơ quan chuyên môn …") leaves every provincial
 * agency, as before.  One predicate for the list and for the check of a
 * posted choice; its parameters: the province, the commune flag, the
 * province flag, the procedure's id twice, then for the check the code. */
/* The catalog names agency A: by its name, or by the name of a department
 * merged into it in 2025 (sql/023_agency_former_name.sql). */
#define NAMES(A) \
	"(p.implementing_agency LIKE CONCAT('%', " A ".name, '%') OR EXISTS (SELECT 1 FROM" \
	" agency_former_name f WHERE f.agency_name = " A ".name" \
	" AND p.implementing_agency LIKE CONCAT('%', f.former_name, '%')))"
#define AGENCY_WHERE \
	"province_code = ? AND active = 1 AND " \
	"((? = 1 AND kind = 'commune') OR (? = 1 AND kind IN ('department','office','province') AND (" \
	" NOT EXISTS (SELECT 1 FROM `procedure` p JOIN agency b ON b.province_code = agency.province_code" \
	"  AND b.active = 1 AND b.kind IN ('department','office')" \
	"  AND " NAMES("b") " WHERE p.id = ?)" \
	" OR EXISTS (SELECT 1 FROM `procedure` p WHERE p.id = ? AND (" \
	"  (agency.kind <> 'province' AND " NAMES("agency") ")" \
	"  OR (agency.kind = 'province' AND (p.implementing_agency LIKE '%ban nhân dân cấp tỉnh%'" \
	"   OR p.implementing_agency LIKE '%UBND cấp tỉnh%')))))))"

static const char *AGENCY_SQL =
	"SELECT code, name FROM agency WHERE " AGENCY_WHERE
	" ORDER BY kind <> 'commune', sort_order, name";

static int agency_query(db_stmt *s, const proc *p, const char *code)
{
	long long communes = p->level_commune || !p->level_province;
	long long province = p->level_province || !p->level_commune;
	const char *home = conf_str("PORTAL_HOME_PROVINCE", "01");
	return code ? db_query(s, "siiiis", home, communes, province, p->id, p->id, code)
		    : db_query(s, "siiii", home, communes, province, p->id, p->id);
}

static int agency_allowed(db *d, const proc *p, const char *code, const char **name, arena *a)
{
	db_stmt *s = STMT(d, "SELECT name FROM agency WHERE " AGENCY_WHERE " AND code = ?");
	if (agency_query(s, p, code) != 0)
		return -1;
	int ok = 0;
	if (db_fetch(s) == 1) {
		ok = 1;
		*name = col(s, a, 0);
	}
	drain(s);
	return ok;
}

/* --- the wallet ------------------------------------------------------------------ */

/* The wallet's documents in the page data (Wallet.N.*), offered beside
 * each document of the filing form and of the supplement form: documents
 * this citizen gave before, and the results of their own dossiers (a
 * birth-certificate extract is what the next procedure asks for).  A
 * result belongs to whoever the dossier belongs to now (a walk-in's
 * dossier the desk attached later included), so it is found through the
 * dossier, never through a column of its own.  Two branches, each on its
 * index (wallet; by_citizen), results first.  -1 on the database.
 *
 * The branches carry no TEXT column (doc_name is one since sql/018): the
 * names are joined on by key after the union.  With them inside, each view
 * made MariaDB write two on-disk (Aria) temporary tables, the union's and
 * the second branch's sort (Created_tmp_disk_tables: 2, now 0), and under
 * load during `make run` again MariaDB 10.11.19 crashed four times in 40
 * minutes freeing such a table after this very statement (signal 11 in
 * ha_maria::drop_table, from free_tmp_table). */
static int wallet_show(request *r)
{
	db_stmt *w = STMT(server_db(), "SELECT w.id, d.doc_name, d.original_name, w.code, w.role, p.name FROM ("
			     "(SELECT dd.id, x.code, dd.role, x.procedure_code "
			     " FROM dossier_document dd JOIN dossier x ON x.id = dd.dossier_id "
			     " WHERE dd.owner_citizen_id = ? AND dd.role IN ('input','supplement') "
			     " ORDER BY dd.id DESC LIMIT 50) "
			     "UNION ALL "
			     "(SELECT dd.id, x.code, dd.role, x.procedure_code "
			     " FROM dossier x JOIN dossier_document dd ON dd.dossier_id = x.id "
			     " AND dd.role = 'result' WHERE x.citizen_id = ? ORDER BY dd.id DESC LIMIT 20)) w "
			     "JOIN dossier_document d ON d.id = w.id "
			     "LEFT JOIN `procedure` p ON p.code = w.procedure_code "
			     "ORDER BY w.role <> 'result', w.id DESC LIMIT 70");
	if (db_query(w, "ii", r->user->id, r->user->id) != 0)
		return -1;
	for (int i = 0; db_fetch(w) == 1; i++) {
		hsetf(r, col(w, r->a, 0), "Wallet.%d.id", i);
		const char *dn = col(w, r->a, 1), *on = col(w, r->a, 2);
		const char *role = db_col(w, 4, NULL);
		int supplement = role && strcmp(role, "supplement") == 0;
		/* a supplement sent before supplements were named after the
		 * catalog's document names none: its file's name alone
		 * ("image.jpg" from many phones) says nothing of what it was,
		 * so it is labelled as what it is; a named one says it came
		 * as a supplement */
		if ((!dn || !*dn) && supplement)
			dn = arena_printf(r->a, "Giấy tờ bổ sung – %s", on ? on : "");
		else if (supplement)
			dn = arena_printf(r->a, "%s (bổ sung)", dn);
		hsetf(r, dn && *dn ? dn : on, "Wallet.%d.name", i);
		hsetf(r, on, "Wallet.%d.file", i);
		hsetf(r, col(w, r->a, 3), "Wallet.%d.dossier", i);
		if (role && strcmp(role, "result") == 0) {
			hsetf(r, "1", "Wallet.%d.result", i);
			const char *pname = col(w, r->a, 5);
			if (pname)
				hsetf(r, pname, "Wallet.%d.procedure", i);
		}
	}
	return 0;
}

typedef struct reused {
	int n;                  /* the document's place in the form */
	long long blob;
	const char *kind, *sha, *name;
	long long size;
	long long from;         /* the wallet's dossier_document row */
} reused;

/* The wallet document `id` for the form's document k, by the wallet's
 * rule (wallet_show): what this citizen gave, or a result of a dossier
 * that is theirs now; another's is not found.  1 found, 0 not, -1 on the
 * database. */
static int wallet_take(db *d, request *r, int k, long long id, reused *u)
{
	db_stmt *s = STMT(d, "SELECT dd.blob_id, dd.kind, dd.sha256, dd.original_name, dd.size "
			     "FROM dossier_document dd JOIN dossier x ON x.id = dd.dossier_id "
			     "WHERE dd.id = ? AND (dd.owner_citizen_id = ? OR "
			     "(dd.role = 'result' AND x.citizen_id = ?))");
	if (db_query(s, "iii", id, r->user->id, r->user->id) != 0)
		return -1;
	if (db_fetch(s) != 1) {
		drain(s);
		return 0;
	}
	u->n = k;
	u->blob = db_col_int(s, 0, 0);
	u->kind = col(s, r->a, 1);
	u->sha = col(s, r->a, 2);
	u->name = col(s, r->a, 3);
	u->size = db_col_int(s, 4, 0);
	u->from = id;
	drain(s);
	return 1;
}

/* --- the form ---------------------------------------------------------------- */

int filing_form(request *r, const char *code, int desk)
{
	db *d = server_db();
	proc p;
	if (!code)
		return http_field_error(r, 400, "procedure", "Cần mã thủ tục, ví dụ 1.001193.");
	int rc = proc_load(d, r->a, code, &p);
	if (rc < 0)
		return 503;
	if (!rc)
		return 404;
	if (!desk && strcmp(p.online, "none") == 0)
		return http_field_error(r, 422, "procedure",
			    "Thủ tục này chưa nộp trực tuyến được; hãy nộp tại bộ phận một cửa.");
	if (central_only(&p))
		return http_field_error(r, 422, "procedure", CENTRAL_ONLY);
	hset(r, "Page.title", arena_printf(r->a, "Nộp hồ sơ: %s", p.name));
	hset(r, "Proc.code", p.code);
	hset(r, "Proc.name", p.name);
	hset(r, "Form.desk", desk ? "1" : "0");
	const char *once = crypto_token(r->a, 16);
	if (!once)
		return 503;
	hset(r, "Form.once", once);
	/* The blank form a document is written on (tờ khai, mẫu đơn): the
	 * catalog holds its file names only, and the national portal's page
	 * of the procedure, where they are downloaded; linked there, as the
	 * catalog's procedure page does. */
	int tpl_link = p.source_url && strncmp(p.source_url, "https://", 8) == 0;
	if (tpl_link)
		hset(r, "Proc.source_url", p.source_url);
	for (int i = 0; i < p.ndocs; i++) {
		hset_intf(r, i + 1, "Proc.docs.%d.n", i);
		hsetf(r, p.doc_name[i], "Proc.docs.%d.name", i);
		if (tpl_link && p.doc_tpl[i] && *p.doc_tpl[i])
			hsetf(r, p.doc_tpl[i], "Proc.docs.%d.templates", i);
	}
	for (int i = 0; i < p.nnotes; i++)
		hsetf(r, p.note[i], "Proc.notes.%d", i);
	if (p.generic)
		hset(r, "Proc.generic", "1");
	if (desk) {
		/* the same check as the post's: the form is not offered for a
		 * procedure the officer's agency does not receive */
		const char *an;
		int ok = agency_allowed(d, &p, r->user->agency_code, &an, r->a);
		if (ok < 0)
			return 503;
		if (!ok)
			return http_field_error(r, 422, "procedure", "Cơ quan của bạn không tiếp nhận thủ tục này.");
		hset(r, "Agencies.0.code", r->user->agency_code);
		hset(r, "Agencies.0.name", an ? an : r->user->agency_code);
	} else {
		db_stmt *s = STMT(d, AGENCY_SQL);
		if (agency_query(s, &p, NULL) != 0)
			return 503;
		for (int i = 0; db_fetch(s) == 1; i++) {
			hsetf(r, col(s, r->a, 0), "Agencies.%d.code", i);
			hsetf(r, col(s, r->a, 1), "Agencies.%d.name", i);
		}
		if (wallet_show(r) < 0)
			return 503;
	}
	return render(r, "new.cs");
}

/* --- submitting ------------------------------------------------------------- */

/* Field order of the filing form (both routes declare these first). */
enum { F_PROCEDURE, F_AGENCY, F_NAME, F_ID, F_DOB, F_ADDRESS, F_PHONE, F_RESULT, F_CHANNEL,
       F_REUSE0, F_ONCE = F_REUSE0 + MAX_DOCS };

/* filing_tx's answer to a repeat: roll back, show the first dossier */
#define FILING_REPEAT 303

typedef struct filing {
	request *r;
	proc *p;
	int desk, channel;
	const char *agency, *result;
	const upload *files[MAX_DOCS];
	int nfiles;
	reused reuse[MAX_DOCS];
	int nreuse;
	long day;
	long due;
	int limit_value, limit_unit;
	char code[DOSSIER_CODE_MAX];
} filing;

static int filing_tx(db *d, void *arg)
{
	filing *f = arg;
	request *r = f->r;
	arena *a = r->a;
	char day[11];
	wd_format(f->day, day);

	/* The files first: the 1 MiB rows are written before the number row
	 * below is locked, not while every other filing of the agency waits. */
	long long blobs[MAX_DOCS];
	char shas[MAX_DOCS][65];
	for (int i = 0; i < f->nfiles; i++) {
		sha256_hex(f->files[i]->data, f->files[i]->len, shas[i]);
		if (store_blob(d, f->files[i], shas[i], &blobs[i]) < 0)
			return DB_TX_FAILED;
	}

	/* The next number in one statement: a new row is 1 (one row
	 * written), an existing one hands its new value back through
	 * LAST_INSERT_ID(expr) (two rows affected, as MariaDB counts an
	 * update of an upsert). */
	db_stmt *seq = STMT(d, "INSERT INTO dossier_seq (agency_code, day, last) VALUES (?, ?, 1) "
			       "ON DUPLICATE KEY UPDATE last = LAST_INSERT_ID(last + 1)");
	long long w = db_exec(seq, "ss", f->agency, day);
	if (w < 0)
		return DB_TX_FAILED;
	long n = w == 1 ? 1 : (long)db_insert_id(seq);
	if (n < 1)
		return DB_TX_FAILED;
	if (dossier_code_format(f->code, f->agency, f->day, n) != 0)
		return http_field_error(r, 503, NULL, "Hết số hồ sơ trong ngày của cơ quan này.");

	/* The same form sent again (a double tap on a slow phone, the back
	 * button and send) files nothing more: it finds the first one's claim,
	 * rolls back (its number too, so the day's numbers keep no gap) and is
	 * sent to the first dossier.  Two copies at once meet on the agency's
	 * number row above, so the second sees the first's claim.  The form's
	 * random `once` names the form: the same person filing the same papers
	 * from two forms (or a program that sends no `once`) files twice, as
	 * asked; the same form with other fields or files is another filing. */
	if (r->form[F_ONCE].s) {
		char fp[65], first[DOSSIER_CODE_MAX];
		once_fp o;
		if (once_begin(&o, f->desk ? "filing-desk" : "filing") < 0)
			return DB_TX_FAILED;
		once_addi(&o, r->user->id);
		for (int i = 0; i <= F_ONCE; i++)
			once_adds(&o, r->form[i].s);
		for (int i = 0; i < f->nfiles; i++) {
			once_adds(&o, f->files[i]->field);
			once_adds(&o, shas[i]);
		}
		once_end(&o, fp);
		int once = once_claim(d, fp, f->code, first, sizeof first);
		if (once == ONCE_ERROR)
			return DB_TX_FAILED;
		if (once == ONCE_REPEAT) {
			snprintf(f->code, sizeof f->code, "%s", first);
			return FILING_REPEAT;
		}
	}

	const char *secret = tracking_secret(a, f->code);
	char th[65];
	tracking_hash(f->code, secret, th);
	char due[11] = "", due_at[24] = "";
	if (f->due != WD_NONE) {
		wd_format(f->due, due);
		time_t end = wd_start_of(f->due + 1) - 1;
		struct tm tmv;
		gmtime_r(&end, &tmv);
		strftime(due_at, sizeof due_at, "%Y-%m-%d %H:%M:%S", &tmv);
	}
	static const char *const units[] = { "working_day", "day", "hour", "month" };
	field_value *fv = r->form;
	char cit[24];
	snprintf(cit, sizeof cit, "%lld", f->desk ? 0LL : r->user->id);
	char staff[24];
	snprintf(staff, sizeof staff, "%lld", r->user->id);
	db_stmt *ins = STMT(d,
		"INSERT INTO dossier (code, procedure_code, agency_code, citizen_id, filed_by_staff_id, "
		"applicant_name, applicant_id, applicant_dob, applicant_address, applicant_phone, channel, "
		"result_channel, status, tracking_secret_hash, limit_value, limit_unit, received_at, "
		"received_day, due_day, due_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, "
		"UTC_TIMESTAMP(3), ?, ?, ?, UTC_TIMESTAMP(3))");
	if (db_exec(ins, "ssssssssssssssssss", f->code, f->p->code, f->agency,
		    f->desk ? NULL : cit, f->desk ? staff : NULL, fv[F_NAME].s, fv[F_ID].s,
		    fv[F_DOB].s, fv[F_ADDRESS].s ? fv[F_ADDRESS].s : "",
		    fv[F_PHONE].s ? fv[F_PHONE].s : "",
		    f->channel == 1 ? "1" : f->channel == 3 ? "3" : "2", f->result, th,
		    f->limit_value >= 0 ? arena_printf(a, "%d", f->limit_value) : NULL,
		    f->limit_value >= 0 ? units[f->limit_unit] : NULL, day,
		    *due ? due : NULL, *due_at ? due_at : NULL) < 0) {
		if (db_errclass(d) == DB_DUPLICATE)
			return DB_TX_FAILED;
		return DB_TX_FAILED;
	}
	long long id = db_insert_id(ins);
	long long owner = f->desk ? 0 : r->user->id;
	for (int i = 0; i < f->nfiles; i++) {
		int k = f->files[i]->index - 1;
		if (store_document(d, id, blobs[i], shas[i], "input", f->p->doc_seq[k], f->p->doc_name[k],
				   f->files[i], owner) < 0)
			return DB_TX_FAILED;
	}
	for (int i = 0; i < f->nreuse; i++) {
		reused *u = &f->reuse[i];
		if (store_reused(d, id, "input", f->p->doc_seq[u->n - 1], f->p->doc_name[u->n - 1],
				 u->blob, u->kind, u->name, u->size, u->sha, owner, u->from) < 0)
			return DB_TX_FAILED;
	}
	/* The first event says how the papers came in: a person who posted
	 * them and follows the dossier by code must not read that they were
	 * handed in at the desk. */
	db_stmt *e = STMT(d, "INSERT INTO dossier_event (dossier_id, at, actor_kind, actor_id, actor_name, "
			     "from_status, to_status, reason, client_addr) "
			     "VALUES (?, UTC_TIMESTAMP(3), ?, ?, ?, NULL, 1, ?, ?)");
	if (db_exec(e, "isisss", id, f->desk ? "staff" : "citizen", r->user->id, r->user->name,
		    f->channel == 3 ? "Nhận qua bưu chính công ích" :
		    f->desk ? "Nộp tại bộ phận một cửa" : "Nộp trực tuyến",
		    r->remote_addr ? r->remote_addr : "") < 0)
		return DB_TX_FAILED;
	long long event_id = db_insert_id(e);   /* the dossier's first event */
	if (counters_add(d, f->day, f->agency, f->p->code, "received",
			 f->channel == 2 ? "received_online" : f->channel == 3 ? "received_post" : NULL,
			 1) < 0)
		return DB_TX_FAILED;
	dossier x;
	if (dossier_load(d, a, f->code, &x, DOSSIER_READ) != 1)
		return DB_TX_FAILED;
	/* The national portal's message and the citizen's notice in one
	 * statement, the sync message first. */
	outbox_new out[2] = {
		{ "sync", x.code, NULL, sync_payload(a, &x, 1, x.received_at, event_id) },
	};
	int nout = 1;
	if (!f->desk)
		out[nout++] = (outbox_new){ "notify", r->user->login, NULL,
			notify_payload(a, r->user->login, arena_printf(a, "Hồ sơ %s", f->code),
				       arena_printf(a, "Đã nhận hồ sơ %s (%s). Hẹn trả kết quả: %s.", f->code,
						    f->p->name, f->due != WD_NONE ? day_vi(a, f->due) : "theo thông báo")) };
	if (outbox_put_n(d, out, nout) < 0)
		return DB_TX_FAILED;
	if (f->desk && audit_log(d, r, "dossier_file", f->code, "assisted filing") < 0)
		return DB_TX_FAILED;
	return 0;
}

/* A phone number as people write it: digits with spaces or dots between,
 * at most one '+' and only in front, and 9 to 15 digits ("+++++++++"
 * or "........." is not a number anyone can call, and E.164 has no number
 * longer than 15; one dialled inside the country has at most 11).  The
 * separators do not count against the digits: the field's cap
 * (PHONE_MAX) leaves room for them. */
static int phone_plausible(const char *s)
{
	size_t digits = 0;
	/* "0…" but not "00…": a number dialled inside Vietnam, 0 and at most
	 * 10 more digits (mobiles 0 + 9, landlines 0 + 10 since 2017) */
	int domestic = s[0] == '0' && s[1] != '0';
	if (*s == '+')
		s++;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s != ' ' && *s != '.')
			return 0;
	}
	return digits >= 9 && digits <= (domestic ? 11u : 15u);
}

static int valid_id12(const char *s)
{
	return s && strlen(s) == 12 && strspn(s, "0123456789") == 12;
}

/* The personal ID number's own structure (Thông tư 59/2021/TT-BCA, as
 * 07/2016 before it): digits 1-3 the province where the birth was
 * registered (001 to 096), digit 4 the sex and the century (0/1 the
 * 1900s, 2/3 the 2000s, ... 8/9 the 2200s), digits 5-6 the year of birth.
 * A number that breaks it, or that disagrees with the date of birth given
 * beside it, was mistyped: the desk could not find the person by it. */
static int id12_province_ok(const char *s)
{
	int prov = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	return prov >= 1 && prov <= 96;
}

static int id12_matches_dob(const char *s, const char *dob)
{
	if (!dob || strlen(dob) < 4)
		return 1;
	int year = 1900 + (s[3] - '0') / 2 * 100 + (s[4] - '0') * 10 + (s[5] - '0');
	return year == atoi(dob);
}

int filing_submit(request *r, int desk)
{
	db *d = server_db();
	field_value *fv = r->form;
	proc p;
	filing f = { .r = r, .p = &p, .desk = desk };

	if (!fv[F_PROCEDURE].s)
		return http_field_error(r, 422, "procedure", "Cần mã thủ tục.");
	int rc = proc_load(d, r->a, fv[F_PROCEDURE].s, &p);
	if (rc < 0)
		return 503;
	if (!rc)
		return http_field_error(r, 422, "procedure", "Không có thủ tục với mã này.");
	f.channel = desk ? (fv[F_CHANNEL].s ? (int)fv[F_CHANNEL].i : 0) : 2;
	if (desk && f.channel != 1 && f.channel != 3)
		return http_field_error(r, 422, "channel", "Kênh nộp: 1 (trực tiếp) hoặc 3 (bưu chính).");
	if (!desk && strcmp(p.online, "none") == 0)
		return http_field_error(r, 422, "procedure", "Thủ tục này chưa nộp trực tuyến được.");
	if (central_only(&p))
		return http_field_error(r, 422, "procedure", CENTRAL_ONLY);
	if (form_blank(fv[F_NAME].s))
		return http_field_error(r, 422, "applicant_name", "Cần họ và tên người nộp.");
	/* "​​" (zero-width spaces) or "..." is not blank and not a name either */
	if (!vn_has_letter(fv[F_NAME].s))
		return http_field_error(r, 422, "applicant_name", "Họ và tên cần có chữ cái.");
	if (fv[F_DOB].s) {
		char now[11];
		wd_format(today(), now);
		if (strcmp(fv[F_DOB].s, now) > 0)
			return http_field_error(r, 422, "applicant_dob", "Ngày sinh không thể sau hôm nay.");
	}
	if (!valid_id12(fv[F_ID].s))
		return http_field_error(r, 422, "applicant_id", "Số định danh cá nhân gồm đúng 12 chữ số.");
	if (!id12_province_ok(fv[F_ID].s))
		return http_field_error(r, 422, "applicant_id", "Số định danh cá nhân không đúng: ba chữ số "
			    "đầu là mã tỉnh nơi đăng ký khai sinh, từ 001 đến 096.");
	if (!id12_matches_dob(fv[F_ID].s, fv[F_DOB].s))
		return http_field_error(r, 422, "applicant_id", "Số định danh cá nhân không khớp với ngày "
			    "sinh: chữ số thứ 4 ghi thế kỷ sinh, chữ số thứ 5 và 6 ghi năm sinh. Hãy "
			    "kiểm tra lại cả hai.");
	if (fv[F_PHONE].s && *fv[F_PHONE].s && !phone_plausible(fv[F_PHONE].s))
		return http_field_error(r, 422, "applicant_phone", "Số điện thoại gồm 9 đến 15 chữ số, "
			    "số gọi trong nước (bắt đầu bằng 0) tối đa 11 chữ số; được có dấu cách, "
			    "dấu chấm, dấu + ở đầu.");
	if (!fv[F_RESULT].s)
		return http_field_error(r, 422, "result_channel", "Chọn cách nhận kết quả.");
	f.result = fv[F_RESULT].s;
	/* The desk files at its own agency, which must handle the procedure
	 * at its level as much as an agency a citizen picks: a commune's desk
	 * does not receive a province's procedure. */
	f.agency = desk ? r->user->agency_code : fv[F_AGENCY].s;
	if (!f.agency)
		return http_field_error(r, 422, "agency", "Chọn cơ quan tiếp nhận.");
	const char *an;
	int ok = agency_allowed(d, &p, f.agency, &an, r->a);
	if (ok < 0)
		return 503;
	if (!ok)
		return http_field_error(r, 422, desk ? "procedure" : "agency",
			    desk ? "Cơ quan của bạn không tiếp nhận thủ tục này (trường “procedure”)."
				 : "Cơ quan này không tiếp nhận thủ tục này.");

	long long total = 0;
	int have[MAX_DOCS + 1] = { 0 };
	for (size_t i = 0; i < r->nfiles; i++) {
		const upload *u = &r->files[i];
		if (strncmp(u->field, "doc_", 4) != 0)
			continue;
		if (u->index < 1 || u->index > p.ndocs)
			return http_field_error(r, 422, u->field, arena_printf(r->a,
				"Thủ tục này chỉ có %d loại giấy tờ; không có “%s”.", p.ndocs, u->field));
		have[u->index] = 1;
		f.files[f.nfiles++] = u;
		total += (long long)u->len;
	}
	for (int k = 1; k <= MAX_DOCS && !desk; k++) {
		const char *v = fv[F_REUSE0 + k - 1].s;
		if (!v || !*v)
			continue;
		if (k > p.ndocs)
			return http_field_error(r, 422, arena_printf(r->a, "reuse_%d", k), "Không có giấy tờ ở vị trí này.");
		if (have[k])
			return http_field_error(r, 422, arena_printf(r->a, "reuse_%d", k),
				    "Đã tải tệp mới cho giấy tờ này; chỉ chọn một trong hai.");
		int got = wallet_take(d, r, k, fv[F_REUSE0 + k - 1].i, &f.reuse[f.nreuse]);
		if (got < 0)
			return 503;
		if (!got)
			return http_field_error(r, 422, arena_printf(r->a, "reuse_%d", k), "Không có giấy tờ này trong kho của bạn.");
		f.nreuse++;
		have[k] = 1;
	}
	if (f.nfiles + f.nreuse == 0)
		return http_field_error(r, 422, "doc_1", "Cần ít nhất một giấy tờ (ảnh chụp hoặc bản quét).");
	if (total > DOSSIER_MAX_BYTES)
		return http_field_error(r, 413, "doc_1", "Tổng dung lượng các tệp của một hồ sơ tối đa 30 MB.");

	f.day = today();
	proc_limit(d, &p, f.channel, &f.limit_value, &f.limit_unit);
	f.due = f.limit_value >= 0 ? wd_due(calendar_get(d), f.day, f.limit_value, f.limit_unit)
				   : WD_NONE;
	rc = db_tx(d, filing_tx, &f);
	if (rc && rc != FILING_REPEAT)
		return rc;
	return http_redirect(r, arena_printf(r->a, "%s/dossiers/%s", desk ? "/desk" : "", f.code));
}

int h_new(request *r)
{
	return filing_form(r, r->query[0].s, 0);
}

/*
 * A refused filing (a name with no letter, an ID with 11 digits, a photo
 * over 10 MB, a file that is not PDF, JPEG or PNG) shows the form again
 * with what was typed and what went wrong, instead of the general error
 * page that lost the whole form.  Files cannot be put back into a file
 * field: the page says to choose them again.  When the procedure itself
 * is the problem there is no form to show, and the refusal stands.
 */
int filing_refused(request *r, int status, int desk)
{
	static const struct { const char *name; size_t max; } kept[] = {
		{"agency", 20}, {"applicant_name", 100}, {"applicant_id", 12},
		{"applicant_dob", 10}, {"applicant_address", 300}, {"applicant_phone", PHONE_MAX},
		{"result_channel", 10}, {"channel", 1},
	};
	/* the procedure as typed and checked, or as sent when the route
	 * table refused another field (one it could not check is no form) */
	const char *procedure = r->form ? r->form[F_PROCEDURE].s : NULL;
	if (!procedure) {
		procedure = form_typed(r->a, &r->form_pairs, "procedure", 16);
		if (procedure && !proc_code_valid(procedure, strlen(procedure)))
			procedure = NULL;
	}
	if (!procedure || (r->error.field && strcmp(r->error.field, "procedure") == 0))
		return status;
	form_error saved = r->error;
	if (!form_refusal_set(r, status))
		return status;
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
		form_keep_typed(r, kept[i].name, kept[i].max);
	size_t mark = r->body->len;
	if (filing_form(r, procedure, desk) != 200) {
		r->body->len = mark;    /* the general error page, with the first refusal */
		r->error = saved;
	}
	return status;
}

int h_create(request *r)
{
	return filing_refused(r, filing_submit(r, 0), 0);
}

/* The server refused a field (400: the route table's caps and types) or
 * a file (r->file_status, the fields typed): the form again, with its
 * refusal, under that status. */
int h_create_refused(request *r)
{
	return filing_refused(r, r->file_status ? r->file_status : 400, 0);
}

/* --- showing a dossier -------------------------------------------------------- */

/* Everything a dossier page shows; who may see it is decided by the caller. */
int dossier_show(request *r, const dossier *x, int staff, int full);

int dossier_show(request *r, const dossier *x, int staff, int full)
{
	db *d = server_db();
	arena *a = r->a;
	hset(r, "Dossier.code", x->code);
	hset_int(r, "Dossier.status", x->status);
	hset(r, "Dossier.status_name", status_name(x->status));
	hset(r, "Dossier.status_explain", status_explain(x->status));
	hset(r, "Dossier.procedure_code", x->procedure_code);
	hset(r, "Dossier.agency_code", x->agency_code);
	hset_int(r, "Dossier.channel", x->channel);
	if (x->citizen_id)
		hset(r, "Dossier.has_account", "1");
	hset(r, "Dossier.result_channel", x->result_channel);
	hset(r, "Dossier.received_day", day_vi(a, x->received_day));
	hset(r, "Dossier.due_day", x->due != WD_NONE ? day_vi(a, x->due) : "");
	if (x->status == ST_SUPPLEMENT && x->paused_left >= 0)
		hset_int(r, "Dossier.paused_left", x->paused_left);
	/* Paused when it was late already (store.c keeps the delay as a
	 * negative count): the person is told it was late, by how much, and
	 * that the clock runs again, still that late, once the papers come. */
	if (x->status == ST_SUPPLEMENT && x->paused_left < 0 && x->paused_left != NOT_PAUSED)
		hset_int(r, "Dossier.paused_late", -x->paused_left);
	/* late only while the agency's clock runs: a refused dossier, or one
	 * paused for a supplement, is not the agency's delay */
	if (x->due != WD_NONE && today() > x->due &&
	    (x->status == ST_NEW || x->status == ST_ACCEPTED || x->status == ST_PROCESSING ||
	     x->status == ST_OBLIGATION))
		hset(r, "Dossier.late", "1");
	db_stmt *pn = STMT(d, "SELECT p.name, (SELECT name FROM agency WHERE code = ?) FROM `procedure` p "
			      "WHERE p.code = ?");
	if (db_query(pn, "ss", x->agency_code, x->procedure_code) == 0 && db_fetch(pn) == 1) {
		hset(r, "Dossier.procedure_name", col(pn, a, 0));
		const char *an = col(pn, a, 1);
		hset(r, "Dossier.agency_name", an ? an : x->agency_code);
	}
	drain(pn);
	if (full) {
		hset(r, "Dossier.applicant_name", x->applicant_name);
		hset(r, "Dossier.applicant_id", x->applicant_id);
		if (x->applicant_dob)
			hset(r, "Dossier.applicant_dob", x->applicant_dob);
		hset(r, "Dossier.applicant_address", x->applicant_address);
		hset(r, "Dossier.applicant_phone", x->applicant_phone);
		db_stmt *s = STMT(d, "SELECT id, role, doc_name, original_name, kind, size FROM dossier_document "
				     "WHERE dossier_id = ? ORDER BY id");
		if (db_query(s, "i", x->id) != 0)
			return -1;
		for (int i = 0; db_fetch(s) == 1; i++) {
			hsetf(r, col(s, a, 0), "Docs.%d.id", i);
			hsetf(r, col(s, a, 1), "Docs.%d.role", i);
			const char *dn = col(s, a, 2);
			hsetf(r, dn && *dn ? dn : "Giấy tờ bổ sung", "Docs.%d.name", i);
			if (dn && *dn)
				hsetf(r, "1", "Docs.%d.named", i);
			hsetf(r, col(s, a, 3), "Docs.%d.file", i);
			hsetf(r, col(s, a, 4), "Docs.%d.kind", i);
			buf b = BUF_INIT;
			vn_format_int(&b, (db_col_int(s, 5, 0) + 1023) / 1024);
			hsetf(r, arena_strndup(a, b.p, b.len), "Docs.%d.kb", i);
			buf_free(&b);
		}
	}
	db_stmt *e = STMT(d, "SELECT DATE_FORMAT(at + INTERVAL 7 HOUR, '%H:%i %d/%m/%Y'), actor_kind, actor_name, "
			     "from_status, to_status, reason FROM dossier_event WHERE dossier_id = ? ORDER BY id");
	if (db_query(e, "i", x->id) != 0)
		return -1;
	for (int i = 0; db_fetch(e) == 1; i++) {
		hsetf(r, col(e, a, 0), "Events.%d.at", i);
		const char *kind = col(e, a, 1);
		hsetf(r, !kind ? "Người nộp" : strcmp(kind, "staff") == 0 ? "Cán bộ"
			 : strcmp(kind, "system") == 0 ? "Hệ thống" : "Người nộp", "Events.%d.who", i);
		if (staff)
			hsetf(r, col(e, a, 2), "Events.%d.name", i);
		hsetf(r, status_name((int)db_col_int(e, 4, 0)), "Events.%d.to", i);
		hset_intf(r, db_col_int(e, 4, 0), "Events.%d.to_n", i);
		/* the day the result went out (by post, at the desk, online):
		 * the status line says how and when, not only "returned" */
		const char *at = col(e, a, 0), *sp = at ? strchr(at, ' ') : NULL;
		if (db_col_int(e, 4, 0) == ST_RETURNED && sp)
			hset(r, "Dossier.returned_day", sp + 1);
		hsetf(r, col(e, a, 5), "Events.%d.reason", i);
	}
	/* Its obligations (status 6): what to pay, the link to the payment
	 * area's page, and whether it is paid; the payment area owns them. */
	db_stmt *ob = STMT(d, "SELECT o.payment_code, o.total, o.status, DATE_FORMAT(o.due_date, '%d/%m/%Y'), "
			      "(SELECT l.name FROM obligation_line l WHERE l.obligation_id = o.id "
			      " ORDER BY l.line_no LIMIT 1), "
			      "(SELECT rc.verify_token FROM receipt rc WHERE rc.obligation_id = o.id "
			      " AND rc.kind = 'receipt' ORDER BY rc.id LIMIT 1), o.agency_code "
			      "FROM obligation o WHERE o.dossier_code = ? ORDER BY o.id");
	if (db_query(ob, "s", x->code) != 0)
		return -1;
	for (int i = 0; db_fetch(ob) == 1; i++) {
		const char *pc = col(ob, a, 0);
		hsetf(r, pc, "Obligations.%d.code", i);
		if (pc && strlen(pc) == PAYCODE_LEN) {
			char shown[PAYCODE_LEN + 3];  /* read aloud at a desk: in fours */
			paycode_format(pc, shown);
			hsetf(r, arena_strdup(a, shown), "Obligations.%d.shown", i);
		}
		hsetf(r, vn_int_text(a, db_col_int(ob, 1, 0)), "Obligations.%d.amount", i);
		const char *st = col(ob, a, 2);
		hsetf(r, st, "Obligations.%d.state", i);
		if (st)
			hsetf(r, obligation_status_vi(st), "Obligations.%d.state_name", i);
		if (st && (strcmp(st, "unpaid") == 0 || strcmp(st, "being_paid") == 0))
			hsetf(r, "1", "Obligations.%d.open", i);
		/* the paper to hand a walk-in (the payment area's notice): for
		 * staff who answer for the collecting agency (lib/scope.h), the
		 * very rule its page opens by, so no link leads to a 403 */
		const char *collector = col(ob, a, 6);
		if (staff && r->user && r->user->agency_code && collector &&
		    staff_covers(r, collector) == 1)
			hsetf(r, "1", "Obligations.%d.notice", i);
		hsetf(r, col(ob, a, 3), "Obligations.%d.due", i);
		const char *what = col(ob, a, 4);
		hsetf(r, what ? what : "Phí, lệ phí", "Obligations.%d.name", i);
		const char *receipt = col(ob, a, 5);
		if (receipt)
			hsetf(r, receipt, "Obligations.%d.receipt", i);
	}
	db_stmt *rt = STMT(d, "SELECT score, comment FROM rating WHERE dossier_id = ?");
	if (db_query(rt, "i", x->id) == 0 && db_fetch(rt) == 1) {
		hset(r, "Rating.score", col(rt, a, 0));
		hset(r, "Rating.comment", col(rt, a, 1));
	}
	drain(rt);
	return 0;
}

/* The citizen's own dossier, or 404 (never tell a stranger it exists). */
static int own(request *r, dossier *x)
{
	int rc = dossier_load(server_db(), r->a, r->captures[0].s, x, DOSSIER_READ);
	if (rc < 0)
		return 503;
	if (!rc || x->citizen_id != r->user->id)
		return 404;
	return 0;
}

int h_mine(request *r)
{
	db *d = server_db();
	/* late as the desk counts it: a due date past while the agency's
	 * clock runs (not paused for a supplement, not closed).  The dossiers
	 * waiting on the citizen (papers to bring, a fee to pay) come first:
	 * on a phone six lines fill the screen, and the one asking for a
	 * supplement must not be the nineteenth.  A closed dossier (refused,
	 * withdrawn, stopped, returned) has no appointment left to show. */
	char t[11];
	wd_format(today(), t);
	db_stmt *s = STMT(d, "SELECT x.code, x.status, p.name, DATE_FORMAT(x.due_day, '%d/%m/%Y'), "
			     "x.due_day < ? AND x.status IN (1,2,4,6), "
			     "CASE WHEN x.status = 5 AND x.paused_days_left < 0 THEN -x.paused_days_left END "
			     "FROM dossier x LEFT JOIN `procedure` p ON p.code = x.procedure_code "
			     "WHERE x.citizen_id = ? ORDER BY x.status IN (5,6) DESC, x.id DESC LIMIT 201");
	if (db_query(s, "si", t, r->user->id) != 0)
		return 503;
	int waiting = 0;   /* dossiers waiting on the citizen: papers or a fee */
	for (int i = 0; db_fetch(s) == 1; i++) {
		if (i == 200) {   /* the 201st: say the list stops, and how to find the rest */
			hset(r, "Mine_more", "1");
			drain(s);
			break;
		}
		hsetf(r, col(s, r->a, 0), "Mine.%d.code", i);
		hsetf(r, status_name((int)db_col_int(s, 1, 0)), "Mine.%d.status", i);
		hset_intf(r, db_col_int(s, 1, 0), "Mine.%d.status_n", i);
		hsetf(r, col(s, r->a, 2), "Mine.%d.procedure", i);
		int st = (int)db_col_int(s, 1, 0);
		const char *due = col(s, r->a, 3);
		if (due && st != ST_REFUSED && st != ST_WITHDRAWN && st != ST_STOPPED && st != ST_RETURNED)
			hsetf(r, due, "Mine.%d.due", i);
		if (st == ST_SUPPLEMENT || st == ST_OBLIGATION)
			waiting++;
		if (db_col_int(s, 4, 0))
			hsetf(r, "1", "Mine.%d.late", i);
		/* paused for papers when it was late already: the delay the
		 * dossier page explains (view_page), said here in short */
		if (db_col_int(s, 5, 0) > 0)
			hset_intf(r, db_col_int(s, 5, 0), "Mine.%d.paused_late", i);
	}
	if (waiting)
		hset_int(r, "Mine_waiting", waiting);
	hset(r, "Page.title", "Hồ sơ của tôi");
	return render(r, "mine.cs");
}

static int view_page(request *r)
{
	dossier x;
	int rc = own(r, &x);
	if (rc)
		return rc;
	if (dossier_show(r, &x, 0, 1) < 0)
		return 503;
	const transition *t[16];
	size_t n = transitions_from(x.status, ACTOR_CITIZEN, t, 16);
	int supplement = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i]->to == ST_WITHDRAWN)
			hset(r, "Actions.withdraw", "1");
		if (t[i]->to == ST_PROCESSING)
			supplement = 1;
	}
	if (supplement) {
		hset(r, "Actions.supplement", "1");
		/* The supplement form lists the procedure's documents as the
		 * filing form does (doc_N is document N there too), each with
		 * the wallet beside it; a procedure the catalog lists no
		 * document of keeps two plain uploads. */
		proc p;
		if (supplement_proc(server_db(), r->a, x.procedure_code, &p) < 0)
			return 503;
		if (p.generic) {
			hset(r, "Supp.generic", "1");
		} else {
			for (int i = 0; i < p.ndocs; i++) {
				hset_intf(r, i + 1, "Supp.docs.%d.n", i);
				hsetf(r, p.doc_name[i], "Supp.docs.%d.name", i);
			}
			if (wallet_show(r) < 0)
				return 503;
		}
	}
	if (x.status == ST_RETURNED)
		hset(r, "Actions.rate", "1");
	hset(r, "Page.title", arena_printf(r->a, "Hồ sơ %s", x.code));
	return render(r, "dossier.cs");
}

int h_view(request *r)
{
	return view_page(r);
}

static const char *tracking_url(request *r, const char *code, const char *secret)
{
	const char *base = conf_str("PORTAL_PUBLIC_URL", "");
	if (!*base)
		base = r->scheme_host ? r->scheme_host : "";
	return arena_printf(r->a, "%s/dossiers/lookup?code=%s&secret=%s", base,
			    url_encode(r->a, code), url_encode(r->a, secret));
}

/* The slip: code, documents, dates, QR to the tracking page.  staff: the
 * desk's copy, whose way back is the desk's dossier page (a link, not the
 * browser's history: the page works with JavaScript off). */
int receipt_render(request *r, const dossier *x, int staff);

int receipt_render(request *r, const dossier *x, int staff)
{
	if (dossier_show(r, x, 0, 1) < 0)
		return 503;
	const char *secret = tracking_secret(r->a, x->code);
	hset(r, "Dossier.secret", secret);
	const char *url = tracking_url(r, x->code, secret);
	hset(r, "Dossier.track_url", url);
	buf svg = BUF_INIT;
	if (qr_svg(&svg, url) == 0) {
		/* The code's own pixel size (width="…" height="…") would be laid
		 * out before the slip's stylesheet sizes it and, on a phone,
		 * widen the page: let the 30 mm box size it from the start. */
		char *s = arena_strndup(r->a, svg.p, svg.len);
		char *w = strstr(s, " width=\""), *h = w ? strstr(w, " height=\"") : NULL;
		char *end = h ? strchr(h + 9, '"') : NULL;
		if (end && end - s < 200)
			s = arena_printf(r->a, "%.*s width=\"100%%\" height=\"100%%\"%s",
					 (int)(w - s), s, end + 1);
		hset(r, "Dossier.qr_svg", s);
	}
	buf_free(&svg);
	hset(r, "Slip.back", arena_printf(r->a, "%s/dossiers/%s", staff ? "/desk" : "", x->code));
	hset(r, "Page.title", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả");
	return render(r, "receipt.cs");
}

int h_receipt(request *r)
{
	dossier x;
	int rc = own(r, &x);
	return rc ? rc : receipt_render(r, &x, 0);
}

/* A document's bytes: attachment, its detected type, never sniffed. */
int document_send(request *r, const dossier *x, long long doc_id, int audit);

/* audit: a staff member opens it, which is written in the audit log before
 * the file is sent (and it is not sent when that fails); only a document
 * that exists is audited, so a wrong id changes nothing. */
int document_send(request *r, const dossier *x, long long doc_id, int audit)
{
	db_stmt *s = STMT(server_db(), "SELECT b.content, dd.kind FROM dossier_document dd "
				       "JOIN document_blob b ON b.id = dd.blob_id "
				       "WHERE dd.id = ? AND dd.dossier_id = ?");
	if (db_query(s, "ii", doc_id, x->id) != 0)
		return 503;
	if (db_fetch(s) != 1) {
		drain(s);
		return 404;
	}
	if (audit && audit_log(server_db(), r, "document_view", x->code,
			       arena_printf(r->a, "tài liệu %lld", doc_id)) < 0) {
		drain(s);
		return 503;
	}
	size_t n;
	const char *p = db_col(s, 0, &n);
	int kind = filetype_from_name(db_col(s, 1, NULL));
	http_header(r, "Content-Disposition", arena_printf(r->a, "attachment; filename=\"%s-%lld.%s\"",
							   x->code, doc_id, filetype_ext(kind)));
	http_header(r, "X-Content-Type-Options", "nosniff");
	r->cache_control = "private, no-store";
	http_body(r, filetype_mime(kind), p, n);
	drain(s);
	return 200;
}

int h_document(request *r)
{
	dossier x;
	int rc = own(r, &x);
	return rc ? rc : document_send(r, &x, r->captures[1].i, 0);
}

/* --- the citizen's moves ---------------------------------------------------------- */

static int citizen_move(request *r, int to, const supplied *papers, size_t npapers,
			const char *reason)
{
	move m = {
		.code = r->captures[0].s, .to = to, .actor = ACTOR_CITIZEN, .actor_kind = "citizen",
		.actor_id = r->user->id, .actor_name = r->user->name, .citizen_id = r->user->id,
		.supplements = papers, .nsupplements = npapers, .r = r, .reason = reason,
	};
	int rc = dossier_move(server_db(), &m);
	if (rc)
		return rc;
	return http_redirect(r, arena_printf(r->a, "/dossiers/%s", m.code));
}

/*
 * The citizen's forms on the dossier's page (supplement, withdraw,
 * rating): a refusal shows that page again, the reason in the form it
 * belongs to (or at the top when the dossier has moved on and the form is
 * gone), under the refusal's status.  Files are never put back: the form
 * says to choose them again.  The page is the dossier's own, loaded and
 * checked as a GET of it is: a stranger's dossier stays the error page.
 */
static int view_refused_page(request *r)
{
	static const char *const leads[][2] = {
		{"dossier_supplement", "Chưa gửi được bổ sung."},
		{"dossier_withdraw", "Chưa rút được hồ sơ."},
		{"dossier_rating", "Chưa gửi được đánh giá."},
	};
	for (size_t i = 0; i < sizeof leads / sizeof leads[0]; i++)
		if (strcmp(r->route->name, leads[i][0]) == 0)
			hset(r, "Form.error_lead", leads[i][1]);
	if (r->route->form)
		form_keep_typed(r, "comment", 1000);
	return view_page(r);
}

/*
 * The papers of a supplement, "as when filing": doc_N (a new file) or
 * reuse_N (a wallet document) is the procedure's document N in the order
 * the filing form lists them, and is kept under that document's name.  A
 * procedure the catalog lists no document of names none, and any N up to
 * the route's cap is a plain upload, as its two generic inputs were.
 */
static int supplement_checked(request *r)
{
	db *d = server_db();
	dossier x;
	int rc = own(r, &x);
	if (rc)
		return rc;
	proc p;
	if (supplement_proc(d, r->a, x.procedure_code, &p) < 0)
		return 503;
	int last = p.generic ? MAX_DOCS : p.ndocs;
	/* every file part (the route caps them), and a wallet document for
	 * each place no file took */
	supplied *papers = arena_alloc(r->a, (r->nfiles + MAX_DOCS) * sizeof *papers);
	size_t n = 0;
	int have[MAX_DOCS + 1] = { 0 };
	long long total = 0;
	for (size_t i = 0; i < r->nfiles; i++) {
		const upload *u = &r->files[i];
		int k = u->index;
		if (k < 1 || k > last)
			return http_field_error(r, 422, u->field, arena_printf(r->a,
				"Thủ tục này chỉ có %d loại giấy tờ; không có “%s”.", p.ndocs, u->field));
		supplied *s = &papers[n++];
		memset(s, 0, sizeof *s);
		s->file = u;
		sha256_hex(u->data, u->len, s->sha);
		s->seq = p.generic ? k : p.doc_seq[k - 1];
		s->doc_name = p.generic ? NULL : p.doc_name[k - 1];
		have[k] = 1;
		total += (long long)u->len;
	}
	for (int k = 1; k <= MAX_DOCS && r->form; k++) {
		const field_value *v = &r->form[k - 1];
		if (!v->s || !*v->s)
			continue;
		const char *field = arena_printf(r->a, "reuse_%d", k);
		if (k > last)
			return http_field_error(r, 422, field, "Không có giấy tờ ở vị trí này.");
		if (have[k])
			return http_field_error(r, 422, field,
				    "Đã tải tệp mới cho giấy tờ này; chỉ chọn một trong hai.");
		reused u;
		int got = wallet_take(d, r, k, v->i, &u);
		if (got < 0)
			return 503;
		if (!got)
			return http_field_error(r, 422, field, "Không có giấy tờ này trong kho của bạn.");
		supplied *s = &papers[n++];
		memset(s, 0, sizeof *s);
		snprintf(s->sha, sizeof s->sha, "%s", u.sha ? u.sha : "");
		s->seq = p.generic ? k : p.doc_seq[k - 1];
		s->doc_name = p.generic ? NULL : p.doc_name[k - 1];
		s->blob = u.blob;
		s->size = u.size;
		s->from = u.from;
		s->kind = u.kind;
		s->original_name = u.name;
		have[k] = 1;
	}
	if (n == 0)
		return http_field_error(r, 422, "doc_1", p.generic ? "Cần ít nhất một tệp bổ sung."
			    : "Cần ít nhất một tệp bổ sung: chọn tệp (hoặc giấy tờ đã nộp) cho giấy tờ "
			      "cơ quan yêu cầu.");
	if (total > DOSSIER_MAX_BYTES)
		return http_field_error(r, 413, "doc_1", "Tổng dung lượng các tệp gửi một lần tối đa 30 MB.");
	/* The history says which papers came, in the catalog's words. */
	buf b = BUF_INIT;
	buf_puts(&b, "Công dân đã bổ sung giấy tờ");
	for (size_t i = 0, named = 0; i < n; i++) {
		if (!papers[i].doc_name)
			continue;
		buf_puts(&b, named++ ? "; " : ": ");
		buf_puts(&b, papers[i].doc_name);
	}
	const char *reason = arena_strndup(r->a, b.p, b.len);
	buf_free(&b);
	return citizen_move(r, ST_PROCESSING, papers, n, reason);
}

int h_supplement(request *r)
{
	return form_page_refused(r, supplement_checked(r), view_refused_page);
}

/* The server refused a file (empty, too big, not a PDF, JPEG or PNG) or a
 * field the route does not take. */
int h_supplement_refused(request *r)
{
	return form_page_refused(r, r->file_status ? r->file_status : 400, view_refused_page);
}

int h_withdraw(request *r)
{
	return form_page_refused(r, citizen_move(r, ST_WITHDRAWN, NULL, 0, "Công dân yêu cầu rút hồ sơ"),
				 view_refused_page);
}

typedef struct rate {
	request *r;
	const char *code;
	int score;
	const char *comment;
	int dup;
} rate;

static int rating_tx(db *d, void *arg)
{
	rate *g = arg;
	dossier x;
	int rc = dossier_load(d, g->r->a, g->code, &x, DOSSIER_LOCK);
	if (rc < 0)
		return DB_TX_FAILED;
	if (!rc || x.citizen_id != g->r->user->id)
		return 404;
	if (x.status != ST_RETURNED) {
		g->r->error_detail = "Chỉ đánh giá được khi đã trả kết quả.";
		return 409;
	}
	db_stmt *s = STMT(d, "INSERT INTO rating (dossier_id, score, comment, created_at) "
			     "VALUES (?, ?, ?, UTC_TIMESTAMP(3))");
	if (db_exec(s, "iis", x.id, (long long)g->score, g->comment ? g->comment : "") < 0) {
		if (db_errclass(d) != DB_DUPLICATE)
			return DB_TX_FAILED;
		/* The same rating sent twice (a double tap on a slow phone, the
		 * back button) is the one already kept: the dossier's page, not
		 * "not sent".  Another score or comment is a second rating. */
		db_stmt *q = STMT(d, "SELECT score = ? AND comment COLLATE utf8mb4_bin = ? FROM rating WHERE dossier_id = ?");
		if (db_query(q, "isi", (long long)g->score, g->comment ? g->comment : "", x.id) != 0)
			return DB_TX_FAILED;
		int same = db_fetch(q) == 1 && db_col_int(q, 0, 0) == 1;
		drain(q);
		if (same) {
			g->dup = 1;
			return 0;
		}
		g->r->error_detail = "Hồ sơ này đã được đánh giá.";
		return 409;
	}
	long day = today();
	if (counters_add(d, day, x.agency_code, x.procedure_code, "ratings",
			 g->score >= 4 ? "rating_satisfied" : NULL, 1) < 0 ||
	    counters_add(d, day, x.agency_code, x.procedure_code, "rating_sum", NULL, g->score) < 0)
		return DB_TX_FAILED;
	return 0;
}

static int rating_checked(request *r)
{
	if (!r->form[0].s)
		return http_field_error(r, 422, "score", "Chọn mức đánh giá từ 1 đến 5.");
	rate g = { .r = r, .code = r->captures[0].s, .score = (int)r->form[0].i, .comment = r->form[1].s };
	int rc = db_tx(server_db(), rating_tx, &g);
	if (rc)
		return rc;
	return http_redirect(r, arena_printf(r->a, "/dossiers/%s", g.code));
}

int h_rating(request *r)
{
	return form_page_refused(r, rating_checked(r), view_refused_page);
}

/* A score or comment the route table refuses (a score of 6, a comment of
 * more than 1000 characters): the page again, the comment as typed. */
int h_rating_refused(request *r)
{
	return form_page_refused(r, 400, view_refused_page);
}

/* --- public lookup ------------------------------------------------------------------- */

#define LOOKUP_FAILS 10

/* The code as the neighbour types it from his slip: "h26" in small
 * letters (the phone's keyboard), a space pasted before or after it or
 * around a dash.  Spaces (and the no-break space) out, letters up; NULL
 * when what is left is not a dossier code. */
static const char *lookup_code(arena *a, const char *typed)
{
	char out[DOSSIER_CODE_MAX];
	size_t o = 0;
	for (const char *p = typed; *p; ) {
		size_t k = form_space_at(p);
		if (k) {
			p += k;
			continue;
		}
		if (o + 1 >= sizeof out)
			return NULL;
		out[o++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		p++;
	}
	out[o] = '\0';
	return o && dossier_code_valid(out, o) ? arena_strdup(a, out) : NULL;
}

/* The code and secret as typed, NULL for a field left blank: a secret of
 * nothing but the spaces and dashes it is printed with is a form not
 * filled in, not a guess, and is not counted as a miss, which would lock
 * out the neighbour before his first try. */
static void lookup_typed(request *r, const char **code, const char **typed)
{
	*code = r->query[0].s;
	*typed = r->query[1].s;
	if (*typed && !(*typed)[strspn(*typed, " -")])
		*typed = NULL;
	if (*code && form_blank(*code))
		*code = NULL;
}

/* The dossier the code and the secret name, under the lookup's limit on
 * misses per address (the page and the result's download count
 * together), the secret compared in constant time: 0 with *x and the
 * normalised *secret, else the refusal's status. */
static int lookup_find(request *r, const char *code, const char *typed, dossier *x,
		       const char **secret)
{
	db *d = server_db();
	if (!code || !typed)
		return http_field_error(r, 422, code ? "secret" : "code", "Cần cả mã hồ sơ và mã tra cứu.");
	code = lookup_code(r->a, code);
	if (!code)
		return http_field_error(r, 422, "code", "Mã hồ sơ không đúng dạng: mã cơ quan, ngày "
					"nộp và số thứ tự, ví dụ 000.00.12.H26-240115-0001.");
	const char *addr = limit_client_key(r->a, r->remote_addr);
	int n = limit_count(d, "lookup", addr, 900);
	if (n < 0)
		return 503;
	if (n >= LOOKUP_FAILS) {
		r->error_detail = "Bạn đã tra cứu sai quá nhiều lần. Hãy thử lại sau 15 phút.";
		return 429;
	}
	*secret = tracking_normalise(r->a, typed);
	int rc = dossier_load(d, r->a, code, x, DOSSIER_READ);
	if (rc < 0)
		return 503;
	char h[65] = "";
	if (rc == 1 && *secret)
		tracking_hash(x->code, *secret, h);
	if (rc != 1 || !*secret || !crypto_eq(h, x->tracking_hash)) {
		limit_add(d, "lookup", addr);
		return http_field_error(r, 404, "secret", "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này.");
	}
	return 0;
}

/* The result file of a dossier returned online (status 10): its
 * dossier_document id, 0 when there is none to give, -1 on the database.
 * Only the role 'result': the papers the applicant handed in are never
 * reached through the code and secret. */
static long long lookup_result_doc(const dossier *x)
{
	if (x->status != ST_RETURNED || !x->result_channel || strcmp(x->result_channel, "online") != 0)
		return 0;
	db_stmt *s = STMT(server_db(), "SELECT id FROM dossier_document WHERE dossier_id = ? "
				       "AND role = 'result' ORDER BY id DESC LIMIT 1");
	if (db_query(s, "i", x->id) != 0)
		return -1;
	long long id = db_fetch(s) == 1 ? db_col_int(s, 0, 0) : 0;
	drain(s);
	return id;
}

/* The dossier the lookup's code and secret open (0), or the answer that
 * refuses them; the page's title and the code typed are kept for the
 * lookup form shown with a refusal. */
static int lookup_open(request *r, const char *code, const char *typed, dossier *x,
		       const char **secret)
{
	hset(r, "Page.title", "Tra cứu hồ sơ");
	if (code)
		hset(r, "Form.code", code);
	return lookup_find(r, code, typed, x, secret);
}

static int lookup_checked(request *r)
{
	const char *code, *typed, *secret;
	lookup_typed(r, &code, &typed);
	if (!code && !typed) {
		hset(r, "Page.title", "Tra cứu hồ sơ");
		return render(r, "lookup.cs");
	}
	dossier x;
	int rc = lookup_open(r, code, typed, &x, &secret);
	if (rc)
		return rc;
	if (dossier_show(r, &x, 0, 0) < 0)
		return 503;
	/* A walk-in with no account downloads the result returned online
	 * with the code and the secret alone, as he follows the dossier. */
	long long doc = lookup_result_doc(&x);
	if (doc < 0)
		return 503;
	if (doc)
		hset(r, "Dossier.result_url", arena_printf(r->a, "/dossiers/lookup/result?code=%s&secret=%s",
							   url_encode(r->a, x.code), url_encode(r->a, secret)));
	return render(r, "lookup.cs");
}

static int lookup_result_checked(request *r)
{
	const char *code, *typed, *secret;
	lookup_typed(r, &code, &typed);
	dossier x;
	int rc = lookup_open(r, code, typed, &x, &secret);
	if (rc)
		return rc;
	long long doc = lookup_result_doc(&x);
	if (doc < 0)
		return 503;
	if (!doc)
		return http_field_error(r, 404, NULL, "Hồ sơ này không có kết quả trả trực tuyến để tải về. "
					"Xem cách nhận kết quả ở trang tra cứu hồ sơ.");
	/* not a staff action, so not in the audit log; the area's log says
	 * which dossier's result went out, and to which address */
	fprintf(stderr, "lookup_result: dossier %s result %lld sent to %s\n", x.code, doc,
		r->remote_addr ? r->remote_addr : "-");
	return document_send(r, &x, doc, 0);
}

/* The download link of the lookup page.  A wrong code or secret, or a
 * dossier with no result to download, comes back in the lookup form, as a
 * lookup typed wrong does. */
int h_lookup_result(request *r)
{
	int status = lookup_result_checked(r);
	if (status < 400)
		return status;
	if (r->query[1].s)
		hset(r, "Form.secret", r->query[1].s);
	hset(r, "Form.error_lead", "Chưa tải được kết quả.");
	return form_refused(r, status, "lookup.cs");
}

/* A code or secret typed wrong comes back in the lookup form, with the
 * code kept: the neighbour copying both from his slip fixes one letter
 * instead of starting again from a page with no form on it. */
int h_lookup(request *r)
{
	int status = lookup_checked(r);
	if (status >= 400 && r->query[1].s)
		hset(r, "Form.secret", r->query[1].s);
	hset(r, "Form.error_lead", "Chưa tra cứu được.");
	return form_refused(r, status, "lookup.cs");
}
