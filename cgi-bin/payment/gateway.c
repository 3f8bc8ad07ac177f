/* gateway.c - the VNPay side of the area: start a payment, the IPN, the
 * browser's return, and asking the bank (querydr).  The protocol itself
 * (encoding, signatures) is vnpay.c; this file decides what to do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "httpc.h"
#include "json.h"
#include "jsonparse.h"
#include "obligation.h"
#include "paycode.h"
#include "payment.h"
#include "render.h"
#include "server.h"
#include "vnpay.h"

/* ---- starting a payment ---------------------------------------------- */

/* vnp_OrderType per group.  pay.html: "Mã danh mục hàng hóa. Mỗi hàng hóa
 * sẽ thuộc một nhóm danh mục do VNPAY quy định", the categories being the
 * table of sandbox.vnpayment.vn/apis/docs/loai-hang-hoa/ (100000 food ...
 * 190000 entertainment and training, 250000 payments, 270000 pharmacy and
 * medical services); "other" is for what no category fits.  What the
 * state collects on a notice or a decision (fees, taxes, insurance, fines,
 * court advances) and the electricity bill are payments of a bill: 250000.
 * Tuition is training (190000), hospital fees medical services (270000).
 * VNPay's reports and fee schedule go by the category. */
static const char *const vnp_order_types[OG_COUNT] = {
	[OG_PHI_LE_PHI] = "250000", [OG_THUE] = "250000", [OG_BHXH_BHYT] = "250000",
	[OG_PHAT_VPHC] = "250000", [OG_TIEN_DIEN] = "250000", [OG_AN_PHI] = "250000",
	[OG_VIEN_PHI] = "270000", [OG_HOC_PHI] = "190000",
};

static const char Q_START_LOCK[] =
	"SELECT id, status, total, grp FROM obligation WHERE payment_code = ? FOR UPDATE";
static const char Q_START_INSERT[] =
	"INSERT INTO payment_attempt (obligation_id, gateway, txn_ref, amount, state, bank_code,"
	" create_date, client_ip, created_at, next_check_at)"
	" VALUES (?, 'vnpay', ?, ?, 'pending', ?, ?, ?, UTC_TIMESTAMP(3),"
	" UTC_TIMESTAMP(3) + INTERVAL ? MINUTE)";
static const char Q_START_MARK[] =
	"UPDATE obligation SET status = 'being_paid' WHERE id = ? AND status = 'unpaid'";

typedef struct start_arg {
	const char *code, *bank, *ip;
	char txn_ref[35];
	char create_date[15];
	time_t created;
	long long total;
	char status[16];
	int group;
} start_arg;

static int start_tx(db *d, void *p)
{
	start_arg *a = p;
	db_stmt *s = S(d, Q_START_LOCK);
	if (db_query(s, "s", a->code) < 0)
		return DB_TX_FAILED;
	int r = db_fetch(s);
	if (r < 0)
		return DB_TX_FAILED;
	if (r == 0)
		return 404;
	long long id = db_col_int(s, 0, 0);
	db_col_copy(s, 1, a->status, sizeof a->status);
	a->total = db_col_int(s, 2, 0);
	a->group = obligation_group_parse(db_col(s, 3, NULL));
	while (db_fetch(s) > 0)
		;
	if (strcmp(a->status, "unpaid") != 0 && strcmp(a->status, "being_paid") != 0)
		return 409;
	if (a->total > VNP_AMOUNT_MAX)	/* the bank would refuse the request */
		return 422;
	a->created = time(NULL);
	vnp_time(a->created, a->create_date);
	for (int tries = 0;; tries++) {
		/* the payment code and six random digits: unique per attempt */
		long long n = crypto_uniform(1000000);
		if (n < 0)
			return 500;
		snprintf(a->txn_ref, sizeof a->txn_ref, "%s%06lld", a->code, n);
		long long rc = db_exec(S(d, Q_START_INSERT), "isisssi", id, a->txn_ref, a->total,
				       a->bank && *a->bank ? a->bank : NULL, a->create_date,
				       a->ip, (long long)cfg.sweep_minutes);
		if (rc == 1)
			break;
		if (db_errclass(d) != DB_DUPLICATE || tries == 3)
			return DB_TX_FAILED;
	}
	if (db_exec(S(d, Q_START_MARK), "i", id) < 0)
		return DB_TX_FAILED;
	return 0;
}

