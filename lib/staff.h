/*
 * staff.h - making a staff account and setting its password, one way for
 * every door.
 *
 * The administrator's intranet page (cgi-bin/submission/staff.c) and the
 * shell's `submission-admin staff-add` (how the first administrator is
 * made) both go through here: the same rules for a login, a role and an
 * initial password, the same row, and the same audit row in the same
 * transaction.  The password is hashed by the caller with lib/crypto's
 * password_hash() before the transaction begins: PBKDF2 takes about a third
 * of a second, which must neither hold row locks nor be redone when the
 * transaction is retried.
 */
#ifndef PORTAL_STAFF_H
#define PORTAL_STAFF_H

#include <stddef.h>

#include "audit.h"
#include "db.h"

#define STAFF_LOGIN_MAX 64      /* staff.login */
#define STAFF_NAME_MAX 200      /* staff.name */
#define STAFF_PASSWORD_MIN 12   /* characters, not bytes */
#define STAFF_PASSWORD_MAX 200

/* The four roles by name, in bit order: staff_roles[i] is route.h's
 * ROLE_* bit 1 << i.  NULL-terminated, so a form's FT_ENUM can use it. */
extern const char *const staff_roles[];
/* The role's bit, or 0 when the name is none of the four. */
unsigned staff_role_bit(const char *name);
/* The roles of a bit set in plain Vietnamese, "Lãnh đạo, Quản trị"; into
 * out[n], cut to fit. */
void staff_roles_vi(unsigned bits, char *out, size_t n);

/* A login: 1 to STAFF_LOGIN_MAX of A-Z a-z 0-9 . _ -, the first a letter
 * or a digit (a form's FT_PATTERN check). */
int staff_login_valid(const char *v, size_t n);
/* An initial password: STAFF_PASSWORD_MIN to STAFF_PASSWORD_MAX characters
 * of valid UTF-8. */
int staff_password_ok(const char *pw);

typedef struct staff_new {
	const char *login, *name, *agency;
	unsigned roles;
	const char *password_hash;   /* password_hash() of the initial password */
} staff_new;

enum { STAFF_TAKEN = -2, STAFF_NO_AGENCY = -3 };

/* Inside the caller's transaction: the account and its audit row
 * ("staff_add", subject the login, detail "agency role").  Returns the new
 * account's id, STAFF_TAKEN (the login exists), STAFF_NO_AGENCY (no such
 * agency in the catalog) or DB_TX_FAILED. */
long long staff_insert(db *d, const staff_new *n, const audit_who *by);

/* The whole transaction, for db_tx(): staff_insert() of arg, a staff_add.
 * 0 when added; 409 the login is taken; 404 no such agency. */
typedef struct staff_add {
	staff_new n;
	audit_who by;
} staff_add;
int staff_add_tx(db *d, void *arg);

/* An account as a change needs it, read with its row locked. */
typedef struct staff_row {
	long long id;
	char agency[21];
	unsigned roles;
	int active;
} staff_row;

/* Inside the caller's transaction: the account of a login, its row locked
 * (FOR UPDATE) until the transaction ends, so two changes of one account
 * take turns.  1 found, 0 no such login, DB_TX_FAILED. */
int staff_lock(db *d, const char *login, staff_row *out);

/* Inside the caller's transaction, on a row staff_lock() holds: a new
 * initial password (password_hash() of it, made before the transaction),
 * every session of the account ended, its failed logins forgotten (an
 * officer who forgot the password has usually met the limit), and the
 * audit row "staff_password" (subject the login, detail its agency; the
 * password never appears anywhere).  0, or DB_TX_FAILED. */
int staff_password_set(db *d, const staff_row *t, const char *login, const char *hash,
		       const audit_who *by);

/* The key of an account's failed logins (lib/limit.h, scope "login"):
 * this prefix and the login, as the login page counts them. */
#define STAFF_LIMIT_PREFIX "staff:"

#endif
