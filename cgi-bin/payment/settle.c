/* settle.c - an attempt's outcome, written exactly once (see payment.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "crypto.h"
#include "json.h"
#include "obligation.h"
#include "outbox.h"
#include "payment.h"
#include "vntext.h"

pay_conf cfg;

void pay_conf_load(void)
{
	cfg.tmn_code = conf_str("PORTAL_VNPAY_TMN_CODE", "");
	cfg.hash_secret = conf_str("PORTAL_VNPAY_HASH_SECRET", "");
	cfg.pay_url = conf_str("PORTAL_VNPAY_URL", "");
	cfg.api_url = conf_str("PORTAL_VNPAY_API_URL", "");
	cfg.public_url = conf_str("PORTAL_PUBLIC_URL", "http://127.0.0.1:8080");
	cfg.apikey_master = conf_str("PORTAL_APIKEY_MASTER", "");
	cfg.sweep_minutes = conf_int("PORTAL_PAYMENT_SWEEP_MINUTES", 15);
	cfg.expire_minutes = conf_int("PORTAL_VNPAY_EXPIRE_MINUTES", 15);
}

/* One process, one or two connections (the worker's, a job's): a small
 * table from SQL text to its statement on that connection. */
#define MAX_CACHED 48
static struct { db *d; const char *sql; db_stmt *s; } cache[MAX_CACHED];
static int ncache;

db_stmt *S(db *d, const char *sql)
{
	for (int i = 0; i < ncache; i++)
		if (cache[i].d == d && cache[i].sql == sql)
			return cache[i].s;
	if (ncache == MAX_CACHED)
		abort();
	cache[ncache].d = d;
	cache[ncache].sql = sql;
	cache[ncache].s = db_prepare(d, sql);
	return cache[ncache++].s;
}

static void drain(db_stmt *s)
{
	while (db_fetch(s) > 0)
		;
}

static const char Q_CB_STORE[] =
	"INSERT INTO callback_raw (gateway, kind, received_at, client_addr, raw, txn_ref)"
	" VALUES ('vnpay', ?, UTC_TIMESTAMP(3), ?, ?, ?)";
static const char Q_CB_RESULT[] = "UPDATE callback_raw SET result = ? WHERE id = ?";
static const char Q_CB_STORE_DONE[] =
	"INSERT INTO callback_raw (gateway, kind, received_at, client_addr, raw, txn_ref, result)"
	" VALUES ('vnpay', 'ipn', UTC_TIMESTAMP(3), ?, ?, ?, ?)";

long long callback_store(db *d, const char *kind, const char *addr,
			 const char *raw, const char *txn_ref)
{
	db_stmt *s = S(d, Q_CB_STORE);
	char ref[35];
	snprintf(ref, sizeof ref, "%s", txn_ref ? txn_ref : "");
	if (db_exec(s, "ssss", kind, addr ? addr : "", raw ? raw : "",
		    *ref ? ref : NULL) != 1)
		return -1;
	return db_insert_id(s);
}

void callback_result(db *d, long long id, const char *rsp)
{
	if (id > 0)
		db_exec(S(d, Q_CB_RESULT), "si", rsp, id);
}

static const char Q_LOCK[] =
	"SELECT a.id, a.amount, a.state, o.id, o.status, o.agency_code, o.grp,"
	" o.payment_code, o.reference, o.payer_name, o.payer_id, o.total,"
	" o.dossier_code, (SELECT GROUP_CONCAT(l.name ORDER BY l.line_no SEPARATOR '; ')"
	" FROM obligation_line l WHERE l.obligation_id = o.id)"
	" FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id"
	" WHERE a.txn_ref = ? FOR UPDATE";
static const char Q_ATT_PAID[] =
	"UPDATE payment_attempt SET state = ?, refund_state = ?, response_code = ?,"
	" transaction_status = ?, transaction_no = ?, bank_code = COALESCE(?, bank_code),"
	" bank_tran_no = ?, card_type = ?, pay_date = ?, settled_by = ?,"
	" settled_at = UTC_TIMESTAMP(3) WHERE id = ?";
static const char Q_OBL_PAID[] =
	"UPDATE obligation SET status = 'paid', paid_attempt_id = ?, paid_at = UTC_TIMESTAMP(3)"
	" WHERE id = ?";
static const char Q_OBL_BACK[] =
	"UPDATE obligation SET status = 'unpaid' WHERE id = ? AND status = 'being_paid'"
	" AND NOT EXISTS (SELECT 1 FROM payment_attempt WHERE obligation_id = ? AND state = 'pending')";
static const char Q_SERIES_ENSURE[] =
	"INSERT IGNORE INTO receipt_series (agency_code, year, template_symbol, series_symbol)"
	" SELECT agency_code, ?, template_symbol, series_symbol FROM pay_receipt_setting"
	" WHERE agency_code = ?";
