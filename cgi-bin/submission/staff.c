/*
 * staff.c - the administrator's page of staff accounts (intranet).
 *
 *   GET  /desk/staff                     the accounts the administrator
 *                                        answers for, and the form to add one
 *   POST /desk/staff                     add: login, name, agency, role,
 *                                        an initial password
 *   POST /desk/staff/{login}/deactivate  the account logs in no more, and
 *                                        every session of it ends now
 *   POST /desk/staff/{login}/reactivate  it logs in again (with the password
 *                                        it had)
 *   POST /desk/staff/{login}/role        role: its one role from now on
 *   POST /desk/staff/{login}/password    password: a new initial password
 *                                        (an officer who forgot theirs);
 *                                        every session of it ends now
 *
 * The routes admit administrators only (main.c).  Whom an administrator
 * answers for is the dossiers' rule (SCOPE_AGENCIES, staff_covers): their
 * own agency, and for one of a province or its office the agencies under
 * the province.  An account outside that is a 403, a login that does not
 * exist a 404.  An administrator changes neither their own role, nor their
 * own password here, nor locks themselves out; and no change leaves an
 * agency with no active administrator answering for it (last_admin()).
 * The account is made as the shell's staff-add makes it (lib/staff.h),
 * and every change writes its audit row in its own transaction.
 *
 * A refused form (a field the server refuses, a taken login, a short
 * password, an account out of scope...) shows this page again with the
 * reason next to the form and what was typed in it, passwords excepted,
 * under its 4xx status; nothing has changed.
 */
#include <string.h>

#include "audit.h"
#include "crypto.h"
#include "render.h"
#include "server.h"
#include "session.h"
#include "staff.h"
#include "submission.h"


/* The page, with the refusal in r->error (if any) shown next to the form
 * it belongs to and what that form carried put back, answered with
 * status.  The refusal's page data is every form's (refusal.c): the
 * form refused is Form.which, and for one account's forms Form.target. */
static int staff_page(request *r, int status)
{
	db *d = server_db();
	arena *a = r->a;
	/* Which form is answered: the add form, or one account's. */
	const char *which = r->route && r->route->captures ? r->route->name : NULL;
	const char *target = which ? r->captures[0].s : NULL;
	int refused = status >= 400 && form_refusal_set(r, status);
	if (refused && target) {
		hset(r, "Form.target", target);
	} else if (refused && r->method == HTTP_POST) {
		/* The add form as it was typed (never the password). */
		form_keep_typed(r, "login", STAFF_LOGIN_MAX);
		form_keep_typed(r, "name", STAFF_NAME_MAX);
		form_keep_typed(r, "agency", 20);
		form_keep_typed(r, "role", 10);
	}
	const char *typed_role = target ? form_typed(a, &r->form_pairs, "role", 10) : NULL;
	db_stmt *s = STMT(d,
		"SELECT t.login, t.name, t.agency_code, COALESCE(g.name, t.agency_code), t.roles, "
		"t.active FROM staff t LEFT JOIN agency g ON g.code = t.agency_code "
		"WHERE t.agency_code IN (" SCOPE_AGENCIES ") "
		"ORDER BY t.agency_code = ? DESC, t.agency_code, t.active DESC, t.login LIMIT 1000");
	if (db_query(s, "iss", 1LL, r->user->agency_code, r->user->agency_code) != 0)
		return 503;
	for (int i = 0; db_fetch(s) == 1; i++) {
		char roles[120];
		unsigned bits = (unsigned)db_col_int(s, 4, 0);
		staff_roles_vi(bits, roles, sizeof roles);
		const char *login = col(s, a, 0);
		hsetf(r, login, "Staff.%d.login", i);
		hsetf(r, col(s, a, 1), "Staff.%d.name", i);
		hsetf(r, col(s, a, 2), "Staff.%d.agency_code", i);
		hsetf(r, col(s, a, 3), "Staff.%d.agency", i);
		hsetf(r, roles, "Staff.%d.roles", i);
		/* The role the row's form shows chosen: what was just asked
		 * for if it was refused, else the account's (its first). */
		const char *role = NULL;
		for (unsigned k = 0; staff_roles[k] && !role; k++)
			if (bits & (1u << k))
				role = staff_roles[k];
		int here = target && strcmp(login, target) == 0;
		if (here && typed_role)
			role = typed_role;
		if (role)
			hsetf(r, role, "Staff.%d.role", i);
		if (here)
			hsetf(r, "1", "Staff.%d.refused", i);
		if (db_col_int(s, 5, 0))
			hsetf(r, "1", "Staff.%d.active", i);
		if (strcmp(login, r->user->login) == 0)
			hsetf(r, "1", "Staff.%d.self", i);
	}
	/* The agencies an account may be added to: the same rule. */
	db_stmt *g = STMT(d,
		"SELECT a.code, a.name FROM agency a WHERE a.code IN (" SCOPE_AGENCIES ") "
		"ORDER BY a.code = ? DESC, a.name");
	if (db_query(g, "iss", 1LL, r->user->agency_code, r->user->agency_code) != 0)
		return 503;
	for (int i = 0; db_fetch(g) == 1; i++) {
		hsetf(r, col(g, a, 0), "Agencies.%d.code", i);
		hsetf(r, col(g, a, 1), "Agencies.%d.name", i);
	}
	hset_int(r, "Form.password_min", STAFF_PASSWORD_MIN);
	hset(r, "Page.title", refused ? "Tài khoản cán bộ – chưa lưu" : "Tài khoản cán bộ");
	int rc = render(r, "desk_staff.cs");
	return rc == 200 ? status : rc;
}

