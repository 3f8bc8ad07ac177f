/*
 * test_db_tx.c - lib/db.c's transaction runner and lib/outbox.c against
 * the test stack's real MariaDB (run by tests/run.sh after the stack is up,
 * as root over its socket, in a scratch table of their own).
 *
 *  - a deadlock inside a transaction whose caller ignores the failed
 *    statement: nothing of it commits piecemeal, the runner redoes it whole;
 *  - a lock wait is retried, not turned into a lost connection;
 *  - the outbox: order per subject, back-off on failure, and a sender
 *    killed mid-delivery neither blocks the topic nor loses the message;
 *    a claim reads a subject's head, not its whole backlog;
 *  - rows being read when another statement of the same connection finds
 *    the server gone end in an error, not in a call on a closed statement;
 *  - a transaction begun on a connection the server dropped while it was
 *    idle runs whole on a new one (START TRANSACTION is the check, no ping);
 *  - outbox_put_n() writes its messages in one statement, in order;
 *  - db_tx_call(): a transaction begun by one procedure (db_call_row) and
 *    committed by another is committed once, and the connection is out of
 *    it afterwards; one the C code ends early is committed or rolled back
 *    by the runner; a dropped idle connection is found by the beginning
 *    CALL, which is sent again on a new one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "outbox.h"

static db *D;

static long long one_int(db *d, const char *sql)
{
	db_stmt *s = db_prepare(d, sql);
	long long v = -1;
	if (db_query(s, "") == 0)
		while (db_fetch(s) == 1)
			v = db_col_int(s, 0, -1);
	db_stmt_close(s);
	return v;
}

static void run_sql(db *d, const char *sql)
{
	db_stmt *s = db_prepare(d, sql);
	if (db_exec(s, "") < 0)
		fail_msg("%s: %s", sql, db_error(d));
	db_stmt_close(s);
}

static int attempts_of_a;

/* Holds row 2, then wants row 1 that the other side holds: the deadlock's
 * victim (it has done less).  Its failed statement is ignored on purpose,
 * the way a careless caller would. */
static int victim(db *d, void *arg)
{
	attempts_of_a++;
	db_stmt *s1 = db_prepare(d, "INSERT INTO test_tx (id, v) VALUES (100, 'before')");
	db_stmt *s2 = db_prepare(d, "UPDATE test_tx SET v = 'a' WHERE id = 1");
	db_stmt *s3 = db_prepare(d, "UPDATE test_tx SET v = 'a' WHERE id = 2");
	db_stmt *s4 = db_prepare(d, "INSERT INTO test_tx (id, v) VALUES (101, 'after')");
	int rc = 0;
	if (db_exec(s1, "") < 0 || db_exec(s2, "") < 0)
		rc = DB_TX_FAILED;
	if (!rc && attempts_of_a == 1)
		sleep(1);  /* the other side takes row 2 and waits for row 1 */
	if (!rc) {
		db_exec(s3, "");  /* the deadlock lands here: ignored */
		if (db_exec(s4, "") < 0)
			rc = DB_TX_FAILED;
	}
	db_stmt_close(s1);
	db_stmt_close(s2);
	db_stmt_close(s3);
	db_stmt_close(s4);
	return rc;
}

