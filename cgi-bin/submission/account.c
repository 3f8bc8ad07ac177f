/*
 * account.c - citizens' accounts: register with a phone number or an
 * e-mail address (one field), confirm it with a one-time code, log in and
 * out.  Codes go out through the notifications outbox.
 *
 * Limits: a one-time code is 6 digits, valid 5 minutes, 5 tries, stored as
 * an HMAC; at most 5 failed logins or codes per account and per client
 * address in 15 minutes (lib/limit.h), and at most 5 codes sent per
 * contact in 15 minutes, with a plain message saying when to try again.
 */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "crypto.h"
#include "limit.h"
#include "render.h"
#include "vntext.h"
#include "server.h"
#include "session.h"
#include "staff.h"
#include "submission.h"
#include "url.h"

#define WINDOW 900
#define MAX_FAILS 5
#define OTP_TRIES 5
/* Registrations from one client address in WINDOW.  Each one costs ~0.35 s
 * of CPU in PBKDF2 before anything else can refuse it, so without a count
 * a few clients posting the form in a loop would hold every process of
 * the area; ten is a commune office's public computer helping people one
 * after another, and then some.  An address PORTAL_RATE_EXEMPT lists (a
 * deployment's monitoring, the test stack's own client) is not counted. */
#define REGISTER_PER_ADDR 10

/* 0912 345 678, +84 912 345 678 → 0912345678; e-mail lower-cased.
 * NULL when it is neither. */
const char *contact_normalise(arena *a, const char *in, const char **kind)
{
	if (strchr(in, '@')) {
		size_t n = strlen(in);
		const char *at = strchr(in, '@');
		if (n > 254 || at == in || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
		    at[1] == '.' || in[n - 1] == '.')
			return NULL;
		char *out = arena_strdup(a, in);
		for (char *p = out; *p; p++) {
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
			else if ((unsigned char)*p <= ' ')
				return NULL;
		}
		*kind = "email";
		return out;
	}
	char digits[16];
	size_t o = 0;
	const char *p = in;
	if (*p == '+')
		p++;
	for (; *p; p++) {
		if (*p == ' ' || *p == '.' || *p == '-')
			continue;
		if (*p < '0' || *p > '9' || o >= sizeof digits - 1)
			return NULL;
		digits[o++] = *p;
	}
	digits[o] = '\0';
	const char *d = digits;
	if (o == 11 && strncmp(d, "84", 2) == 0)
		return *kind = "phone", arena_printf(a, "0%s", d + 2);
	if (o == 10 && d[0] == '0' && d[1] != '0')
		return *kind = "phone", arena_strdup(a, d);
	return NULL;
}

static void otp_mac(const char *contact, const char *code, char out[65])
{
	const char *key = conf_str("PORTAL_SECRET", "");
	char msg[300];
	int n = snprintf(msg, sizeof msg, "otp:%s:%s", contact, code);
	hmac_sha256_hex(key, strlen(key), msg, n > 0 ? (size_t)n : 0, out);
}

static int wait_message(request *r, int seconds)
{
	int min = (seconds + 59) / 60;
	r->error_detail = arena_printf(r->a, "Bạn đã thử sai quá nhiều lần. Hãy thử lại sau %d phút.",
				       min < 1 ? 1 : min);
	http_header(r, "Retry-After", arena_printf(r->a, "%d", seconds > 0 ? seconds : 60));
	return 429;
}

/* Failed attempts of a scope ("login", "otp") for the account and for the
 * client's address, each at most MAX_FAILS in WINDOW: 0 to go on, 429 with
 * when to try again, or 503. */
static int attempts_gate(request *r, db *d, const char *scope, const char *account,
			 const char *addr)
{
	int n1 = limit_count(d, scope, account, WINDOW), n2 = limit_count(d, scope, addr, WINDOW);
	if (n1 < 0 || n2 < 0)
		return 503;
	if (n1 >= MAX_FAILS)
		return wait_message(r, limit_wait(d, scope, account, WINDOW));
	if (n2 >= MAX_FAILS)
		return wait_message(r, limit_wait(d, scope, addr, WINDOW));
	return 0;
}


