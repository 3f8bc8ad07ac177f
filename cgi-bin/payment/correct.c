/* correct.c - cancelling and adjusting an e-receipt (sql/009), and the
 * intranet page where a leader or an administrator of the collecting
 * agency does it.
 *
 * A receipt row is never changed.  A cancellation is a new row of kind
 * 'cancellation' referring to the receipt, with the reason, who and when;
 * it carries no receipt number (the law numbers receipts, and a
 * cancellation is the unit's notice that one is void, not a receipt).  An
 * adjustment is a receipt in its own right: the next number of the
 * agency's current series, taken like a payment's (the series row locked
 * until commit), so the series stays gapless with adjustments interleaved;
 * its amount is the difference (negative: điều chỉnh giảm, 0: the text
 * only) and its description names the receipt it adjusts.
 *
 * Who: the refund job when the bank confirms a refund of the paid attempt
 * (refund.c), and staff here.  Every staff action writes its audit row in
 * the same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "obligation.h"
#include "payment.h"
#include "render.h"
#include "once.h"
#include "server.h"
#include "vntext.h"

#define MAX_DELTA 1000000000000000LL

static const char Q_ORIG[] =
	"SELECT r.obligation_id, r.agency_code, r.template_symbol, r.series_symbol, r.number,"
	" DATE_FORMAT(r.issued_at + INTERVAL 7 HOUR, '%d/%m/%Y'), r.amount,"
	" (SELECT COUNT(*) FROM receipt c WHERE c.refers_to = r.id AND c.kind = 'cancellation'),"
	" (SELECT COALESCE(SUM(a.amount), 0) FROM receipt a WHERE a.refers_to = r.id"
	"  AND a.kind = 'adjustment')"
	" FROM receipt r WHERE r.id = ? AND r.kind = 'receipt'";
static const char Q_OF_ATTEMPT[] =
	"SELECT id FROM receipt WHERE attempt_id = ? AND kind = 'receipt'";
/* a cancellation: everything printed is the cancelled receipt's */
static const char Q_CANCEL_INS[] =
	"INSERT INTO receipt (series_id, number, kind, refers_to, obligation_id, attempt_id,"
	" agency_code, unit_name, tax_code, template_symbol, series_symbol, payer_name, payer_id,"
	" description, amount, method, issued_at, verify_token, reason, issued_by)"
	" SELECT series_id, NULL, 'cancellation', id, obligation_id, attempt_id, agency_code,"
	" unit_name, tax_code, template_symbol, series_symbol, payer_name, payer_id, ?, amount,"
	" method, UTC_TIMESTAMP(3), ?, ?, ? FROM receipt WHERE id = ?";
/* an adjustment: the unit and symbols of the series it is numbered in */
static const char Q_ADJUST_INS[] =
	"INSERT INTO receipt (series_id, number, kind, refers_to, obligation_id, attempt_id,"
	" agency_code, unit_name, tax_code, template_symbol, series_symbol, payer_name, payer_id,"
	" description, amount, method, issued_at, verify_token, reason, issued_by)"
	" SELECT ?, ?, 'adjustment', id, obligation_id, attempt_id, agency_code,"
	" ?, ?, ?, ?, payer_name, payer_id, ?, ?, method, UTC_TIMESTAMP(3), ?, ?, ?"
	" FROM receipt WHERE id = ?";

typedef struct orig {
	long long obligation, number, amount, cancelled, adjusted;
	char agency[81], tpl[81], ser[81], date[11];
} orig;

static int load_orig(db *d, long long id, orig *o)
{
	db_stmt *s = S(d, Q_ORIG);
	int f;
	if (db_query(s, "i", id) < 0 || (f = db_fetch(s)) < 0)
		return CORR_DB;
	if (f == 0)
		return CORR_NONE;
	o->obligation = db_col_int(s, 0, 0);
	db_col_copy(s, 1, o->agency, sizeof o->agency);
	db_col_copy(s, 2, o->tpl, sizeof o->tpl);
	db_col_copy(s, 3, o->ser, sizeof o->ser);
	o->number = db_col_int(s, 4, 0);
	db_col_copy(s, 5, o->date, sizeof o->date);
	o->amount = db_col_int(s, 6, 0);
	o->cancelled = db_col_int(s, 7, 0);
	o->adjusted = db_col_int(s, 8, 0);
	while (db_fetch(s) > 0)
		;
	return CORR_OK;
}