static void deadlock_is_redone_whole(void **state)
{
	run_sql(D, "DROP TABLE IF EXISTS test_tx");
	run_sql(D, "CREATE TABLE test_tx (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB");
	run_sql(D, "INSERT INTO test_tx VALUES (1, 'x'), (2, 'x')");
	for (int i = 0; i < 50; i++) {
		char sql[80];
		snprintf(sql, sizeof sql, "INSERT INTO test_tx VALUES (%d, 'pad')", 1000 + i);
		run_sql(D, sql);
	}
	pid_t kid = fork();
	if (kid == 0) {
		db *b = db_open();
		db_begin(b);
		db_stmt *s = db_prepare(b, "UPDATE test_tx SET v = 'b' WHERE id = 2");
		db_exec(s, "");
		/* more work than the victim, so InnoDB rolls the victim back */
		db_stmt *w = db_prepare(b, "UPDATE test_tx SET v = 'b' WHERE id >= 1000");
		db_exec(w, "");
		usleep(500000);
		db_stmt *t = db_prepare(b, "UPDATE test_tx SET v = 'b' WHERE id = 1");
		db_exec(t, "");
		db_commit(b);
		_exit(0);
	}
	usleep(200000);
	attempts_of_a = 0;
	int rc = db_tx(D, victim, NULL);
	waitpid(kid, NULL, 0);
	assert_int_equal(rc, 0);
	assert_true(attempts_of_a >= 2);
	/* both rows of the victim's work, never only the one after */
	assert_int_equal(one_int(D, "SELECT COUNT(*) FROM test_tx WHERE id IN (100, 101)"), 2);
	run_sql(D, "DROP TABLE test_tx");
}

static int bump(db *d, void *arg)
{
	db_stmt *s = db_prepare(d, "UPDATE test_tx SET v = 'mine' WHERE id = 1");
	long long n = db_exec(s, "");
	db_stmt_close(s);
	(*(int *)arg)++;
	return n < 0 ? DB_TX_FAILED : 0;
}

static void lock_wait_is_retried(void **state)
{
	run_sql(D, "DROP TABLE IF EXISTS test_tx");
	run_sql(D, "CREATE TABLE test_tx (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB");
	run_sql(D, "INSERT INTO test_tx VALUES (1, 'x')");
	pid_t kid = fork();
	if (kid == 0) {
		/* holds the row longer than one lock wait, shorter than five */
		db *b = db_open();
		db_begin(b);
		db_stmt *s = db_prepare(b, "UPDATE test_tx SET v = 'held' WHERE id = 1");
		db_exec(s, "");
		sleep(4);
		db_rollback(b);
		_exit(0);
	}
	usleep(300000);
	int tries = 0;
	int rc = db_tx(D, bump, &tries);
	waitpid(kid, NULL, 0);
	assert_int_equal(rc, 0);
	assert_true(tries >= 2);
	assert_int_equal(one_int(D, "SELECT COUNT(*) FROM test_tx WHERE v = 'mine'"), 1);
	run_sql(D, "DROP TABLE test_tx");
}

static char delivered[64][64];
static int ndelivered, fail_subject_b;

static int record(const outbox_msg *m, char *err, size_t errlen)
{
	if (fail_subject_b && strcmp(m->subject, "t-b") == 0) {
		snprintf(err, errlen, "receiver said 500 \xff\xfe (not UTF-8)");
		return -1;
	}
	snprintf(delivered[ndelivered++], 64, "%s:%s", m->subject, m->payload);
	return 0;
}

static void put(const char *subject, const char *payload)
{
	assert_int_equal(db_begin(D), 0);
	assert_int_equal(outbox_put(D, "test", subject, NULL, payload), 0);
	assert_int_equal(db_commit(D), 0);
}