/* --- register --------------------------------------------------------------- */

/* A local path only: never send a person to another site after login. */
static const char *safe_next(const char *next, const char *def)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strchr(next, ':'))
		return def;
	return next;
}

/* The code's page, with where to go once confirmed (if anywhere). */
static const char *verify_url(request *r, const char *contact, const char *next)
{
	const char *n = safe_next(next, NULL);
	return arena_printf(r->a, "/account/verify?contact=%s%s%s", url_encode(r->a, contact),
			    n ? "&next=" : "", n ? url_encode(r->a, n) : "");
}

/* Form.next for the form's hidden field, Form.next_q for a link's query */
static void set_next(request *r, const char *next)
{
	if (!next || !safe_next(next, NULL))
		return;
	hset(r, "Form.next", next);
	hset(r, "Form.next_q", url_encode(r->a, next));
}

int h_register_form(request *r)
{
	hset(r, "Page.title", "Đăng ký tài khoản");
	set_next(r, r->query ? r->query[0].s : NULL);
	return render(r, "register.cs");
}

typedef struct reg {
	request *r;
	const char *contact, *kind, *name, *hash, *code;
	const char *visitor;    /* SHA-256 of the browser's pv cookie */
} reg;

/* The browser a code belongs to: a hash of its visitor cookie (pv, set on
 * every form page: lib/session.h), never the cookie itself. */
static const char *visitor_of(request *r)
{
	if (!r->anon_id)
		return NULL;
	char *h = arena_alloc(r->a, 65);
	sha256_hex(r->anon_id, strlen(r->anon_id), h);
	return h;
}

/* At least 8 characters, counted as a person counts them ("Mật khẩu"
 * is 8, whatever its bytes in UTF-8), as staff passwords are. */
static int password_long_enough(const char *pw)
{
	size_t n = pw ? strlen(pw) : 0;
	return n && utf8_valid(pw, n) && utf8_prefix(pw, n, 7) < n;
}

static int register_tx(db *d, void *arg)
{
	reg *g = arg;
	request *r = g->r;
	db_stmt *s = STMT(d, "SELECT id, verified_at IS NOT NULL FROM citizen WHERE contact = ? FOR UPDATE");
	if (db_query(s, "s", g->contact) != 0)
		return DB_TX_FAILED;
	long long id = 0, verified = 0;
	if (db_fetch(s) == 1) {
		id = db_col_int(s, 0, 0);
		verified = db_col_int(s, 1, 0);
	}
	while (db_fetch(s) == 1)
		;
	/* A confirmed account: everything answers as for a new number (a 409
	 * told anyone which numbers have an account on the portal, as the
	 * reset form does not), and the owner is told by message, where only
	 * they read it, what to do.  Nothing of theirs changes.  The code page
	 * that follows must not tell either: this browser gets a code row as
	 * a new number would, so wrong codes are counted and answered the
	 * same, but its hash is random bytes, which no code's HMAC can equal,
	 * and it carries no name or password. */
	if (verified) {
		const char *what = strcmp(g->kind, "email") == 0 ? "địa chỉ thư" : "số điện thoại";
		const char *never = crypto_token(r->a, 32);
		db_stmt *o = STMT(d, "INSERT INTO otp_code (contact, purpose, code_hash, visitor_hash, "
				     "expires_at, created_at) VALUES (?, 'register', ?, ?, "
				     "UTC_TIMESTAMP(3) + INTERVAL 5 MINUTE, UTC_TIMESTAMP(3))");
		if (!never || db_exec(o, "sss", g->contact, never, g->visitor) < 0)
			return DB_TX_FAILED;
		return notify_put(d, r->a, g->contact, "Tài khoản đã có",
				  arena_printf(r->a, "Có người vừa đăng ký tài khoản Cổng dịch vụ công bằng "
					       "%s này, nhưng %s này đã có tài khoản. Nếu là bạn: hãy đăng "
					       "nhập; quên mật khẩu thì chọn “Quên mật khẩu”. Nếu không phải "
					       "bạn: bỏ qua tin này, tài khoản của bạn không thay đổi.",
					       what, what)) < 0 ? DB_TX_FAILED : 0;
	}
	/* An account not yet confirmed keeps what it has: this registration's
	 * name and password wait on its code (sql/017), and are the account's
	 * only once that code is typed in the browser that registered.  So
	 * registering someone else's unconfirmed number changes nothing of
	 * theirs. */
	if (!id) {
		db_stmt *i = STMT(d, "INSERT INTO citizen (contact, contact_kind, name, password_hash, "
				     "created_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP())");
		if (db_exec(i, "ssss", g->contact, g->kind, g->name, g->hash) < 0)
			return DB_TX_FAILED;
	}
	char mac[65];
	otp_mac(g->contact, g->code, mac);
	db_stmt *o = STMT(d, "INSERT INTO otp_code (contact, purpose, code_hash, pending_name, "
			     "pending_hash, visitor_hash, expires_at, created_at) VALUES (?, 'register', ?, "
			     "?, ?, ?, UTC_TIMESTAMP(3) + INTERVAL 5 MINUTE, UTC_TIMESTAMP(3))");
	if (db_exec(o, "sssss", g->contact, mac, g->name, g->hash, g->visitor) < 0)
		return DB_TX_FAILED;
	if (notify_put(d, r->a, g->contact, "Mã xác nhận đăng ký",
		       arena_printf(r->a, "Mã xác nhận của bạn là %s, dùng trong 5 phút. "
				    "Không đưa mã này cho ai.", g->code)) < 0)
		return DB_TX_FAILED;
	return 0;
}

