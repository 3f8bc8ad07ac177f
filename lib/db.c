/* db.c - see db.h */
#include "db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <errmsg.h>

#include "conf.h"

#define MAX_PARAMS 48
#define MAX_COLS 48
#define MAX_STMTS 256   /* an area with many pages prepares ~100 over its life */

struct db_stmt {
	db *d;
	char *sql;
	MYSQL_STMT *st;
	unsigned gen;            /* connection generation it was prepared on */
	int ncols;
	MYSQL_BIND res[MAX_COLS];
	unsigned long lens[MAX_COLS];
	my_bool nulls[MAX_COLS];
	char *bufs[MAX_COLS];
	size_t caps[MAX_COLS];
};

struct db {
	MYSQL *conn;
	unsigned last_errno;     /* of the last failed call, for db_errclass */
	unsigned gen;
	int in_tx;
	unsigned doomed; /* the server rolled the open transaction back (1213,
			  * 1205): refuse everything until the caller rolls
			  * back, or later statements would commit alone */
	int tx_broken;   /* the connection died inside a transaction: refuse
			  * everything until the caller rolls back */
	int tx_first;    /* db_tx_call(): the next statement is the one that
			  * begins the transaction, safe to send again */
	unsigned connect_timeout, rw_timeout;  /* seconds */
	char err[256];
	db_stmt *stmts[MAX_STMTS];
	int nstmts;
};

static void set_err(db *d, const char *what, const char *msg)
{
	d->last_errno = d->conn ? mysql_errno(d->conn) : CR_SERVER_GONE_ERROR;
	snprintf(d->err, sizeof d->err, "%s: %s", what, msg ? msg : "?");
}

