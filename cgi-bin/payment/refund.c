/* refund.c - giving back a second success (payment.h: an attempt kept as
 * 'duplicate' with refund_state 'due'), through the gateway's refund API.
 *
 * The refund job claims due attempts under a lease, in a short transaction
 * (FOR UPDATE SKIP LOCKED: any number of hosts), then talks to the bank
 * with no transaction open.  Money must not go back twice, and a job may
 * be killed right after the bank said yes: so every try first asks the
 * bank (querydr) whether the transaction is already refunded (status 05 or
 * 06) and only otherwise asks for the refund.  A refund the bank accepted
 * marks the attempt refunded and writes the agency's webhook
 * (obligation.refunded) in one transaction.  A refusal is kept for staff
 * (refund_error) and retried with back-off; after REFUND_TRIES refusals
 * the attempt is 'failed' and waits for a person (the intranet page),
 * whose decision is audited.  The bank being unreachable never counts as
 * a refusal.  Settings: PORTAL_REFUND_LEASE (seconds a claim is held, 600:
 * well over a round's bank calls, so a live job is never overtaken) and
 * PORTAL_REFUND_BACKOFF (the first wait after a failed try, 30, doubling
 * to an hour). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "conf.h"
#include "crypto.h"
#include "httpc.h"
#include "json.h"
#include "jsonparse.h"
#include "obligation.h"
#include "payment.h"
#include "render.h"
#include "server.h"
#include "vnpay.h"
#include "vntext.h"

#define REFUND_TRIES 5

/* VNPay's published answers to a refund request (merchant API, command
 * refund), said as the staff who read the flagged page understand them;
 * its vnp_Message is English ("Not found transaction"). */
static const char *refusal_vi(const char *code)
{
	static const char *const t[][2] = {
		{"02", "mã kết nối của cổng với VNPay (vnp_TmnCode) không hợp lệ: kiểm tra cài đặt"},
		{"03", "dữ liệu gửi sang sai định dạng"},
		{"91", "không tìm thấy giao dịch cần hoàn"},
		{"94", "giao dịch đã có yêu cầu hoàn tiền đang xử lý"},
		{"95", "giao dịch không thành công bên ngân hàng, không hoàn được"},
		{"97", "chữ ký của yêu cầu không hợp lệ"},
		{"99", "lỗi khác"},
	};
	return VN_TEXT_FOR(t, code, NULL);
}

static const char Q_CLAIM[] =
	"SELECT id FROM payment_attempt WHERE refund_state IN ('due', 'requested')"
	" AND COALESCE(refund_next_at, '1970-01-01') <= UTC_TIMESTAMP(3)"
	" ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED";
static const char Q_LEASE[] =
	"UPDATE payment_attempt SET refund_state = 'requested', refund_tries = refund_tries + 1,"
	" refund_next_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND WHERE id = ?";	/* the lease */
static const char Q_ONE[] =
	"SELECT a.txn_ref, a.amount, COALESCE(a.transaction_no, ''), a.create_date, a.refund_tries,"
	" o.id, o.payment_code, o.agency_code, o.reference, o.total, o.status,"
	" COALESCE(a.refund_reason, ''), o.grp"
	" FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id WHERE a.id = ?";
static const char Q_DONE[] =
	"UPDATE payment_attempt SET refund_state = 'refunded', refunded_at = UTC_TIMESTAMP(3),"
	" refund_error = NULL, refund_next_at = NULL WHERE id = ? AND refund_state = 'requested'";
static const char Q_DAILY_REFUNDED[] =
	"INSERT INTO pay_daily (day, agency_code, grp, shard, refunded_count, refunded_amount)"
	" VALUES (DATE(UTC_TIMESTAMP(3) + INTERVAL 7 HOUR), ?, ?, CONNECTION_ID() % 8, 1, ?)"
	" ON DUPLICATE KEY UPDATE refunded_count = refunded_count + 1,"
	" refunded_amount = refunded_amount + VALUES(refunded_amount)";
/* where right: the refunded attempt was the one that paid the obligation */
static const char Q_OBL_REFUNDED[] =
	"UPDATE obligation SET status = 'refunded' WHERE id = ? AND paid_attempt_id = ?";