static void outbox_order_and_backoff(void **state)
{
	run_sql(D, "DELETE FROM outbox WHERE topic = 'test'");
	put("t-a", "1");
	put("t-b", "1");
	put("t-a", "2");
	put("t-b", "2");
	fail_subject_b = 1;
	ndelivered = 0;
	/* a's messages in order; b's head fails and holds b's second back */
	for (int i = 0; i < 5; i++)
		outbox_round(D, "test", record, 10, 0);
	assert_int_equal(ndelivered, 2);
	assert_string_equal(delivered[0], "t-a:1");
	assert_string_equal(delivered[1], "t-a:2");
	assert_int_equal(one_int(D, "SELECT attempts FROM outbox WHERE topic='test' AND subject='t-b' ORDER BY id LIMIT 1"), 1);
	assert_int_equal(one_int(D, "SELECT COUNT(*) FROM outbox WHERE topic='test' AND last_error LIKE 'receiver said 500 ?? (not UTF-8)'"), 1);
	assert_int_equal(one_int(D, "SELECT next_at > UTC_TIMESTAMP(3) FROM outbox WHERE topic='test' AND subject='t-b' ORDER BY id LIMIT 1"), 1);
	/* the receiver is back; the retry is due: b's two arrive in order */
	fail_subject_b = 0;
	run_sql(D, "UPDATE outbox SET next_at = UTC_TIMESTAMP(3) WHERE topic = 'test'");
	for (int i = 0; i < 3; i++)
		outbox_round(D, "test", record, 10, 0);
	assert_int_equal(ndelivered, 4);
	assert_string_equal(delivered[2], "t-b:1");
	assert_string_equal(delivered[3], "t-b:2");
	assert_int_equal(one_int(D, "SELECT COUNT(*) FROM outbox WHERE topic='test' AND state='pending'"), 0);
	assert_int_equal(outbox_backoff(1, 300), 2);
	assert_int_equal(outbox_backoff(5, 300), 32);
	assert_int_equal(outbox_backoff(30, 300), 300);
}

static int die(const outbox_msg *m, char *err, size_t errlen)
{
	if (strcmp(m->subject, "t-poison") == 0)
		raise(SIGKILL);  /* the sender is killed mid-delivery */
	return record(m, err, errlen);
}

static void sender_killed_mid_delivery(void **state)
{
	run_sql(D, "DELETE FROM outbox WHERE topic = 'test'");
	put("t-poison", "1");
	put("t-fine", "1");
	ndelivered = 0;
	/* four senders, each killed by the same message */
	for (int i = 0; i < 4; i++) {
		pid_t kid = fork();
		if (kid == 0) {
			db *d = db_open();
			outbox_round(d, "test", die, 10, 0);
			_exit(0);
		}
		int st;
		waitpid(kid, &st, 0);
	}
	/* the killing message was leased once and counted, not retried in a
	 * loop; the other subject was not blocked behind it */
	assert_int_equal(one_int(D, "SELECT attempts FROM outbox WHERE topic='test' AND subject='t-poison'"), 1);
	assert_int_equal(one_int(D, "SELECT state = 'pending' FROM outbox WHERE topic='test' AND subject='t-poison'"), 1);
	assert_int_equal(one_int(D, "SELECT state = 'done' FROM outbox WHERE topic='test' AND subject='t-fine'"), 1);
	/* when its lease ends it is delivered: nothing lost */
	run_sql(D, "UPDATE outbox SET next_at = UTC_TIMESTAMP(3) WHERE topic = 'test'");
	outbox_round(D, "test", record, 10, 0);
	assert_int_equal(one_int(D, "SELECT COUNT(*) FROM outbox WHERE topic='test' AND state='pending'"), 0);
	run_sql(D, "DELETE FROM outbox WHERE topic = 'test'");
}

/* A claim outlasts the delivery it is for: with a lease set shorter than
 * the delivery's timeout (a test stack's 10 s against a 10 s webhook), a
 * second sender would take the message while the first still waits for
 * the receiver.  The lease is the timeout and 5 s at least. */
static long long lease_left;

static int see_lease(const outbox_msg *m, char *err, size_t errlen)
{
	char q[160];
	snprintf(q, sizeof q, "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), next_at) FROM outbox"
		 " WHERE id = %lld", m->id);
	lease_left = one_int(D, q);
	return record(m, err, errlen);
}

static void lease_outlasts_the_delivery(void **state)
{
	(void)state;
	run_sql(D, "DELETE FROM outbox WHERE topic = 'test'");
	setenv("PORTAL_OUTBOX_LEASE", "2", 1);
	put("t-slow", "1");
	put("t-quick", "1");
	outbox_round(D, "test", see_lease, 1, 30000);
	assert_in_range(lease_left, 33, 35);       /* 30 s + 5, less the time it took */
	setenv("PORTAL_OUTBOX_LEASE", "20", 1);
	outbox_round(D, "test", see_lease, 1, 1000);
	assert_in_range(lease_left, 18, 20);       /* the setting, when it is longer */
	unsetenv("PORTAL_OUTBOX_LEASE");
	run_sql(D, "DELETE FROM outbox WHERE topic = 'test'");
}

