/* settle.c - an attempt's outcome, written exactly once (see payment.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "crypto.h"
#include "json.h"
#include "obligation.h"
#include "payment.h"
#include "vntext.h"

pay_conf cfg;

void pay_conf_load(void)
{
	cfg.tmn_code = conf_str("PORTAL_VNPAY_TMN_CODE", "");
	cfg.hash_secret = conf_str("PORTAL_VNPAY_HASH_SECRET", "");
	cfg.pay_url = conf_str("PORTAL_VNPAY_URL", "");
	cfg.api_url = conf_str("PORTAL_VNPAY_API_URL", "");
	cfg.server_ip = conf_str("PORTAL_VNPAY_SERVER_IP", "127.0.0.1");
	cfg.public_url = conf_str("PORTAL_PUBLIC_URL", "http://127.0.0.1:8080");
	cfg.apikey_master = conf_str("PORTAL_APIKEY_MASTER", "");
	cfg.sweep_minutes = conf_int("PORTAL_PAYMENT_SWEEP_MINUTES", 15);
	cfg.expire_minutes = conf_int("PORTAL_VNPAY_EXPIRE_MINUTES", 15);
	cfg.return_ask_seconds = conf_int("PORTAL_RETURN_ASK_SECONDS", 10);
	if (cfg.return_ask_seconds < 1)     /* never unthrottled (gateway.c) */
		cfg.return_ask_seconds = 1;
}

/* One process, one or two connections (the worker's, a job's): a table
 * from SQL text to its statement on that connection.  It grows with the
 * area's statements (about fifty today), so a new one is never the one
 * that brings a worker down. */
static struct cached { db *d; const char *sql; db_stmt *s; } *cache;
static int ncache, cap;

db_stmt *S(db *d, const char *sql)
{
	for (int i = 0; i < ncache; i++)
		if (cache[i].d == d && cache[i].sql == sql)
			return cache[i].s;
	if (ncache == cap) {
		int n = cap ? cap * 2 : 64;
		struct cached *c = realloc(cache, (size_t)n * sizeof *c);
		if (!c)
			abort();	/* out of memory: as buf.c */
		cache = c;
		cap = n;
	}
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
long long callback_store(db *d, const char *kind, const char *addr,
			 const char *raw, const char *txn_ref)
{
	db_stmt *s = S(d, Q_CB_STORE);
	/* the reference as claimed, for look-ups; one longer than any of ours
	 * is not cut to fit (its first 34 characters might be another
	 * attempt's): the raw keeps it whole */
	if (txn_ref && (!*txn_ref || strlen(txn_ref) > 34))
		txn_ref = NULL;
	if (db_exec(s, "ssss", kind, addr ? addr : "", raw ? raw : "", txn_ref) != 1)
		return -1;
	return db_insert_id(s);
}

void callback_result(db *d, long long id, const char *rsp)
{
	if (id > 0)
		db_exec(S(d, Q_CB_RESULT), "si", rsp, id);
}

/* Begins the transaction and locks the attempt and its obligation; the
 * columns, in their order, and why the webhook endpoint is read with them:
 * sql/013_two_round_trips.sql. */
static const char Q_LOCK[] = "CALL attempt_lock_begin(?)";
static const char Q_ATT_PAID[] =
	"UPDATE payment_attempt SET state = ?, refund_state = ?, response_code = ?,"
	" transaction_status = ?, transaction_no = ?, bank_code = COALESCE(?, bank_code),"
	" bank_tran_no = ?, card_type = ?, pay_date = ?, settled_by = ?,"
	" settled_at = UTC_TIMESTAMP(3) WHERE id = ?";
/* A second success's money in the day's counters (sql/027: 008's shards,
 * the day in Vietnam, as ipn_settle_paid counts a payment). */
static const char Q_DAILY_DUP[] =
	"INSERT INTO pay_daily (day, agency_code, grp, shard, dup_count, dup_amount)"
	" VALUES (DATE(UTC_TIMESTAMP(3) + INTERVAL 7 HOUR), ?, ?, CONNECTION_ID() % 8, 1, ?)"
	" ON DUPLICATE KEY UPDATE dup_count = dup_count + 1, dup_amount = dup_amount + VALUES(dup_amount)";
/* The sweeper's next round asks the bank about it (jobs.c). */
static const char Q_ASK_SOON[] =
	"UPDATE payment_attempt SET next_check_at = UTC_TIMESTAMP(3) WHERE id = ?";
static const char Q_OBL_BACK[] =
	"UPDATE obligation SET status = 'unpaid' WHERE id = ? AND status = 'being_paid'"
	" AND NOT EXISTS (SELECT 1 FROM payment_attempt WHERE obligation_id = ? AND state = 'pending')";
/* A success's writes after the decision, then COMMIT, in one round trip:
 * the stored procedure of sql/011_ipn_settle.sql, ending with COMMIT since
 * sql/013_two_round_trips.sql (why, and the measurements, there).  It is
 * the last statement of the transaction, and answers with no result set,
 * so db_exec() reads the whole answer. */
static const char Q_SETTLE_PAID[] =
	"CALL ipn_settle_paid(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	" ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char Q_SERIES_ENSURE[] =
	"INSERT IGNORE INTO receipt_series (agency_code, year, template_symbol, series_symbol)"
	" SELECT agency_code, ?, template_symbol, series_symbol FROM pay_receipt_setting"
	" WHERE agency_code = ?";
/* receipt_next() (receipt corrections, correct.c): the series row locked
 * and read, then bumped.  The IPN takes its number in ipn_settle_paid
 * (sql/011_ipn_settle.sql). */
static const char Q_SERIES_LOCK[] =
	"SELECT s.id, s.last_no, rs.unit_name, rs.tax_code, rs.template_symbol, rs.series_symbol"
	" FROM pay_receipt_setting rs JOIN receipt_series s ON s.agency_code = rs.agency_code"
	" AND s.year = ? AND s.template_symbol = rs.template_symbol"
	" AND s.series_symbol = rs.series_symbol WHERE rs.agency_code = ? FOR UPDATE";
static const char Q_SERIES_BUMP[] = "UPDATE receipt_series SET last_no = ? WHERE id = ?";
/* The webhook's message, when the agency has an endpoint: outbox_put()'s
 * row (lib/outbox.c), with the URL read in the same statement, so a
 * payment does not spend a round trip asking first.  It reads the endpoint
 * with a shared lock: payments of one agency do not wait for each other,
 * only a change of the endpoint waits for them to commit. */
static const char Q_HOOK_PUT[] =
	"INSERT INTO outbox (topic, subject, url, payload, state, attempts, next_at, created_at)"
	" SELECT 'webhook', ?, url, ?, 'pending', 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)"
	" FROM pay_webhook_endpoint WHERE agency_code = ?";

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
	db_col_copy(s, 2, out->unit, sizeof out->unit);
	db_col_copy(s, 3, out->tax, sizeof out->tax);
	db_col_copy(s, 4, out->tpl, sizeof out->tpl);
	db_col_copy(s, 5, out->ser, sizeof out->ser);
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
	int stored;		/* the IPN's callback_raw row is written */
} settle_arg;

