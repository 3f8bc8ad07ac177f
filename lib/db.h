/*
 * db.h - MariaDB through prepared statements only.
 *
 * A db is one connection, opened from the environment (PORTAL_DB_SOCKET or
 * PORTAL_DB_HOST/PORT, PORTAL_DB_USER, PORTAL_DB_PASSWORD, PORTAL_DB_NAME).
 * Statements are declared once (db_prepare keeps the SQL) and re-prepared
 * transparently after a reconnect, because Connector/C invalidates them.
 * A call that fails because the server went away reconnects and retries
 * once, outside a transaction only; inside one the error is returned, as
 * the transaction is lost and only the caller can redo it whole: every
 * statement and the commit then fail until the caller calls db_rollback(),
 * so nothing of it is ever silently committed piecemeal.
 *
 * Parameters are given as a type string: 'i' long long, 's' const char *
 * (NULL = SQL NULL), 'n' always NULL, 'b' binary: two arguments, const
 * void * and size_t (uploads).  Result columns are read as text (binary
 * safe: use the length); one value over PORTAL_DB_MAX_VALUE (16 MiB) fails
 * the query rather than grow a buffer without bound.
 *
 * Every connection sets innodb_lock_wait_timeout (PORTAL_DB_LOCK_WAIT, 5 s)
 * well under nginx's read timeout, and db_tx() runs a whole transaction,
 * redoing it on deadlock (1213) or lock-wait timeout (1205).
 */
#ifndef PORTAL_DB_H
#define PORTAL_DB_H

#include <stddef.h>

typedef struct db db;
typedef struct db_stmt db_stmt;

/*
 * No call waits on the server without bound: connecting takes at most
 * PORTAL_DB_CONNECT_TIMEOUT seconds (default 2), each read or write of a
 * statement at most PORTAL_DB_TIMEOUT (default 5; set per area, well under
 * nginx's fastcgi_read_timeout).  A call that runs out fails like a lost
 * connection; a handler then answers 503 (the server adds Retry-After),
 * never hangs.  A call may take about twice its bound: a lost connection
 * outside a transaction is retried once (see above).
 */
db *db_open(void);                 /* never NULL; may be disconnected */
/* The same with its own bounds (0 = the setting): a quick check that must
 * not hold up anything while the server hangs. */
db *db_open_timeouts(unsigned connect_s, unsigned rw_s);
/* The same with connect, read and write timeouts of the given seconds,
 * for work that must give up fast rather than wait (background writers). */
db *db_open_timeout(unsigned seconds);
void db_close(db *d);
int db_connected(db *d);           /* 1 if a connection is up (tries once) */
const char *db_error(db *d);

db_stmt *db_prepare(db *d, const char *sql);
/* Close a statement for good (one-off queries such as a bulk load, whose
 * client-side result memory must not outlive them). */
void db_stmt_close(db_stmt *s);

/* Run a statement that returns no rows; affected rows, or -1. */
long long db_exec(db_stmt *s, const char *types, ...);
/* Run a query; then db_fetch() until it returns 0 (end) or -1 (error). */
int db_query(db_stmt *s, const char *types, ...);
int db_fetch(db_stmt *s);
const char *db_col(db_stmt *s, int i, size_t *len);   /* NULL for SQL NULL */
long long db_col_int(db_stmt *s, int i, long long def);
/* The column into out[n], cut to fit; SQL NULL is "". */
void db_col_copy(db_stmt *s, int i, char *out, size_t n);
long long db_insert_id(db_stmt *s);

/* What the last failed call ran into, so callers can tell a retryable
 * conflict, a duplicate key (a double post) and a lost server apart. */
enum db_errclass { DB_OK = 0, DB_DEADLOCK, DB_LOCK_TIMEOUT, DB_DUPLICATE, DB_GONE, DB_OTHER };
int db_errclass(db *d);

/* BEGIN, fn, COMMIT.  fn returns 0 to commit; DB_TX_FAILED when a
 * statement failed (the runner looks at why: a deadlock or lock wait is
 * retried whole, at most PORTAL_DB_TX_TRIES times); or an HTTP status of
 * its own (409, 422…) to roll back and return it.  Returns 0 once
 * committed, fn's status, 503 when the database is away or stays locked,
 * 500 for any other database error.  fn must be safe to run again: keep
 * its results in arg only once it returns 0. */
enum { DB_TX_FAILED = -1 };
int db_tx(db *d, int (*fn)(db *d, void *arg), void *arg);

/* The same contract for the hottest writes, two round trips shorter: the
 * fn's first statement is a db_call_row() of a procedure that begins with
 * START TRANSACTION (and locks and reads what the decision needs), and its
 * last may be a CALL of one that ends with COMMIT; the runner then sends
 * neither START nor COMMIT.  When the fn ends with the transaction still
 * open (an early answer, a refusal) the runner commits or rolls back as
 * db_tx() does.  Only the first statement is sent again on a new
 * connection when the old one turns out dead. */
int db_tx_call(db *d, int (*fn)(db *d, void *arg), void *arg);

/* Run a CALL whose procedure answers with at most one row: 1 with the row's
 * columns readable by db_col(), 0 for none, -1 on an error (more than one
 * row is one).  Every result of the call is read before it returns. */
int db_call_row(db_stmt *s, const char *types, ...);

int db_begin(db *d);
/* A read-only transaction that sees one consistent snapshot (bulk loads). */
int db_begin_snapshot(db *d);
int db_commit(db *d);
void db_rollback(db *d);

#endif