/* A subject with a long backlog (a citizen's notices, an agency's webhooks
 * after its endpoint was down): each claim reads the head of the subject
 * from the index, not every pending message of it.  sql/014's MIN(id) read
 * them all (Handler_read_next = the backlog, each claim), so a drain was
 * quadratic; sql/015 reads one.  Counted by the server, not timed. */
static void claim_reads_the_head_not_the_backlog(void **state)
{
	(void)state;
	run_sql(D, "DELETE FROM outbox WHERE topic = 'test'");
	run_sql(D, "INSERT INTO outbox (topic, subject, payload, next_at, created_at) "
		   "SELECT 'test', 't-long', seq, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) FROM seq_1_to_3000");
	const char *reads = "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
			    "WHERE VARIABLE_NAME = 'HANDLER_READ_NEXT'";
	ndelivered = 0;
	long long before = one_int(D, reads);
	outbox_round(D, "test", record, 10, 0);
	long long after = one_int(D, reads);
	assert_int_equal(ndelivered, 10);
	assert_string_equal(delivered[0], "t-long:1");
	assert_string_equal(delivered[9], "t-long:10");
	/* 10 claims and their outcomes: a few reads each, against 30,000 */
	if (after - before > 200)
		fail_msg("10 claims read %lld index entries", after - before);
	run_sql(D, "DELETE FROM outbox WHERE topic = 'test'");
}

/* A loop over one result runs another statement on the same connection
 * (the usual "for each row, write something"); the server drops the
 * connection in between.  The inner statement reconnects, and the outer
 * loop's rows, closed with the old connection, end in an error. */
static void fetch_after_connection_lost(void **state)
{
	db *c = db_open();
	assert_true(db_connected(c));
	db_stmt *outer = db_prepare(c, "SELECT seq FROM seq_1_to_5");
	db_stmt *me = db_prepare(c, "SELECT CONNECTION_ID()");
	db_stmt *inner = db_prepare(c, "SELECT 1");
	assert_int_equal(db_query(me, ""), 0);
	assert_int_equal(db_fetch(me), 1);
	long long id = db_col_int(me, 0, -1);
	while (db_fetch(me) == 1)
		;
	assert_int_equal(db_query(outer, ""), 0);
	assert_int_equal(db_fetch(outer), 1);
	char kill[64];
	snprintf(kill, sizeof kill, "KILL %lld", id);
	run_sql(D, kill);
	/* a read: sent again on a new connection */
	assert_int_equal(db_query(inner, ""), 0);
	while (db_fetch(inner) == 1)
		;
	assert_int_equal(db_fetch(outer), -1);
	assert_non_null(strstr(db_error(c), "lost"));
	/* and the statement is usable again once run anew */
	assert_int_equal(db_query(outer, ""), 0);
	int n = 0;
	while (db_fetch(outer) == 1)
		n++;
	assert_int_equal(n, 5);
	db_stmt_close(outer);
	db_stmt_close(me);
	db_stmt_close(inner);
	db_close(c);
}

static int put_two(db *d, void *arg)
{
	(void)arg;
	outbox_new m[2] = {
		{ "test", "t-n1", NULL, "{\"n\":1}" },
		{ "test", "t-n2", "http://x.invalid/", "{\"n\":2}" },
	};
	return outbox_put_n(d, m, 2) < 0 ? DB_TX_FAILED : 0;
}

