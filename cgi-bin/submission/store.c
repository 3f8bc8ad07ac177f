/*
 * store.c - the writes of the submission area, each inside the caller's
 * transaction: loading a dossier (optionally locked), a status move with
 * everything that must change with it, counters, sync and notice messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "buf.h"
#include "conf.h"
#include "crypto.h"
#include "filetype.h"
#include "json.h"
#include "outbox.h"
#include "submission.h"
#include "vntext.h"

#if __has_include("obligation.h")
#include "obligation.h"
#include "paycode.h"
#define HAVE_OBLIGATION 1
#endif

/* The day a clock resumed on `day` is due when it was `n` working days
 * late as it paused: the working day with n working days in (it, day]. */
static long wd_back(const wd_calendar *c, long day, int n)
{
	int k = 0;
	for (; n > 0 && k <= WD_MAX_SPAN; k++, day--)
		if (wd_is_working(c, day))
			n--;
	for (; !wd_is_working(c, day) && k <= WD_MAX_SPAN; k++)
		day--;
	return day;
}

const char *col(db_stmt *s, arena *a, int i)
{
	size_t n;
	const char *v = db_col(s, i, &n);
	return v ? arena_strndup(a, v, n) : NULL;
}

int dossier_load(db *d, arena *a, const char *code, dossier *x, int lock)
{
	/* The columns are sql/013's view dossier_row, in its order. */
	db_stmt *s;
	int rc;
	if (lock == DOSSIER_BEGIN) {
		s = STMT(d, "CALL dossier_lock_begin(?)");
		rc = db_call_row(s, "s", code);
	} else {
		s = lock ? STMT(d, "SELECT * FROM dossier_row WHERE code = ? FOR UPDATE")
			 : STMT(d, "SELECT * FROM dossier_row WHERE code = ?");
		if (db_query(s, "s", code) != 0)
			return -1;
		rc = db_fetch(s);
	}
	if (rc != 1)
		return rc < 0 ? -1 : 0;
	memset(x, 0, sizeof *x);
	x->id = db_col_int(s, 0, 0);
	x->code = col(s, a, 1);
	x->procedure_code = col(s, a, 2);
	x->agency_code = col(s, a, 3);
	x->citizen_id = db_col_int(s, 4, 0);
	x->applicant_name = col(s, a, 5);
	x->applicant_id = col(s, a, 6);
	x->applicant_dob = col(s, a, 7);
	x->applicant_address = col(s, a, 8);
	x->applicant_phone = col(s, a, 9);
	x->channel = (int)db_col_int(s, 10, 0);
	x->result_channel = col(s, a, 11);
	x->status = (int)db_col_int(s, 12, 0);
	x->tracking_hash = col(s, a, 13);
	x->received_at = col(s, a, 14);
	x->due_day = col(s, a, 15);
	x->due = x->due_day ? wd_parse(x->due_day, strlen(x->due_day)) : WD_NONE;
	const char *rd = col(s, a, 16);
	x->received_day = rd ? wd_parse(rd, strlen(rd)) : WD_NONE;
	x->paused_left = db_col_int(s, 17, NOT_PAUSED);
	x->updated_at = col(s, a, 18);
	/* Read with the dossier so a status change needs no round trips of
	 * its own for them.  The subquery is a plain consistent read even in
	 * the FOR UPDATE form: the citizen's row is not locked. */
	x->citizen_contact = col(s, a, 19);
	x->loaded_at = col(s, a, 20);
	if (lock != DOSSIER_BEGIN)
		while (db_fetch(s) == 1)
			;
	return 1;
}

/* --- tracking secrets ------------------------------------------------------- */

/* 32 letters and digits that cannot be read as one another (no 0/O, 1/I). */
static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