int h_pay_start(request *r)
{
	start_arg a = {0};
	a.code = req_capture(r, "code");
	a.bank = r->form[1].s;     /* bank (optional), after gateway */
	a.ip = r->remote_addr && *r->remote_addr ? r->remote_addr : "127.0.0.1";
	/* a 404 here and a 303 to the bank there answer a guessed code as
	 * the page does: counted with the page's and the finder's misses */
	int held = pay_guess_gate(r);
	if (held)
		return held;
	int rc = db_tx(server_db(), start_tx, &a);
	if (rc == 409)             /* paid or closed meanwhile: show what it is */
		return http_redirect(r, arena_printf(r->a, "/pay/%s", a.code));
	if (rc == 404)
		return pay_guess_missed(r);
	if (rc == 422) {
		r->error.message = pay_over_gateway_vi;
		return 422;
	}
	if (rc)
		return rc;
	buf info = BUF_INIT;
	char shown[PAYCODE_LEN + 3];
	paycode_format(a.code, shown);
	buf_printf(&info, "Thanh toan %s %s", shown,
		   a.group >= 0 ? obligation_group_titles[a.group] : "");
	buf oi = BUF_INIT;
	vnp_orderinfo(&oi, info.p);
	vnp_pay p = {
		.tmn_code = cfg.tmn_code, .amount = a.total, .txn_ref = a.txn_ref,
		.order_info = oi.p,
		.order_type = a.group >= 0 ? vnp_order_types[a.group] : "other",
		.return_url = arena_printf(r->a, "%s/payment/vnpay/return", cfg.public_url),
		.ip_addr = a.ip, .created = a.created, .expire_minutes = (int)cfg.expire_minutes,
		.bank_code = a.bank, .locale = "vn",
	};
	buf url = BUF_INIT;
	int ok = vnp_pay_url(&url, cfg.pay_url, cfg.hash_secret, &p);
	if (ok == 0)
		http_header(r, "Location", arena_strdup(r->a, url.p));
	buf_free(&info);
	buf_free(&oi);
	buf_free(&url);
	return ok == 0 ? 303 : 500;
}

/* ---- callbacks --------------------------------------------------------- */

/* The raw query as decoded pairs for vnpay.c; -1 if it does not parse. */
static int pairs(request *r, vnp_kv **out, size_t *n)
{
	kvlist l = {0};
	const char *bad = NULL;
	const char *q = r->raw_query ? r->raw_query : "";
	if (form_parse(r->a, q, strlen(q), 64, &l, &bad) != URL_OK)
		return -1;
	*out = arena_calloc(r->a, l.n + 1, sizeof **out);
	for (size_t i = 0; i < l.n; i++)
		(*out)[i] = (vnp_kv){l.items[i].name, l.items[i].value};
	*n = l.n;
	return 0;
}

static int digits(const char *s, size_t min, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return n >= min && n <= max && strspn(s, "0123456789") == n;
}

/* VNPay's vnp_Amount is đồng × 100: digits ending in "00", or it is no
 * amount we ever asked for (the callback and querydr's answer alike). */
static int whole_dong(const char *amount, long long *dong)
{
	if (!digits(amount, 3, 19) || strcmp(amount + strlen(amount) - 2, "00") != 0)
		return 0;
	*dong = strtoll(amount, NULL, 10) / 100;
	return 1;
}

/* Check a verified callback's fields into a bank_result.  NULL when they
 * fit; otherwise the answer VNPay's codes give it, so the bank stops
 * retrying what can never settle: a reference no attempt of ours can have
 * (ours are at most 34 characters, payment_attempt.txn_ref) is an order not
 * found (01), an amount that is not a whole number of đồng × 100 an invalid
 * amount (04), any other field out of its column's size 99.
 *
 * A signed IPN without vnp_ResponseCode or vnp_TransactionStatus is still
 * an answer VNPay's samples confirm (00) once the order is found, the
 * amount right and the order pending: vnpay_ipn.php counts a success only
 * when both codes are 00, vnpay_ipn.jsp when vnp_ResponseCode is, and
 * either records anything else as a failure.  Answering 99 instead had the
 * bank retry, for as long as it retries, a message that cannot change.  A
 * failure both samples agree on is recorded as one; vnp_ResponseCode 00
 * without a status, a success to the Java sample and a failure to the PHP
 * one, is neither: the bank is asked (ask_bank). */