static void begin_after_idle_drop(void **state)
{
	(void)state;
	db *c = db_open();
	assert_true(db_connected(c));
	db_stmt *me = db_prepare(c, "SELECT CONNECTION_ID()");
	assert_int_equal(db_query(me, ""), 0);
	assert_int_equal(db_fetch(me), 1);
	long long id = db_col_int(me, 0, -1);
	while (db_fetch(me) == 1)
		;
	char kill[64];
	snprintf(kill, sizeof kill, "KILL %lld", id);
	run_sql(D, kill);
	/* the dropped connection is found at START TRANSACTION and replaced */
	assert_int_equal(db_tx(c, put_two, NULL), 0);
	assert_int_equal(one_int(D, "SELECT COUNT(*) FROM outbox WHERE topic='test' AND subject IN ('t-n1','t-n2')"), 2);
	assert_int_equal(one_int(D, "SELECT (SELECT id FROM outbox WHERE topic='test' AND subject='t-n1') < "
				    "(SELECT id FROM outbox WHERE topic='test' AND subject='t-n2')"), 1);
	assert_int_equal(one_int(D, "SELECT url IS NULL FROM outbox WHERE topic='test' AND subject='t-n1'"), 1);
	run_sql(D, "DELETE FROM outbox WHERE topic = 'test'");
	db_stmt_close(me);
	db_close(c);
}


/* --- db_tx_call ------------------------------------------------------------ */