const char *tracking_secret(arena *a, const char *code)
{
	const char *key = conf_str("PORTAL_SECRET", "");
	char mac[65];
	char *msg = arena_printf(a, "tracking:%s", code);
	hmac_sha256_hex(key, strlen(key), msg, strlen(msg), mac);
	/* 10 symbols of 5 bits = 50 bits, shown as two groups of five (M73QD-T6NMS) */
	char *out = arena_alloc(a, 12);
	for (int i = 0, o = 0; i < 10; i++) {
		char hx[3] = { mac[2 * i], mac[2 * i + 1], 0 };
		out[o++] = alphabet[strtol(hx, NULL, 16) & 31];
		if (i == 4)
			out[o++] = '-';
	}
	out[11] = '\0';
	return out;
}

const char *tracking_normalise(arena *a, const char *typed)
{
	char sym[10];
	size_t o = 0;
	for (const char *p = typed; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (o == sizeof sym)
			return NULL;
		sym[o++] = c;
	}
	if (o != sizeof sym)
		return NULL;
	return arena_printf(a, "%.5s-%.5s", sym, sym + 5);
}

void tracking_hash(const char *code, const char *secret, char out[65])
{
	char msg[128];
	int n = snprintf(msg, sizeof msg, "%s:%s", code, secret);
	sha256_hex(msg, n > 0 && n < (int)sizeof msg ? (size_t)n : 0, out);
}

/* --- counters, sync, notices -------------------------------------------------- */

int counters_add(db *d, long day, const char *agency, const char *procedure,
		 const char *column, const char *also, int n)
{
	/* One statement for every counter, in sql/010 (sub_daily_add), which
	 * checks the names against the table's columns and shards the row
	 * per connection (sql/008). */
	db_stmt *s = STMT(d, "CALL sub_daily_add(?, ?, ?, ?, ?, ?)");
	char dd[11];
	wd_format(day, dd);
	return db_exec(s, "sssssi", dd, agency, procedure, column, also, (long long)n) < 0 ? -1 : 0;
}

static const char *iso_day_end(arena *a, long day)
{
	if (day == WD_NONE)
		return NULL;
	char dd[11];
	wd_format(day, dd);
	return arena_printf(a, "%sT23:59:59+07:00", dd);
}

void sync_payload_parts(arena *a, const dossier *x, int status, const char *changed_at,
			const char **head, const char **tail)
{
	buf b = BUF_INIT;
	buf_puts(&b, "{");
	json_key(&b, "id");
	/* "{code}/" and its closing quote: the event's id goes between them */
	json_cstr(&b, arena_printf(a, "%s/", x->code));
	*head = arena_strndup(a, b.p, b.len - 1);
	buf_reset(&b);
	buf_puts(&b, "\",");
	json_key(&b, "dossier_code");
	json_cstr(&b, x->code);
	buf_puts(&b, ",");
	json_key(&b, "procedure_code");
	json_cstr(&b, x->procedure_code);
	buf_puts(&b, ",");
	json_key(&b, "agency_code");
	json_cstr(&b, x->agency_code);
	buf_puts(&b, ",");
	json_key(&b, "status");
	json_int(&b, status);
	buf_puts(&b, ",");
	json_key(&b, "channel");
	json_int(&b, x->channel);
	buf_puts(&b, ",");
	json_key(&b, "received_at");
	json_cstr(&b, x->received_at);
	buf_puts(&b, ",");
	json_key(&b, "due_at");
	const char *due = iso_day_end(a, x->due);
	if (due)
		json_cstr(&b, due);
	else
		buf_puts(&b, "null");
	buf_puts(&b, ",");
	json_key(&b, "changed_at");
	json_cstr(&b, changed_at);
	buf_puts(&b, "}");
	*tail = arena_strndup(a, b.p, b.len);
	buf_free(&b);
}

const char *sync_payload(arena *a, const dossier *x, int status, const char *changed_at,
			 long long ev)
{
	const char *head, *tail;
	sync_payload_parts(a, x, status, changed_at, &head, &tail);
	return arena_printf(a, "%s%lld%s", head, ev, tail);
}

const char *notify_payload(arena *a, const char *to, const char *subject, const char *body)
{
	buf b = BUF_INIT;
	buf_puts(&b, "{");
	json_key(&b, "to");
	json_cstr(&b, to);
	buf_puts(&b, ",");
	json_key(&b, "subject");
	json_cstr(&b, subject);
	buf_puts(&b, ",");
	json_key(&b, "body");
	json_cstr(&b, body);
	buf_puts(&b, "}");
	const char *payload = arena_strndup(a, b.p, b.len);
	buf_free(&b);
	return payload;
}