static const char Q_AGAIN[] =
	"UPDATE payment_attempt SET refund_state = IF(? AND refund_tries >= ?, 'failed', 'due'),"
	" refund_error = ?, refund_next_at = UTC_TIMESTAMP(3)"
	" + INTERVAL LEAST(3600, ? * POW(2, LEAST(refund_tries, 7))) SECOND"
	" WHERE id = ? AND refund_state = 'requested'";

typedef struct attempt_row {
	long long id, amount, obligation, total, tries;
	char txn_ref[35], transaction_no[21], create_date[15], code[13], agency[81],
	     reference[401], status[16], reason[2001], grp[17];
} attempt_row;

static int load(db *d, long long id, attempt_row *a)
{
	db_stmt *s = S(d, Q_ONE);
	if (db_query(s, "i", id) < 0 || db_fetch(s) <= 0)
		return -1;
	a->id = id;
	db_col_copy(s, 0, a->txn_ref, sizeof a->txn_ref);
	a->amount = db_col_int(s, 1, 0);
	db_col_copy(s, 2, a->transaction_no, sizeof a->transaction_no);
	db_col_copy(s, 3, a->create_date, sizeof a->create_date);
	a->tries = db_col_int(s, 4, 0);
	a->obligation = db_col_int(s, 5, 0);
	db_col_copy(s, 6, a->code, sizeof a->code);
	db_col_copy(s, 7, a->agency, sizeof a->agency);
	db_col_copy(s, 8, a->reference, sizeof a->reference);
	a->total = db_col_int(s, 9, 0);
	db_col_copy(s, 10, a->status, sizeof a->status);
	db_col_copy(s, 11, a->reason, sizeof a->reason);
	db_col_copy(s, 12, a->grp, sizeof a->grp);
	while (db_fetch(s) > 0)
		;
	return 0;
}

/* The call's name as the flagged page shows it to staff (Vietnamese: the
 * error is read there, not only in the log). */
static const char *what_vi(const char *kind)
{
	return strcmp(kind, "refund") == 0 ? "Hoàn tiền" : "Tra cứu giao dịch";
}

/* One call to the bank's JSON API, its answer stored raw and verified.
 * Returns the parsed answer (in a) or NULL: *why says what went wrong,
 * *refused is set when the bank answered (a refusal), not when it could
 * not be reached. */
static json_value *bank_call(db *d, arena *a, const char *kind, const buf *body,
			     const char *ref, char *why, size_t wl)
{
	httpc_result res;
	int rc = httpc_post(cfg.api_url, NULL, "application/json", body->p, body->len, 10000, &res);
	if (rc < 0 || res.status != 200) {
		snprintf(why, wl, "%s: %s", what_vi(kind), rc < 0 ? "không kết nối được ngân hàng"
								: "ngân hàng trả lỗi HTTP");
		return NULL;
	}
	long long id = callback_store(d, kind, "bank", res.body, ref);
	char err[80];
	json_value *o = json_parse(a, res.body, res.len, err, sizeof err);
	int ok = o && (strcmp(kind, "refund") == 0 ? vnp_refund_answer_verify(cfg.hash_secret, o)
			: vnp_querydr_answer_verify(cfg.hash_secret, o)) == VNP_VALID;
	const char *code = ok ? json_get_str(o, "vnp_ResponseCode") : NULL;
	callback_result(d, id, code ? code : RSP_SIGNATURE);
	if (!ok || !code) {
		snprintf(why, wl, "%s: câu trả lời của ngân hàng sai chữ ký", what_vi(kind));
		return NULL;
	}
	return o;
}

typedef struct done_arg { const attempt_row *a; } done_arg;