static const char *result_of(const vnp_kv *vk, size_t n, bank_result *b)
{
	const char *amount = vnp_get(vk, n, "vnp_Amount");
	memset(b, 0, sizeof *b);
	b->txn_ref = vnp_get(vk, n, "vnp_TxnRef");
	b->response_code = vnp_get(vk, n, "vnp_ResponseCode");
	b->transaction_status = vnp_get(vk, n, "vnp_TransactionStatus");
	b->transaction_no = vnp_get(vk, n, "vnp_TransactionNo");
	b->bank_code = vnp_get(vk, n, "vnp_BankCode");
	b->bank_tran_no = vnp_get(vk, n, "vnp_BankTranNo");
	b->card_type = vnp_get(vk, n, "vnp_CardType");
	b->pay_date = vnp_get(vk, n, "vnp_PayDate");
	if (!b->txn_ref || !*b->txn_ref || strlen(b->txn_ref) > 34)
		return RSP_NOT_FOUND;
	if (!whole_dong(amount, &b->amount))
		return RSP_AMOUNT;
	if (!b->transaction_status)
		b->ask_bank = b->response_code && strcmp(b->response_code, "00") == 0;
	if ((b->response_code && strlen(b->response_code) > 4) ||
	    (b->transaction_status && strlen(b->transaction_status) > 4) ||
	    (b->transaction_no && strlen(b->transaction_no) > 20) ||
	    (b->bank_code && strlen(b->bank_code) > 20) ||
	    (b->bank_tran_no && strlen(b->bank_tran_no) > 40) ||
	    (b->card_type && strlen(b->card_type) > 20) ||
	    (b->pay_date && strlen(b->pay_date) > 14))
		return RSP_OTHER;
	return NULL;
}

static int ipn_answer(request *r, const char *rsp)
{
	static const struct { const char *code, *msg; } msgs[] = {
		{RSP_OK, "Confirm Success"}, {RSP_NOT_FOUND, "Order not found"},
		{RSP_ALREADY, "Order already confirmed"}, {RSP_AMOUNT, "Invalid amount"},
		{RSP_SIGNATURE, "Invalid signature"}, {RSP_OTHER, "Unknown error"},
	};
	const char *m = "Unknown error";
	for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
		if (strcmp(msgs[i].code, rsp) == 0)
			m = msgs[i].msg;
	buf_printf(r->body, "{\"RspCode\":\"%s\",\"Message\":\"%s\"}", rsp, m);
	r->content_type = "application/json; charset=utf-8";
	return 200;
}

int h_vnpay_ipn(request *r)
{
	db *d = server_db();
	vnp_kv *vk = NULL;
	size_t n = 0;
	int parsed = pairs(r, &vk, &n) == 0;
	const char *ref = parsed ? vnp_get(vk, n, "vnp_TxnRef") : NULL;
	const char *rsp;
	bank_result b;
	/* Judged in memory first (no database needed): a callback that can
	 * settle something is stored by settle() in its own transaction; any
	 * other is stored on its own here, before it is answered.  A query
	 * that is not a list of pairs (a broken %-escape, more pairs than
	 * VNPay ever signs) carries no signature anyone could check: 97, as
	 * VNPay's samples answer a hash that does not match (99 would have the
	 * bank send the same bytes again for nothing). */
	if (!parsed || vnp_verify(cfg.hash_secret, vk, n) != VNP_VALID)
		rsp = RSP_SIGNATURE;
	else if (!vnp_get(vk, n, "vnp_TmnCode") || strcmp(vnp_get(vk, n, "vnp_TmnCode"), cfg.tmn_code) != 0)
		rsp = RSP_NOT_FOUND;
	else if ((rsp = result_of(vk, n, &b)) == NULL) {
		b.source = SRC_IPN;
		b.raw = r->raw_query ? r->raw_query : "";
		b.addr = r->remote_addr;
		return ipn_answer(r, settle(d, &b));
	}
	long long id = callback_store(d, "ipn", r->remote_addr, r->raw_query, ref);
	if (id < 0) {
		/* the database is away: kept on disk instead (spool.c) */
		spool_write("ipn", r->remote_addr, r->raw_query, ref, RSP_OTHER);
		return ipn_answer(r, RSP_OTHER);
	}
	callback_result(d, id, rsp);
	return ipn_answer(r, rsp);
}

/* ---- asking the bank ---------------------------------------------------- */

static const char Q_ATT_BY_REF[] =
	"SELECT a.state, a.create_date, o.payment_code, a.created_at < UTC_TIMESTAMP(3) - INTERVAL ? MINUTE"
	" FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id WHERE a.txn_ref = ?";
static const char Q_EXPIRE[] =
	"UPDATE payment_attempt SET state = 'expired', settled_by = 'sweeper',"
	" settled_at = UTC_TIMESTAMP(3) WHERE txn_ref = ? AND state = 'pending'";
