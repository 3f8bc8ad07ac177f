/*
 * db_raw.c - the baseline of the write benchmarks: the same writes the
 * portal makes, done directly on the project's MariaDB from C, with no
 * HTTP, no parsing and no logic.
 *
 *   db-raw --mode row|blob --conc N --seconds S
 *
 * row:  a one-row INSERT + COMMIT (what a status change costs at least)
 * blob: a 1 MiB row INSERT + COMMIT (what a submission with one upload
 *       costs at least)
 * N processes, each with its own connection (lib/db.h, from the
 * environment), write for S seconds; prints "db-raw MODE N: R tx/s".
 * The table bench_raw is created and dropped by the program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int simple(db *d, const char *sql)
{
	db_stmt *s = db_prepare(d, sql);
	long long rc = db_exec(s, "");
	db_stmt_close(s);
	return rc < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *mode = "row";
	int conc = 8;
	double seconds = 10;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--mode") == 0)
			mode = argv[i + 1];
		else if (strcmp(argv[i], "--conc") == 0)
			conc = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--seconds") == 0)
			seconds = atof(argv[i + 1]);
	}
	int blob = strcmp(mode, "blob") == 0;
	if (conc < 1 || conc > 256 || seconds <= 0) {
		fputs("usage: db-raw --mode row|blob --conc N --seconds S\n", stderr);
		return 64;
	}
	db *d = db_open();
	if (!db_connected(d) ||
	    simple(d, "CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
		      "k VARCHAR(64) NOT NULL, v LONGBLOB NULL, at DATETIME NOT NULL) ENGINE=InnoDB") < 0) {
		fprintf(stderr, "db-raw: %s\n", db_error(d));
		return 1;
	}
	db_close(d);
	long long *counts = mmap(NULL, sizeof(long long) * (size_t)conc, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED)
		return 1;
	size_t vlen = blob ? (1u << 20) : 0;
	for (int p = 0; p < conc; p++) {
		if (fork() != 0)
			continue;
		unsigned char *v = vlen ? malloc(vlen) : NULL;
		for (size_t i = 0; i < vlen; i++)
			v[i] = (unsigned char)(i * 2654435761u >> 24);
		db *c = db_open();
		db_stmt *ins = db_prepare(c, "INSERT INTO bench_raw (k, v, at) VALUES (?, ?, UTC_TIMESTAMP())");
		double end = now() + seconds;
		long long n = 0;
		while (now() < end) {
			if (db_begin(c) < 0 || db_exec(ins, "sb", "bench", v, vlen) != 1 || db_commit(c) < 0) {
				fprintf(stderr, "db-raw: %s\n", db_error(c));
				db_rollback(c);
				_exit(1);
			}
			n++;
		}
		counts[p] = n;
		_exit(0);
	}
	int failed = 0, st;
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed = 1;
	long long total = 0;
	for (int p = 0; p < conc; p++)
		total += counts[p];
	d = db_open();
	simple(d, "DROP TABLE IF EXISTS bench_raw");
	db_close(d);
	if (failed)
		return 1;
	printf("db-raw %s %d: %.1f tx/s\n", mode, conc, (double)total / seconds);
	return 0;
}
