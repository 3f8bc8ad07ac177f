/*
 * paid.c - the payment area tells the submission area an obligation was
 * paid: an outbox message, topic "dossier", payload
 * {"event":"obligation.paid","dossier_code","payment_code"}, written by the
 * payment area in the transaction that marks the obligation paid.
 *
 * This job consumes it.  "Delivering" a message is applying it here, in
 * one transaction through dossier_move(): the dossier leaves status 6
 * (Yêu cầu thực hiện nghĩa vụ tài chính) for 4 (Đang xử lý) with its
 * event, its sync message and its notice, exactly like a desk move.
 *
 * Idempotent, because the outbox may hand the same message over twice
 * (a job killed after applying, before marking it done): the move happens
 * only while the dossier is at 6 and none of its obligations is still
 * unpaid; otherwise the message is acknowledged and changes nothing (the
 * desk already moved it on, the citizen withdrew, or a second obligation
 * is still open).  A message that cannot be read is acknowledged too,
 * after a line in the log: retrying it would never succeed and would hold
 * back the messages behind it.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "jsonparse.h"
#include "outbox.h"
#include "paycode.h"
#include "server.h"
#include "submission.h"

/* The job's connection: outbox_round() hands us messages, not it. */
static db *job_db;

static int still_owed(db *d, const char *code, int *owed)
{
	db_stmt *s = STMT(d, "SELECT COUNT(*) FROM obligation WHERE dossier_code = ? "
			     "AND status IN ('unpaid', 'being_paid')");
	if (db_query(s, "s", code) != 0 || db_fetch(s) != 1)
		return -1;
	*owed = (int)db_col_int(s, 0, 0);
	while (db_fetch(s) == 1)
		;
	return 0;
}

static int paid_deliver(const outbox_msg *m, char *err, size_t errlen)
{
	arena *a = arena_new(16384);
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char perr[128];
	json_value *v = json_parse(a, m->payload, m->len, perr, sizeof perr);
	const char *ev = v ? json_get_str(v, "event") : NULL;
	const char *code = v ? json_get_str(v, "dossier_code") : NULL;
	const char *pay = v ? json_get_str(v, "payment_code") : NULL;
	if (!ev || strcmp(ev, "obligation.paid") != 0 || !code ||
	    !dossier_code_valid(code, strlen(code))) {
		fprintf(stderr, "dossier: message #%lld ignored (not an obligation.paid with a "
			"dossier code): %.200s\n", m->id, m->payload);
		arena_free(a);
		return 0;
	}
	int owed = 0;
	if (still_owed(job_db, code, &owed) < 0) {
		snprintf(err, errlen, "database: %s", db_error(job_db));
		arena_free(a);
		return -1;
	}
	int rc = 0;
	char shown[PAYCODE_LEN + 3];   /* as the notice and /pay/ show it */
	if (pay && strlen(pay) == PAYCODE_LEN)
		paycode_format(pay, shown);
	else
		snprintf(shown, sizeof shown, "%s", pay ? pay : "?");
	if (owed == 0) {
		request r = { .a = a, .remote_addr = "" };
		move mv = {
			.code = code, .to = ST_PROCESSING, .actor = ACTOR_SYSTEM,
			.actor_kind = "system", .actor_name = "Cổng thanh toán",
			.reason = arena_printf(a, "Đã nộp xong nghĩa vụ tài chính (mã thanh toán %s).",
					       shown),
			.only_from = ST_OBLIGATION, .r = &r,
		};
		rc = dossier_move(job_db, &mv);
		if (rc == 404 || rc == 409) {
			/* gone, or moved on by someone else: nothing to do */
			rc = 0;
		} else if (rc != 0) {
			snprintf(err, errlen, "dossier %s: move failed (%d) %s", code, rc,
				 r.error_detail ? r.error_detail : "");
		}
	}
	arena_free(a);
	return rc == 0 ? 0 : -1;
}

int job_paid(db *d)
{
	job_db = d;
	return outbox_round(d, "dossier", paid_deliver, 50, 0);
}