static int done_tx(db *d, void *p)
{
	const attempt_row *a = ((done_arg *)p)->a;
	long long n = db_exec(S(d, Q_DONE), "i", a->id);
	if (n < 0)
		return DB_TX_FAILED;
	if (n == 0)
		return 0;	/* someone else finished it */
	long long o = db_exec(S(d, Q_OBL_REFUNDED), "ii", a->obligation, a->id);
	if (o < 0)
		return DB_TX_FAILED;
	/* the money out, on the day the bank confirms it (sql/027) */
	if (db_exec(S(d, Q_DAILY_REFUNDED), "ssi", a->agency, a->grp, a->amount) < 0)
		return DB_TX_FAILED;
	if (o == 1) {
		/* The payment itself went back (a staff member's request): its
		 * receipt is void from the moment the bank confirms, not before,
		 * since until then the unit still holds the money the receipt
		 * records, and a refund the bank refuses leaves it true.  The
		 * cancellation is written in this transaction, with the refund. */
		char why[2101];
		snprintf(why, sizeof why, "Đã hoàn tiền cho người nộp (giao dịch %s)%s%s", a->txn_ref,
			 *a->reason ? ": " : "", a->reason);
		size_t wl = utf8_prefix(why, strlen(why), 500);	/* VARCHAR(500) */
		why[wl] = '\0';
		if (receipt_cancel_of_attempt(d, a->id, why, "hoan-tien") == CORR_DB)
			return DB_TX_FAILED;
	}
	buf extra = BUF_INIT;
	buf_puts(&extra, ",\"refund\":{\"txn_ref\":");
	json_cstr(&extra, a->txn_ref);
	buf_printf(&extra, ",\"amount\":%lld,\"reason\":\"%s\"}", a->amount,
		   o == 1 ? "refund_of_payment" : "second_success");
	int rc = pay_webhook(d, "obligation.refunded", a->agency, a->code, a->reference, a->total,
			     o == 1 ? "refunded" : a->status, NULL, 0, extra.p);
	buf_free(&extra);
	return rc < 0 ? DB_TX_FAILED : 0;
}

static void again(db *d, const attempt_row *a, int refused, const char *why)
{
	db_exec(S(d, Q_AGAIN), "iisii", (long long)refused, (long long)REFUND_TRIES, why,
		conf_int("PORTAL_REFUND_BACKOFF", 30), a->id);
	fprintf(stderr, "refunds: %s not refunded yet: %s\n", a->txn_ref, why);
}

/* A vnp_RequestId: VNPay refuses one it saw before that day (94,
 * querydr&refund.html: "Không được trùng lặp trong ngày"), so every request
 * has its own, the querydr and the refund of one round included. */
static int request_id(char out[17])
{
	unsigned char rnd[8];
	if (crypto_random(rnd, sizeof rnd) < 0)
		return -1;
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", rnd[i]);
	return 0;
}

static void refund_one(db *d, const attempt_row *a)
{
	char reqid[17], info[80], why[512] = "";
	if (request_id(reqid) < 0)
		return;
	vnp_query q = {
		.tmn_code = cfg.tmn_code, .request_id = reqid, .txn_ref = a->txn_ref,
		.order_info = info, .transaction_date = a->create_date, .created = time(NULL),
		.ip_addr = cfg.server_ip, .transaction_type = "02", .amount = a->amount,
		.transaction_no = a->transaction_no, .create_by = "cong-dvc",
	};
	arena *ar = arena_new(8192);
	buf body = BUF_INIT;
	/* already refunded (a try killed after the bank said yes)? */
	snprintf(info, sizeof info, "Truy van giao dich %s", a->txn_ref);
	json_value *o = NULL;
	if (vnp_querydr_body(&body, cfg.hash_secret, &q) == 0)
		o = bank_call(d, ar, "querydr", &body, a->txn_ref, why, sizeof why);
	if (!o) {
		again(d, a, 0, why);
		goto out;
	}
	const char *st = json_get_str(o, "vnp_TransactionStatus");
	if (strcmp(json_get_str(o, "vnp_ResponseCode"), "00") == 0 && st &&
	    (strcmp(st, "05") == 0 || strcmp(st, "06") == 0)) {
		if (db_tx(d, done_tx, &(done_arg){a}) != 0)
			again(d, a, 0, "lỗi cơ sở dữ liệu");
		goto out;
	}
	body.len = 0;
	snprintf(info, sizeof info, "Hoan tien giao dich trung %s", a->txn_ref);
	if (request_id(reqid) < 0 || vnp_refund_body(&body, cfg.hash_secret, &q) < 0) {
		again(d, a, 1, "không lập được yêu cầu hoàn tiền");
		goto out;
	}
	o = bank_call(d, ar, "refund", &body, a->txn_ref, why, sizeof why);
	if (!o) {
		again(d, a, 0, why);
		goto out;
	}
	const char *code = json_get_str(o, "vnp_ResponseCode");
	if (strcmp(code, "00") == 0) {
		if (db_tx(d, done_tx, &(done_arg){a}) != 0)
			again(d, a, 0, "lỗi cơ sở dữ liệu");
		else
			fprintf(stderr, "refunds: %s refunded (%lld đồng)\n", a->txn_ref, a->amount);
	} else {
		const char *m = refusal_vi(code);
		if (!m) {
			m = json_get_str(o, "vnp_Message");
			m = m ? m : "";
		}
		/* what the code means, or for a code VNPay does not publish the
		 * bank's words, cut at a character (not inside one): they are
		 * stored and shown */
		snprintf(why, sizeof why, "ngân hàng từ chối, mã %.8s: %.*s", code,
			 (int)utf8_prefix(m, strlen(m), 100), m);
		again(d, a, 1, why);
	}
out:
	buf_free(&body);
	arena_free(ar);
}

