/*
 * staff.c - the administrator's page of staff accounts (intranet).
 *
 *   GET  /desk/staff                     the accounts the administrator
 *                                        answers for, and the form to add one
 *   POST /desk/staff                     add: login, name, agency, role,
 *                                        an initial password
 *   POST /desk/staff/{login}/deactivate  the account logs in no more, and
 *                                        every session of it ends now
 *
 * The routes admit administrators only (main.c).  Whom an administrator
 * answers for is the dossiers' rule (SCOPE_AGENCIES, staff_covers): their
 * own agency, and for one of a province or its office the agencies under
 * the province.  An account outside that is a 403, a login that does not
 * exist a 404.  The account is made as the shell's staff-add makes it
 * (lib/staff.h), and every change writes its audit row in its own
 * transaction.
 */
#include <string.h>

#include "audit.h"
#include "crypto.h"
#include "render.h"
#include "server.h"
#include "session.h"
#include "staff.h"
#include "submission.h"


int h_desk_staff(request *r)
{
	db *d = server_db();
	arena *a = r->a;
	db_stmt *s = STMT(d,
		"SELECT t.login, t.name, t.agency_code, COALESCE(g.name, t.agency_code), t.roles, "
		"t.active FROM staff t LEFT JOIN agency g ON g.code = t.agency_code "
		"WHERE t.agency_code IN (" SCOPE_AGENCIES ") "
		"ORDER BY t.agency_code = ? DESC, t.agency_code, t.active DESC, t.login LIMIT 1000");
	if (db_query(s, "iss", 1LL, r->user->agency_code, r->user->agency_code) != 0)
		return 503;
	for (int i = 0; db_fetch(s) == 1; i++) {
		char roles[120];
		staff_roles_vi((unsigned)db_col_int(s, 4, 0), roles, sizeof roles);
		const char *login = col(s, a, 0);
		hsetf(r, login, "Staff.%d.login", i);
		hsetf(r, col(s, a, 1), "Staff.%d.name", i);
		hsetf(r, col(s, a, 2), "Staff.%d.agency_code", i);
		hsetf(r, col(s, a, 3), "Staff.%d.agency", i);
		hsetf(r, roles, "Staff.%d.roles", i);
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
	hset(r, "Page.title", "Tài khoản cán bộ");
	return render(r, "desk_staff.cs");
}

/* Form fields of the add form, in main.c's order. */
enum { SF_LOGIN, SF_NAME, SF_AGENCY, SF_ROLE, SF_PASSWORD };

int h_desk_staff_add(request *r)
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
	int rc = db_tx(server_db(), staff_add_tx, &g);
	if (rc == 409)
		return http_field_error(r, 409, "login", "Tên đăng nhập này đã có người dùng.");
	if (rc == 404)
		return http_field_error(r, 422, "agency", "Không có cơ quan này trong danh mục.");
	if (rc)
		return rc;
	return http_redirect(r, "/desk/staff");
}

typedef struct off {
	request *r;
	const char *login;
} off;

static int deactivate_tx(db *d, void *arg)
{
	off *g = arg;
	request *r = g->r;
	db_stmt *s = STMT(d, "SELECT id, agency_code, active FROM staff WHERE login = ? FOR UPDATE");
	if (db_query(s, "s", g->login) != 0)
		return DB_TX_FAILED;
	long long id = 0, active = 0;
	const char *agency = NULL;
	if (db_fetch(s) == 1) {
		id = db_col_int(s, 0, 0);
		agency = col(s, r->a, 1);
		active = db_col_int(s, 2, 0);
	}
	while (db_fetch(s) == 1)
		;
	if (!id)
		return http_field_error(r, 404, "login", "Không có tài khoản cán bộ với tên đăng nhập này.");
	int ok = staff_covers(r, agency);
	if (ok < 0)
		return DB_TX_FAILED;
	if (!ok)
		return http_field_error(r, 403, "login", "Tài khoản này thuộc cơ quan bạn không quản lý.");
	if (id == r->user->id)
		return http_field_error(r, 409, "login", "Bạn không thể tự khóa tài khoản của chính mình; "
					"hãy nhờ một quản trị viên khác.");
	if (!active)
		return 0;   /* the same form posted twice changes nothing */
	db_stmt *u = STMT(d, "UPDATE staff SET active = 0 WHERE id = ?");
	if (db_exec(u, "i", id) != 1)
		return DB_TX_FAILED;
	if (session_end_all(d, AUTH_STAFF, id) < 0)
		return DB_TX_FAILED;
	if (audit_log(d, r, "staff_deactivate", g->login, agency) < 0)
		return DB_TX_FAILED;
	return 0;
}

int h_desk_staff_deactivate(request *r)
{
	off g = { .r = r, .login = r->captures[0].s };
	int rc = db_tx(server_db(), deactivate_tx, &g);
	if (rc)
		return rc;
	return http_redirect(r, "/desk/staff");
}