int notify_put(db *d, arena *a, const char *to, const char *subject, const char *body)
{
	return outbox_put(d, "notify", to, NULL, notify_payload(a, to, subject, body));
}

/* --- uploads ------------------------------------------------------------------ */

/* The content alone: it names no dossier, so a filing writes it before it
 * takes the agency's number row, which it then holds only for the small
 * rows (the numbers are gapless: every filing of an agency's day waits
 * for that row until the one before commits). */
int store_blob(db *d, const upload *u, const char sha[65], long long *blob)
{
	db_stmt *b = STMT(d, "INSERT INTO document_blob (size, sha256, content, created_at) "
			     "VALUES (?, ?, ?, UTC_TIMESTAMP(3))");
	if (db_exec(b, "isb", (long long)u->len, sha, (const void *)u->data, u->len) < 0)
		return -1;
	*blob = db_insert_id(b);
	return 0;
}

int store_reused(db *d, long long dossier_id, const char *role, int seq, const char *doc_name,
		 long long blob, const char *kind, const char *original_name, long long size,
		 const char *sha, long long owner, long long from)
{
	db_stmt *s = STMT(d, "INSERT INTO dossier_document (dossier_id, blob_id, role, doc_seq, "
			     "doc_name, kind, original_name, size, sha256, owner_citizen_id, reused_from, "
			     "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))");
	/* no owner (a result, a walk-in's papers) and no earlier row: NULL */
	char ownbuf[24], frombuf[24];
	snprintf(ownbuf, sizeof ownbuf, "%lld", owner);
	snprintf(frombuf, sizeof frombuf, "%lld", from);
	return db_exec(s, "iisisssisss", dossier_id, blob, role, (long long)seq,
		       doc_name ? doc_name : "", kind, original_name ? original_name : "", size, sha,
		       owner ? ownbuf : NULL, from ? frombuf : NULL) < 0 ? -1 : 0;
}

int store_document(db *d, long long dossier_id, long long blob, const char *sha, const char *role,
		   int seq, const char *doc_name, const upload *u, long long owner)
{
	return store_reused(d, dossier_id, role, seq, doc_name, blob, filetype_name(u->kind),
			    u->filename, (long long)u->len, sha, owner, 0);
}

int store_upload(db *d, long long dossier_id, const char *role, int seq, const char *doc_name,
		 const upload *u, long long owner)
{
	char sha[65];
	long long blob;
	sha256_hex(u->data, u->len, sha);
	if (store_blob(d, u, sha, &blob) < 0)
		return -1;
	return store_document(d, dossier_id, blob, sha, role, seq, doc_name, u, owner);
}

/* --- a status move ------------------------------------------------------------ */

static const char *counter_column(int to)
{
	switch (to) {
	case ST_ACCEPTED: return "accepted";
	case ST_REFUSED: return "refused";
	case ST_SUPPLEMENT: return "supplement_requested";
	case ST_OBLIGATION: return "obligation_requested";
	case ST_WITHDRAWN: return "withdrawn";
	case ST_STOPPED: return "stopped";
	case ST_FINISHED: return "finished";
	case ST_RETURNED: return "returned";
	default: return NULL;
	}
}

unsigned staff_acting_roles(const request *r, const char *agency_code)
{
	unsigned roles = r->user->roles;
	/* the province's administrator acts as a leader on the dossiers of
	 * the agencies under it (its scope was checked by the caller) */
	if (strcmp(agency_code, r->user->agency_code) != 0)
		roles |= ROLE_LEADER;
	return roles;
}

/* 1 when each of the n SHA-256s is already stored on the dossier in that
 * role (the same bytes: a post sent again), 0 when one is not, -1 on the
 * database. */