int job_refunds(db *d)
{
	long long ids[5];
	long long lease = conf_int("PORTAL_REFUND_LEASE", 600);
	int n = claim_attempts(d, Q_CLAIM, Q_LEASE, lease > 0 ? lease : 1, 5, ids,
			       NULL);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		attempt_row a;
		if (load(d, ids[i], &a) == 0)
			refund_one(d, &a);
	}
	return n;
}

/* ---- the intranet: flagged payments, and a person's decision ---------- */

#define FLAGGED_MAX 200
static const char Q_FLAGGED[] =
	"SELECT o.payment_code, a.txn_ref, a.amount, a.refund_state, a.refund_tries,"
	" COALESCE(a.refund_error, ''),"
	" DATE_FORMAT(a.settled_at + INTERVAL 7 HOUR, '%d/%m/%Y %H:%i'),"
	" COALESCE(DATE_FORMAT(a.refunded_at + INTERVAL 7 HOUR, '%d/%m/%Y %H:%i'), ''), o.status"
	" FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id"
	" WHERE a.refund_state <> 'none' AND o.agency_code = ? ORDER BY a.id DESC LIMIT 201";
/* What the agency still owes back to payers and what it has given back:
 * summed by the database over every row, not over the rows shown. */
static const char Q_FLAGGED_SUM[] =
	"SELECT SUM(a.refund_state <> 'refunded'),"
	" COALESCE(SUM(IF(a.refund_state <> 'refunded', a.amount, 0)), 0),"
	" SUM(a.refund_state = 'refunded'), COALESCE(SUM(IF(a.refund_state = 'refunded', a.amount, 0)), 0)"
	" FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id"
	" WHERE a.refund_state <> 'none' AND o.agency_code = ?";

const char *refund_vi(const char *st)
{
	static const char *const t[][2] = {
		{"due", "Chờ hoàn tiền"}, {"requested", "Đang gửi yêu cầu hoàn tiền"},
		{"refunded", "Đã hoàn tiền"}, {"failed", "Ngân hàng từ chối, cần xử lý"},
	};
	return VN_TEXT_FOR(t, st, st);
}