static const char Q_SERIES_LOCK[] =
	"SELECT s.id, s.last_no, rs.unit_name, rs.tax_code, rs.template_symbol, rs.series_symbol"
	" FROM pay_receipt_setting rs JOIN receipt_series s ON s.agency_code = rs.agency_code"
	" AND s.year = ? AND s.template_symbol = rs.template_symbol"
	" AND s.series_symbol = rs.series_symbol WHERE rs.agency_code = ? FOR UPDATE";
static const char Q_SERIES_BUMP[] = "UPDATE receipt_series SET last_no = ? WHERE id = ?";
static const char Q_RECEIPT[] =
	"INSERT INTO receipt (series_id, number, kind, obligation_id, attempt_id, agency_code,"
	" unit_name, tax_code, template_symbol, series_symbol, payer_name, payer_id,"
	" description, amount, method, issued_at, verify_token)"
	" VALUES (?, ?, 'receipt', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?)";
static const char Q_DAILY[] =
	"INSERT INTO pay_daily (day, agency_code, grp, shard, paid_count, paid_amount)"
	" VALUES (DATE(UTC_TIMESTAMP() + INTERVAL 7 HOUR), ?, ?, CONNECTION_ID() % 8, 1, ?)"
	" ON DUPLICATE KEY UPDATE paid_count = paid_count + 1, paid_amount = paid_amount + VALUES(paid_amount)";
static const char Q_HOOK[] = "SELECT url FROM pay_webhook_endpoint WHERE agency_code = ?";

/* The receipt series: the agency's current symbols for this year
 * (Vietnam's), its counter locked until the caller commits. */
int receipt_next(db *d, const char *agency, receipt_slot *out)
{
	time_t now = time(NULL) + 7 * 3600;
	struct tm tm;
	gmtime_r(&now, &tm);
	long long year = tm.tm_year + 1900;
	/* Locked first, created only when missing (once a year): INSERT
	 * IGNORE on an existing row takes a shared lock, and two payments
	 * holding it would deadlock on the way to FOR UPDATE. */
	db_stmt *s = S(d, Q_SERIES_LOCK);
	int r;
	if (db_query(s, "is", year, agency) < 0 || (r = db_fetch(s)) < 0)
		return -1;
	if (r == 0) {
		if (db_exec(S(d, Q_SERIES_ENSURE), "is", year, agency) < 0 ||
		    db_query(s, "is", year, agency) < 0 || (r = db_fetch(s)) < 0)
			return -1;
	}
	if (r == 0)
		return 0;
	out->series = db_col_int(s, 0, 0);
	out->number = db_col_int(s, 1, 0) + 1;
	snprintf(out->unit, sizeof out->unit, "%s", db_col(s, 2, NULL));
	snprintf(out->tax, sizeof out->tax, "%s", db_col(s, 3, NULL));
	snprintf(out->tpl, sizeof out->tpl, "%s", db_col(s, 4, NULL));
	snprintf(out->ser, sizeof out->ser, "%s", db_col(s, 5, NULL));
	drain(s);
	return db_exec(S(d, Q_SERIES_BUMP), "ii", out->number, out->series) == 1 ? 1 : -1;
}

int receipt_token(char token[33])
{
	unsigned char rnd[16];
	if (crypto_random(rnd, sizeof rnd) < 0)
		return -1;
	for (int i = 0; i < 16; i++)
		snprintf(token + 2 * i, 3, "%02x", rnd[i]);
	return 0;
}

typedef struct settle_arg {
	const bank_result *b;
	const char *rsp;
} settle_arg;

static const char *const src_names[] = {"ipn", "return", "querydr", "sweeper"};

/* The webhook event, also what GET /payment/api/obligations/{code} shows. */
int pay_webhook(db *d, const char *type, const char *agency, const char *code,
		const char *reference, long long total, const char *status,
		const char *series, long long number, const char *extra)
{
	db_stmt *s = S(d, Q_HOOK);
	if (db_query(s, "s", agency) < 0)
		return -1;
	int r = db_fetch(s);
	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	char url[501];
	snprintf(url, sizeof url, "%s", db_col(s, 0, NULL));
	drain(s);
	unsigned char rnd[12];
	char id[32];
	if (crypto_random(rnd, sizeof rnd) < 0)
		return -1;
	snprintf(id, sizeof id, "evt_");
	for (int i = 0; i < 12; i++)
		snprintf(id + 4 + 2 * i, 3, "%02x", rnd[i]);
	buf p = BUF_INIT;
	buf_puts(&p, "{\"id\":");
	json_cstr(&p, id);
	buf_puts(&p, ",\"type\":");
	json_cstr(&p, type);
	buf_printf(&p, ",\"created\":%lld,\"data\":{\"payment_code\":", (long long)time(NULL));
	json_cstr(&p, code);
	buf_puts(&p, ",\"agency\":");
	json_cstr(&p, agency);
	buf_puts(&p, ",\"reference\":");
	json_cstr(&p, reference);
	buf_printf(&p, ",\"total\":%lld,\"status\":", total);
	json_cstr(&p, status);
	if (series) {
		buf_puts(&p, ",\"receipt\":{\"series\":");
		json_cstr(&p, series);
		buf_printf(&p, ",\"number\":%lld}", number);
	}
	if (extra)
		buf_puts(&p, extra);
	buf_puts(&p, "}}");
	int rc = outbox_put(d, "webhook", code, url, p.p);
	buf_free(&p);
	return rc;
}