/* A refused form: the page again, the reason next to the form.  A 503
 * (the database away) or a 500 keeps the error page, as does a refusal
 * form_refusal_set() does not show in a form. */
static int refuse(request *r, int status)
{
	if (status < 400 || status >= 500 || !r->error.message)
		return status;
	return staff_page(r, status);
}

int h_desk_staff(request *r)
{
	return staff_page(r, 200);
}

/* The server refused a field of one of the page's forms (route.refused):
 * r->error names it. */
int h_desk_staff_refused(request *r)
{
	return staff_page(r, 422);
}

/* Form fields of the add form, in main.c's order. */
enum { SF_LOGIN, SF_NAME, SF_AGENCY, SF_ROLE, SF_PASSWORD };

static int add_checks(request *r)
{
	const field_value *f = r->form;
	if (!f[SF_LOGIN].s || !*f[SF_LOGIN].s)
		return http_field_error(r, 422, "login", "Cần tên đăng nhập.");
	if (form_blank(f[SF_NAME].s))
		return http_field_error(r, 422, "name", "Cần họ và tên của cán bộ.");
	if (!f[SF_AGENCY].s)
		return http_field_error(r, 422, "agency", "Chọn cơ quan của cán bộ.");
	if (!f[SF_ROLE].s)
		return http_field_error(r, 422, "role",
				   "Chọn vai trò: desk, processor, leader hoặc admin.");
	if (!f[SF_PASSWORD].s || !staff_password_ok(f[SF_PASSWORD].s))
		return http_field_error(r, 422, "password",
				   arena_printf(r->a, "Mật khẩu ban đầu cần từ %d đến %d ký tự.",
						STAFF_PASSWORD_MIN, STAFF_PASSWORD_MAX));
	int ok = staff_covers(r, f[SF_AGENCY].s);
	if (ok < 0)
		return 503;
	if (!ok)
		return http_field_error(r, 403, "agency",
				   "Bạn không quản lý tài khoản của cơ quan này.");
	return 0;
}