static void call_setup(void)
{
	run_sql(D, "DROP TABLE IF EXISTS test_call");
	run_sql(D, "CREATE TABLE test_call (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
	run_sql(D, "INSERT INTO test_call VALUES (1, 0), (2, 0), (3, 0)");
	run_sql(D, "DROP PROCEDURE IF EXISTS test_call_begin");
	run_sql(D, "CREATE PROCEDURE test_call_begin(IN p INT) BEGIN START TRANSACTION; "
		   "SELECT id, v FROM test_call WHERE id >= p FOR UPDATE; END");
	run_sql(D, "DROP PROCEDURE IF EXISTS test_call_write");
	run_sql(D, "CREATE PROCEDURE test_call_write(IN p INT) BEGIN "
		   "UPDATE test_call SET v = v + 1 WHERE id = p; COMMIT; END");
}

static void call_teardown(void)
{
	run_sql(D, "DROP PROCEDURE test_call_write");
	run_sql(D, "DROP PROCEDURE test_call_begin");
	run_sql(D, "DROP TABLE test_call");
}

typedef struct { int id, how, row, v, runs; } call_arg;
enum { HOW_WRITE, HOW_EARLY, HOW_REFUSE };

/* Lock row id (the last one, so the CALL answers with one row), then:
 * the committing procedure; or a plain UPDATE and return (the runner must
 * commit it); or the same UPDATE and a refusal (the runner rolls back). */
static int call_fn(db *d, void *argp)
{
	call_arg *a = argp;
	a->runs++;
	db_stmt *b = db_prepare(d, "CALL test_call_begin(?)");
	a->row = db_call_row(b, "i", (long long)a->id);
	a->v = a->row == 1 ? (int)db_col_int(b, 1, -1) : -1;
	db_stmt_close(b);
	if (a->row < 0)
		return DB_TX_FAILED;
	int rc = 0;
	if (a->how == HOW_WRITE) {
		db_stmt *w = db_prepare(d, "CALL test_call_write(?)");
		rc = db_exec(w, "i", (long long)a->id) < 0 ? DB_TX_FAILED : 0;
		db_stmt_close(w);
	} else {
		db_stmt *u = db_prepare(d, "UPDATE test_call SET v = v + 10 WHERE id = ?");
		rc = db_exec(u, "i", (long long)a->id) < 0 ? DB_TX_FAILED : 0;
		db_stmt_close(u);
		if (!rc && a->how == HOW_REFUSE)
			rc = 409;
	}
	return rc;
}

static long long v_of(int id)
{
	char sql[80];
	snprintf(sql, sizeof sql, "SELECT v FROM test_call WHERE id = %d", id);
	return one_int(D, sql);
}

/* After the transaction the connection must be out of it: a row it locked
 * is free for another connection, and its next write commits alone. */
static void assert_out_of_tx(db *c, int id)
{
	char sql[96];
	run_sql(D, "SET SESSION innodb_lock_wait_timeout = 1");
	snprintf(sql, sizeof sql, "UPDATE test_call SET v = v WHERE id = %d", id);
	run_sql(D, sql);
	run_sql(D, "SET SESSION innodb_lock_wait_timeout = DEFAULT");
	snprintf(sql, sizeof sql, "UPDATE test_call SET v = v + 100 WHERE id = %d", id);
	long long before = v_of(id);
	run_sql(c, sql);
	assert_int_equal(v_of(id), before + 100);
}

static void call_tx_is_begun_and_committed_by_procedures(void **state)
{
	(void)state;
	call_setup();
	db *c = db_open();
	call_arg a = { .id = 3, .how = HOW_WRITE };
	assert_int_equal(db_tx_call(c, call_fn, &a), 0);
	assert_int_equal(a.row, 1);
	assert_int_equal(a.v, 0);
	assert_int_equal(a.runs, 1);
	assert_int_equal(v_of(3), 1);
	assert_out_of_tx(c, 3);

	/* ended early with the transaction open: the runner commits */
	call_arg e = { .id = 3, .how = HOW_EARLY };
	assert_int_equal(db_tx_call(c, call_fn, &e), 0);
	assert_int_equal(e.v, 101);
	assert_int_equal(v_of(3), 111);
	assert_out_of_tx(c, 3);

	/* a refusal: rolled back, the lock released */
	call_arg r = { .id = 3, .how = HOW_REFUSE };
	assert_int_equal(db_tx_call(c, call_fn, &r), 409);
	assert_int_equal(v_of(3), 211);
	assert_out_of_tx(c, 3);

	/* no row: 0; more than one row is an error, and rolled back */
	call_arg n = { .id = 9, .how = HOW_EARLY };
	assert_int_equal(db_tx_call(c, call_fn, &n), 0);
	assert_int_equal(n.row, 0);
	call_arg m = { .id = 1, .how = HOW_WRITE };
	assert_int_equal(db_tx_call(c, call_fn, &m), 500);
	assert_int_equal(m.row, -1);
	assert_int_equal(v_of(1), 0);
	assert_out_of_tx(c, 1);
	db_close(c);
	call_teardown();
}

static void call_tx_after_idle_drop(void **state)
{
	(void)state;
	call_setup();
	db *c = db_open();
	assert_true(db_connected(c));
	long long id = one_int(c, "SELECT CONNECTION_ID()");
	char kill[64];
	snprintf(kill, sizeof kill, "KILL %lld", id);
	run_sql(D, kill);
	/* the dropped connection is found by the beginning CALL, sent again */
	call_arg a = { .id = 3, .how = HOW_WRITE };
	assert_int_equal(db_tx_call(c, call_fn, &a), 0);
	assert_int_equal(a.runs, 1);
	assert_int_equal(v_of(3), 1);
	assert_true(one_int(c, "SELECT CONNECTION_ID()") != id);
	assert_out_of_tx(c, 3);
	db_close(c);
	call_teardown();
}

int main(void)
{
	setenv("PORTAL_DB_USER", "root", 0);
	D = db_open();
	if (!db_connected(D)) {
		fprintf(stderr, "test_db_tx: no database: %s\n", db_error(D));
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deadlock_is_redone_whole), cmocka_unit_test(lock_wait_is_retried),
		cmocka_unit_test(outbox_order_and_backoff), cmocka_unit_test(sender_killed_mid_delivery),
		cmocka_unit_test(claim_reads_the_head_not_the_backlog),
		cmocka_unit_test(lease_outlasts_the_delivery),
		cmocka_unit_test(fetch_after_connection_lost), cmocka_unit_test(begin_after_idle_drop),
		cmocka_unit_test(call_tx_is_begun_and_committed_by_procedures),
		cmocka_unit_test(call_tx_after_idle_drop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