enum { RF_CONTACT, RF_NAME, RF_PASSWORD, RF_NEXT };

static int h_register_checked(request *r)
{
	db *d = server_db();
	reg g = { .r = r };
	const char *contact = r->form[RF_CONTACT].s, *name = r->form[RF_NAME].s,
		   *pw = r->form[RF_PASSWORD].s;
	if (!contact || !*contact)
		return http_field_error(r, 422, "contact", "Cần số điện thoại hoặc địa chỉ thư điện tử.");
	g.contact = contact_normalise(r->a, contact, &g.kind);
	if (!g.contact)
		return http_field_error(r, 422, "contact",
				   "Số điện thoại (10 số, ví dụ 0912345678) hoặc thư điện tử không đúng.");
	if (form_blank(name))
		return http_field_error(r, 422, "name", "Cần họ và tên.");
	if (!vn_has_letter(name))
		return http_field_error(r, 422, "name", "Họ và tên cần có chữ cái.");
	if (!password_long_enough(pw))
		return http_field_error(r, 422, "password", "Mật khẩu cần ít nhất 8 ký tự.");
	int sent = limit_count(d, "otp_send", g.contact, WINDOW);
	if (sent < 0)
		return 503;
	if (sent >= MAX_FAILS)
		return wait_message(r, limit_wait(d, "otp_send", g.contact, WINDOW));
	g.name = name;
	g.visitor = visitor_of(r);
	if (!g.visitor)
		return 403;	/* no pv cookie: the CSRF check refused it already */
	const char *addr = limit_client_key(r->a, r->remote_addr);
	int from_here = r->rate_exempt ? 0 : limit_count(d, "register", addr, WINDOW);
	if (from_here < 0)
		return 503;
	if (from_here >= REGISTER_PER_ADDR) {
		int wait = limit_wait(d, "register", addr, WINDOW), min = (wait + 59) / 60;
		r->error_detail = arena_printf(r->a, "Có quá nhiều lượt đăng ký từ cùng một mạng trong 15 "
					       "phút. Hãy thử lại sau %d phút.", min < 1 ? 1 : min);
		http_header(r, "Retry-After", arena_printf(r->a, "%d", wait > 0 ? wait : 60));
		return 429;
	}
	if (!r->rate_exempt && limit_add(d, "register", addr) < 0)
		return 503;
	g.hash = password_hash(r->a, pw);
	g.code = arena_printf(r->a, "%06lld", crypto_uniform(1000000));
	if (!g.hash)
		return 503;
	int rc = db_tx(d, register_tx, &g);
	if (rc)
		return rc;
	limit_add(d, "otp_send", g.contact);
	return http_redirect(r, verify_url(r, g.contact, r->form[RF_NEXT].s));
}

