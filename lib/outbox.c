/* outbox.c - see outbox.h */
#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "vntext.h"

/* Statements per connection: a job has one connection for its life. */
/* Statements per connection: a job has one connection for its life. */
static struct {
	db *on;
	db_stmt *put, *claim;
	db_stmt *put_n[OUTBOX_PUT_MAX + 1];  /* n rows at once, prepared when first used */
} st;

static void prepare(db *d)
{
	if (st.on == d)
		return;
	st.on = d;
	memset(st.put_n, 0, sizeof st.put_n);
	/* sql/010's outbox_add writes the same row for stored procedures */
	st.put = db_prepare(d,
		"INSERT INTO outbox (topic, subject, url, payload, state, attempts, next_at, created_at) "
		"VALUES (?, ?, ?, ?, 'pending', 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))");
	/* The outcome of the message before, the claim of the next (the head
	 * of its subject, SKIP LOCKED) and its lease, in one transaction and
	 * one round trip: sql/014_outbox_claim.sql. */
	st.claim = db_prepare(d, "CALL outbox_claim(?, ?, ?, ?, ?, ?, ?)");
}

int outbox_put(db *d, const char *topic, const char *subject, const char *url,
	       const char *payload)
{
	prepare(d);
	return db_exec(st.put, "ssss", topic, subject, url, payload) == 1 ? 0 : -1;
}

int outbox_put_n(db *d, const outbox_new *m, int n)
{
	if (n < 1 || n > OUTBOX_PUT_MAX)
		return -1;
	if (n == 1)
		return outbox_put(d, m[0].topic, m[0].subject, m[0].url, m[0].payload);
	prepare(d);
	if (!st.put_n[n]) {
		char sql[1024];
		size_t k = (size_t)snprintf(sql, sizeof sql,
			"INSERT INTO outbox (topic, subject, url, payload, state, attempts, next_at, created_at) VALUES ");
		for (int i = 0; i < n; i++)
			k += (size_t)snprintf(sql + k, sizeof sql - k, "%s(?, ?, ?, ?, 'pending', 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
					      i ? ", " : "");
		st.put_n[n] = db_prepare(d, sql);
	}
	/* Four parameters a row, at most OUTBOX_PUT_MAX rows. */
	const char *v[4 * OUTBOX_PUT_MAX] = {0};
	for (int i = 0; i < n; i++) {
		v[4 * i] = m[i].topic;
		v[4 * i + 1] = m[i].subject;
		v[4 * i + 2] = m[i].url;
		v[4 * i + 3] = m[i].payload;
	}
	long long w = n == 2 ? db_exec(st.put_n[2], "ssssssss", v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])
		    : n == 3 ? db_exec(st.put_n[3], "ssssssssssss", v[0], v[1], v[2], v[3], v[4], v[5], v[6],
				       v[7], v[8], v[9], v[10], v[11])
		    : db_exec(st.put_n[4], "ssssssssssssssss", v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
			      v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]);
	return w == n ? 0 : -1;
}

long outbox_backoff(int failures, long cap)
{
	long s = 2;
	for (int i = 1; i < failures && s < cap; i++)
		s *= 2;
	return s < cap ? s : cap;
}

/* What became of a delivered message, written with the next claim. */
typedef struct outcome {
	long long id, attempts;  /* id 0: nothing to write */
	int ok;
	long wait;               /* seconds before the next attempt, if not ok */
	char err[512];
} outcome;

typedef struct claim {
	const char *topic;
	long lease;              /* 0: write the outcome only */
	const outcome *prev;
	outbox_msg m;            /* found: m.id != 0 */
	char subject[600], url[1024];
	char *payload;           /* malloc'd */
} claim;

/* One transaction, begun and committed by the procedure (db_tx_call):
 * run again whole after a deadlock, so it starts from nothing each time. */