/* "Mẫu số 01BLP0-001, ký hiệu C26TXA, số 12, ngày 03/02/2026": how the law
 * wants a correction to name the receipt it corrects. */
static void name_of(buf *b, const orig *o)
{
	buf_printf(b, "biên lai mẫu số %s, ký hiệu %s, số %lld, ngày %s", o->tpl, o->ser,
		   o->number, o->date);
}

/* What both corrections start with: the receipt as it stands (not
 * cancelled), a verification token for the new record, and its
 * description naming the receipt ("Hủy biên lai mẫu số …").  *desc is the
 * caller's to free. */
static int correction_start(db *d, long long receipt, const char *verb, orig *o,
			    char token[33], buf *desc)
{
	int rc = load_orig(d, receipt, o);
	if (rc != CORR_OK)
		return rc;
	if (o->cancelled)
		return CORR_CANCELLED;
	if (receipt_token(token) < 0)
		return CORR_DB;
	buf_puts(desc, verb);
	name_of(desc, o);
	return CORR_OK;
}

int receipt_cancel(db *d, long long receipt, const char *reason, const char *by)
{
	orig o;
	char token[33];
	buf desc = BUF_INIT;
	int rc = correction_start(d, receipt, "Hủy ", &o, token, &desc);
	if (rc == CORR_OK && db_exec(S(d, Q_CANCEL_INS), "ssssi", desc.p, token, reason, by,
				     receipt) != 1)
		rc = CORR_DB;
	buf_free(&desc);
	return rc;
}

int receipt_cancel_of_attempt(db *d, long long attempt, const char *reason, const char *by)
{
	db_stmt *s = S(d, Q_OF_ATTEMPT);
	int f;
	if (db_query(s, "i", attempt) < 0 || (f = db_fetch(s)) < 0)
		return CORR_DB;
	if (f == 0)
		return CORR_NONE;	/* a second success: it had no receipt */
	long long id = db_col_int(s, 0, 0);
	while (db_fetch(s) > 0)
		;
	int rc = receipt_cancel(d, id, reason, by);
	return rc == CORR_CANCELLED ? CORR_OK : rc;	/* cancelled by hand before: done */
}

int receipt_adjust(db *d, long long receipt, long long delta, const char *what,
		   const char *reason, const char *by, long long *number)
{
	orig o;
	char token[33];
	buf desc = BUF_INIT;
	int rc = correction_start(d, receipt, "Điều chỉnh cho ", &o, token, &desc);
	/* what the payer is recorded as having paid never goes below zero */
	if (rc == CORR_OK && o.amount + o.adjusted + delta < 0)
		rc = CORR_BELOW_ZERO;
	receipt_slot slot;
	if (rc == CORR_OK && receipt_next(d, o.agency, &slot) <= 0)
		rc = CORR_DB;
	if (rc != CORR_OK) {
		buf_free(&desc);
		return rc;
	}
	if (what && *what)
		buf_printf(&desc, ": %s", what);
	if (desc.len > 480) {	/* VARCHAR(500) counts characters */
		desc.len = utf8_prefix(desc.p, desc.len, 480);
		desc.p[desc.len] = '\0';
		buf_puts(&desc, "…");
	}
	long long n = db_exec(S(d, Q_ADJUST_INS), "iisssssisssi", slot.series, slot.number,
			      slot.unit, slot.tax, slot.tpl, slot.ser, desc.p, delta, token, reason,
			      by, receipt);
	buf_free(&desc);
	if (n != 1)
		return CORR_DB;
	*number = slot.number;
	return CORR_OK;
}

/* ---- the intranet ------------------------------------------------------- */

/* The obligation of the staff member's own agency, locked; its receipt. */
static const char Q_LOCK_OBL[] =
	"SELECT o.id, o.status, o.paid_attempt_id, (SELECT r.id FROM receipt r"
	" WHERE r.obligation_id = o.id AND r.kind = 'receipt' ORDER BY r.id LIMIT 1)"
	" FROM obligation o WHERE o.payment_code = ? AND o.agency_code = ? FOR UPDATE";