/* next, typed or as sent (the route table refused a field before it) */
static void keep_next(request *r)
{
	set_next(r, form_typed_value(r, "next", 500));
}

/* Each account form's answer, for a refusal of the handler's (status from
 * its _checked) and for one of the route table's (.refused: a field over
 * its cap, a name the form does not have, 400): the same page, filled in
 * with the fields it keeps as typed (never a password or a code), and the
 * page to go back to when it carries one. */
typedef struct {
	const char *tmpl, *title, *lead;
	struct { const char *name; size_t cap; } keep[2];
	int next;               /* keep_next: a citizen's page to go back to */
} account_form;

static const account_form F_REGISTER = {"register.cs", "Đăng ký tài khoản", "Chưa đăng ký được.",
	{{"contact", 254}, {"name", 100}}, 1};
static const account_form F_VERIFY = {"verify.cs", "Nhập mã xác nhận", "Chưa xác nhận được.",
	{{"contact", 254}}, 1};
static const account_form F_RESET = {"reset.cs", "Quên mật khẩu", "Chưa gửi được mã.",
	{{"contact", 254}}, 0};
static const account_form F_RESET_CONFIRM = {"reset_confirm.cs", "Đặt lại mật khẩu",
	"Chưa đặt lại được mật khẩu.", {{"contact", 254}}, 0};
static const account_form F_LOGIN = {"login.cs", "Đăng nhập", "Chưa đăng nhập được.",
	{{"contact", 254}}, 1};
/* the desk's next goes back as sent; the redirect checks it (safe_next) */
static const account_form F_DESK_LOGIN = {"desk_login.cs", "Đăng nhập cán bộ", "Chưa đăng nhập được.",
	{{"login", 64}, {"next", 500}}, 0};

static int account_answer(request *r, int status, const account_form *f)
{
	for (size_t i = 0; i < 2 && f->keep[i].name; i++)
		form_keep_typed(r, f->keep[i].name, f->keep[i].cap);
	if (f->next)
		keep_next(r);
	hset(r, "Page.title", f->title);
	hset(r, "Form.error_lead", f->lead);
	return form_refused(r, status, f->tmpl);
}

int h_register(request *r) { return account_answer(r, h_register_checked(r), &F_REGISTER); }
int h_register_refused(request *r) { return account_answer(r, 400, &F_REGISTER); }

/* --- verify ----------------------------------------------------------------- */

int h_verify_form(request *r)
{
	hset(r, "Page.title", "Nhập mã xác nhận");
	const char *c = r->query ? r->query[0].s : NULL;
	if (c)
		hset(r, "Form.contact", c);
	set_next(r, r->query ? r->query[1].s : NULL);
	return render(r, "verify.cs");
}

typedef struct ver {
	request *r;
	const char *contact, *code;
	const char *purpose;    /* "register" or "reset" */
	const char *visitor;    /* register: the browser that registered */
	const char *new_hash;   /* reset: the new password's hash */
	long long citizen;
	int outcome;        /* 0 ok, 1 wrong, 2 expired/none, 3 too many */
	int left;
} ver;

/* After a wrong code: the tries left, or, when that was the last, what
 * to do now ("Còn 0 lần thử" would leave the person guessing). */
static const char *tries_left(request *r, int left, const char *next_step)
{
	if (left > 0)
		return arena_printf(r->a, "Còn %d lần thử.", left);
	return arena_printf(r->a, "Đã nhập sai %d lần, mã này không dùng được nữa. %s", OTP_TRIES, next_step);
}

