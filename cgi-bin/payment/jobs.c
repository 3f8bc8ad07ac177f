/* jobs.c - the area's background work: the sweeper that asks the bank
 * about attempts still pending, and the webhook sender.  Each runs in a
 * process of its own (server.h), any number of them on any number of
 * hosts: rows are claimed with FOR UPDATE SKIP LOCKED. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "httpc.h"
#include "keys.h"
#include "outbox.h"
#include "payment.h"

/* Claim up to 10 due attempts: push their next check forward (doubling
 * with each check, capped at an hour) in a short transaction, so no other
 * sweeper takes them, then ask the bank outside any transaction. */
static const char Q_CLAIM[] =
	"SELECT id, txn_ref FROM payment_attempt WHERE state = 'pending'"
	" AND next_check_at <= UTC_TIMESTAMP(3) ORDER BY next_check_at LIMIT 10"
	" FOR UPDATE SKIP LOCKED";
static const char Q_PUSH[] =
	"UPDATE payment_attempt SET checks = checks + 1, next_check_at = UTC_TIMESTAMP(3)"
	" + INTERVAL LEAST(3600, 60 * POW(2, LEAST(checks, 6))) SECOND WHERE id = ?";

int claim_attempts(db *d, const char *claim, const char *lease, long long lease_s, int max,
		   long long *ids, char (*refs)[35])
{
	int n = 0;
	if (db_begin(d) < 0) {
		db_rollback(d);
		return -1;
	}
	db_stmt *s = S(d, claim);
	if (db_query(s, "") < 0) {
		db_rollback(d);
		return -1;
	}
	while (db_fetch(s) > 0)
		if (n < max) {
			ids[n] = db_col_int(s, 0, 0);
			if (refs)
				db_col_copy(s, 1, refs[n], sizeof refs[n]);
			n++;
		}
	for (int i = 0; i < n; i++) {
		long long w = lease_s > 0 ? db_exec(S(d, lease), "ii", lease_s, ids[i])
					  : db_exec(S(d, lease), "i", ids[i]);
		if (w < 0) {
			db_rollback(d);
			return -1;
		}
	}
	if (db_commit(d) < 0) {
		db_rollback(d);
		return -1;
	}
	return n;
}

int job_sweep(db *d)
{
	char refs[10][35];
	long long ids[10];
	int n = claim_attempts(d, Q_CLAIM, Q_PUSH, 0, 10, ids, refs);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char state[16];
		if (check_with_bank(d, refs[i], state, sizeof state) == 0)
			fprintf(stderr, "sweeper: %s is %s\n", refs[i], state);
	}
	return n;
}

/* Obligations whose due date (Vietnam's day) has passed unpaid become
 * expired: the citizen's page then says so instead of offering to pay,
 * and the agency, told by its webhook, issues a new one if it still wants
 * the money (with whatever a late payment adds).  One being paid is left
 * to its attempt: it expires once the attempt fails, or is paid.  A
 * success the bank reports later for an expired obligation still pays it
 * (settle.c: the bank is the authority on money taken).  Batches of 50,
 * each in one transaction with its events; SKIP LOCKED so sweepers on
 * several hosts share the work. */
static const char Q_DUE[] =
	"SELECT id, payment_code, agency_code, reference, total FROM obligation"
	" WHERE status = 'unpaid' AND due_date < DATE(UTC_TIMESTAMP() + INTERVAL 7 HOUR)"
	" ORDER BY due_date LIMIT 50 FOR UPDATE SKIP LOCKED";
static const char Q_EXPIRE_DUE[] =
	"UPDATE obligation SET status = 'expired' WHERE id = ? AND status = 'unpaid'";

typedef struct expired { long long id, total; char code[13], agency[81], ref[401]; } expired;

static int expire_tx(db *d, void *arg)
{
	int *n = arg;
	static expired e[50];
	*n = 0;
	db_stmt *s = S(d, Q_DUE);
	if (db_query(s, "") < 0)
		return DB_TX_FAILED;
	while (db_fetch(s) > 0)
		if (*n < 50) {
			expired *x = &e[(*n)++];
			x->id = db_col_int(s, 0, 0);
			db_col_copy(s, 1, x->code, sizeof x->code);
			db_col_copy(s, 2, x->agency, sizeof x->agency);
			db_col_copy(s, 3, x->ref, sizeof x->ref);
			x->total = db_col_int(s, 4, 0);
		}
	for (int i = 0; i < *n; i++)
		if (db_exec(S(d, Q_EXPIRE_DUE), "i", e[i].id) < 0 ||
		    pay_webhook(d, "obligation.expired", e[i].agency, e[i].code, e[i].ref,
				e[i].total, "expired", NULL, 0, NULL) < 0)
			return DB_TX_FAILED;
	return 0;
}