static const char Q_PAGE[] =
	"SELECT r.kind, COALESCE(r.number, 0), r.template_symbol, r.series_symbol,"
	" DATE_FORMAT(r.issued_at + INTERVAL 7 HOUR, '%d/%m/%Y %H:%i'), r.amount,"
	" COALESCE(r.reason, ''), COALESCE(r.issued_by, ''), r.verify_token, r.description"
	" FROM receipt r JOIN obligation o ON o.id = r.obligation_id"
	" WHERE o.payment_code = ? AND o.agency_code = ? ORDER BY r.id";
static const char Q_PAGE_OBL[] =
	"SELECT o.status, o.payer_name, o.total, o.reference, COALESCE(a.refund_state, 'none'),"
	" COALESCE(a.refund_error, '')"
	" FROM obligation o LEFT JOIN payment_attempt a ON a.id = o.paid_attempt_id"
	" WHERE o.payment_code = ? AND o.agency_code = ?";

static const char Q_REFUND_REQ[] =
	"UPDATE payment_attempt SET refund_state = 'due', refund_next_at = NULL, refund_tries = 0,"
	" refund_reason = ?, refund_by = ? WHERE id = ? AND state = 'paid' AND refund_state = 'none'";

static const char *kind_vi(const char *k)
{
	if (strcmp(k, "cancellation") == 0)
		return "Thông báo hủy";
	if (strcmp(k, "adjustment") == 0)
		return "Biên lai điều chỉnh";
	return "Biên lai";
}

/* One row of a receipt list (a receipt's page, the register) under
 * LIST.i: its kind, then from column c the number, template, series and
 * issue date, and the signed amount in column amount_col. */
static void receipt_row(request *r, const char *list, int i, const char *k, db_stmt *s,
			int c, int amount_col, buf *m)
{
	hsetf(r, k, "%s.%d.kind", list, i);
	hsetf(r, kind_vi(k), "%s.%d.kind_vi", list, i);
	hsetf(r, db_col(s, c, NULL), "%s.%d.number", list, i);
	hsetf(r, db_col(s, c + 1, NULL), "%s.%d.template", list, i);
	hsetf(r, db_col(s, c + 2, NULL), "%s.%d.series", list, i);
	hsetf(r, db_col(s, c + 3, NULL), "%s.%d.issued", list, i);
	long long v = db_col_int(s, amount_col, 0);
	buf_reset(m);
	if (v < 0)
		buf_puts(m, "-");
	pay_money(m, v < 0 ? -v : v);
	hsetf(r, m->p, "%s.%d.amount", list, i);
}

static int page(request *r, const char *code, const char *done)
{
	const char *agency = r->user->agency_code;
	hset(r, "Rcpt.code", code);
	if (done)
		hset(r, "Rcpt.done", done);
	db_stmt *s = S(server_db(), Q_PAGE_OBL);
	int f;
	if (db_query(s, "ss", code, agency) < 0 || (f = db_fetch(s)) < 0)
		return 503;
	if (f == 0) {
		r->error.message = "Không có khoản nộp nào mang mã này của cơ quan bạn.";
		return 404;
	}
	hset(r, "Rcpt.status", db_col(s, 0, NULL));
	hset(r, "Rcpt.status_vi", obligation_status_vi(db_col(s, 0, NULL)));
	hset(r, "Rcpt.payer", db_col(s, 1, NULL));
	buf m = BUF_INIT;
	pay_money(&m, db_col_int(s, 2, 0));
	hset(r, "Rcpt.total", m.p);
	hset(r, "Rcpt.reference", db_col(s, 3, NULL));
	hset(r, "Rcpt.refund", db_col(s, 4, NULL));
	const char *rs = db_col(s, 4, NULL);
	hset(r, "Rcpt.refund_vi", refund_vi(rs ? rs : "none"));
	hset(r, "Rcpt.refund_error", db_col(s, 5, NULL));
	while (db_fetch(s) > 0)
		;
	s = S(server_db(), Q_PAGE);
	if (db_query(s, "ss", code, agency) < 0) {
		buf_free(&m);
		return 503;
	}
	int cancelled = 0;
	for (int i = 0; db_fetch(s) > 0; i++) {
		const char *k = db_col(s, 0, NULL);
		cancelled |= strcmp(k, "cancellation") == 0;
		receipt_row(r, "Rows", i, k, s, 1, 5, &m);
		hsetf(r, db_col(s, 6, NULL), "Rows.%d.reason", i);
		hsetf(r, db_col(s, 7, NULL), "Rows.%d.by", i);
		hsetf(r, db_col(s, 8, NULL), "Rows.%d.token", i);
		hsetf(r, db_col(s, 9, NULL), "Rows.%d.description", i);
	}
	buf_free(&m);
	hset(r, "Rcpt.cancelled", cancelled ? "1" : "0");
	return render(r, "admin_receipt.cs");
}