int h_desk_staff_add(request *r)
{
	const field_value *f = r->form;
	int rc = add_checks(r);
	if (rc)
		return refuse(r, rc);
	/* Hashed before the transaction: a third of a second of PBKDF2 must
	 * not hold locks, nor be redone when the transaction is retried. */
	const char *hash = password_hash(r->a, f[SF_PASSWORD].s);
	if (!hash)
		return 503;
	staff_add g = {
		.n = { .login = f[SF_LOGIN].s, .name = f[SF_NAME].s, .agency = f[SF_AGENCY].s,
		       .roles = 1u << f[SF_ROLE].i, .password_hash = hash },
		.by = audit_who_of(r),
	};
	rc = db_tx(server_db(), staff_add_tx, &g);
	if (rc == 409)
		return refuse(r, http_field_error(r, 409, "login",
						  "Tên đăng nhập này đã có người dùng; hãy chọn tên khác."));
	if (rc == 404)
		return refuse(r, http_field_error(r, 422, "agency",
						  "Không có cơ quan này trong danh mục."));
	if (rc)
		return rc;
	return http_redirect(r, "/desk/staff");
}

/* One account's change, inside db_tx: the row locked, then the rules that
 * every change shares. */
typedef struct change {
	request *r;
	const char *login;
	unsigned roles;          /* role: the new role's bit */
	const char *hash;        /* password: the new one's hash */
} change;

/* The target's row, locked, in scope, and not the administrator's own
 * (self_msg: why that is refused; NULL allows it).  0 to go on, or the
 * refusal's status with r->error set, or DB_TX_FAILED. */
static int target(db *d, change *g, staff_row *t, const char *self_msg)
{
	request *r = g->r;
	int found = staff_lock(d, g->login, t);
	if (found < 0)
		return DB_TX_FAILED;
	if (!found)
		return http_field_error(r, 404, "login", "Không có tài khoản cán bộ với tên đăng nhập này.");
	int ok = staff_covers(r, t->agency);
	if (ok < 0)
		return DB_TX_FAILED;
	if (!ok)
		return http_field_error(r, 403, "login", "Tài khoản này thuộc cơ quan bạn không quản lý.");
	if (self_msg && t->id == r->user->id)
		return http_field_error(r, 409, "login", self_msg);
	return 0;
}

/* 1 when t is an active administrator and, without it, no active
 * administrator would answer for its agency any more; 0 when another
 * does; -1 the database failed.  The others' rows are locked (FOR
 * UPDATE) until the transaction ends: two administrators who demote or
 * lock each other at the same moment take turns (or deadlock, and
 * db_tx redoes one), and the second then sees it would leave nobody.
 * An administrator always answers for the account they change (staff_covers)
 * and cannot change their own, so outside such a race the one acting is
 * that other administrator; the rule is stated here whole all the same,
 * by SCOPE_ANSWERED_BY, so a wider scope later keeps it true. */
static int last_admin(db *d, const staff_row *t)
{
	if (!t->active || !(t->roles & ROLE_ADMIN))
		return 0;
	db_stmt *s = STMT(d,
		"SELECT w.id FROM staff w WHERE w.active = 1 AND w.roles & 8 <> 0 AND w.id <> ? "
		"AND w.agency_code IN (" SCOPE_ANSWERED_BY ") FOR UPDATE");
	if (db_query(s, "iis", t->id, 1LL, t->agency) != 0)
		return -1;
	int n = 0;
	while (db_fetch(s) == 1)
		n++;
	return n == 0;
}

static int last_admin_refusal(request *r, const char *what)
{
	return http_field_error(r, 409, "login", arena_printf(r->a,
		"Đây là quản trị viên cuối cùng còn hoạt động của cơ quan này; không thể %s. "
		"Hãy giao vai trò Quản trị cho một cán bộ khác trước.", what));
}

static int deactivate_tx(db *d, void *arg)
{
	change *g = arg;
	staff_row t;
	int rc = target(d, g, &t, "Bạn không thể tự khóa tài khoản của chính mình; "
				  "hãy nhờ một quản trị viên khác.");
	if (rc)
		return rc;
	if (!t.active)
		return 0;   /* the same form posted twice changes nothing */
	int last = last_admin(d, &t);
	if (last < 0)
		return DB_TX_FAILED;
	if (last)
		return last_admin_refusal(g->r, "khóa tài khoản này");
	db_stmt *u = STMT(d, "UPDATE staff SET active = 0 WHERE id = ?");
	if (db_exec(u, "i", t.id) != 1)
		return DB_TX_FAILED;
	if (session_end_all(d, AUTH_STAFF, t.id) < 0)
		return DB_TX_FAILED;
	if (audit_log(d, g->r, "staff_deactivate", g->login, t.agency) < 0)
		return DB_TX_FAILED;
	return 0;
}

