/*
 * outbox.h - what must leave the portal, written with the change that
 * causes it and delivered later by a background job.
 *
 * outbox_put() runs inside the caller's transaction: the message exists
 * exactly when the change does.  A sender job calls outbox_round(), which
 * claims due messages with SELECT … FOR UPDATE SKIP LOCKED (any number of
 * hosts may send; none delivers a message another is delivering), takes
 * only the oldest undelivered message of each subject (so a dossier's
 * changes arrive in order: a later one waits for an earlier one that
 * keeps failing), delivers it and marks it done, or schedules a retry
 * with exponential back-off (from 2 s, doubling, capped by
 * PORTAL_OUTBOX_MAX_BACKOFF, default 300 s).
 *
 * A claim is a lease (PORTAL_OUTBOX_LEASE, default 60 s, longer than any
 * delivery's timeout) taken in a short transaction; the message is then
 * delivered with no transaction or lock open.  A sender killed mid-delivery
 * leaves the row pending: it is taken again when the lease ends, and counts
 * as a failed attempt, so a message that kills its sender backs off too.
 * The receiver may then see a message twice, which is why every message
 * carries its unique id for the receiver to deduplicate on.
 */
#ifndef PORTAL_OUTBOX_H
#define PORTAL_OUTBOX_H

#include <stddef.h>

#include "db.h"

typedef struct outbox_msg {
	long long id;
	const char *topic;
	const char *subject;
	const char *url;       /* where to, or NULL: the topic's default */
	const char *payload;
	size_t len;
	int attempts;          /* before this one */
} outbox_msg;

/* Inside the caller's transaction.  0, or -1 (the caller fails the
 * transaction).  url may be NULL. */
int outbox_put(db *d, const char *topic, const char *subject, const char *url,
	       const char *payload);

/* Several messages in one INSERT (one round trip instead of n), in the
 * given order (ids ascending).  n from 1 to OUTBOX_PUT_MAX; the same
 * promise as outbox_put(). */
enum { OUTBOX_PUT_MAX = 4 };
typedef struct outbox_new {
	const char *topic, *subject, *url, *payload;
} outbox_new;
int outbox_put_n(db *d, const outbox_new *m, int n);

/* Deliver a message: 0 acknowledged, -1 not (err says why). */
typedef int (*outbox_deliver_fn)(const outbox_msg *m, char *err, size_t errlen);

/* One round for a topic: up to `batch` due messages.  deliver_ms is the
 * longest one delivery may take (its HTTP timeout): a claim's lease is at
 * least that and 5 s more, whatever PORTAL_OUTBOX_LEASE says, so no other
 * sender takes a message while it is still being delivered.  Returns how
 * many were delivered or rescheduled, 0 when nothing was due, -1 when the
 * database did not answer. */
int outbox_round(db *d, const char *topic, outbox_deliver_fn deliver, int batch, long deliver_ms);

/* Seconds to wait before attempt n+1 after n failures (for tests). */
long outbox_backoff(int failures, long cap);

#endif