/* The agency's latest receipts, cancellations and adjustments, newest
 * first: what an auditor reconciles against the treasury's statement
 * starts from the register, not from a payment code they do not have. */
static const char Q_REGISTER[] =
	"SELECT o.payment_code, r.kind, COALESCE(r.number, 0), r.template_symbol, r.series_symbol,"
	" DATE_FORMAT(r.issued_at + INTERVAL 7 HOUR, '%d/%m/%Y %H:%i'), r.payer_name, r.amount,"
	" r.verify_token"
	" FROM receipt r JOIN obligation o ON o.id = r.obligation_id"
	" WHERE r.agency_code = ? ORDER BY r.id DESC LIMIT 100";

/* One day of the register, in Vietnam time, and its totals: what the
 * auditor sets against the treasury's statement of that day.  The totals
 * are the database's sums over the whole day, so a list cut at its limit
 * still adds up, and the page says it is cut. */
#define DAY_MAX 500
static const char Q_DAY[] =
	"SELECT o.payment_code, r.kind, COALESCE(r.number, 0), r.template_symbol, r.series_symbol,"
	" DATE_FORMAT(r.issued_at + INTERVAL 7 HOUR, '%d/%m/%Y %H:%i'), r.payer_name, r.amount,"
	" r.verify_token"
	" FROM receipt r JOIN obligation o ON o.id = r.obligation_id"
	" WHERE r.agency_code = ? AND r.issued_at >= ? - INTERVAL 7 HOUR"
	" AND r.issued_at < ? + INTERVAL 17 HOUR ORDER BY r.id LIMIT 501";
static const char Q_DAY_SUM[] =
	"SELECT SUM(kind = 'receipt'), COALESCE(SUM(IF(kind = 'receipt', amount, 0)), 0),"
	" SUM(kind = 'adjustment'), COALESCE(SUM(IF(kind = 'adjustment', amount, 0)), 0),"
	" SUM(kind = 'cancellation'), COALESCE(SUM(IF(kind = 'cancellation', amount, 0)), 0)"
	" FROM receipt WHERE agency_code = ? AND issued_at >= ? - INTERVAL 7 HOUR"
	" AND issued_at < ? + INTERVAL 17 HOUR";

/* "-20.000", "0" (never "-0"): a cancellation's sum is shown as taken off */
static void signed_money(buf *m, long long v)
{
	buf_reset(m);
	if (v < 0)
		buf_puts(m, "-");
	pay_money(m, v < 0 ? -v : v);
}

static int day_totals(request *r, const char *day)
{
	db_stmt *s = S(server_db(), Q_DAY_SUM);
	if (db_query(s, "sss", r->user->agency_code, day, day) < 0 || db_fetch(s) < 0)
		return -1;
	long long v[6];
	for (int k = 0; k < 6; k++)
		v[k] = db_col_int(s, k, 0);
	while (db_fetch(s) > 0)
		;
	static const char *const names[] = {"n_receipt", "receipts", "n_adjust", "adjust",
					    "n_cancel", "cancel"};
	buf m = BUF_INIT;
	for (int k = 0; k < 6; k++) {
		if (k == 5)
			signed_money(&m, -v[k]);
		else if (k % 2)
			signed_money(&m, v[k]);
		else {
			buf_reset(&m);
			buf_printf(&m, "%lld", v[k]);
		}
		hsetf(r, m.p, "Reg.%s", names[k]);
	}
	/* kept: what the day's receipts and adjustments say was collected,
	 * less the receipts the unit declared void that day */
	signed_money(&m, v[1] + v[3] - v[5]);
	hset(r, "Reg.net", m.p);
	buf_free(&m);
	return 0;
}

