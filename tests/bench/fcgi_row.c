/*
 * fcgi_row.c - the write benchmarks' second baseline: db-raw's one-row
 * INSERT + COMMIT, made once per request by a libfcgi responder run the
 * way the areas run (N forked processes on one socket, one connection
 * each, lib/db.h from the environment), answering 303 as a write route does.
 *
 *   fcgi-row SOCKET PROCS
 *
 * raw_row measures the database alone; this measures the same write with
 * the HTTP hop in front of it (wrk, nginx, FastCGI, a process waiting on
 * its connection), on the same cores.  So status / http_row is the share
 * of what any write route could reach here that the status change gets,
 * and http_row / raw_row what the hop itself leaves of the raw rate.
 * It writes into bench_http (db-raw's table, by another name: db-raw
 * drops its own when it ends), made anew at each start.
 */
#include <stdio.h>
#include <unistd.h>

#include "db.h"
#include "fcgi_fork.h"

static int simple(db *d, const char *sql)
{
	db_stmt *s = db_prepare(d, sql);
	long long rc = s ? db_exec(s, "") : -1;
	db_stmt_close(s);
	return rc < 0 ? -1 : 0;
}

/* A new table each start: var/bench keeps its database between runs. */
static int prepare_table(void)
{
	db *d = db_open();
	if (!db_connected(d))
		return -1;
	int rc = simple(d, "DROP TABLE IF EXISTS bench_http");
	if (rc == 0)
		rc = simple(d, "CREATE TABLE bench_http (id BIGINT AUTO_INCREMENT "
				   "PRIMARY KEY, k VARCHAR(64) NOT NULL, v LONGBLOB NULL, "
				   "at DATETIME NOT NULL) ENGINE=InnoDB");
	if (rc < 0)
		fprintf(stderr, "fcgi-row: %s\n", db_error(d));
	db_close(d);
	return rc;
}

static void serve(int fd)
{
	db *c = db_open();
	db_stmt *ins = db_prepare(c, "INSERT INTO bench_http (k, v, at) VALUES (?, NULL, UTC_TIMESTAMP())");
	FCGX_Request r;
	FCGX_InitRequest(&r, fd, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		/* the body (a form post) is read to its end, as the areas do */
		char skip[4096];
		while (FCGX_GetStr(skip, sizeof skip, r.in) > 0)
			;
		int ok = ins && db_begin(c) == 0 && db_exec(ins, "s", "http") == 1 && db_commit(c) == 0;
		if (!ok) {
			db_rollback(c);
			static const char fail[] = "Status: 503 Service Unavailable\r\n"
						   "Content-Type: text/plain\r\nContent-Length: 4\r\n\r\nerr\n";
			FCGX_PutStr(fail, sizeof fail - 1, r.out);
		} else {
			static const char done[] = "Status: 303 See Other\r\nLocation: /bench/minimal\r\n"
						   "Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n";
			FCGX_PutStr(done, sizeof done - 1, r.out);
		}
		FCGX_Detach(&r);   /* stdin was read to its end: a plain close */
		FCGX_Finish_r(&r);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	if (prepare_table() < 0)
		return 1;
	return fcgi_fork(argc, argv, serve);
}