static const char Q_CB_STORE_DONE[] =
	"INSERT INTO callback_raw (gateway, kind, received_at, client_addr, raw, txn_ref, result)"
	" VALUES ('vnpay', 'ipn', UTC_TIMESTAMP(3), ?, ?, ?, ?)";

/* An IPN's raw callback and its answer, in the settle's own transaction:
 * inside it the order is nobody's to see, so it is written with its answer,
 * one statement instead of two (payment.h). */
static int store_ipn(db *d, settle_arg *arg)
{
	const bank_result *b = arg->b;
	if (!b->raw || arg->stored)
		return 0;
	if (db_exec(S(d, Q_CB_STORE_DONE), "ssss", b->addr ? b->addr : "", b->raw, b->txn_ref,
		    arg->rsp) != 1)
		return DB_TX_FAILED;
	arg->stored = 1;
	return 0;
}

static const char *const src_names[] = {"ipn", "return", "querydr", "sweeper"};

/* The webhook event, also what GET /payment/api/obligations/{code} shows:
 * its start, up to the status. */
static int webhook_head(buf *p, const char *type, const char *agency, const char *code,
			const char *reference, long long total, const char *status)
{
	unsigned char rnd[12];
	char id[32];
	if (crypto_random(rnd, sizeof rnd) < 0)
		return -1;
	snprintf(id, sizeof id, "evt_");
	for (int i = 0; i < 12; i++)
		snprintf(id + 4 + 2 * i, 3, "%02x", rnd[i]);
	buf_puts(p, "{\"id\":");
	json_cstr(p, id);
	buf_puts(p, ",\"type\":");
	json_cstr(p, type);
	buf_printf(p, ",\"created\":%lld,\"data\":{\"payment_code\":", (long long)time(NULL));
	json_cstr(p, code);
	buf_puts(p, ",\"agency\":");
	json_cstr(p, agency);
	buf_puts(p, ",\"reference\":");
	json_cstr(p, reference);
	buf_printf(p, ",\"total\":%lld,\"status\":", total);
	json_cstr(p, status);
	return 0;
}

