/* api.c - the agency API (intranet, JSON).  Every call is signed:
 *   X-Portal-Key        the key's id
 *   X-Portal-Timestamp  Unix seconds, within 300 s of ours
 *   X-Portal-Signature  hex HMAC-SHA256(secret, ts "\n" method "\n" path "\n" body)
 * A signature is accepted once (api_nonce), a key acts for its own agency
 * only, and a create may carry an Idempotency-Key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "json.h"
#include "jsonparse.h"
#include "keys.h"
#include "obligation.h"
#include "outbox.h"
#include "payment.h"
#include "server.h"
#include "vntext.h"

typedef struct caller {
	char key[25];
	char agency[81];
	char sig[65];       /* the request's signature, spent by a change */
} caller;

static int fail(request *r, int status, const char *msg)
{
	r->error.message = msg;
	return status;
}

static const char Q_KEY[] =
	"SELECT agency_code, salt FROM api_key WHERE id = ? AND revoked_at IS NULL";
static const char Q_NONCE[] =
	"INSERT INTO api_nonce (api_key_id, signature, seen_at) VALUES (?, ?, UTC_TIMESTAMP(3))";

static int authenticate(request *r, caller *c)
{
	const char *key = req_env(r, "HTTP_X_PORTAL_KEY");
	const char *ts = req_env(r, "HTTP_X_PORTAL_TIMESTAMP");
	const char *sig = req_env(r, "HTTP_X_PORTAL_SIGNATURE");
	if (!key || !ts || !sig)
		return fail(r, 401, "Thiếu chữ ký: cần X-Portal-Key, X-Portal-Timestamp và X-Portal-Signature.");
	if (strlen(key) > 24 || strlen(ts) > 12 || strspn(ts, "0123456789") != strlen(ts) || !*ts)
		return fail(r, 401, "X-Portal-Key hoặc X-Portal-Timestamp không đúng dạng.");
	long long t = strtoll(ts, NULL, 10), now = (long long)time(NULL);
	if (t < now - 300 || t > now + 300)
		return fail(r, 401, "X-Portal-Timestamp lệch quá 300 giây so với giờ của cổng.");
	db *d = server_db();
	db_stmt *s = S(d, Q_KEY);
	int f;
	if (db_query(s, "s", key) < 0 || (f = db_fetch(s)) < 0)
		return 503;
	if (f == 0)
		return fail(r, 401, "Khóa API không tồn tại hoặc đã bị thu hồi.");
	char salt[40];
	db_col_copy(s, 0, c->agency, sizeof c->agency);
	db_col_copy(s, 1, salt, sizeof salt);
	snprintf(c->key, sizeof c->key, "%s", key);
	while (db_fetch(s) > 0)
		;
	char secret[KEY_HEX + 1], want[KEY_HEX + 1];
	derive_secret(cfg.apikey_master, "apikey", key, salt, secret);
	const char *q = strchr(r->uri, '?');
	size_t plen = q ? (size_t)(q - r->uri) : strlen(r->uri);
	buf m = BUF_INIT;
	buf_printf(&m, "%s\n%s\n%.*s\n", ts, r->method_name, (int)plen, r->uri);
	if (r->raw_len)
		buf_put(&m, r->raw_body, r->raw_len);
	hmac256_hex(secret, m.p ? m.p : "", m.len, want);
	buf_free(&m);
	char given[KEY_HEX + 1];
	snprintf(given, sizeof given, "%s", sig);
	for (char *p = given; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	if (strlen(sig) != KEY_HEX || !crypto_eq(want, given))
		return fail(r, 401, "Chữ ký không đúng.");
	snprintf(c->sig, sizeof c->sig, "%s", want);
	return 0;
}

/* A changing call is accepted once: its signature is spent in the
 * change's own transaction, so a replay within the window meets the
 * primary key, while a request that changed nothing (refused, or cut off
 * by a failure) leaves it unspent and the agency's program may send the
 * very same bytes again.  Reads may be repeated (polling a status twice
 * in one second is not an attack).  0, 401, or DB_TX_FAILED. */
static int spend_signature(db *d, request *r, const caller *c)
{
	if (db_exec(S(d, Q_NONCE), "ss", c->key, c->sig) == 1)
		return 0;
	return db_errclass(d) == DB_DUPLICATE
		       ? fail(r, 401, "Chữ ký này đã được dùng (yêu cầu gửi lại).")
		       : DB_TX_FAILED;
}

static int json_out(request *r, int status, const char *body)
{
	buf_puts(r->body, body);
	r->content_type = "application/json; charset=utf-8";
	return status;
}

/* ---- create ------------------------------------------------------------- */

typedef struct create_arg {
	request *r;
	caller *c;
	obligation_req q;
	const char *idem;
	char sha[65];
	int status;                /* the answer */
	char *answer;
	const char *what;
} create_arg;

/* The key is claimed by inserting its row first, the answer written into
 * it before COMMIT.  A retry sent while the first request still runs waits
 * on that row, then meets the duplicate and reads the committed answer
 * with a shared lock (several such readers do not block each other).
 * Reading first with FOR UPDATE, as before, locked only the gap where the
 * key would go: concurrent retries all passed, then deadlocked on their
 * INSERTs until one ran out of retries and answered 503. */
static const char Q_IDEM_CLAIM[] =
	"INSERT INTO pay_idempotency (api_key_id, idem_key, request_sha256, status, response, created_at)"
	" VALUES (?, ?, ?, 0, '', UTC_TIMESTAMP(3))";
static const char Q_IDEM[] =
	"SELECT request_sha256, status, response FROM pay_idempotency"
	" WHERE api_key_id = ? AND idem_key = ? LOCK IN SHARE MODE";
static const char Q_IDEM_PUT[] =
	"UPDATE pay_idempotency SET status = ?, response = ? WHERE api_key_id = ? AND idem_key = ?";

static int create_tx(db *d, void *p)
{
	create_arg *a = p;
	request *r = a->r;
	/* the same key and body again (a retry, even of the same signed
	 * bytes) gets the first answer: it changes nothing */
	if (a->idem && db_exec(S(d, Q_IDEM_CLAIM), "sss", a->c->key, a->idem, a->sha) != 1) {
		if (db_errclass(d) != DB_DUPLICATE)
			return DB_TX_FAILED;
		db_stmt *s = S(d, Q_IDEM);
		int f;
		if (db_query(s, "ss", a->c->key, a->idem) < 0 || (f = db_fetch(s)) < 0)
			return DB_TX_FAILED;
		if (f == 0)		/* its first request rolled back meanwhile */
			return DB_TX_FAILED;
		int same = strcmp(db_col(s, 0, NULL), a->sha) == 0;
		a->status = same ? (int)db_col_int(s, 1, 500) : 409;
		a->answer = same ? arena_strdup(r->a, db_col(s, 2, NULL)) : NULL;
		while (db_fetch(s) > 0)
			;
		return 0;
	}
	int spent = spend_signature(d, r, a->c);
	if (spent)
		return spent;
	char code[13];
	int rc = obligation_create(d, &a->q, code, NULL, &a->what);
	if (rc == OBL_DB)
		return DB_TX_FAILED;
	if (rc != OBL_OK)
		return 422;
	buf b = BUF_INIT;
	long long total = 0;
	for (size_t i = 0; i < a->q.nlines; i++)
		total += a->q.lines[i].amount;
	buf_puts(&b, "{\"payment_code\":");
	json_cstr(&b, code);
	buf_printf(&b, ",\"total\":%lld,\"status\":\"unpaid\",\"pay_url\":", total);
	json_cstr(&b, arena_printf(r->a, "%s/pay/%s", cfg.public_url, code));
	buf_puts(&b, "}\n");
	a->status = 201;
	a->answer = arena_strdup(r->a, b.p);
	buf_free(&b);
	if (a->idem && db_exec(S(d, Q_IDEM_PUT), "isss", (long long)a->status, a->answer,
			       a->c->key, a->idem) != 1)
		return DB_TX_FAILED;
	return 0;
}

static const char *str_member(const json_value *o, const char *k, int *bad)
{
	const json_value *v = json_get(o, k);
	if (!v || v->type == JSON_NULL)
		return NULL;
	if (v->type != JSON_STRING) {
		*bad = 1;
		return NULL;
	}
	return v->str;
}

static int only_keys(const json_value *o, const char *const *allowed)
{
	for (size_t i = 0; i < o->n; i++) {
		int ok = 0;
		for (const char *const *a = allowed; *a; a++)
			ok |= strcmp(o->keys[i], *a) == 0;
		if (!ok)
			return 0;
	}
	return 1;
}

int h_api_create(request *r)
{
	caller c;
	int st = authenticate(r, &c);
	if (st)
		return st;
	if (!r->raw_len)
		return fail(r, 400, "Nội dung trống: cần một đối tượng JSON {\"group\", \"agency\", …}.");
	/* where and what, so the agency's developer can find it; nothing
	 * of the body is echoed but printable ASCII at the fault */
	json_error je;
	json_value *o = json_parse_ex(r->a, r->raw_body, r->raw_len, &je);
	if (!o) {
		char where[300];
		json_error_vi(&je, where, sizeof where);
		return fail(r, 400, arena_printf(r->a, "Nội dung không phải JSON hợp lệ: %s.", where));
	}
	if (o->type != JSON_OBJECT)
		return fail(r, 400, "Nội dung phải là một đối tượng JSON {…}, không phải mảng, chuỗi, số hay null.");
	static const char *const top[] = {"group", "agency", "reference", "payer", "lines", "due", NULL};
	static const char *const payer_keys[] = {"name", "id", NULL};
	static const char *const line_keys[] = {"name", "amount", NULL};
	if (!only_keys(o, top))
		return fail(r, 400, "Có trường không được hỗ trợ; chỉ dùng group, agency, reference, payer, lines, due.");
	int bad = 0;
	create_arg a = {.r = r, .c = &c};
	const char *group = str_member(o, "group", &bad);
	const char *agency = str_member(o, "agency", &bad);
	a.q.reference = str_member(o, "reference", &bad);
	a.q.due = str_member(o, "due", &bad);
	const json_value *payer = json_get(o, "payer"), *lines = json_get(o, "lines");
	if (bad)
		return fail(r, 400, "group, agency, reference và due phải là chuỗi.");
	if ((a.q.group = obligation_group_parse(group)) < 0)
		return fail(r, 400, "group: một trong phi_le_phi, thue, bhxh_bhyt, phat_vphc, tien_dien, an_phi, vien_phi, hoc_phi.");
	if (!agency)
		return fail(r, 400, "agency: mã cơ quan thu là bắt buộc.");
	if (strcmp(agency, c.agency) != 0)
		return fail(r, 403, "Khóa API này chỉ được tạo khoản nộp cho cơ quan của mình.");
	if (!payer || payer->type != JSON_OBJECT || !only_keys(payer, payer_keys))
		return fail(r, 400, "payer: đối tượng {\"name\", \"id\"}.");
	a.q.payer_name = str_member(payer, "name", &bad);
	a.q.payer_id = str_member(payer, "id", &bad);
	if (bad)
		return fail(r, 400, "payer.name và payer.id phải là chuỗi.");
	if (!lines || lines->type != JSON_ARRAY || lines->n < 1 || lines->n > OBLIGATION_MAX_LINES)
		return fail(r, 400, "lines: mảng từ 1 đến 50 dòng {\"name\", \"amount\"}.");
	obligation_line *ls = arena_calloc(r->a, lines->n, sizeof *ls);
	for (size_t i = 0; i < lines->n; i++) {
		const json_value *l = &lines->items[i];
		/* the line is named as the agency's program indexes it (from 0) */
		if (l->type != JSON_OBJECT || !only_keys(l, line_keys))
			return fail(r, 400, arena_printf(r->a, "lines[%zu]: mỗi dòng là {\"name\", \"amount\"}.", i));
		ls[i].name = str_member(l, "name", &bad);
		if (bad)
			return fail(r, 400, arena_printf(r->a, "lines[%zu].name phải là chuỗi.", i));
		const json_value *amt = json_get(l, "amount");
		if (!amt || amt->type != JSON_NUMBER || json_get_i64(amt, &ls[i].amount) < 0)
			return fail(r, 400, arena_printf(r->a, "lines[%zu].amount: số nguyên đồng (không có phần lẻ), từ 1 đến 10^15.", i));
		if (ls[i].amount < 1 || ls[i].amount > PAY_AMOUNT_MAX)
			return fail(r, 400, arena_printf(r->a, "lines[%zu].amount: từ 1 đến 10^15 đồng.", i));
	}
	a.q.lines = ls;
	a.q.nlines = lines->n;
	a.q.agency_code = agency;
	a.q.source = OS_API;
	a.q.api_key_id = c.key;
	a.idem = req_env(r, "HTTP_IDEMPOTENCY_KEY");
	/* the key is stored (utf8mb4): one in another encoding (Latin-1
	 * "khóa") is the client's to fix, not a failed transaction */
	if (a.idem && (strlen(a.idem) < 1 || strlen(a.idem) > 255 ||
		       !utf8_valid(a.idem, strlen(a.idem))))
		return fail(r, 400, "Idempotency-Key: từ 1 đến 255 ký tự, mã hóa UTF-8.");
	/* HTTP drops the white space around a field value (RFC 9110 5.5),
	 * nginx only the spaces: "k<TAB>" reached us as a second key, and
	 * the retry it was meant to be created a second obligation.  A key
	 * with control characters is refused rather than guessed at. */
	if (a.idem && (vn_control_at(a.idem, strlen(a.idem), 0) || a.idem[0] == ' ' ||
		       a.idem[strlen(a.idem) - 1] == ' '))
		return fail(r, 400, "Idempotency-Key: không được có ký tự điều khiển (tab, xuống dòng…)"
			    " hay dấu cách ở đầu, cuối.");
	sha256_hex(r->raw_body ? r->raw_body : "", r->raw_len, a.sha);
	st = db_tx(server_db(), create_tx, &a);
	if (st == 422) {
		r->error.message = arena_printf(r->a, "Không tạo được khoản nộp: %s.",
						a.what ? a.what : "dữ liệu không hợp lệ");
		return 422;
	}
	if (st)
		return st;
	if (a.status == 409)
		return fail(r, 409, "Idempotency-Key này đã được dùng cho một yêu cầu khác.");
	return json_out(r, a.status, a.answer);
}

/* ---- read, cancel --------------------------------------------------------- */

static const char Q_GET[] =
	"SELECT id, grp, agency_code, reference, total, status, DATE_FORMAT(due_date, '%Y-%m-%d'),"
	" payer_name FROM obligation WHERE payment_code = ? AND agency_code = ?";
static const char Q_GET_ATT[] =
	"SELECT txn_ref, amount, state, refund_state,"
	" DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), DATE_FORMAT(settled_at, '%Y-%m-%dT%H:%i:%sZ')"
	" FROM payment_attempt WHERE obligation_id = ? ORDER BY id";
static const char Q_GET_RCPT[] =
	"SELECT CONCAT(template_symbol, '-', series_symbol), number, amount,"
	" DATE_FORMAT(issued_at, '%Y-%m-%dT%H:%i:%sZ'), id FROM receipt"
	" WHERE obligation_id = ? AND kind = 'receipt' ORDER BY id LIMIT 1";
/* what was done to the receipt since (sql/009): never a change to it */
static const char Q_GET_LATER[] =
	"SELECT kind, CONCAT(template_symbol, '-', series_symbol), COALESCE(number, 0), amount,"
	" DATE_FORMAT(issued_at, '%Y-%m-%dT%H:%i:%sZ'), reason FROM receipt"
	" WHERE refers_to = ? ORDER BY id";

int h_api_get(request *r)
{
	caller c;
	int st = authenticate(r, &c);
	if (st)
		return st;
	db *d = server_db();
	const char *code = req_capture(r, "code");
	db_stmt *s = S(d, Q_GET);
	int f;
	if (db_query(s, "ss", code, c.agency) < 0 || (f = db_fetch(s)) < 0)
		return 503;
	if (f == 0)
		return fail(r, 404, "Không có khoản nộp nào mang mã này của cơ quan bạn.");
	long long id = db_col_int(s, 0, 0);
	buf *b = r->body;
	buf_puts(b, "{\"payment_code\":");
	json_cstr(b, code);
	buf_puts(b, ",\"group\":");
	json_cstr(b, db_col(s, 1, NULL));
	buf_puts(b, ",\"agency\":");
	json_cstr(b, db_col(s, 2, NULL));
	buf_puts(b, ",\"reference\":");
	json_cstr(b, db_col(s, 3, NULL));
	buf_printf(b, ",\"total\":%lld,\"status\":", db_col_int(s, 4, 0));
	json_cstr(b, db_col(s, 5, NULL));
	buf_puts(b, ",\"due\":");
	json_cstr(b, db_col(s, 6, NULL));
	buf_puts(b, ",\"payer\":{\"name\":");
	json_cstr(b, db_col(s, 7, NULL));
	buf_puts(b, "},\"attempts\":[");
	while (db_fetch(s) > 0)
		;
	s = S(d, Q_GET_ATT);
	if (db_query(s, "i", id) < 0)
		return 503;
	for (int i = 0; db_fetch(s) > 0; i++) {
		buf_puts(b, i ? ",{\"txn_ref\":" : "{\"txn_ref\":");
		json_cstr(b, db_col(s, 0, NULL));
		buf_printf(b, ",\"amount\":%lld,\"state\":", db_col_int(s, 1, 0));
		json_cstr(b, db_col(s, 2, NULL));
		buf_puts(b, ",\"refund\":");
		json_cstr(b, db_col(s, 3, NULL));
		buf_puts(b, ",\"created_at\":");
		json_cstr(b, db_col(s, 4, NULL));
		buf_puts(b, ",\"settled_at\":");
		json_cstr(b, db_col(s, 5, NULL));
		buf_putc(b, '}');
	}
	buf_puts(b, "],\"receipt\":");
	s = S(d, Q_GET_RCPT);
	if (db_query(s, "i", id) < 0)
		return 503;
	if (db_fetch(s) > 0) {
		buf_puts(b, "{\"series\":");
		json_cstr(b, db_col(s, 0, NULL));
		buf_printf(b, ",\"number\":%lld,\"amount\":%lld,\"paid_at\":",
			   db_col_int(s, 1, 0), db_col_int(s, 2, 0));
		json_cstr(b, db_col(s, 3, NULL));
		long long rid = db_col_int(s, 4, 0);
		while (db_fetch(s) > 0)
			;
		s = S(d, Q_GET_LATER);
		if (db_query(s, "i", rid) < 0)
			return 503;
		buf cancel = BUF_INIT;
		buf_puts(b, ",\"adjustments\":[");
		for (int i = 0; db_fetch(s) > 0;) {
			if (strcmp(db_col(s, 0, NULL), "cancellation") == 0) {
				buf_puts(&cancel, "{\"at\":");
				json_cstr(&cancel, db_col(s, 4, NULL));
				buf_puts(&cancel, ",\"reason\":");
				json_cstr(&cancel, db_col(s, 5, NULL));
				buf_putc(&cancel, '}');
				continue;
			}
			buf_puts(b, i++ ? ",{\"series\":" : "{\"series\":");
			json_cstr(b, db_col(s, 1, NULL));
			buf_printf(b, ",\"number\":%lld,\"amount\":%lld,\"issued_at\":",
				   db_col_int(s, 2, 0), db_col_int(s, 3, 0));
			json_cstr(b, db_col(s, 4, NULL));
			buf_puts(b, ",\"reason\":");
			json_cstr(b, db_col(s, 5, NULL));
			buf_putc(b, '}');
		}
		buf_printf(b, "],\"cancelled\":%s}", cancel.len ? cancel.p : "null");
		buf_free(&cancel);
	} else {
		buf_puts(b, "null");
	}
	buf_puts(b, "}\n");
	r->content_type = "application/json; charset=utf-8";
	return 200;
}

static const char Q_CANCEL_LOCK[] =
	"SELECT status, reference, total FROM obligation WHERE payment_code = ? AND agency_code = ? FOR UPDATE";
static const char Q_CANCEL[] =
	"UPDATE obligation SET status = 'cancelled', cancelled_at = UTC_TIMESTAMP(3) WHERE payment_code = ?";
static const char Q_HOOK_URL[] = "SELECT url FROM pay_webhook_endpoint WHERE agency_code = ?";

typedef struct cancel_arg { const char *code; caller *c; request *r; } cancel_arg;

static int cancel_tx(db *d, void *p)
{
	cancel_arg *a = p;
	db_stmt *s = S(d, Q_CANCEL_LOCK);
	int f;
	if (db_query(s, "ss", a->code, a->c->agency) < 0 || (f = db_fetch(s)) < 0)
		return DB_TX_FAILED;
	if (f == 0)
		return 404;
	char status[16], ref[401];
	db_col_copy(s, 0, status, sizeof status);
	db_col_copy(s, 1, ref, sizeof ref);
	long long total = db_col_int(s, 2, 0);
	while (db_fetch(s) > 0)
		;
	if (strcmp(status, "cancelled") == 0)
		return 0;		/* cancelling twice is the same cancel */
	if (strcmp(status, "unpaid") != 0 && strcmp(status, "expired") != 0)
		return 409;
	int spent = spend_signature(d, a->r, a->c);
	if (spent)
		return spent;
	if (db_exec(S(d, Q_CANCEL), "s", a->code) != 1)
		return DB_TX_FAILED;
	s = S(d, Q_HOOK_URL);
	if (db_query(s, "s", a->c->agency) < 0 || (f = db_fetch(s)) < 0)
		return DB_TX_FAILED;
	if (f > 0) {
		char url[501];
		db_col_copy(s, 0, url, sizeof url);
		while (db_fetch(s) > 0)
			;
		buf m = BUF_INIT;
		buf_printf(&m, "{\"id\":\"evt_cancel_%s\",\"type\":\"obligation.cancelled\",\"created\":%lld,"
			   "\"data\":{\"payment_code\":", a->code, (long long)time(NULL));
		json_cstr(&m, a->code);
		buf_puts(&m, ",\"agency\":");
		json_cstr(&m, a->c->agency);
		buf_puts(&m, ",\"reference\":");
		json_cstr(&m, ref);
		buf_printf(&m, ",\"total\":%lld,\"status\":\"cancelled\"}}", total);
		int rc = outbox_put(d, "webhook", a->code, url, m.p);
		buf_free(&m);
		if (rc < 0)
			return DB_TX_FAILED;
	}
	return 0;
}

int h_api_cancel(request *r)
{
	caller c;
	int st = authenticate(r, &c);
	if (st)
		return st;
	if (r->raw_len)
		return fail(r, 400, "Yêu cầu hủy không có nội dung.");
	cancel_arg a = {req_capture(r, "code"), &c, r};
	st = db_tx(server_db(), cancel_tx, &a);
	if (st == 404)
		return fail(r, 404, "Không có khoản nộp nào mang mã này của cơ quan bạn.");
	if (st == 409)
		return fail(r, 409, "Chỉ hủy được khoản chưa nộp; khoản này đang được thanh toán hoặc đã nộp.");
	if (st)
		return st;
	return json_out(r, 200, arena_printf(r->a, "{\"payment_code\":\"%s\",\"status\":\"cancelled\"}\n",
					     a.code));
}