static int settle_tx(db *d, void *argp)
{
	settle_arg *arg = argp;
	const bank_result *b = arg->b;
	db_stmt *s = S(d, Q_LOCK);

	arg->rsp = RSP_OTHER;
	if (db_query(s, "s", b->txn_ref) < 0)
		return DB_TX_FAILED;
	int r = db_fetch(s);
	if (r < 0)
		return DB_TX_FAILED;
	if (r == 0) {
		arg->rsp = RSP_NOT_FOUND;
		return 0;
	}
	long long att = db_col_int(s, 0, 0), amount = db_col_int(s, 1, 0);
	long long obl = db_col_int(s, 3, 0), total = db_col_int(s, 11, 0);
	/* sized in bytes for the columns' characters (UTF-8: up to 4 each) */
	char astate[16], ostatus[16], agency[81], grp[17], code[13], ref[401],
	     payer[801], payer_id[81], dossier[161];
	snprintf(astate, sizeof astate, "%s", db_col(s, 2, NULL));
	snprintf(ostatus, sizeof ostatus, "%s", db_col(s, 4, NULL));
	snprintf(agency, sizeof agency, "%s", db_col(s, 5, NULL));
	snprintf(grp, sizeof grp, "%s", db_col(s, 6, NULL));
	snprintf(code, sizeof code, "%s", db_col(s, 7, NULL));
	snprintf(ref, sizeof ref, "%s", db_col(s, 8, NULL));
	snprintf(payer, sizeof payer, "%s", db_col(s, 9, NULL));
	const char *pid = db_col(s, 10, NULL);
	snprintf(payer_id, sizeof payer_id, "%s", pid ? pid : "");
	const char *dc = db_col(s, 12, NULL);
	snprintf(dossier, sizeof dossier, "%s", dc ? dc : "");
	/* the lines' names, for the receipt's description (400 characters) */
	char names[1601] = "";
	const char *nm = db_col(s, 13, NULL);
	if (nm)
		snprintf(names, sizeof names, "%.*s", (int)utf8_prefix(nm, strlen(nm), 400), nm);
	drain(s);

	if (b->amount != amount) {
		arg->rsp = RSP_AMOUNT;	/* to the đồng, or nothing happens */
		return 0;
	}
	int success = strcmp(b->response_code, "00") == 0 &&
		      strcmp(b->transaction_status, "00") == 0;
	/* Settled already: a replay.  An attempt we expired ourselves may
	 * still turn out paid (the bank is the authority on money taken). */
	if (strcmp(astate, "pending") != 0 &&
	    !(success && strcmp(astate, "expired") == 0)) {
		arg->rsp = RSP_ALREADY;
		return 0;
	}
	const char *src = src_names[b->source];
	if (!success) {
		const char *st = strcmp(b->response_code, "24") == 0 ? "cancelled" : "failed";
		if (db_exec(S(d, Q_ATT_PAID), "ssssssssssi", st, "none", b->response_code,
			    b->transaction_status, b->transaction_no, b->bank_code,
			    b->bank_tran_no, b->card_type, b->pay_date, src, att) < 0)
			return DB_TX_FAILED;
		if (db_exec(S(d, Q_OBL_BACK), "ii", obl, obl) < 0)
			return DB_TX_FAILED;
		arg->rsp = RSP_OK;
		return 0;
	}
	if (strcmp(ostatus, "unpaid") != 0 && strcmp(ostatus, "being_paid") != 0 &&
	    strcmp(ostatus, "expired") != 0) {
		/* Paid already (another attempt), cancelled or refunded: the
		 * money was taken all the same.  Keep it, flag it for refund. */
		if (db_exec(S(d, Q_ATT_PAID), "ssssssssssi", "duplicate", "due",
			    b->response_code, b->transaction_status, b->transaction_no,
			    b->bank_code, b->bank_tran_no, b->card_type, b->pay_date, src, att) < 0)
			return DB_TX_FAILED;
		fprintf(stderr, "payment: second success for %s (attempt %s), flagged for refund\n",
			code, b->txn_ref);
		arg->rsp = RSP_OK;
		return 0;
	}
	if (db_exec(S(d, Q_ATT_PAID), "ssssssssssi", "paid", "none", b->response_code,
		    b->transaction_status, b->transaction_no, b->bank_code, b->bank_tran_no,
		    b->card_type, b->pay_date, src, att) < 0 ||
	    db_exec(S(d, Q_OBL_PAID), "ii", att, obl) != 1)
		return DB_TX_FAILED;

	buf desc = BUF_INIT;
	int g = obligation_group_parse(grp);
	buf_printf(&desc, "%s: %s (số tham chiếu %s)", g >= 0 ? obligation_group_titles[g] : grp,
		   names, ref);
	if (desc.len > 480) {	/* VARCHAR(500) counts characters */
		desc.len = utf8_prefix(desc.p, desc.len, 480);
		desc.p[desc.len] = '\0';
		buf_puts(&desc, "…");
	}
	/* The hot rows (the day's counter, the series) are locked last, so
	 * they are held for as short a time as the commit allows. */
	if (db_exec(S(d, Q_DAILY), "ssi", agency, grp, total) < 0) {
		buf_free(&desc);
		return DB_TX_FAILED;
	}
	receipt_slot slot;
	r = receipt_next(d, agency, &slot);
	if (r < 0)
		goto failed;
	if (r == 0) {
		fprintf(stderr, "payment: agency %s has no receipt setting\n", agency);
		buf_free(&desc);
		return 500;
	}
	long long series = slot.series, number = slot.number;
	const char *unit = slot.unit, *tax = slot.tax, *tpl = slot.tpl, *ser = slot.ser;

	char method[101], token[33];
	snprintf(method, sizeof method, "Thanh toán trực tuyến qua VNPay%s%s%s",
		 b->bank_code && *b->bank_code ? " (" : "",
		 b->bank_code && *b->bank_code ? b->bank_code : "",
		 b->bank_code && *b->bank_code ? ")" : "");
	if (receipt_token(token) < 0) {
		buf_free(&desc);
		return 500;
	}
	long long rc = db_exec(S(d, Q_RECEIPT), "iiiissssssssiss", series, number, obl, att,
			       agency, unit, tax, tpl, ser, payer, *payer_id ? payer_id : NULL,
			       desc.p, total, method, token);
	buf_free(&desc);
	if (rc != 1)
		return DB_TX_FAILED;
	char series_name[170];
	snprintf(series_name, sizeof series_name, "%s-%s", tpl, ser);
	if (pay_webhook(d, "obligation.paid", agency, code, ref, total, "paid", series_name, number,
			NULL) < 0)
		return DB_TX_FAILED;
	if (*dossier) {
		/* the submission area moves the dossier on from status 6 */
		buf p = BUF_INIT;
		buf_puts(&p, "{\"event\":\"obligation.paid\",\"dossier_code\":");
		json_cstr(&p, dossier);
		buf_puts(&p, ",\"payment_code\":");
		json_cstr(&p, code);
		buf_putc(&p, '}');
		int orc = outbox_put(d, "dossier", dossier, NULL, p.p);
		buf_free(&p);
		if (orc < 0)
			return DB_TX_FAILED;
	}
	arg->rsp = RSP_OK;
	return 0;
failed:
	buf_free(&desc);
	return DB_TX_FAILED;
}