static int verify_tx(db *d, void *arg)
{
	ver *v = arg;
	v->outcome = 2;
	/* The newest code of this contact and purpose; for a registration,
	 * the newest one asked for from this browser (sql/017). */
	db_stmt *s = STMT(d, "SELECT id, code_hash, tries, expires_at > UTC_TIMESTAMP(3), used_at IS NULL "
			     "FROM otp_code WHERE contact = ? AND purpose = ? "
			     "AND (? IS NULL OR visitor_hash = ?) "
			     "ORDER BY id DESC LIMIT 1 FOR UPDATE");
	if (db_query(s, "ssss", v->contact, v->purpose, v->visitor, v->visitor) != 0)
		return DB_TX_FAILED;
	long long id = 0, tries = 0, live = 0, unused = 0;
	char stored[65] = "";
	if (db_fetch(s) == 1) {
		id = db_col_int(s, 0, 0);
		const char *h = db_col(s, 1, NULL);
		snprintf(stored, sizeof stored, "%s", h ? h : "");
		tries = db_col_int(s, 2, 0);
		live = db_col_int(s, 3, 0);
		unused = db_col_int(s, 4, 0);
	}
	while (db_fetch(s) == 1)
		;
	if (!id || !live || !unused)
		return 0;
	if (tries >= OTP_TRIES) {
		v->outcome = 3;
		return 0;
	}
	char mac[65];
	otp_mac(v->contact, v->code, mac);
	if (!crypto_eq(mac, stored)) {
		db_stmt *u = STMT(d, "UPDATE otp_code SET tries = tries + 1 WHERE id = ?");
		if (db_exec(u, "i", id) < 0)
			return DB_TX_FAILED;
		v->outcome = 1;
		v->left = (int)(OTP_TRIES - tries - 1);
		return 0;
	}
	db_stmt *u = STMT(d, "UPDATE otp_code SET used_at = UTC_TIMESTAMP(3) WHERE id = ?");
	/* confirmed: the account takes the name and password registered with
	 * this code, once (an account confirmed already takes nothing from a
	 * later code, whoever asked for it) */
	db_stmt *c = STMT(d, "UPDATE citizen c JOIN otp_code o ON o.id = ? SET c.verified_at = UTC_TIMESTAMP(),"
			     " c.name = COALESCE(o.pending_name, c.name),"
			     " c.password_hash = COALESCE(o.pending_hash, c.password_hash)"
			     " WHERE c.contact = ? AND c.verified_at IS NULL");
	/* and every other registration's code for it is spent */
	db_stmt *rest = STMT(d, "UPDATE otp_code SET used_at = UTC_TIMESTAMP(3) WHERE contact = ?"
				" AND purpose = 'register' AND used_at IS NULL");
	db_stmt *pw = STMT(d, "UPDATE citizen SET password_hash = ? WHERE contact = ? "
			      "AND verified_at IS NOT NULL");
	db_stmt *q = STMT(d, "SELECT id FROM citizen WHERE contact = ?");
	if (db_exec(u, "i", id) < 0)
		return DB_TX_FAILED;
	if (v->new_hash) {
		if (db_exec(pw, "ss", v->new_hash, v->contact) < 0)
			return DB_TX_FAILED;
	} else {
		long long n = db_exec(c, "is", id, v->contact);
		if (n < 0 || db_exec(rest, "s", v->contact) < 0)
			return DB_TX_FAILED;
		if (n == 0)
			return 0;	/* confirmed already: outcome 2 */
	}
	if (db_query(q, "s", v->contact))
		return DB_TX_FAILED;
	if (db_fetch(q) == 1)
		v->citizen = db_col_int(q, 0, 0);
	while (db_fetch(q) == 1)
		;
	v->outcome = v->citizen ? 0 : 2;
	/* A new password closes every door the old one opened. */
	if (v->new_hash && v->citizen && session_end_all(d, AUTH_CITIZEN, v->citizen) < 0)
		return DB_TX_FAILED;
	return 0;
}

enum { VF_CONTACT, VF_CODE, VF_NEXT };