static int connect_now(db *d)
{
	if (d->conn)
		return 0;
	MYSQL *c = mysql_init(NULL);
	if (!c) {
		set_err(d, "mysql_init", "out of memory");
		return -1;
	}
	/* Every wait on the server is bounded: a hung server (stopped, or
	 * cut off by the network while the connection stays up) costs a call
	 * these seconds and then an error, never a hang. */
	unsigned int timeout = d->connect_timeout, rw = d->rw_timeout;
	mysql_options(c, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(c, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_options(c, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_options(c, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	const char *sock = conf_str("PORTAL_DB_SOCKET", NULL);
	const char *host = sock ? "localhost" : conf_str("PORTAL_DB_HOST", "127.0.0.1");
	if (!mysql_real_connect(c, host, conf_str("PORTAL_DB_USER", "root"),
				conf_str("PORTAL_DB_PASSWORD", NULL),
				conf_str("PORTAL_DB_NAME", "portal"),
				(unsigned)conf_int("PORTAL_DB_PORT", 3306), sock, 0)) {
		set_err(d, "connect", mysql_error(c));
		mysql_close(c);
		return -1;
	}
	/* Times are UTC in the database; pages convert for people.  A lock
	 * wait gives up long before nginx would (fastcgi_read_timeout 60 s):
	 * the transaction runner retries it, and a request never hangs. */
	char init[128];
	/* and under this connection's own read timeout too, with room for
	 * InnoDB's once-a-second lock check: the server's 1205 (retried
	 * whole by db_tx) must come before the client gives up on it. */
	long long lw = conf_int("PORTAL_DB_LOCK_WAIT", 3);
	if (lw > (long long)d->rw_timeout - 2)
		lw = (long long)d->rw_timeout - 2;
	if (lw < 1)
		lw = 1;
	snprintf(init, sizeof init, "SET time_zone = '+00:00', innodb_lock_wait_timeout = %lld", lw);
	mysql_query(c, init);
	d->conn = c;
	d->gen++;
	d->in_tx = 0;  /* tx_broken stays until the caller rolls back */
	return 0;
}

static void disconnect(db *d)
{
	for (int i = 0; i < d->nstmts; i++) {
		if (d->stmts[i]->st) {
			mysql_stmt_close(d->stmts[i]->st);
			d->stmts[i]->st = NULL;
		}
	}
	if (d->conn)
		mysql_close(d->conn);
	d->conn = NULL;
	if (d->in_tx)
		d->tx_broken = 1;  /* its work is gone with the connection */
	d->in_tx = 0;
}

static int gone(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	       e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	       e == 1927 /* ER_CONNECTION_KILLED */ || e == 4031 /* idle timeout */;
}

static void stmt_free(db_stmt *s);

static unsigned seconds(const char *name, long long def)
{
	long long v = conf_int(name, def);
	return v >= 1 && v <= 3600 ? (unsigned)v : (unsigned)def;
}

db *db_open_timeout(unsigned s)
{
	return db_open_timeouts(s, s);
}

db *db_open_timeouts(unsigned connect_s, unsigned rw_s)
{
	db *d = calloc(1, sizeof *d);
	if (!d)
		abort();
	d->connect_timeout = connect_s ? connect_s : seconds("PORTAL_DB_CONNECT_TIMEOUT", 2);
	d->rw_timeout = rw_s ? rw_s : seconds("PORTAL_DB_TIMEOUT", 5);
	connect_now(d);
	return d;
}

db *db_open(void)
{
	return db_open_timeouts(0, 0);
}

void db_close(db *d)
{
	if (!d)
		return;
	disconnect(d);
	for (int i = 0; i < d->nstmts; i++)
		stmt_free(d->stmts[i]);
	free(d);
}

int db_connected(db *d)
{
	if (d->conn && mysql_ping(d->conn) != 0)
		disconnect(d);
	return connect_now(d) == 0;
}

const char *db_error(db *d)
{
	return d->err;
}

db_stmt *db_prepare(db *d, const char *sql)
{
	if (d->nstmts == MAX_STMTS)
		abort();
	db_stmt *s = calloc(1, sizeof *s);
	if (!s || !(s->sql = strdup(sql)))
		abort();
	s->d = d;
	d->stmts[d->nstmts++] = s;
	return s;
}

static void stmt_free(db_stmt *s)
{
	if (s->st)
		mysql_stmt_close(s->st);
	for (int k = 0; k < MAX_COLS; k++)
		free(s->bufs[k]);
	free(s->sql);
	free(s);
}

void db_stmt_close(db_stmt *s)
{
	if (!s)
		return;
	db *d = s->d;
	for (int i = 0; i < d->nstmts; i++) {
		if (d->stmts[i] == s) {
			d->stmts[i] = d->stmts[--d->nstmts];
			break;
		}
	}
	stmt_free(s);
}

/* Make sure the statement is prepared on the current connection. */
static int ready(db_stmt *s)
{
	db *d = s->d;
	if (connect_now(d) < 0)
		return -1;
	if (s->st && s->gen == d->gen)
		return 0;
	if (s->st)
		mysql_stmt_close(s->st);
	s->st = mysql_stmt_init(d->conn);
	if (!s->st || mysql_stmt_prepare(s->st, s->sql, strlen(s->sql)) != 0) {
		unsigned e = s->st ? mysql_stmt_errno(s->st) : CR_OUT_OF_MEMORY;
		set_err(d, "prepare", s->st ? mysql_stmt_error(s->st) : "out of memory");
		if (s->st)
			mysql_stmt_close(s->st);
		s->st = NULL;
		if (gone(e) || mysql_errno(d->conn) == CR_SERVER_GONE_ERROR)
			disconnect(d);
		return -1;
	}
	my_bool update_max = 1;
	mysql_stmt_attr_set(s->st, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
	s->gen = d->gen;
	MYSQL_RES *meta = mysql_stmt_result_metadata(s->st);
	s->ncols = meta ? (int)mysql_num_fields(meta) : 0;
	if (meta)
		mysql_free_result(meta);
	if (s->ncols > MAX_COLS)
		abort();
	return 0;
}

static int bind_params(db_stmt *s, const char *types, va_list ap,
		       MYSQL_BIND *b, long long *ints)
{
	size_t n = strlen(types);
	s->d->last_errno = 0;
	if (n > MAX_PARAMS || n != mysql_stmt_param_count(s->st)) {
		set_err(s->d, "bind", "parameter count mismatch");
		return -1;
	}
	memset(b, 0, n * sizeof *b);
	for (size_t i = 0; i < n; i++) {
		switch (types[i]) {
		case 'i':
			ints[i] = va_arg(ap, long long);
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = &ints[i];
			break;
		case 's': {
			const char *v = va_arg(ap, const char *);
			if (!v) {
				b[i].buffer_type = MYSQL_TYPE_NULL;
			} else {
				b[i].buffer_type = MYSQL_TYPE_STRING;
				b[i].buffer = (void *)v;
				b[i].buffer_length = strlen(v);
			}
			break;
		}
		case 'n':
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case 'b': {
			const void *v = va_arg(ap, const void *);
			size_t len = va_arg(ap, size_t);
			b[i].buffer_type = v ? MYSQL_TYPE_BLOB : MYSQL_TYPE_NULL;
			b[i].buffer = (void *)v;
			b[i].buffer_length = (unsigned long)len;
			break;
		}
		default:
			set_err(s->d, "bind", "unknown parameter type");
			return -1;
		}
	}
	if (n && mysql_stmt_bind_param(s->st, b) != 0) {
		set_err(s->d, "bind", mysql_stmt_error(s->st));
		return -1;
	}
	return 0;
}

/* A statement's error, met when it ran or while its answer was read (a
 * procedure's may come with a later result): what it was, and whether it
 * ended the transaction.  1213 has rolled the transaction back; after 1205
 * we roll it back ourselves: either way it is over.  1467
 * (ER_AUTOINC_READ_FAILED) is how InnoDB reports a deadlock or a lock wait
 * on a table's AUTO-INC lock.  Returns the error number. */
static unsigned answer_failed(db_stmt *s, const char *what)
{
	unsigned e = mysql_stmt_errno(s->st);
	set_err(s->d, what, mysql_stmt_error(s->st));
	s->d->last_errno = e;
	if (s->d->in_tx && (e == 1213 || e == 1205 || e == 1467))
		s->d->doomed = e;
	return e;
}

/* Execute once; on a lost connection outside a transaction, reconnect and
 * try a second time. */
static int execute(db_stmt *s, const char *types, va_list ap)
{
	if (s->d->doomed) {
		s->d->last_errno = s->d->doomed;
		set_err(s->d, "execute", "the server rolled the transaction back; redo it");
		s->d->last_errno = s->d->doomed;
		return -1;
	}
	if (s->d->tx_broken) {
		set_err(s->d, "execute", "the transaction was lost with the connection; roll back");
		return -1;
	}
	/* The statement that begins a db_tx_call() transaction is like
	 * db_begin()'s START: whatever it did died with the connection, so it
	 * is sent again once on a new one (the usual way to find that the
	 * server was restarted since the last request). */
	int first = s->d->tx_first;
	s->d->tx_first = 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		MYSQL_BIND b[MAX_PARAMS];
		long long ints[MAX_PARAMS];
		va_list cp;
		if (ready(s) < 0) {
			if (s->d->in_tx && !first)
				return -1;
			if (first && s->d->tx_broken) {
				s->d->tx_broken = 0;	/* nothing of it was done */
				s->d->in_tx = 1;
			}
			continue;
		}
		va_copy(cp, ap);
		int rc = bind_params(s, types, cp, b, ints);
		va_end(cp);
		if (rc < 0)
			return -1;
		if (mysql_stmt_execute(s->st) == 0)
			return 0;
		unsigned e = answer_failed(s, "execute");
		if (s->d->doomed)
			return -1;	/* the transaction is over (answer_failed) */
		if (!gone(e))
			return -1;
		int in_tx = s->d->in_tx;
		disconnect(s->d);
		if (first) {
			s->d->tx_broken = 0;	/* nothing of it was done */
			s->d->in_tx = 1;
			continue;
		}
		/* A lost answer (2013) may mean the statement ran and, outside
		 * a transaction, committed: only a read is safe to send again.
		 * A connection that was already gone (2006) ran nothing. */
		if (in_tx || (e != CR_SERVER_GONE_ERROR && s->ncols == 0))
			return -1;
	}
	return -1;
}

long long db_exec(db_stmt *s, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = execute(s, types, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	return (long long)mysql_stmt_affected_rows(s->st);
}

long long db_insert_id(db_stmt *s)
{
	return s->st ? (long long)mysql_stmt_insert_id(s->st) : 0;
}

/* After an execute: the result's rows in client memory, every column bound
 * to a buffer sized to its longest value. */
static int take_result(db_stmt *s)
{
	if (mysql_stmt_store_result(s->st) != 0) {
		answer_failed(s, "store");
		return -1;
	}
	/* Size every column buffer to the longest value in the result. */
	MYSQL_RES *meta = mysql_stmt_result_metadata(s->st);
	if (!meta)
		return 0;
	MYSQL_FIELD *f = mysql_fetch_fields(meta);
	/* The columns of this result: a statement whose prepare announced none
	 * (MariaDB's INSERT … RETURNING) still returns rows. */
	s->ncols = (int)mysql_num_fields(meta);
	if (s->ncols > MAX_COLS)
		abort();
	memset(s->res, 0, sizeof s->res);
	size_t cap = (size_t)conf_bytes("PORTAL_DB_MAX_VALUE", 16 << 20);
	for (int i = 0; i < s->ncols; i++) {
		size_t need = f[i].max_length + 1;
		if (need > cap + 1) {
			/* One value may not take a worker's memory: refuse the
			 * result instead of allocating without bound. */
			mysql_free_result(meta);
			mysql_stmt_free_result(s->st);
			set_err(s->d, "store", "a value is larger than PORTAL_DB_MAX_VALUE");
			return -1;
		}
		if (need < 32)
			need = 32;
		if (s->caps[i] < need) {
			free(s->bufs[i]);
			s->bufs[i] = malloc(need);
			if (!s->bufs[i])
				abort();
			s->caps[i] = need;
		}
		s->res[i].buffer_type = MYSQL_TYPE_STRING;
		s->res[i].buffer = s->bufs[i];
		s->res[i].buffer_length = s->caps[i];
		s->res[i].length = &s->lens[i];
		s->res[i].is_null = &s->nulls[i];
	}
	mysql_free_result(meta);
	if (mysql_stmt_bind_result(s->st, s->res) != 0) {
		set_err(s->d, "bind result", mysql_stmt_error(s->st));
		return -1;
	}
	return 0;
}

int db_query(db_stmt *s, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = execute(s, types, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	return take_result(s);
}

/* A fetched row's values as C strings (cut to the buffer, which was sized
 * to the longest value). */
static void terminate_row(db_stmt *s)
{
	for (int i = 0; i < s->ncols; i++)
		if (!s->nulls[i])
			s->bufs[i][s->lens[i] < s->caps[i] ? s->lens[i] : s->caps[i] - 1] = '\0';
}

int db_fetch(db_stmt *s)
{
	/* Another statement of this connection may have found the server
	 * gone while this one's rows were being read: disconnect() closed
	 * every statement, these rows with them.  The loop ends in an error,
	 * never in a call on a closed statement. */
	if (!s->st || s->gen != s->d->gen) {
		set_err(s->d, "fetch", "the connection was lost while the result was read");
		s->d->last_errno = CR_SERVER_LOST;
		return -1;
	}
	int rc = mysql_stmt_fetch(s->st);
	if (rc == 0) {
		terminate_row(s);
		return 1;
	}
	if (rc == MYSQL_NO_DATA) {
		mysql_stmt_free_result(s->st);
		return 0;
	}
	if (rc == MYSQL_DATA_TRUNCATED) {
		set_err(s->d, "fetch", "data truncated");
	} else {
		set_err(s->d, "fetch", mysql_stmt_error(s->st));
	}
	mysql_stmt_free_result(s->st);
	return -1;
}

const char *db_col(db_stmt *s, int i, size_t *len)
{
	if (i < 0 || i >= s->ncols || s->nulls[i])
		return NULL;
	if (len)
		*len = s->lens[i];
	return s->bufs[i];
}

long long db_col_int(db_stmt *s, int i, long long def)
{
	const char *v = db_col(s, i, NULL);
	return v ? strtoll(v, NULL, 10) : def;
}

void db_col_copy(db_stmt *s, int i, char *out, size_t n)
{
	if (!n)
		return;
	const char *v = db_col(s, i, NULL);
	snprintf(out, n, "%s", v ? v : "");
}

static int server_in_tx(db *d)
{
	unsigned st = 0;
	if (!d->conn || mariadb_get_infov(d->conn, MARIADB_CONNECTION_SERVER_STATUS, &st) != 0)
		return 0;
	return (st & SERVER_STATUS_IN_TRANS) != 0;
}

int db_call_row(db_stmt *s, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = execute(s, types, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	/* A CALL answers with each result set of the procedure, then its own
	 * status: every one is read here (the connection takes no other
	 * statement before), the first row kept in this statement's buffers. */
	int rows = 0, err = 0;
	for (;;) {
		if (mysql_stmt_field_count(s->st) > 0) {
			if (take_result(s) < 0)
				return -1;
			int f;
			while ((f = mysql_stmt_fetch(s->st)) == 0)
				if (rows++ == 0)
					terminate_row(s);
			/* a cut value, or more than the one row promised */
			if (f != MYSQL_NO_DATA || rows > 1)
				err = 1;
			mysql_stmt_free_result(s->st);
		}
		if (!mysql_stmt_more_results(s->st))
			break;
		int n = mysql_stmt_next_result(s->st);
		if (n < 0)
			break;
		if (n > 0) {
			if (gone(answer_failed(s, "call")))
				disconnect(s->d);
			return -1;
		}
	}
	if (err) {
		set_err(s->d, "call", "the procedure answered other than one row");
		return -1;
	}
	return rows;
}

static int simple(db *d, const char *sql)
{
	if (connect_now(d) < 0)
		return -1;
	if (mysql_query(d->conn, sql) != 0) {
		set_err(d, sql, mysql_error(d->conn));
		d->last_errno = mysql_errno(d->conn);
		if (gone(mysql_errno(d->conn)))
			disconnect(d);
		return -1;
	}
	return 0;
}

static int begin(db *d, const char *sql)
{
	d->last_errno = 0;
	if (d->tx_broken || d->doomed)
		return -1;
	/* The one safe moment to notice a dead connection and reconnect:
	 * START TRANSACTION itself is the test (a ping before it cost every
	 * transaction a round trip).  It has done nothing if the connection
	 * turns out gone, so it is sent again once on a new one. */
	for (int attempt = 0; attempt < 2; attempt++) {
		int had = d->conn != NULL;
		if (simple(d, sql) == 0) {
			d->in_tx = 1;
			return 0;
		}
		/* An error of the server's, or no connection to be had: no
		 * second try (it would only double the wait). */
		if (d->conn || !had)
			return -1;
	}
	return -1;
}

int db_begin(db *d)
{
	return begin(d, "START TRANSACTION");
}

int db_begin_snapshot(db *d)
{
	return begin(d, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
}

int db_commit(db *d)
{
	if (d->doomed) {
		d->last_errno = d->doomed;
		set_err(d, "commit", "the server rolled the transaction back");
		d->last_errno = d->doomed;
		return -1;
	}
	if (d->tx_broken) {
		set_err(d, "commit", "the transaction was lost with the connection");
		return -1;
	}
	int rc = simple(d, "COMMIT");
	d->in_tx = 0;
	return rc;
}

void db_rollback(db *d)
{
	if (d->conn && d->in_tx)
		simple(d, "ROLLBACK");
	d->in_tx = 0;
	d->tx_broken = 0;
	d->doomed = 0;
}

int db_errclass(db *d)
{
	unsigned e = d->last_errno;
	if (e == 0)
		return DB_OK;
	if (e == 1213 || e == 1467)  /* 1467: a deadlock on an AUTO-INC lock */
		return DB_DEADLOCK;
	if (e == 1205)
		return DB_LOCK_TIMEOUT;
	if (e == 1062)
		return DB_DUPLICATE;
	if (gone(e) || e == CR_SERVER_GONE_ERROR || e == 2002 /* CR_CONNECTION_ERROR */ ||
	    e == 2003 || e == 2013 || d->tx_broken)
		return DB_GONE;
	return DB_OTHER;
}

/* db_tx() and db_tx_call(): call_mode = the fn's procedures begin (and may
 * commit) the transaction themselves. */
static int tx_run(db *d, int (*fn)(db *d, void *arg), void *arg, int call_mode)
{
	int tries = (int)conf_int("PORTAL_DB_TX_TRIES", 5);
	for (int attempt = 0; attempt < tries; attempt++) {
		if (!call_mode && db_begin(d) < 0) {
			db_rollback(d);
			return 503;
		}
		if (call_mode) {
			/* in_tx before the first statement: whatever happens,
			 * what the procedure began is rolled back */
			d->last_errno = 0;
			d->in_tx = 1;
			d->tx_first = 1;
		}
		int rc = fn(d, arg);
		d->tx_first = 0;
		if (rc == 0 && call_mode && !d->doomed && !d->tx_broken && d->conn &&
		    !server_in_tx(d)) {
			d->in_tx = 0;	/* the fn's last procedure committed it */
			return 0;
		}
		if (rc == 0 && db_commit(d) == 0)
			return 0;
		/* A status of fn's own still means "redo" when the server had
		 * rolled the transaction back under it (fn may have read a
		 * failed query as "not found"). */
		int cls = rc == 0 || rc == DB_TX_FAILED || d->doomed ? db_errclass(d) : DB_OK;
		/* A deadlock has rolled the whole transaction back, a lock wait
		 * timeout only the statement: ROLLBACK both, then redo it all. */
		db_rollback(d);
		if (cls == DB_DEADLOCK || cls == DB_LOCK_TIMEOUT) {
			fprintf(stderr, "db: %s, retrying the transaction (%d)\n",
				cls == DB_DEADLOCK ? "deadlock" : "lock wait timeout", attempt + 1);
			continue;
		}
		if (rc == 0 || rc == DB_TX_FAILED) {
			fprintf(stderr, "db: transaction failed: %s\n", d->err);
			return cls == DB_GONE ? 503 : 500;
		}
		return rc;
	}
	return 503;
}

int db_tx(db *d, int (*fn)(db *d, void *arg), void *arg)
{
	return tx_run(d, fn, arg, 0);
}

int db_tx_call(db *d, int (*fn)(db *d, void *arg), void *arg)
{
	return tx_run(d, fn, arg, 1);
}
