/* staff.c - see staff.h */
#include "staff.h"

#include <stdio.h>
#include <string.h>

#include "limit.h"
#include "route.h"
#include "session.h"
#include "vntext.h"

const char *const staff_roles[] = { "desk", "processor", "leader", "admin", NULL };

/* In the order of staff_roles. */
static const char *const roles_vi[] = {
	"Tiếp nhận và trả kết quả", "Xử lý", "Lãnh đạo", "Quản trị",
};

unsigned staff_role_bit(const char *name)
{
	for (unsigned i = 0; name && staff_roles[i]; i++)
		if (strcmp(name, staff_roles[i]) == 0)
			return 1u << i;
	return 0;
}

void staff_roles_vi(unsigned bits, char *out, size_t n)
{
	size_t at = 0;
	if (n == 0)
		return;
	out[0] = '\0';
	for (unsigned i = 0; staff_roles[i]; i++) {
		if (!(bits & (1u << i)))
			continue;
		int k = snprintf(out + at, n - at, "%s%s", at ? ", " : "", roles_vi[i]);
		if (k < 0 || (size_t)k >= n - at)
			return;
		at += (size_t)k;
	}
}

int staff_login_valid(const char *v, size_t n)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	if (n == 0 || n > STAFF_LOGIN_MAX)
		return 0;
	/* It is a path segment too (/desk/staff/{login}/deactivate): "." and
	 * ".." would be folded away by any proxy on the way. */
	if (!v[0] || strchr("._-", v[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!v[i] || !strchr(ok, v[i]))
			return 0;
	return 1;
}

int staff_password_ok(const char *pw)
{
	size_t n = strlen(pw);
	/* in characters: more than MIN - 1 of them, and no more than MAX */
	return utf8_valid(pw, n) && utf8_prefix(pw, n, STAFF_PASSWORD_MIN - 1) < n &&
	       utf8_prefix(pw, n, STAFF_PASSWORD_MAX) == n;
}

static db *on;
static db_stmt *ag, *ins, *lock, *setpw;

static void prepare(db *d)
{
	if (on == d)
		return;
	on = d;
	ag = db_prepare(d, "SELECT 1 FROM agency WHERE code = ?");
	ins = db_prepare(d, "INSERT INTO staff (login, name, agency_code, roles, "
			    "password_hash, created_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP())");
	lock = db_prepare(d, "SELECT id, agency_code, roles, active FROM staff WHERE login = ? "
			     "FOR UPDATE");
	setpw = db_prepare(d, "UPDATE staff SET password_hash = ? WHERE id = ?");
}

long long staff_insert(db *d, const staff_new *n, const audit_who *by)
{
	prepare(d);
	if (db_query(ag, "s", n->agency) != 0)
		return DB_TX_FAILED;
	int found = db_fetch(ag) == 1;
	while (db_fetch(ag) == 1)
		;
	if (!found)
		return STAFF_NO_AGENCY;
	if (db_exec(ins, "sssis", n->login, n->name, n->agency, (long long)n->roles,
		    n->password_hash) < 0)
		return db_errclass(d) == DB_DUPLICATE ? STAFF_TAKEN : DB_TX_FAILED;
	long long id = db_insert_id(ins);
	char roles[120], detail[200];
	staff_roles_vi(n->roles, roles, sizeof roles);
	snprintf(detail, sizeof detail, "%s; %s", n->agency, roles);
	if (id <= 0 || audit_write(d, by, "staff_add", n->login, detail) < 0)
		return DB_TX_FAILED;
	return id;
}

int staff_add_tx(db *d, void *arg)
{
	staff_add *g = arg;
	long long id = staff_insert(d, &g->n, &g->by);
	if (id == STAFF_TAKEN)
		return 409;
	if (id == STAFF_NO_AGENCY)
		return 404;
	return id > 0 ? 0 : DB_TX_FAILED;
}

int staff_lock(db *d, const char *login, staff_row *out)
{
	prepare(d);
	memset(out, 0, sizeof *out);
	if (db_query(lock, "s", login) != 0)
		return DB_TX_FAILED;
	int found = 0;
	while (db_fetch(lock) == 1) {
		if (found++)
			continue;
		out->id = db_col_int(lock, 0, 0);
		const char *ag_code = db_col(lock, 1, NULL);
		snprintf(out->agency, sizeof out->agency, "%s", ag_code ? ag_code : "");
		out->roles = (unsigned)db_col_int(lock, 2, 0);
		out->active = db_col_int(lock, 3, 0) != 0;
	}
	return found ? 1 : 0;
}

int staff_password_set(db *d, const staff_row *t, const char *login, const char *hash,
		       const audit_who *by)
{
	prepare(d);
	char key[sizeof STAFF_LIMIT_PREFIX + STAFF_LOGIN_MAX];
	snprintf(key, sizeof key, STAFF_LIMIT_PREFIX "%s", login);
	/* An UPDATE to the same hash would count 0 rows; a fresh salt makes
	 * every hash new, so 1 is the only right answer. */
	if (db_exec(setpw, "si", hash, t->id) != 1 ||
	    session_end_all(d, AUTH_STAFF, t->id) < 0 ||
	    limit_clear(d, "login", key) < 0 ||
	    audit_write(d, by, "staff_password", login, t->agency) < 0)
		return DB_TX_FAILED;
	return 0;
}
