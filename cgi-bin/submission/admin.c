/*
 * admin.c - submission-admin: staff accounts from the command line.
 *
 *   submission-admin staff-add --agency CODE --role desk|processor|leader|admin
 *                              --login NAME [--name "Full name"]
 *
 * The password is read from standard input (one line), never from the
 * command line, which other users can read in /proc.  This is also how
 * the first administrator is made.  On the stack's host it needs no
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
			"  (the password is read from standard input)\n");
	return 2;
}

int main(int argc, char **argv)
{
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
	char pw[STAFF_PASSWORD_MAX * 4 + 8];
	if (!fgets(pw, sizeof pw, stdin)) {
		fprintf(stderr, "submission-admin: no password on standard input\n");
		return 2;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	if (!staff_password_ok(pw)) {
		fprintf(stderr, "submission-admin: the password needs %d to %d characters\n",
			STAFF_PASSWORD_MIN, STAFF_PASSWORD_MAX);
		memset(pw, 0, sizeof pw);
		return 2;
	}
	arena *a = arena_new(4096);
	const char *hash = password_hash(a, pw);
	memset(pw, 0, sizeof pw);
	if (!hash) {
		fprintf(stderr, "submission-admin: no randomness for the password's salt\n");
		return 1;
	}
	/* Audited like the intranet's staff page: nobody is logged in here,
	 * so the row names the operating-system user (sql/019). */
	const struct passwd *pwd = getpwuid(geteuid());
	char who[STAFF_LOGIN_MAX + 1];
	snprintf(who, sizeof who, "shell:%s", pwd && pwd->pw_name ? pwd->pw_name : "?");
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