static int shas_kept(db *d, long long dossier_id, const char *role, const char *const *shas,
		     size_t n)
{
	for (size_t i = 0; i < n; i++) {
		db_stmt *k = STMT(d, "SELECT COUNT(*) FROM dossier_document WHERE dossier_id = ? "
				     "AND role = ? AND sha256 = ?");
		if (db_query(k, "iss", dossier_id, role, shas[i]) != 0)
			return -1;
		long long have = db_fetch(k) == 1 ? db_col_int(k, 0, 0) : 0;
		while (db_fetch(k) == 1)
			;
		if (!have)
			return 0;
	}
	return 1;
}

static int move_tx(db *d, void *arg)
{
	move *m = arg;
	request *r = m->r;
	arena *a = r->a;
	dossier x;

	m->repeated = 0;
	int found = dossier_load(d, a, m->code, &x, DOSSIER_BEGIN);
	if (found < 0)
		return DB_TX_FAILED;
	if (!found)
		return 404;
	unsigned actor = m->actor;
	if (m->scope) {
		/* Staff: their agency's dossiers, or an administrator's
		 * province's, checked here on the locked row rather than with
		 * a load of its own before the transaction. */
		int ok = m->scope(r, x.agency_code);
		if (ok < 0)
			return DB_TX_FAILED;
		if (!ok)
			return 403;
		if (r->user)
			actor |= staff_acting_roles(r, x.agency_code);
	}
	if (m->agency_code && strcmp(m->agency_code, x.agency_code) != 0)
		return 403;
	if (m->citizen_id && m->citizen_id != x.citizen_id)
		return 404;
	if (m->only_from && x.status != m->only_from && x.status != m->to) {
		r->error_detail = transition_refusal(a, x.status, m->to);
		return 409;
	}
	if (x.status == m->to) {
		/* Files sent again (a double tap, the back button) are the ones
		 * already kept; other files, a supplement once the dossier is
		 * back in processing or another result once it was returned,
		 * would be thrown away behind a "sent": refused, and said so. */
		const char **shas = arena_alloc(a, (m->nsupplements + 1) * sizeof *shas);
		for (size_t i = 0; i < m->nsupplements; i++)
			shas[i] = m->supplements[i].sha;
		int kept = shas_kept(d, x.id, "supplement", shas, m->nsupplements);
		if (kept > 0 && m->result) {
			char rsha[65];
			sha256_hex(m->result->data, m->result->len, rsha);
			shas[0] = rsha;
			kept = shas_kept(d, x.id, "result", shas, 1);
		}
		if (kept < 0)
			return DB_TX_FAILED;
		if (!kept) {
			r->error_detail = m->result
				? arena_printf(a, "Hồ sơ đã trả kết quả: tệp kết quả vừa gửi khác tệp đã trả "
					"và chưa được nhận. Kết quả đã trả không thay được ở đây; hãy báo "
					"lãnh đạo đơn vị.")
				: arena_printf(a, "Hồ sơ đang ở trạng thái “%s” (%d), không còn "
					"chờ bổ sung: các tệp vừa gửi chưa được nhận. Nếu còn thiếu giấy tờ, hãy "
					"liên hệ bộ phận một cửa.", status_name(x.status), x.status);
			return 409;
		}
		m->repeated = 1;
		return 0;
	}
	const transition *t = transition_find(x.status, m->to);
	if (!t) {
		r->error_detail = transition_refusal(a, x.status, m->to);
		return 409;
	}
	if (!(t->actors & actor)) {
		r->error_detail = arena_printf(a, "Việc “%s” không thuộc quyền của tài khoản này.", t->label);
		return 403;
	}
	/* The applicant reads the reason: one of zero-width spaces (a phone
	 * keyboard's, or pasted) or of dots says nothing, and is missing. */
	if (t->needs_reason && (form_blank(m->reason) || !vn_has_letter(m->reason))) {
		r->error.field = "reason";
		r->error.message = "Cần ghi lý do bằng lời (trường “reason”).";
		return 422;
	}
	if (m->to == ST_RETURNED && strcmp(x.result_channel, "online") == 0 && !m->result) {
		r->error.field = "result";
		r->error.message = "Hồ sơ nhận kết quả trực tuyến: cần tải lên tệp kết quả (trường “result”).";
		return 422;
	}

	const char *reason = m->reason ? m->reason : "";
#ifdef HAVE_OBLIGATION
	/* Leaving 6 another way than by paying (withdrawn, stopped, paid at
	 * the desk): its fee must not stay payable on /pay/ (lib/obligation.h) */
	if (x.status == ST_OBLIGATION) {
		int n = obligation_cancel_for_dossier(d, x.code);
		if (n == OBL_DB)
			return DB_TX_FAILED;
		if (n > 0)
			reason = arena_printf(a, "%s%sKhoản phải nộp chưa nộp của hồ sơ đã được hủy.",
					      reason, *reason ? " " : "");
	}
#endif
	if (m->to == ST_OBLIGATION) {
		/* what the fee is for, in words: the payer's page and receipt
		 * name it, and "12345" or a zero-width space names nothing */
		if (m->amount <= 0 || form_blank(m->fee_name) || !vn_has_letter(m->fee_name)) {
			r->error.field = m->amount <= 0 ? "amount" : "fee_name";
			r->error.message = "Cần số tiền (đồng, trường “amount”) và khoản phải nộp (trường “fee_name”).";
			return 422;
		}
#ifdef HAVE_OBLIGATION
		obligation_line line = { m->fee_name, m->amount };
		obligation_req q = {
			.group = OG_PHI_LE_PHI, .agency_code = x.agency_code, .reference = x.code,
			.payer_name = x.applicant_name, .payer_id = x.applicant_id,
			.lines = &line, .nlines = 1, .dossier_code = x.code, .source = OS_DOSSIER,
		};
		char pay[13];
		const char *what = NULL;
		int oc = obligation_create(d, &q, pay, NULL, &what);
		if (oc == OBL_DB)
			return DB_TX_FAILED;
		if (oc == OBL_NO_BENEFICIARY || oc == OBL_NO_RECEIPTS) {
			/* the agency's set-up, not the officer's input: say whom to ask */
			r->error.message = oc == OBL_NO_BENEFICIARY
				? "Cơ quan chưa có tài khoản thụ hưởng để thu khoản này, nên chưa "
				  "ghi được nghĩa vụ tài chính. Hãy báo quản trị viên hệ thống "
				  "cài đặt tài khoản thụ hưởng của cơ quan, rồi thử lại."
				: "Cơ quan chưa có mẫu và ký hiệu biên lai, nên chưa ghi được nghĩa "
				  "vụ tài chính. Hãy báo quản trị viên hệ thống cài đặt biên lai "
				  "của cơ quan, rồi thử lại.";
			return 409;
		}
		if (oc != OBL_OK) {
			r->error.field = "amount";
			r->error.message = arena_printf(a, "%s (trường “amount”)",
							what ? what : "Không tạo được khoản phải nộp");
			return 422;
		}
		char shown[PAYCODE_LEN + 3];   /* as the notice and /pay/ show it */
		paycode_format(pay, shown);
		reason = arena_printf(a, "%s: %s đồng (mã thanh toán %s)%s%s", m->fee_name,
				      vn_int_text(a, m->amount), shown, *reason ? ". " : "", reason);
#else
		reason = arena_printf(a, "%s: %s đồng%s%s", m->fee_name, vn_int_text(a, m->amount),
				      *reason ? ". " : "", reason);
#endif
	}

	const wd_calendar *cal = calendar_get(d);
	long now = today();
	long due = x.due;
	char dd[11] = "";
	if (m->to == ST_SUPPLEMENT && x.due != WD_NONE) {
		/* Working days left, or, when the agency is late already, the
		 * working days it is late by as a negative number: the pause
		 * stops the clock, it does not forgive the delay. */
		int left = x.due > now ? wd_count(cal, now, x.due) : -wd_count(cal, x.due, now);
		if (left == 1 && x.due <= now)
			left = 0;   /* wd_count's -1: a span beyond any deadline */
		db_stmt *s = STMT(d, "UPDATE dossier SET paused_at = UTC_TIMESTAMP(3), "
				     "paused_days_left = ? WHERE id = ?");
		if (db_exec(s, "ii", (long long)left, x.id) < 0)
			return DB_TX_FAILED;
	}
	if (x.status == ST_SUPPLEMENT && x.paused_left != NOT_PAUSED) {
		due = x.paused_left >= 0 ? wd_add(cal, now, (int)x.paused_left)
					 : wd_back(cal, now, (int)-x.paused_left);
		wd_format(due, dd);
		time_t end = wd_start_of(due + 1) - 1;
		struct tm tmv;
		char at[24];
		gmtime_r(&end, &tmv);
		strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S", &tmv);
		db_stmt *s = STMT(d, "UPDATE dossier SET paused_at = NULL, paused_days_left = NULL, "
				     "due_day = ?, due_at = ? WHERE id = ?");
		if (db_exec(s, "ssi", dd, at, x.id) < 0)
			return DB_TX_FAILED;
		x.due = due;
	}

	/* The papers first: the writes below are one call.  Each under the
	 * name of the document it answers, as when filing, so the desk, the
	 * slip and the wallet say what came in, not "image.jpg". */
	for (size_t i = 0; i < m->nsupplements; i++) {
		const supplied *p = &m->supplements[i];
		long long blob;
		if (p->file ? store_blob(d, p->file, p->sha, &blob) < 0 ||
			      store_document(d, x.id, blob, p->sha, "supplement", p->seq, p->doc_name,
					     p->file, x.citizen_id) < 0
			    : store_reused(d, x.id, "supplement", p->seq, p->doc_name, p->blob, p->kind,
					   p->original_name, p->size, p->sha, x.citizen_id, p->from) < 0)
			return DB_TX_FAILED;
	}
	if (m->result && store_upload(d, x.id, "result", 0, "Kết quả", m->result, 0) < 0)
		return DB_TX_FAILED;

	/* The day's counters: the status's own, and how a finished dossier
	 * kept its due date, or that a result went out online. */
	const char *c1 = counter_column(m->to), *c2 = NULL;
	if (m->to == ST_FINISHED)
		c2 = x.due == WD_NONE || now <= x.due ? "finished_on_time" : "finished_late";
	else if (m->to == ST_RETURNED && strcmp(x.result_channel, "online") == 0)
		c2 = "returned_online";
	char day[11];
	wd_format(now, day);

	/* The national portal's message (its id is the event's, which the
	 * call writes) and the citizen's notice. */
	const char *head, *tail, *notify = NULL;
	sync_payload_parts(a, &x, m->to, x.loaded_at, &head, &tail);
	if (x.citizen_contact)
		notify = notify_payload(a, x.citizen_contact, arena_printf(a, "Hồ sơ %s", x.code),
					arena_printf(a, "Hồ sơ %s: %s. %s", x.code, status_name(m->to),
						     reason));
	const principal *staff = r->user && r->user->kind == AUTH_STAFF ? r->user : NULL;

	/* The dossier's status, its event, the counters, the outbox messages
	 * and the audit row, then COMMIT: one round trip, the last statement
	 * of the transaction (sql/013_two_round_trips.sql). */
	db_stmt *w = STMT(d, "CALL dossier_status_write(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
			     "?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (db_exec(w, "isiisisssssssssssssssss", x.id, x.code, (long long)x.status,
		    (long long)m->to, m->actor_kind, m->actor_id,
		    m->actor_name ? m->actor_name : "", reason,
		    r->remote_addr ? r->remote_addr : "", day, x.agency_code, x.procedure_code,
		    c1, c2, head, tail, x.citizen_contact, notify,
		    staff ? arena_printf(a, "%lld", staff->id) : NULL,
		    staff ? staff->login : NULL, staff ? staff->agency_code : NULL,
		    staff ? arena_printf(a, "%d -> %d %s", x.status, m->to, reason) : NULL,
		    staff ? r->user_agent : NULL) < 0)
		return DB_TX_FAILED;
	return 0;
}

int dossier_move(db *d, move *m)
{
	/* begun by the load, committed by the write: db.h */
	return db_tx_call(d, move_tx, m);
}