int h_admin_flagged(request *r)
{
	db_stmt *s = S(server_db(), Q_FLAGGED_SUM);
	if (db_query(s, "s", r->user->agency_code) < 0 || db_fetch(s) < 0)
		return 503;
	static const char *const sums[] = {"n_owed", "owed", "n_refunded", "refunded"};
	for (int k = 0; k < 4; k++) {
		buf m = BUF_INIT;
		if (k % 2)
			pay_money(&m, db_col_int(s, k, 0));
		else
			buf_printf(&m, "%lld", db_col_int(s, k, 0));
		hsetf(r, m.p, "Flagged.%s", sums[k]);
		buf_free(&m);
	}
	while (db_fetch(s) > 0)
		;
	s = S(server_db(), Q_FLAGGED);
	if (db_query(s, "s", r->user->agency_code) < 0)
		return 503;
	static const char *const names[] = {"code", "txn_ref", "amount", "state", "tries", "error",
					    "settled", "refunded", "obligation"};
	int i = 0;
	for (; db_fetch(s) > 0; i++) {
		if (i >= FLAGGED_MAX)
			continue;	/* drained; the extra row only says "cut" */
		for (int k = 0; k < 9; k++) {
			const char *v = db_col(s, k, NULL);
			if (k == 2) {
				buf m = BUF_INIT;
				pay_money(&m, db_col_int(s, k, 0));
				hsetf(r, m.p, "Rows.%d.%s", i, names[k]);
				buf_free(&m);
			} else {
				hsetf(r, v ? v : "", "Rows.%d.%s", i, names[k]);
			}
		}
		hsetf(r, refund_vi(db_col(s, 3, NULL)), "Rows.%d.state_vi", i);
		hsetf(r, obligation_status_vi(db_col(s, 8, NULL)), "Rows.%d.obligation_vi", i);
	}
	if (i > FLAGGED_MAX)
		hset(r, "Flagged.cut", "1");
	if (r->query && r->query[0].s)
		hset(r, "Flagged.done", r->query[0].s);
	return render(r, "admin_flagged.cs");
}

/* A refund the bank refused, tried again on a person's word: the attempt
 * goes back to 'due' and the audit row is written in the same transaction. */
static const char Q_RETRY_LOCK[] =
	"SELECT o.agency_code, a.refund_state FROM payment_attempt a"
	" JOIN obligation o ON o.id = a.obligation_id WHERE a.txn_ref = ? FOR UPDATE";
static const char Q_RETRY[] =
	"UPDATE payment_attempt SET refund_state = 'due', refund_tries = 0, refund_next_at = NULL"
	" WHERE txn_ref = ? AND refund_state = 'failed'";

typedef struct retry_arg { request *r; const char *ref; } retry_arg;

/* 404 no such attempt, 403 another agency's (as a dossier of another
 * agency is to staff), 409 not refused by the bank (now). */
static int retry_tx(db *d, void *p)
{
	retry_arg *a = p;
	db_stmt *s = S(d, Q_RETRY_LOCK);
	int f;
	if (db_query(s, "s", a->ref) < 0 || (f = db_fetch(s)) < 0)
		return DB_TX_FAILED;
	if (f == 0)
		return 404;
	int mine = strcmp(db_col(s, 0, NULL), a->r->user->agency_code) == 0;
	int failed = strcmp(db_col(s, 1, NULL), "failed") == 0;
	while (db_fetch(s) > 0)
		;
	if (!mine)
		return 403;
	if (!failed)
		return 409;
	long long n = db_exec(S(d, Q_RETRY), "s", a->ref);
	if (n < 0)
		return DB_TX_FAILED;
	if (n == 0)
		return 409;
	if (audit_log(d, a->r, "payment_refund_retry", a->ref,
		      a->r->form[0].s ? a->r->form[0].s : NULL) < 0)
		return DB_TX_FAILED;
	return 0;
}

int h_admin_refund_retry(request *r)
{
	retry_arg a = {r, req_capture(r, "ref")};
	if (!r->form[0].s || !*r->form[0].s) {
		r->error.field = "ly_do";
		r->error.message = "Cần ghi lý do gửi lại yêu cầu hoàn tiền.";
		return 400;
	}
	int rc = db_tx(server_db(), retry_tx, &a);
	if (rc == 409) {
		r->error.message = "Giao dịch này không ở trạng thái bị ngân hàng từ chối hoàn tiền.";
		return 409;
	}
	if (rc == 403)
		r->error.message = "Giao dịch này không thuộc cơ quan của bạn.";
	if (rc == 404)
		r->error.message = "Không có giao dịch nào mang mã này.";
	if (rc)
		return rc;
	return http_redirect(r, "/payment/admin/flagged?xong=1");
}
