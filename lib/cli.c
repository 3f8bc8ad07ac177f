/* cli.c - see cli.h */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"

static char root[PATH_MAX], var[PATH_MAX + 8];

static void find_stack(void)
{
	if (root[0])
		return;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		fprintf(stderr, "cannot find my own path: %s\n", strerror(errno));
		exit(1);
	}
	exe[n] = '\0';
	snprintf(root, sizeof root, "%s", exe);
	for (int up = 0; up < 3; up++) {  /* ROOT/build/bin/tool */
		char *slash = strrchr(root, '/');
		if (slash)
			*slash = '\0';
	}
	const char *v = getenv("PORTAL_VAR");
	if (v && *v == '/')
		snprintf(var, sizeof var, "%s", v);
	else
		snprintf(var, sizeof var, "%s/%s", root, v && *v ? v : "var");
}

const char *cli_root(void)
{
	find_stack();
	return root;
}

const char *cli_var(void)
{
	find_stack();
	return var;
}

const char *cli_secret(const char *name, int create)
{
	static char value[8][160];
	static int used;
	char path[PATH_MAX + 64];
	find_stack();
	snprintf(path, sizeof path, "%s/secrets/%s", var, name);
	FILE *f = fopen(path, "r");
	if (!f && create) {
		char dir[PATH_MAX + 16], hex[65];
		unsigned char b[32];
		snprintf(dir, sizeof dir, "%s/secrets", var);
		mkdir(dir, 0700);
		if (crypto_random(b, sizeof b) < 0) {
			fputs("no randomness\n", stderr);
			exit(1);
		}
		hex_encode(b, sizeof b, hex);
		mode_t old = umask(077);
		f = fopen(path, "w");
		umask(old);
		if (!f || fprintf(f, "%s\n", hex) < 0 || fclose(f) != 0) {
			fprintf(stderr, "cannot write %s\n", path);
			exit(1);
		}
		f = fopen(path, "r");
	}
	if (!f) {
		fprintf(stderr, "cannot read %s (is the stack set up? run make run)\n", path);
		exit(1);
	}
	char *v = value[used++ % 8];
	if (!fgets(v, 160, f))
		v[0] = '\0';
	fclose(f);
	v[strcspn(v, "\r\n")] = '\0';
	return v;
}

db *cli_db(const char *prog, const char *user, const char *secret)
{
	if (!getenv("PORTAL_DB_USER")) {
		char sock[PATH_MAX + 32];
		find_stack();
		snprintf(sock, sizeof sock, "%s/run/mysqld.sock", var);
		setenv("PORTAL_DB_SOCKET", sock, 0);
		setenv("PORTAL_DB_USER", user, 1);
		setenv("PORTAL_DB_PASSWORD", cli_secret(secret, 0), 1);
	}
	db *d = db_open();
	if (!db_connected(d)) {
		fprintf(stderr, "%s: cannot reach the database: %s\n", prog, db_error(d));
		exit(1);
	}
	return d;
}