static const char Q_EXPIRE_OBL[] =
	"UPDATE obligation o JOIN payment_attempt a ON a.obligation_id = o.id"
	" SET o.status = 'unpaid' WHERE a.txn_ref = ? AND o.status = 'being_paid'"
	" AND NOT EXISTS (SELECT 1 FROM payment_attempt p WHERE p.obligation_id = o.id"
	" AND p.state = 'pending')";

static int attempt_state(db *d, const char *ref, char *state, size_t sl, char *cdate,
			 int *old)
{
	db_stmt *s = S(d, Q_ATT_BY_REF);
	/* "old": past the bank's payment window, with a margin */
	if (db_query(s, "is", (long long)cfg.expire_minutes + 5, ref) < 0)
		return -1;
	int r = db_fetch(s);
	if (r <= 0)
		return r < 0 ? -1 : 0;
	db_col_copy(s, 0, state, sl);
	if (cdate)
		db_col_copy(s, 1, cdate, 15);
	if (old)
		*old = (int)db_col_int(s, 3, 0);
	while (db_fetch(s) > 0)
		;
	return 1;
}

typedef struct expire_arg { const char *ref; } expire_arg;

static int expire_tx(db *d, void *p)
{
	expire_arg *a = p;
	if (db_exec(S(d, Q_EXPIRE), "s", a->ref) < 0 ||
	    db_exec(S(d, Q_EXPIRE_OBL), "s", a->ref) < 0)
		return DB_TX_FAILED;
	return 0;
}

int check_with_bank(db *d, const char *ref, char *state, size_t sl)
{
	char cdate[15];
	int old = 0;
	if (attempt_state(d, ref, state, sl, cdate, &old) <= 0)
		return -1;
	if (strcmp(state, "pending") != 0)
		return 0;
	char reqid[33], info[64];
	unsigned char rnd[8];
	if (crypto_random(rnd, sizeof rnd) < 0)
		return -1;
	for (int i = 0; i < 8; i++)
		snprintf(reqid + 2 * i, 3, "%02x", rnd[i]);
	snprintf(info, sizeof info, "Truy van giao dich %s", ref);
	vnp_query q = {
		.tmn_code = cfg.tmn_code, .request_id = reqid, .txn_ref = ref,
		.order_info = info, .transaction_date = cdate, .created = time(NULL),
		.ip_addr = cfg.server_ip,
	};
	buf body = BUF_INIT;
	if (vnp_querydr_body(&body, cfg.hash_secret, &q) < 0) {
		buf_free(&body);
		return -1;
	}
	httpc_result res;
	int rc = httpc_post(cfg.api_url, NULL, "application/json", body.p, body.len, 5000, &res);
	buf_free(&body);
	if (rc < 0 || res.status != 200) {
		fprintf(stderr, "payment: querydr %s: %s (HTTP %ld)\n", ref,
			rc < 0 ? res.error : "bank answered", res.status);
		return -1;
	}
	long long id = callback_store(d, "querydr", "bank", res.body, ref);
	arena *a = arena_new(8192);
	char err[80];
	json_value *o = json_parse(a, res.body, res.len, err, sizeof err);
	int out = -1;
	const char *code = o ? json_get_str(o, "vnp_ResponseCode") : NULL;
	const char *tref = o ? json_get_str(o, "vnp_TxnRef") : NULL;
	if (!o || vnp_querydr_answer_verify(cfg.hash_secret, o) != VNP_VALID || !code) {
		callback_result(d, id, RSP_SIGNATURE);
		fprintf(stderr, "payment: querydr %s: answer not verified\n", ref);
	} else if (strcmp(code, "91") == 0) {
		/* the bank never saw it: the person did not reach the bank */
		if (old)
			db_tx(d, expire_tx, &(expire_arg){ref});
		callback_result(d, id, code);
		out = 0;
	} else if (strcmp(code, "00") == 0 && tref && strcmp(tref, ref) == 0) {
		const char *status = json_get_str(o, "vnp_TransactionStatus");
		const char *amount = json_get_str(o, "vnp_Amount");
		long long dong;
		if (status && strcmp(status, "01") == 0) {
			if (old)	/* never completed, and the window is past */
				db_tx(d, expire_tx, &(expire_arg){ref});
			out = 0;
		} else if (status && whole_dong(amount, &dong)) {
			bank_result b = {
				.txn_ref = ref, .amount = dong,
				.response_code = strcmp(status, "00") == 0 ? "00" : "99",
				.transaction_status = status,
				.transaction_no = json_get_str(o, "vnp_TransactionNo"),
				.bank_code = json_get_str(o, "vnp_BankCode"),
				.pay_date = json_get_str(o, "vnp_PayDate"),
				.source = SRC_QUERYDR,
			};
			const char *rsp = settle(d, &b);
			out = strcmp(rsp, RSP_OTHER) == 0 ? -1 : 0;
		} else if (status) {
			/* signed, but no amount we ever asked for: left pending,
			 * its answer kept (callback_raw) for whoever looks */
			fprintf(stderr, "payment: querydr %s: vnp_Amount %s is not đồng × 100\n", ref,
				amount ? amount : "(none)");
		}
		callback_result(d, id, code);
	} else {
		callback_result(d, id, code);
	}
	arena_free(a);
	if (out == 0)
		attempt_state(d, ref, state, sl, NULL, NULL);
	return out;
}