int job_expire(db *d)
{
	int n = 0;
	if (db_tx(d, expire_tx, &n) < 0)
		return -1;
	if (n > 0)
		fprintf(stderr, "sweeper: %d obligation(s) past their due date expired\n", n);
	return n;
}

/* Webhooks: signed "Portal-Signature: t=…,v1=…", HMAC-SHA256 over
 * "t.body" with the agency's derived secret (keys.h), sent to the
 * agency's endpoint as it is now, not as it was when the event was
 * written: an agency whose endpoint died sets up a new one (webhook-set,
 * which also gives it a new secret), and the events that waited for the
 * dead one go there, signed with the secret it has. */
static db *hook_db;
/* one delivery's limit; the claim's lease outlasts it (outbox.h) */
#define HOOK_TIMEOUT_MS 10000
static const char Q_SALT[] =
	"SELECT salt, url FROM pay_webhook_endpoint WHERE agency_code = ?";
static const char Q_LOG[] =
	"INSERT INTO pay_webhook_delivery (outbox_id, agency_code, event, payment_code, url,"
	" attempted_at, http_status, error) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?, ?)";

/* "agency":"…" and "type":"…" out of our own payload */
static void field(const char *json, const char *key, char *out, size_t n)
{
	char pat[32];
	snprintf(pat, sizeof pat, "\"%s\":\"", key);
	const char *p = strstr(json, pat);
	out[0] = '\0';
	if (!p)
		return;
	p += strlen(pat);
	size_t k = strcspn(p, "\"");
	snprintf(out, n, "%.*s", (int)(k < n ? k : n - 1), p);
}

static int deliver(const outbox_msg *m, char *err, size_t errlen)
{
	char agency[64], type[32], code[16], salt[40] = "", url[2001] = "";
	field(m->payload, "agency", agency, sizeof agency);
	field(m->payload, "type", type, sizeof type);
	field(m->payload, "payment_code", code, sizeof code);
	db_stmt *s = S(hook_db, Q_SALT);
	if (db_query(s, "s", agency) < 0) {
		snprintf(err, errlen, "database");
		return -1;
	}
	if (db_fetch(s) > 0) {
		db_col_copy(s, 0, salt, sizeof salt);
		db_col_copy(s, 1, url, sizeof url);
	}
	while (db_fetch(s) > 0)
		;
	if (!*salt || !*url) {
		snprintf(err, errlen, "no webhook endpoint for %s", agency);
		return -1;
	}
	char secret[KEY_HEX + 1], sig[KEY_HEX + 1], hdr[160];
	derive_secret(cfg.apikey_master, "webhook", agency, salt, secret);
	long long t = (long long)time(NULL);
	buf msg = BUF_INIT;
	buf_printf(&msg, "%lld.%s", t, m->payload);
	hmac256_hex(secret, msg.p, msg.len, sig);
	buf_free(&msg);
	snprintf(hdr, sizeof hdr, "Portal-Signature: t=%lld,v1=%s", t, sig);
	const char *headers[] = {hdr, NULL};
	httpc_result res;
	int rc = httpc_post(url, headers, "application/json", m->payload, m->len, HOOK_TIMEOUT_MS, &res);
	int ok = rc == 0 && res.status >= 200 && res.status < 300;
	if (!ok)
		snprintf(err, errlen, "%s", rc < 0 ? res.error : "receiver answered non-2xx");
	db_exec(S(hook_db, Q_LOG), "issssis", m->id, agency, type, code,
		url, rc == 0 ? (long long)res.status : 0LL, ok ? NULL : err);
	return ok ? 0 : -1;
}

int job_webhooks(db *d)
{
	hook_db = d;
	return outbox_round(d, "webhook", deliver, 10, HOOK_TIMEOUT_MS);
}