static int register_page(request *r, const char *vn_day)
{
	db_stmt *s;
	const char *day = NULL;
	if (vn_day) {	/* dd/mm/yyyy, checked by the route (main.c) */
		day = arena_printf(r->a, "%.4s-%.2s-%.2s", vn_day + 6, vn_day + 3, vn_day);
		if (day_totals(r, day) < 0)
			return 503;
		hset(r, "Reg.day", vn_day);
		s = S(server_db(), Q_DAY);
		if (db_query(s, "sss", r->user->agency_code, day, day) < 0)
			return 503;
	} else {
		s = S(server_db(), Q_REGISTER);
		if (db_query(s, "s", r->user->agency_code) < 0)
			return 503;
	}
	buf m = BUF_INIT;
	int i = 0;
	for (; db_fetch(s) > 0; i++) {
		if (day && i >= DAY_MAX)
			continue;	/* drained; the extra row only says "cut" */
		const char *k = db_col(s, 1, NULL);
		if (!k)
			k = "receipt";
		hsetf(r, db_col(s, 0, NULL), "List.%d.code", i);
		receipt_row(r, "List", i, k, s, 2, 7, &m);
		hsetf(r, db_col(s, 6, NULL), "List.%d.payer", i);
		hsetf(r, db_col(s, 8, NULL), "List.%d.token", i);
	}
	if (day && i > DAY_MAX)
		hset(r, "Reg.cut", "1");
	buf_free(&m);
	return render(r, "admin_receipt.cs");
}

int h_admin_receipt(request *r)
{
	/* the query's fields in main.c's order: ma, xong, ngay */
	const char *code = r->query[0].s;
	if (!code || !*code)	/* the look-up form and the register */
		return register_page(r, r->query[2].s && *r->query[2].s ? r->query[2].s : NULL);
	return page(r, code, r->query[1].s);
}

typedef struct corr_arg {
	request *r;
	const char *code;
	int what;		/* 'c' cancel, 'a' adjust, 'r' refund */
	long long delta, number;
	const char *text, *reason;
} corr_arg;

static int corr_tx(db *d, void *p)
{
	corr_arg *a = p;
	db_stmt *s = S(d, Q_LOCK_OBL);
	int f;
	if (db_query(s, "ss", a->code, a->r->user->agency_code) < 0 || (f = db_fetch(s)) < 0)
		return DB_TX_FAILED;
	if (f == 0)
		return 404;
	char status[16];
	db_col_copy(s, 1, status, sizeof status);
	long long attempt = db_col_int(s, 2, 0), receipt = db_col_int(s, 3, 0);
	while (db_fetch(s) > 0)
		;
	if (!receipt)
		return 409;	/* never paid: nothing to correct or refund */
	int rc;
	const char *action;
	buf detail = BUF_INIT;
	if (a->what == 'r') {
		/* the bank gives the money back through the refund job; the
		 * receipt is cancelled when the bank confirms (refund.c) */
		if (strcmp(status, "paid") != 0 || !attempt) {
			buf_free(&detail);
			return 409;
		}
		rc = db_exec(S(d, Q_REFUND_REQ), "ssi", a->reason, a->r->user->login, attempt) == 1 ? CORR_OK : CORR_CANCELLED;
		action = "payment_refund_request";
		buf_puts(&detail, a->reason);
	} else if (a->what == 'c') {
		rc = receipt_cancel(d, receipt, a->reason, a->r->user->login);
		action = "payment_receipt_cancel";
		buf_puts(&detail, a->reason);
	} else {
		/* The same adjustment posted again (a double tap, a retry after
		 * an error page whose request had gone through) is not made
		 * twice: under the obligation's lock, the first one's claim is
		 * committed by now (lib/once.h). */
		char fp[65], first[65];
		once_fp o;
		if (once_begin(&o, "receipt-adjust") < 0) {
			buf_free(&detail);
			return DB_TX_FAILED;
		}
		once_addi(&o, a->r->user->id);
		once_adds(&o, a->code);
		once_addi(&o, a->delta);
		once_adds(&o, a->text);
		once_adds(&o, a->reason);
		once_end(&o, fp);
		int once = once_claim(d, fp, a->code, first, sizeof first);
		if (once != ONCE_NEW) {
			buf_free(&detail);
			return once == ONCE_REPEAT ? 303 : DB_TX_FAILED;
		}
		rc = receipt_adjust(d, receipt, a->delta, a->text, a->reason, a->r->user->login,
				    &a->number);
		action = "payment_receipt_adjust";
		buf_printf(&detail, "số %lld; %lld đồng; %s; %s", a->number, a->delta,
			   a->text ? a->text : "", a->reason);
	}
	if (rc == CORR_CANCELLED || rc == CORR_BELOW_ZERO || rc == CORR_NONE) {
		buf_free(&detail);
		return rc == CORR_BELOW_ZERO ? 422 : 409;
	}
	if (rc != CORR_OK) {
		buf_free(&detail);
		return DB_TX_FAILED;
	}
	int arc = audit_log(d, a->r, action, a->code, detail.p);
	buf_free(&detail);
	return arc < 0 ? DB_TX_FAILED : 0;
}