/* An IPN's raw callback and its answer, in the settle's own transaction
 * (payment.h). */
static int settle_ipn_tx(db *d, void *argp)
{
	settle_arg *arg = argp;
	const bank_result *b = arg->b;
	int rc = settle_tx(d, argp);
	if (rc != 0 || !b->raw)
		return rc;
	/* inside the transaction the order is nobody's to see: written with
	 * its answer, it is one statement instead of two */
	if (db_exec(S(d, Q_CB_STORE_DONE), "ssss", b->addr ? b->addr : "", b->raw, b->txn_ref,
		    arg->rsp) != 1)
		return DB_TX_FAILED;
	return 0;
}

const char *settle(db *d, const bank_result *b)
{
	settle_arg arg = {b, RSP_OTHER};
	int rc = db_tx(d, settle_ipn_tx, &arg);
	if (rc == 0)
		return arg.rsp;
	/* database away or failing: the bank retries; the callback is kept
	 * all the same, in the table or, failing that, in the spool */
	if (b->raw) {
		long long id = callback_store(d, "ipn", b->addr, b->raw, b->txn_ref);
		if (id > 0)
			callback_result(d, id, RSP_OTHER);
		else
			spool_write("ipn", b->addr, b->raw, b->txn_ref, RSP_OTHER);
	}
	return RSP_OTHER;
}