static int claim_tx(db *d, void *arg)
{
	claim *c = arg;
	const outcome *p = c->prev;
	free(c->payload);
	c->payload = NULL;
	memset(&c->m, 0, sizeof c->m);
	int r = db_call_row(st.claim, "siiiisi", c->topic, (long long)c->lease,
			    p->id, p->id ? p->attempts : 0LL, (long long)(p->id && p->ok),
			    p->id && !p->ok ? (p->err[0] ? p->err : "không rõ lỗi") : NULL,
			    (long long)(p->id && !p->ok ? p->wait : 0));
	if (r < 0)
		return DB_TX_FAILED;
	if (r == 0)
		return 0;
	size_t len = 0;
	const char *v = db_col(st.claim, 3, &len);
	if (!(c->payload = malloc(len + 1)))
		return DB_TX_FAILED;
	memcpy(c->payload, v ? v : "", v ? len : 0);
	c->payload[v ? len : 0] = '\0';
	c->m.id = db_col_int(st.claim, 0, 0);
	db_col_copy(st.claim, 1, c->subject, sizeof c->subject);
	db_col_copy(st.claim, 2, c->url, sizeof c->url);
	c->m.len = v ? len : 0;
	c->m.attempts = (int)db_col_int(st.claim, 4, 0);
	return 0;
}

/* One message: claim it under a lease in a short transaction, deliver it
 * with no transaction open, and leave its outcome in *prev.  The outcome
 * of the message before is written in the same short transaction as this
 * claim (which commits anyway): one commit a message, not two.  A sender
 * killed before that commit leaves the delivered message pending under
 * its lease, as one killed between delivery and its own commit did: it
 * goes again when the lease ends and the receiver deduplicates it by id.
 * 1 handled, 0 none due, -1 database error (*prev then still unwritten). */
static int one(db *d, const char *topic, outbox_deliver_fn deliver, outcome *prev, long deliver_ms)
{
	claim c = { .topic = topic, .lease = (long)conf_int("PORTAL_OUTBOX_LEASE", 60), .prev = prev };
	long floor_s = (deliver_ms + 999) / 1000 + 5;
	if (c.lease < floor_s)
		c.lease = floor_s;
	if (db_tx_call(d, claim_tx, &c) != 0) {
		free(c.payload);
		return -1;
	}
	prev->id = 0;  /* committed with the claim */
	if (!c.m.id)
		return 0;
	outbox_msg m = c.m;
	m.topic = topic;
	m.subject = c.subject;
	m.url = c.url[0] ? c.url : NULL;
	m.payload = c.payload;
	long long mine = m.attempts + 1;  /* the attempt count our lease set */
	char raw[512] = "";
	int ok = deliver(&m, raw, sizeof raw) == 0;
	prev->id = m.id;
	prev->attempts = mine;
	prev->ok = ok;
	prev->err[0] = '\0';
	if (!ok) {
		/* The reason may quote the other party: keep it storable. */
		utf8_clean(raw, strlen(raw), prev->err, 500);
		long cap = (long)conf_int("PORTAL_OUTBOX_MAX_BACKOFF", 300);
		prev->wait = outbox_backoff((int)mine, cap < 2 ? 2 : cap);
		fprintf(stderr, "outbox: %s #%lld to %s failed (attempt %lld, next in %ld s): %s\n",
			topic, m.id, m.url ? m.url : topic, mine, prev->wait, prev->err);
	}
	free(c.payload);
	return 1;
}

/* The last outcome on its own (no claim to take it along). */
static int record(db *d, const char *topic, const outcome *prev)
{
	claim c = { .topic = topic, .lease = 0, .prev = prev };
	int rc = db_tx_call(d, claim_tx, &c);
	free(c.payload);
	return rc == 0 ? 0 : -1;
}

int outbox_round(db *d, const char *topic, outbox_deliver_fn deliver, int batch, long deliver_ms)
{
	prepare(d);
	int n = 0, rc = 0;
	outcome prev = {0};
	for (int i = 0; i < batch; i++) {
		rc = one(d, topic, deliver, &prev, deliver_ms < 0 ? 0 : deliver_ms);
		if (rc <= 0)
			break;
		n++;
	}
	/* The last outcome, when no claim took it along (the batch is full,
	 * or the database failed the claim): written on its own.  Not
	 * written at all (the database is away), the message goes again
	 * after its lease, as before. */
	if (prev.id && record(d, topic, &prev) < 0 && rc >= 0)
		rc = -1;
	if (rc < 0)
		return n ? n : -1;
	return n;
}