/* A reason is required of every correction (the form may arrive without). */
static int need_reason(request *r, const char *v)
{
	if (v && *v)
		return 0;
	r->error.field = "ly_do";
	r->error.message = "Cần ghi lý do (bắt buộc, tối đa 500 ký tự).";
	return 400;
}

static int run(request *r, corr_arg *a, const char *done)
{
	int rc = db_tx(server_db(), corr_tx, a);
	if (rc == 404) {
		r->error.message = "Không có khoản nộp nào mang mã này của cơ quan bạn.";
		return 404;
	}
	if (rc == 409) {
		r->error.message = a->what == 'r'
			? "Chỉ hoàn tiền được khoản đã nộp, chưa hoàn và chưa có yêu cầu hoàn tiền."
			: "Biên lai này đã bị hủy, hoặc khoản này chưa có biên lai: không thể hủy hay điều chỉnh nữa.";
		return 409;
	}
	/* 303: a repeat of an adjustment already made; it shows as done */
	if (rc == 422) {
		r->error.field = "so_tien";
		r->error.message = "Điều chỉnh giảm quá số tiền đã thu trên biên lai.";
		return 422;
	}
	if (rc && rc != 303)
		return rc;
	return http_redirect(r, arena_printf(r->a, "/payment/admin/receipts?ma=%s&xong=%s",
					     a->code, done));
}

int h_admin_receipt_cancel(request *r)
{
	corr_arg a = {.r = r, .code = req_capture(r, "code"), .what = 'c', .reason = r->form[0].s};
	int st = need_reason(r, a.reason);
	return st ? st : run(r, &a, "huy");
}

int h_admin_refund_paid(request *r)
{
	corr_arg a = {.r = r, .code = req_capture(r, "code"), .what = 'r', .reason = r->form[0].s};
	int st = need_reason(r, a.reason);
	return st ? st : run(r, &a, "hoan");
}

/* "-20.000", "+50.000", "50000", "0": whole đồng, dots grouping thousands */
static int parse_delta(const char *v, long long *out)
{
	int neg = 0;
	if (*v == '-' || *v == '+')
		neg = *v++ == '-';
	long long n = 0;
	int digits = 0;
	for (; *v; v++) {
		if (*v == '.' || *v == ' ')
			continue;
		if (*v < '0' || *v > '9')
			return -1;
		n = n * 10 + (*v - '0');
		if (++digits > 16 || n > MAX_DELTA)
			return -1;
	}
	if (!digits)
		return -1;
	*out = neg ? -n : n;
	return 0;
}

int h_admin_receipt_adjust(request *r)
{
	/* the form's fields in main.c's order: so_tien, noi_dung, ly_do */
	corr_arg a = {.r = r, .code = req_capture(r, "code"), .what = 'a',
		      .text = r->form[1].s, .reason = r->form[2].s};
	const char *v = r->form[0].s;
	if (!v || parse_delta(v, &a.delta) < 0) {
		r->error.field = "so_tien";
		r->error.message = "Số tiền điều chỉnh: đồng, số nguyên, có dấu - khi điều chỉnh giảm "
				   "(ví dụ -20.000), 0 khi chỉ sửa nội dung.";
		return 400;
	}
	if (a.delta == 0 && !(a.text && *a.text)) {
		r->error.field = "noi_dung";
		r->error.message = "Điều chỉnh không đổi số tiền cần ghi nội dung được sửa.";
		return 400;
	}
	int st = need_reason(r, a.reason);
	return st ? st : run(r, &a, "dieu-chinh");
}
