/*
 * admin.c - submission-admin: staff accounts from the command line.
 *
 *   submission-admin staff-add --agency CODE --role desk|processor|leader|admin
 *                              --login NAME [--name "Full name"]
 *   submission-admin staff-password --login NAME
 *
 * The password is read from standard input (one line), never from the
 * command line, which other users can read in /proc.  staff-add is also
 * how the first administrator is made; staff-password sets a new initial
 * password and ends the account's sessions, as an administrator's reset
 * on /desk/staff does (for when the one who forgot it is the last
 * administrator).  On the stack's host it needs no
 * settings (lib/cli.h); elsewhere PORTAL_DB_* from the environment.
 *
 * The rules, the row and its audit row are lib/staff.h's, the same as the
 * administrator's page /desk/staff; the audit row's login is "shell:" and
 * the operating-system user (sql/019).
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "cli.h"
#include "crypto.h"
#include "db.h"
#include "dossier_code.h"
#include "route.h"
#include "staff.h"

static int usage(void)
{
	fprintf(stderr, "usage: submission-admin staff-add --agency CODE "
			"--role desk|processor|leader|admin --login NAME [--name NAME]\n"
			"       submission-admin staff-password --login NAME\n"
			"  (the password is read from standard input)\n");
	return 2;
}

/* One line of standard input, checked by staff_password_ok() and hashed;
 * the clear text is wiped.  NULL (after saying why) when refused. */
static const char *read_password(arena *a)
{
	char pw[STAFF_PASSWORD_MAX * 4 + 8];
	if (!fgets(pw, sizeof pw, stdin)) {
		fprintf(stderr, "submission-admin: no password on standard input\n");
		return NULL;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	if (!staff_password_ok(pw)) {
		fprintf(stderr, "submission-admin: the password needs %d to %d characters\n",
			STAFF_PASSWORD_MIN, STAFF_PASSWORD_MAX);
		memset(pw, 0, sizeof pw);
		return NULL;
	}
	const char *hash = password_hash(a, pw);
	memset(pw, 0, sizeof pw);
	if (!hash)
		fprintf(stderr, "submission-admin: no randomness for the password's salt\n");
	return hash;
}

/* Audited like the intranet's staff page: nobody is logged in here, so
 * the row names the operating-system user (sql/019). */
static void shell_who(char *who, size_t n)
{
	const struct passwd *pwd = getpwuid(geteuid());
	snprintf(who, n, "shell:%s", pwd && pwd->pw_name ? pwd->pw_name : "?");
}

/* What a command that sets a password needs: its hash (NULL when refused)
 * and who runs it. */
static const char *password_and_who(arena *a, char who[STAFF_LOGIN_MAX + 1])
{
	const char *hash = read_password(a);
	if (hash)
		shell_who(who, STAFF_LOGIN_MAX + 1);
	return hash;
}

typedef struct reset {
	const char *login, *hash;
	audit_who by;
} reset;

static int reset_tx(db *d, void *arg)
{
	reset *g = arg;
	staff_row t;
	int found = staff_lock(d, g->login, &t);
	if (found <= 0)
		return found < 0 ? DB_TX_FAILED : 404;
	g->by.agency = t.agency;
	return staff_password_set(d, &t, g->login, g->hash, &g->by);
}

static int staff_password(int argc, char **argv)
{
	if (argc != 4 || strcmp(argv[2], "--login") != 0)
		return usage();
	const char *login = argv[3];
	if (!staff_login_valid(login, strlen(login))) {
		fprintf(stderr, "submission-admin: %s is not a staff login\n", login);
		return 2;
	}
	arena *a = arena_new(4096);
	char who[STAFF_LOGIN_MAX + 1];
	const char *hash = password_and_who(a, who);
	if (!hash)
		return 2;
	reset g = { .login = login, .hash = hash, .by = { .staff_id = 0, .login = who } };
	db *d = cli_db("submission-admin", "portal_submission", "db_submission");
	int rc = db_tx(d, reset_tx, &g);
	if (rc == 404) {
		fprintf(stderr, "submission-admin: no staff account %s\n", login);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "submission-admin: %s\n", db_error(d));
		return 1;
	}
	printf("staff %s: new password set, sessions ended\n", login);
	db_close(d);
	arena_free(a);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "staff-password") == 0)
		return staff_password(argc, argv);
	if (argc < 2 || strcmp(argv[1], "staff-add") != 0)
		return usage();
	const char *agency = NULL, *role = NULL, *login = NULL, *name = NULL;
	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--agency"))
			agency = argv[i + 1];
		else if (!strcmp(argv[i], "--role"))
			role = argv[i + 1];
		else if (!strcmp(argv[i], "--login"))
			login = argv[i + 1];
		else if (!strcmp(argv[i], "--name"))
			name = argv[i + 1];
		else
			return usage();
	}
	if (!agency || !role || !login)
		return usage();
	unsigned bits = staff_role_bit(role);
	if (!bits) {
		fprintf(stderr, "submission-admin: unknown role %s\n", role);
		return 2;
	}
	if (!agency_code_valid(agency, strlen(agency))) {
		fprintf(stderr, "submission-admin: %s is not an agency code (000.00.12.H26)\n", agency);
		return 2;
	}
	if (!staff_login_valid(login, strlen(login))) {
		fprintf(stderr, "submission-admin: login: 1 to %d letters, digits, '.', '_' or '-', "
			"beginning with a letter or a digit\n",
			STAFF_LOGIN_MAX);
		return 2;
	}
	if (name && (!*name || strlen(name) > STAFF_NAME_MAX)) {
		fprintf(stderr, "submission-admin: name: 1 to %d bytes\n", STAFF_NAME_MAX);
		return 2;
	}
	arena *a = arena_new(4096);
	char who[STAFF_LOGIN_MAX + 1];
	const char *hash = password_and_who(a, who);
	if (!hash)
		return 2;
	staff_add g = {
		.n = { .login = login, .name = name ? name : login, .agency = agency, .roles = bits,
		       .password_hash = hash },
		.by = { .staff_id = 0, .login = who, .agency = agency },
	};
	db *d = cli_db("submission-admin", "portal_submission", "db_submission");
	int rc = db_tx(d, staff_add_tx, &g);
	if (rc == 409) {
		fprintf(stderr, "submission-admin: this login exists already\n");
		return 1;
	}
	if (rc == 404) {
		fprintf(stderr, "submission-admin: no agency %s in the catalog\n", agency);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "submission-admin: %s\n", db_error(d));
		return 1;
	}
	printf("staff %s (%s, %s) added\n", login, role, agency);
	db_close(d);
	arena_free(a);
	return 0;
}
