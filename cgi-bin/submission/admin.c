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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cli.h"
#include "crypto.h"
#include "db.h"
#include "dossier_code.h"
#include "route.h"

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
	static const struct { const char *name; unsigned bit; } roles[] = {
		{ "desk", ROLE_DESK }, { "processor", ROLE_PROCESSOR },
		{ "leader", ROLE_LEADER }, { "admin", ROLE_ADMIN },
	};
	unsigned bits = 0;
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (!strcmp(role, roles[i].name))
			bits = roles[i].bit;
	if (!bits) {
		fprintf(stderr, "submission-admin: unknown role %s\n", role);
		return 2;
	}
	if (!agency_code_valid(agency, strlen(agency))) {
		fprintf(stderr, "submission-admin: %s is not an agency code (000.00.12.H26)\n", agency);
		return 2;
	}
	size_t ln = strlen(login);
	if (ln == 0 || ln > 64 || strspn(login, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != ln) {
		fprintf(stderr, "submission-admin: login: 1 to 64 letters, digits, '.', '_' or '-'\n");
		return 2;
	}
	char pw[256];
	if (!fgets(pw, sizeof pw, stdin)) {
		fprintf(stderr, "submission-admin: no password on standard input\n");
		return 2;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	if (strlen(pw) < 8) {
		fprintf(stderr, "submission-admin: the password needs at least 8 characters\n");
		return 2;
	}
	arena *a = arena_new(4096);
	const char *hash = password_hash(a, pw);
	memset(pw, 0, sizeof pw);
	if (!hash) {
		fprintf(stderr, "submission-admin: no randomness for the password's salt\n");
		return 1;
	}
	db *d = cli_db("submission-admin", "portal_submission", "db_submission");
	db_stmt *ag = db_prepare(d, "SELECT 1 FROM agency WHERE code = ?");
	if (db_query(ag, "s", agency) != 0 || db_fetch(ag) != 1) {
		fprintf(stderr, "submission-admin: no agency %s in the catalog\n", agency);
		return 1;
	}
	while (db_fetch(ag) == 1)
		;
	db_stmt *s = db_prepare(d, "INSERT INTO staff (login, name, agency_code, roles, password_hash, "
				   "created_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP())");
	if (db_exec(s, "sssis", login, name ? name : login, agency, (long long)bits, hash) < 0) {
		fprintf(stderr, "submission-admin: %s\n",
			db_errclass(d) == DB_DUPLICATE ? "this login exists already" : db_error(d));
		return 1;
	}
	printf("staff %s (%s, %s) added\n", login, role, agency);
	db_close(d);
	arena_free(a);
	return 0;
}