/* ---- the browser comes back ------------------------------------------- */

static const char Q_CODE_OF[] =
	"SELECT o.payment_code FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id"
	" WHERE a.txn_ref = ?";
/* The right to ask the bank about a pending attempt from the return page:
 * one row changed when nobody asked in the last return_ask_seconds.  One
 * UPDATE, so concurrent returns on any process or host take turns on the
 * row and only the first of a burst wins (sql/022_return_ask.sql). */
static const char Q_ASK_CLAIM[] =
	"UPDATE payment_attempt SET asked_at = UTC_TIMESTAMP(3) WHERE txn_ref = ?"
	" AND state = 'pending'"
	" AND (asked_at IS NULL OR asked_at <= UTC_TIMESTAMP(3) - INTERVAL ? SECOND)";

/* The person back from the bank.  The return never decides: it shows what
 * the portal knows (the pay page, with the latest attempt as recorded),
 * and asks the bank (querydr, whose signed answer settles) while the
 * attempt is still pending.
 *
 * A return whose signature fails is still a person who was at the bank
 * (a proxy that rewrote the query, a bank's fault) or a forgery: nothing
 * in it is believed, but its vnp_TxnRef names the attempt to show, and the
 * bank is asked about that attempt exactly as for a good return.  What it
 * reaches is what a good return reaches: the public page of the payment
 * code, which the reference begins with anyway.  Asking is rationed per
 * attempt (Q_ASK_CLAIM), so returns in a burst, forged or reloaded, cost
 * the bank's API one call per interval; a reference no attempt has asks
 * nobody. */
int h_vnpay_return(request *r)
{
	db *d = server_db();
	vnp_kv *vk = NULL;
	size_t n = 0;
	int parsed = pairs(r, &vk, &n) == 0;
	const char *ref = parsed ? vnp_get(vk, n, "vnp_TxnRef") : NULL;
	long long id = callback_store(d, "return", r->remote_addr, r->raw_query, ref);
	if (id < 0) {
		spool_write("return", r->remote_addr, r->raw_query, ref, "503");
		return 503;
	}
	int good = parsed && vnp_verify(cfg.hash_secret, vk, n) == VNP_VALID;
	/* kept in callback_raw for whoever reconciles: 97 for every return
	 * that failed its signature, whatever the bank then said */
	const char *rsp = good ? RSP_OK : RSP_SIGNATURE;
	static const char unverified[] =
		"Không xác thực được kết quả ngân hàng gửi về (thiếu hoặc sai mã giao dịch vnp_TxnRef). "
		"Nếu tiền đã bị trừ, khoản nộp sẽ được xác nhận khi ngân hàng báo cho cổng; "
		"bạn có thể xem lại khoản nộp bằng mã thanh toán ở mục Nộp phí, lệ phí.";
	char state[16] = "";
	int found = ref && *ref && strlen(ref) <= 34 ?
		attempt_state(d, ref, state, sizeof state, NULL, NULL) : 0;
	if (found < 0) {
		callback_result(d, id, RSP_OTHER);
		return 503;
	}
	if (found == 0) {
		callback_result(d, id, good ? RSP_NOT_FOUND : RSP_SIGNATURE);
		r->error.field = "vnp_TxnRef";
		r->error.message = good ? "Không tìm thấy giao dịch này." : unverified;
		return good ? 404 : 400;
	}
	if (strcmp(state, "pending") == 0 &&
	    db_exec(S(d, Q_ASK_CLAIM), "si", ref, (long long)cfg.return_ask_seconds) == 1)
		check_with_bank(d, ref, state, sizeof state);
	callback_result(d, id, rsp);
	db_stmt *s = S(d, Q_CODE_OF);
	if (db_query(s, "s", ref) < 0 || db_fetch(s) <= 0)
		return 503;
	char code[13];
	db_col_copy(s, 0, code, sizeof code);
	while (db_fetch(s) > 0)
		;
	return http_redirect(r, arena_printf(r->a, "/pay/%s?ket_qua=%s", code, state));
}