static int h_verify_checked(request *r)
{
	db *d = server_db();
	const char *kind;
	const char *contact = r->form[VF_CONTACT].s, *code = r->form[VF_CODE].s;
	if (!contact || !(contact = contact_normalise(r->a, contact, &kind)))
		return http_field_error(r, 422, "contact", "Số điện thoại hoặc thư điện tử không đúng.");
	if (!code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return http_field_error(r, 422, "code", "Mã xác nhận gồm 6 chữ số.");
	const char *addr = limit_client_key(r->a, r->remote_addr);
	int gate = attempts_gate(r, d, "otp", contact, addr);
	if (gate)
		return gate;
	ver v = { .r = r, .contact = contact, .code = code, .purpose = "register",
		  .visitor = visitor_of(r) };
	if (!v.visitor)
		return 403;
	int rc = db_tx(d, verify_tx, &v);
	if (rc)
		return rc;
	switch (v.outcome) {
	case 0:
		limit_clear(d, "otp", contact);
		if (session_start(d, r, AUTH_CITIZEN, v.citizen) < 0)
			return 503;
		return http_redirect(r, safe_next(r->form[VF_NEXT].s, "/dossiers/"));
	case 1:
		limit_add(d, "otp", contact);
		limit_add(d, "otp", addr);
		return http_field_error(r, 422, "code", arena_printf(r->a,
			"Mã xác nhận không đúng. %s", tries_left(r, v.left,
			"Hãy đăng ký lại để nhận mã mới.")));
	case 3:
		return http_field_error(r, 429, "code", "Mã này đã bị nhập sai 5 lần. Hãy đăng ký lại để nhận mã mới.");
	default:
		return http_field_error(r, 422, "code", "Mã đã hết hạn hoặc đã dùng, hoặc không phải mã của lần "
				   "đăng ký trên thiết bị này. Hãy đăng ký lại để nhận mã mới.");
	}
}

int h_verify(request *r) { return account_answer(r, h_verify_checked(r), &F_VERIFY); }
int h_verify_refused(request *r) { return account_answer(r, 400, &F_VERIFY); }

/* --- password reset ------------------------------------------------------------ */

/*
 * The person gives the contact; a code goes to it if it belongs to a
 * confirmed account.  The answer is the same either way, so the form does
 * not tell who has an account.  The code, the new password and the contact
 * come back together; the same limits as login hold (5 failed codes per
 * account and per address in 15 minutes), and a reset ends every session
 * of the account.
 */
int h_reset_form(request *r)
{
	hset(r, "Page.title", "Quên mật khẩu");
	return render(r, "reset.cs");
}

typedef struct rst {
	request *r;
	const char *contact, *code;
} rst;

static int reset_tx(db *d, void *arg)
{
	rst *g = arg;
	db_stmt *s = STMT(d, "SELECT id FROM citizen WHERE contact = ? AND verified_at IS NOT NULL");
	if (db_query(s, "s", g->contact) != 0)
		return DB_TX_FAILED;
	long long id = 0;
	if (db_fetch(s) == 1)
		id = db_col_int(s, 0, 0);
	while (db_fetch(s) == 1)
		;
	if (!id)
		return 0;   /* nobody to send to: answer as if sent */
	char mac[65];
	otp_mac(g->contact, g->code, mac);
	db_stmt *o = STMT(d, "INSERT INTO otp_code (contact, purpose, code_hash, expires_at, created_at) "
			     "VALUES (?, 'reset', ?, UTC_TIMESTAMP(3) + INTERVAL 5 MINUTE, UTC_TIMESTAMP(3))");
	if (db_exec(o, "ss", g->contact, mac) < 0)
		return DB_TX_FAILED;
	if (notify_put(d, g->r->a, g->contact, "Mã đặt lại mật khẩu",
		       arena_printf(g->r->a, "Mã đặt lại mật khẩu của bạn là %s, dùng trong 5 phút. "
				    "Nếu bạn không yêu cầu, hãy bỏ qua tin này.", g->code)) < 0)
		return DB_TX_FAILED;
	return 0;
}

enum { RS_CONTACT };

static int h_reset_checked(request *r)
{
	db *d = server_db();
	const char *kind;
	const char *in = r->form[RS_CONTACT].s;
	if (!in || !*in)
		return http_field_error(r, 422, "contact", "Cần số điện thoại hoặc địa chỉ thư điện tử.");
	const char *contact = contact_normalise(r->a, in, &kind);
	if (!contact)
		return http_field_error(r, 422, "contact",
				   "Số điện thoại (10 số, ví dụ 0912345678) hoặc thư điện tử không đúng.");
	int sent = limit_count(d, "otp_send", contact, WINDOW);
	if (sent < 0)
		return 503;
	if (sent >= MAX_FAILS)
		return wait_message(r, limit_wait(d, "otp_send", contact, WINDOW));
	rst g = { .r = r, .contact = contact,
		  .code = arena_printf(r->a, "%06lld", crypto_uniform(1000000)) };
	int rc = db_tx(d, reset_tx, &g);
	if (rc)
		return rc;
	limit_add(d, "otp_send", contact);
	return http_redirect(r, arena_printf(r->a, "/account/reset/confirm?contact=%s",
					     url_encode(r->a, contact)));
}

int h_reset(request *r) { return account_answer(r, h_reset_checked(r), &F_RESET); }
int h_reset_refused(request *r) { return account_answer(r, 400, &F_RESET); }

int h_reset_confirm_form(request *r)
{
	hset(r, "Page.title", "Đặt lại mật khẩu");
	const char *c = r->query ? r->query[0].s : NULL;
	if (c)
		hset(r, "Form.contact", c);
	return render(r, "reset_confirm.cs");
}

enum { RC_CONTACT, RC_CODE, RC_PASSWORD };

static int h_reset_confirm_checked(request *r)
{
	db *d = server_db();
	const char *kind;
	const char *contact = r->form[RC_CONTACT].s, *code = r->form[RC_CODE].s,
		   *pw = r->form[RC_PASSWORD].s;
	if (!contact || !(contact = contact_normalise(r->a, contact, &kind)))
		return http_field_error(r, 422, "contact", "Số điện thoại hoặc thư điện tử không đúng.");
	if (!code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return http_field_error(r, 422, "code", "Mã gồm 6 chữ số.");
	if (!password_long_enough(pw))
		return http_field_error(r, 422, "password", "Mật khẩu mới cần ít nhất 8 ký tự.");
	const char *addr = limit_client_key(r->a, r->remote_addr);
	int gate = attempts_gate(r, d, "otp", contact, addr);
	if (gate)
		return gate;
	ver v = { .r = r, .contact = contact, .code = code, .purpose = "reset",
		  .new_hash = password_hash(r->a, pw) };
	if (!v.new_hash)
		return 503;
	int rc = db_tx(d, verify_tx, &v);
	if (rc)
		return rc;
	switch (v.outcome) {
	case 0:
		limit_clear(d, "otp", contact);
		limit_clear(d, "login", contact);
		/* every session ended, this browser's too: log in anew */
		session_end(d, r, AUTH_CITIZEN);
		return http_redirect(r, "/account/login");
	case 1:
	case 2:
		/* a wrong, expired or unknown code all count as a failed try */
		limit_add(d, "otp", contact);
		limit_add(d, "otp", addr);
		if (v.outcome == 1)
			return http_field_error(r, 422, "code", arena_printf(r->a,
				"Mã không đúng. %s", tries_left(r, v.left,
				"Hãy yêu cầu mã mới.")));
		return http_field_error(r, 422, "code",
				   "Mã đã hết hạn, đã dùng hoặc không đúng. Hãy yêu cầu mã mới.");
	default:
		return http_field_error(r, 429, "code",
				   "Mã này đã bị nhập sai 5 lần. Hãy yêu cầu mã mới.");
	}
}

int h_reset_confirm(request *r)
{
	return account_answer(r, h_reset_confirm_checked(r), &F_RESET_CONFIRM);
}

int h_reset_confirm_refused(request *r) { return account_answer(r, 400, &F_RESET_CONFIRM); }

/* --- login / logout ------------------------------------------------------------ */

int h_login_form(request *r)
{
	hset(r, "Page.title", "Đăng nhập");
	set_next(r, r->query ? r->query[0].s : NULL);
	return render(r, "login.cs");
}

enum { LF_CONTACT, LF_PASSWORD, LF_NEXT };

static int h_login_checked(request *r)
{
	db *d = server_db();
	const char *kind;
	const char *in = r->form[LF_CONTACT].s, *pw = r->form[LF_PASSWORD].s;
	const char *contact = in ? contact_normalise(r->a, in, &kind) : NULL;
	if (!contact)
		return http_field_error(r, 422, "contact", "Số điện thoại hoặc thư điện tử không đúng.");
	if (!pw || !*pw)
		return http_field_error(r, 422, "password", "Cần mật khẩu.");
	const char *addr = limit_client_key(r->a, r->remote_addr);
	int gate = attempts_gate(r, d, "login", contact, addr);
	if (gate)
		return gate;

	db_stmt *s = STMT(d, "SELECT id, password_hash, verified_at IS NOT NULL FROM citizen WHERE contact = ?");
	if (db_query(s, "s", contact) != 0)
		return 503;
	long long id = 0, verified = 0;
	const char *hash = NULL;
	if (db_fetch(s) == 1) {
		id = db_col_int(s, 0, 0);
		const char *h = db_col(s, 1, NULL);
		hash = h ? arena_strdup(r->a, h) : NULL;
		verified = db_col_int(s, 2, 0);
	}
	while (db_fetch(s) == 1)
		;
	/* Verified even for an unknown account (hash NULL), so timing does
	 * not tell (lib/crypto.h). */
	int ok = password_verify(hash, pw) && id;
	if (!ok) {
		limit_add(d, "login", contact);
		limit_add(d, "login", addr);
		return http_field_error(r, 422, "password", "Sai số điện thoại/thư điện tử hoặc mật khẩu.");
	}
	if (!verified)
		return http_redirect(r, verify_url(r, contact, r->form[LF_NEXT].s));
	limit_clear(d, "login", contact);
	if (session_start(d, r, AUTH_CITIZEN, id) < 0)
		return 503;
	return http_redirect(r, safe_next(r->form[LF_NEXT].s, "/dossiers/"));
}

int h_login(request *r) { return account_answer(r, h_login_checked(r), &F_LOGIN); }
int h_login_refused(request *r) { return account_answer(r, 400, &F_LOGIN); }

int h_logout(request *r)
{
	session_end(server_db(), r, AUTH_CITIZEN);
	return http_redirect(r, "/account/login");
}

/* --- staff ----------------------------------------------------------------------- */

int h_desk_login_form(request *r)
{
	hset(r, "Page.title", "Đăng nhập cán bộ");
	if (r->query && r->query[0].s)
		hset(r, "Form.next", r->query[0].s);
	return render(r, "desk_login.cs");
}

enum { DF_LOGIN, DF_PASSWORD, DF_NEXT };

static int h_desk_login_checked(request *r)
{
	db *d = server_db();
	const char *login = r->form[DF_LOGIN].s, *pw = r->form[DF_PASSWORD].s;
	if (!login || !*login)
		return http_field_error(r, 422, "login", "Cần tên đăng nhập.");
	if (!pw || !*pw)
		return http_field_error(r, 422, "password", "Cần mật khẩu.");
	const char *key = arena_printf(r->a, STAFF_LIMIT_PREFIX "%s", login);
	const char *addr = limit_client_key(r->a, r->remote_addr);
	int gate = attempts_gate(r, d, "login", key, addr);
	if (gate)
		return gate;
	db_stmt *s = STMT(d, "SELECT id, password_hash FROM staff WHERE login = ? AND active = 1");
	if (db_query(s, "s", login) != 0)
		return 503;
	long long id = 0;
	const char *hash = NULL;
	if (db_fetch(s) == 1) {
		id = db_col_int(s, 0, 0);
		const char *h = db_col(s, 1, NULL);
		hash = h ? arena_strdup(r->a, h) : NULL;
	}
	while (db_fetch(s) == 1)
		;
	if (!(password_verify(hash, pw) && id)) {
		limit_add(d, "login", key);
		limit_add(d, "login", addr);
		return http_field_error(r, 422, "password", "Sai tên đăng nhập hoặc mật khẩu.");
	}
	limit_clear(d, "login", key);
	if (session_start(d, r, AUTH_STAFF, id) < 0)
		return 503;
	return http_redirect(r, safe_next(r->form[DF_NEXT].s, "/desk/"));
}

int h_desk_login(request *r) { return account_answer(r, h_desk_login_checked(r), &F_DESK_LOGIN); }
int h_desk_login_refused(request *r) { return account_answer(r, 400, &F_DESK_LOGIN); }

int h_desk_logout(request *r)
{
	session_end(server_db(), r, AUTH_STAFF);
	return http_redirect(r, "/desk/login");
}