static int reactivate_tx(db *d, void *arg)
{
	change *g = arg;
	staff_row t;
	int rc = target(d, g, &t, NULL);
	if (rc)
		return rc;
	if (t.active)
		return 0;   /* already open (or posted twice): nothing changes */
	db_stmt *u = STMT(d, "UPDATE staff SET active = 1 WHERE id = ?");
	if (db_exec(u, "i", t.id) != 1)
		return DB_TX_FAILED;
	if (audit_log(d, g->r, "staff_reactivate", g->login, t.agency) < 0)
		return DB_TX_FAILED;
	return 0;
}

static int role_tx(db *d, void *arg)
{
	change *g = arg;
	staff_row t;
	int rc = target(d, g, &t, "Bạn không thể tự đổi vai trò của chính mình; "
				  "hãy nhờ một quản trị viên khác.");
	if (rc)
		return rc;
	if (t.roles == g->roles)
		return 0;   /* already so: nothing changes, no audit row */
	if (!(g->roles & ROLE_ADMIN)) {
		int last = last_admin(d, &t);
		if (last < 0)
			return DB_TX_FAILED;
		if (last)
			return last_admin_refusal(g->r, "bỏ vai trò Quản trị của tài khoản này");
	}
	db_stmt *u = STMT(d, "UPDATE staff SET roles = ? WHERE id = ?");
	if (db_exec(u, "ii", (long long)g->roles, t.id) != 1)
		return DB_TX_FAILED;
	/* The session reads the roles at every request (lib/session.c): the
	 * new role holds from the account's next page on, no login needed. */
	char from[120], to[120];
	staff_roles_vi(t.roles, from, sizeof from);
	staff_roles_vi(g->roles, to, sizeof to);
	if (audit_log(d, g->r, "staff_role", g->login,
		      arena_printf(g->r->a, "%s; %s → %s", t.agency, from, to)) < 0)
		return DB_TX_FAILED;
	return 0;
}

static int password_tx(db *d, void *arg)
{
	change *g = arg;
	staff_row t;
	int rc = target(d, g, &t, "Mật khẩu của chính bạn không đặt lại ở đây; hãy nhờ một "
				  "quản trị viên khác.");
	if (rc)
		return rc;
	audit_who by = audit_who_of(g->r);
	return staff_password_set(d, &t, g->login, g->hash, &by);
}

static int run_change(request *r, int (*fn)(db *, void *), change *g)
{
	g->r = r;
	g->login = r->captures[0].s;
	int rc = db_tx(server_db(), fn, g);
	if (rc)
		return refuse(r, rc);
	return http_redirect(r, "/desk/staff");
}

int h_desk_staff_deactivate(request *r)
{
	change g = {0};
	return run_change(r, deactivate_tx, &g);
}

int h_desk_staff_reactivate(request *r)
{
	change g = {0};
	return run_change(r, reactivate_tx, &g);
}

/* Form fields of the role form, and of the password form. */
enum { RF_ROLE };
enum { PF_PASSWORD };

int h_desk_staff_role(request *r)
{
	if (!r->form[RF_ROLE].s)
		return refuse(r, http_field_error(r, 422, "role",
						  "Chọn vai trò: desk, processor, leader hoặc admin."));
	change g = { .roles = 1u << r->form[RF_ROLE].i };
	return run_change(r, role_tx, &g);
}

int h_desk_staff_password(request *r)
{
	const char *pw = r->form[PF_PASSWORD].s;
	if (!pw || !staff_password_ok(pw))
		return refuse(r, http_field_error(r, 422, "password",
			arena_printf(r->a, "Mật khẩu ban đầu mới cần từ %d đến %d ký tự.",
				     STAFF_PASSWORD_MIN, STAFF_PASSWORD_MAX)));
	/* Hashed before the transaction, as when the account was made. */
	change g = { .hash = password_hash(r->a, pw) };
	if (!g.hash)
		return 503;
	return run_change(r, password_tx, &g);
}
