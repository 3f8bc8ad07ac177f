/*
 * server.h - the FastCGI program skeleton every area shares.
 *
 *   area --socket PATH --procs N --pidfile FILE [--user NAME]
 *
 * The master opens the socket, forks N single-threaded workers, restarts a
 * worker that dies and, on SIGTERM, stops them all and removes its socket
 * and pid file.  Each worker drops root for --user, runs the area's init,
 * then loops: accept (libfcgi's fcgiapp.h), parse with caps, match the
 * route, validate, call the handler, write the response, log one line,
 * reset the request arena.
 *
 * Why processes and no upstream keepalive: a single-threaded libfcgi
 * responder blocks on a kept-alive connection (see DESIGN.md), and a
 * process per core is the simplest thing that scales with the upstream.
 */
#ifndef PORTAL_SERVER_H
#define PORTAL_SERVER_H

#include <stddef.h>

#include "db.h"
#include "route.h"

/* Background work of an area (outbox senders, sweepers): the supervisor
 * runs each job in a process of its own beside the workers and restarts it
 * when it dies.  run() does one round on the job's own connection and
 * returns how much it did; when that is 0 (or -1, the database away) the
 * job sleeps idle_ms before the next round.  A job claims its rows with
 * SELECT … FOR UPDATE SKIP LOCKED, so any number of hosts may run it. */
typedef struct job {
	const char *name;
	int (*run)(db *d);
	int idle_ms;
} job;

typedef struct app {
	const char *name;
	const route *routes;
	size_t nroutes;
	const char *const *template_dirs;  /* NULL-terminated */
	int (*worker_init)(void);          /* 0 ok; after privileges dropped */
	void (*before_request)(request *r); /* after the policy passed, before
					     * the handler (e.g. notice a newer
					     * catalog) */
	long long (*generation)(void);     /* what cached pages were made from */
	const char *api_prefix;            /* errors under it are JSON, even with
					    * no route matched (404, 405) */
	const job *jobs;                   /* NULL-terminated by .name, or NULL */
} app;

/* Limits on what a request may carry; bodies also by PORTAL_MAX_BODY. */
enum {
	MAX_URI = 4096,
	MAX_QUERY = 2048,
	MAX_QUERY_PAIRS = 32,
	MAX_COOKIE = 4096,
	MAX_COOKIES = 32,
	MAX_SEGS = 16,
};

int server_main(int argc, char **argv, const app *area);

/* The part of a request between parsing and writing: exposed so tests can
 * drive an area's routes without a socket.  Fills r->status and body. */
void server_dispatch(const app *area, request *r, const char *body, size_t blen,
		     long long content_length, const char *content_type);

double now_seconds(void);

/* The worker's own database connection (one per process), opened on first
 * use.  Sessions, handlers and jobs share it; nothing outlives a request
 * on it but prepared statements. */
db *server_db(void);

#endif