static int webhook_payload(buf *p, const char *type, const char *agency, const char *code,
			   const char *reference, long long total, const char *status,
			   const char *series, long long number, const char *extra)
{
	if (webhook_head(p, type, agency, code, reference, total, status) < 0)
		return -1;
	if (series) {
		buf_puts(p, ",\"receipt\":{\"series\":");
		json_cstr(p, series);
		buf_printf(p, ",\"number\":%lld}", number);
	}
	if (extra)
		buf_puts(p, extra);
	buf_puts(p, "}}");
	return 0;
}

int pay_webhook(db *d, const char *type, const char *agency, const char *code,
		const char *reference, long long total, const char *status,
		const char *series, long long number, const char *extra)
{
	buf p = BUF_INIT;
	long long rc = webhook_payload(&p, type, agency, code, reference, total, status, series,
				       number, extra) < 0 ? -1
			: db_exec(S(d, Q_HOOK_PUT), "sss", code, p.p, agency);
	buf_free(&p);
	return rc < 0 ? -1 : 0;
}

static int settle_tx(db *d, void *argp)
{
	settle_arg *arg = argp;
	const bank_result *b = arg->b;
	db_stmt *s = S(d, Q_LOCK);

	arg->rsp = RSP_OTHER;
	arg->stored = 0;	/* db_tx may run this again after a deadlock */
	int r = db_call_row(s, "s", b->txn_ref);
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
	db_col_copy(s, 2, astate, sizeof astate);
	db_col_copy(s, 4, ostatus, sizeof ostatus);
	db_col_copy(s, 5, agency, sizeof agency);
	db_col_copy(s, 6, grp, sizeof grp);
	db_col_copy(s, 7, code, sizeof code);
	db_col_copy(s, 8, ref, sizeof ref);
	db_col_copy(s, 9, payer, sizeof payer);
	const char *pid = db_col(s, 10, NULL);
	snprintf(payer_id, sizeof payer_id, "%s", pid ? pid : "");
	const char *dc = db_col(s, 12, NULL);
	snprintf(dossier, sizeof dossier, "%s", dc ? dc : "");
	/* the lines' names, for the receipt's description (400 characters) */
	char names[1601] = "";
	const char *nm = db_col(s, 13, NULL);
	if (nm)
		snprintf(names, sizeof names, "%.*s", (int)utf8_prefix(nm, strlen(nm), 400), nm);
	char hook[2001] = "";	/* VARCHAR(500): up to 4 bytes a character */
	const char *hu = db_col(s, 14, NULL);
	if (hu)
		snprintf(hook, sizeof hook, "%s", hu);

	if (b->amount != amount) {
		arg->rsp = RSP_AMOUNT;	/* to the đồng, or nothing happens */
		return 0;
	}
	/* either code may be absent (gateway.c: result_of) */
	int success = b->response_code && strcmp(b->response_code, "00") == 0 &&
		      b->transaction_status && strcmp(b->transaction_status, "00") == 0;
	/* Settled already: a replay.  But a success is never dropped: the
	 * bank is the authority on money taken, so an attempt we expired
	 * ourselves, or stored as failed (VNPay's 07 is "money taken,
	 * transaction suspected"; a querydr answer that was not final), may
	 * still turn out paid, and is then paid or kept for refund below. */
	int settled_ok = strcmp(astate, "paid") == 0 || strcmp(astate, "duplicate") == 0;
	if (strcmp(astate, "pending") != 0 && !(success && !settled_ok)) {
		arg->rsp = RSP_ALREADY;
		return 0;
	}
	if (success && strcmp(astate, "pending") != 0)
		fprintf(stderr, "payment: attempt %s was %s, the bank now reports it paid\n",
			b->txn_ref, astate);
	const char *src = src_names[b->source];
	if (b->ask_bank) {
		/* received and answered; what it means is the bank's to say */
		if (db_exec(S(d, Q_ASK_SOON), "i", att) < 0)
			return DB_TX_FAILED;
		arg->rsp = RSP_OK;
		return 0;
	}
	if (!success) {
		const char *st = b->response_code && strcmp(b->response_code, "24") == 0 ?
				 "cancelled" : "failed";
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
		/* money in all the same, counted on its day (sql/027) */
		if (db_exec(S(d, Q_DAILY_DUP), "ssi", agency, grp, amount) < 0)
			return DB_TX_FAILED;
		fprintf(stderr, "payment: second success for %s (attempt %s), flagged for refund\n",
			code, b->txn_ref);
		arg->rsp = RSP_OK;
		return 0;
	}
	/* The answer is decided (anything after fails the whole transaction):
	 * everything a success writes, in one call (sql/011_ipn_settle.sql):
	 * the attempt and obligation paid, the callback with its answer, the
	 * day's counter, the receipt under the next number of its series, and
	 * the webhook and dossier messages. */
	arg->rsp = RSP_OK;
	int store = b->raw && !arg->stored;

	buf desc = BUF_INIT, hook_head = BUF_INIT, dmsg = BUF_INIT;
	int rc = DB_TX_FAILED;
	int g = obligation_group_parse(grp);
	buf_printf(&desc, "%s: %s (số tham chiếu %s)", g >= 0 ? obligation_group_titles[g] : grp,
		   names, ref);
	if (desc.len > 480) {	/* VARCHAR(500) counts characters */
		desc.len = utf8_prefix(desc.p, desc.len, 480);
		desc.p[desc.len] = '\0';
		buf_puts(&desc, "…");
	}
	/* The receipt: the series of the agency's current symbols for this
	 * year (Vietnam's). */
	time_t now = time(NULL) + 7 * 3600;
	struct tm tm;
	gmtime_r(&now, &tm);
	long long year = tm.tm_year + 1900;

	char method[101], token[33];
	snprintf(method, sizeof method, "Thanh toán trực tuyến qua VNPay%s%s%s",
		 b->bank_code && *b->bank_code ? " (" : "",
		 b->bank_code && *b->bank_code ? b->bank_code : "",
		 b->bank_code && *b->bank_code ? ")" : "");
	if (receipt_token(token) < 0) {
		rc = 500;
		goto out;
	}
	/* The webhook event around the receipt's series and number, which
	 * the procedure fills in: webhook_payload()'s text exactly. */
	if (*hook) {
		if (webhook_head(&hook_head, "obligation.paid", agency, code, ref, total, "paid") < 0) {
			rc = 500;
			goto out;
		}
		buf_puts(&hook_head, ",\"receipt\":{\"series\":");
	}
	if (*dossier) {
		/* the submission area moves the dossier on from status 6 */
		buf_puts(&dmsg, "{\"event\":\"obligation.paid\",\"dossier_code\":");
		json_cstr(&dmsg, dossier);
		buf_puts(&dmsg, ",\"payment_code\":");
		json_cstr(&dmsg, code);
		buf_putc(&dmsg, '}');
	}
	if (db_exec(S(d, Q_SETTLE_PAID), "iissssssssssssssiisssssssssss", att, obl,
		    b->response_code, b->transaction_status, b->transaction_no, b->bank_code,
		    b->bank_tran_no, b->card_type, b->pay_date, src,
		    b->addr ? b->addr : "", store ? b->raw : NULL, b->txn_ref, arg->rsp,
		    agency, grp, total, year, payer, *payer_id ? payer_id : NULL, desc.p, method,
		    token, code, *hook ? hook : NULL, *hook ? hook_head.p : NULL, "}}}",
		    *dossier ? dossier : NULL, *dossier ? dmsg.p : NULL) < 0) {
		/* The procedure's own refusal keeps its answer and its log
		 * line (the error names the agency): no receipt setting is
		 * the operator's to fix, as before. */
		const char *m = db_errclass(d) == DB_OTHER ? strstr(db_error(d), "payment: agency ") : NULL;
		if (m && strstr(m, " has no receipt setting")) {
			fprintf(stderr, "%s\n", m);
			rc = 500;
		}
		goto out;
	}
	if (store)
		arg->stored = 1;
	rc = 0;
out:
	buf_free(&desc);
	buf_free(&hook_head);
	buf_free(&dmsg);
	return rc;
}

/* An IPN's raw callback and its answer, in the settle's own transaction
 * (payment.h). */
static int settle_ipn_tx(db *d, void *argp)
{
	settle_arg *arg = argp;
	int rc = settle_tx(d, argp);
	if (rc != 0)
		return rc;
	return store_ipn(d, arg);
}

const char *settle(db *d, const bank_result *b)
{
	settle_arg arg = {b, RSP_OTHER, 0};
	/* begun by the lock, committed by ipn_settle_paid: db.h */
	int rc = db_tx_call(d, settle_ipn_tx, &arg);
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
