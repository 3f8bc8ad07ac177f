/*
 * submission.h - the submission area: accounts, dossiers, the one-stop
 * desk's workflow, tracking and the national sync.
 *
 * Handlers are spread over a few files by audience (account.c, dossier.c,
 * desk.c, sync.c); what they share is here: the status table (status.c),
 * the working-day calendar (calendar.c), and the dossier writes that must
 * happen in one transaction (store.c).
 */
#ifndef SUBMISSION_H
#define SUBMISSION_H

#include <stddef.h>

#include "db.h"
#include "dossier_code.h"
#include "http.h"
#include "route.h"
#include "scope.h"
#include "workdays.h"

/* One prepared statement per call site, on the given connection (each
 * process uses one connection: the worker's, or a job's own). */
#define STMT(d, sql) ({ static db_stmt *st_; if (!st_) st_ = db_prepare((d), (sql)); st_; })

/* --- statuses and the transition table (status.c) -------------------------- */

enum {
	ST_NEW = 1, ST_ACCEPTED, ST_REFUSED, ST_PROCESSING, ST_SUPPLEMENT,
	ST_OBLIGATION, ST_WITHDRAWN, ST_STOPPED, ST_FINISHED, ST_RETURNED,
	ST_MAX = ST_RETURNED
};

/* Who may make a move: staff roles (route.h ROLE_*) and the citizen. */
#define ACTOR_CITIZEN 0x100u
/* The portal itself, acting on another area's message (paid.c). */
#define ACTOR_SYSTEM 0x200u

typedef struct transition {
	int from, to;
	unsigned actors;         /* ROLE_* bits and/or ACTOR_CITIZEN */
	int needs_reason;        /* a reason in words is required */
	const char *label;       /* the button, in Vietnamese */
} transition;

const char *status_name(int status);           /* "Mới đăng ký" … */
const char *status_explain(int status);        /* a sentence for citizens */
const transition *transition_find(int from, int to);
/* The moves from `from` that `actors` may make, in table order. */
size_t transitions_from(int from, unsigned actors, const transition **out, size_t max);
/* "Đã xử lý xong (9) không thể chuyển sang Đang xử lý (4)." */
const char *transition_refusal(arena *a, int from, int to);

/* --- whom staff answer for (desk.c) ----------------------------------------- */

/* The agencies a staff member answers for: lib/scope.h, the one
 * statement of that rule (SCOPE_JOIN, SCOPE_AGENCIES, SCOPE_ANSWERED_BY). */

/* 1 if the request's staff member answers for the agency, 0 not, -1 the
 * database did not answer. */
int staff_covers(request *r, const char *agency);

/* --- calendar (calendar.c) -------------------------------------------------- */

/* The holiday table, loaded once and reloaded every few minutes. */
const wd_calendar *calendar_get(db *d);

/* Documents of one filing form: the catalog's longest list (1.011441, a
 * group of documents per kind of asset) has 111 items; every one of them
 * can be uploaded or taken from the wallet (doc_N, reuse_N). */
#define DOSSIER_MAX_DOCS 128
/* An applicant's phone as typed: up to 15 digits (E.164) with the spaces
 * and dots people put between groups ("+84 24 3825 1234" is 16 characters
 * for 11 digits); dossier.applicant_phone holds as many (sql/026). */
#define PHONE_MAX 24

/* --- dossier data ------------------------------------------------------------ */

typedef struct dossier {
	long long id;
	const char *code, *procedure_code, *agency_code;
	long long citizen_id;    /* 0 = none */
	const char *applicant_name, *applicant_id, *applicant_dob, *applicant_address,
		*applicant_phone;
	int channel;
	const char *result_channel;
	int status;
	const char *tracking_hash;
	const char *received_at, *due_day, *due_at;
	long received_day;
	long due;                /* day number or WD_NONE */
	long paused_left;        /* NOT_PAUSED, or working days left (< 0: late by) */
	const char *updated_at;
	const char *citizen_contact;  /* the owner's contact, NULL if none */
	const char *loaded_at;   /* the database's clock at the load, ISO +07:00 */
} dossier;

#define NOT_PAUSED (-1000000L)

/* Load by code.  lock: DOSSIER_READ; DOSSIER_LOCK takes FOR UPDATE
 * (inside a transaction); DOSSIER_BEGIN begins the transaction and locks
 * (the first statement of a db_tx_call() transaction, sql/013).
 * 1 found, 0 not, -1 database. */
enum { DOSSIER_READ = 0, DOSSIER_LOCK = 1, DOSSIER_BEGIN = 2 };
int dossier_load(db *d, arena *a, const char *code, dossier *out, int lock);
/* Column i of the current row, copied into the arena; NULL for SQL NULL. */
const char *col(db_stmt *s, arena *a, int i);

/* The tracking secret of a dossier: derived from PORTAL_SECRET and the
 * code, so the slip can be printed again; only its hash is stored. */
const char *tracking_secret(arena *a, const char *code);
void tracking_hash(const char *code, const char *secret, char out[65]);
/* Normalise what a person typed (spaces, dashes, lower case). */
const char *tracking_normalise(arena *a, const char *typed);

/* The roles a staff member acts with on a dossier of agency_code they
 * answer for: their own, and a leader's on an agency under their province
 * (lib/scope.h).  The desk page offers what the move allows. */
unsigned staff_acting_roles(const request *r, const char *agency_code);

/* A paper the citizen sends as a supplement (5 → 4), "as when filing":
 * the procedure's document it answers (doc_N is document N of the
 * filing form), with new bytes or a wallet document given again. */
typedef struct supplied {
	const upload *file;       /* new bytes; NULL: the wallet's row below */
	char sha[65];             /* its SHA-256 (the double post compares it) */
	int seq;                  /* procedure_document.seq */
	const char *doc_name;     /* the catalog's name; NULL for a procedure
				   * the catalog lists no document of */
	long long blob, size, from;   /* a wallet document: its blob, size, row */
	const char *kind, *original_name;
} supplied;

/* A status move in one transaction: lock, check, event, counters, outbox,
 * optional obligation and result file.  Returns 0 (committed, or the
 * dossier already had that status: a repeated post changes nothing),
 * 404, 409 (illegal; r->error_detail says why), 422, 503. */
typedef struct move {
	const char *code;
	int to;
	unsigned actor;           /* the one ROLE_* or ACTOR_CITIZEN acting */
	const char *actor_kind;   /* "citizen", "staff" */
	long long actor_id;
	const char *actor_name;
	const char *agency_code;  /* staff: must match the dossier's */
	long long citizen_id;     /* citizen: must own it */
	const char *reason;
	long long amount;         /* status 6 */
	const char *fee_name;
	const upload *result;     /* status 10 */
	const supplied *supplements; /* citizen's papers (5 → 4) */
	size_t nsupplements;
	int only_from;            /* 0, or the move happens only from this
				   * status (409 otherwise): a message about
				   * status 6 must not move a dossier at 2 */
	/* staff: 1 if this officer answers for the agency, 0 not (403), -1
	 * database; an agency not their own adds ROLE_LEADER to actor */
	int (*scope)(request *r, const char *agency);
	request *r;
	int repeated;             /* out: the status was already `to` */
} move;
int dossier_move(db *d, move *m);

/* Uploads, stored in MariaDB (store.c).  The blob is the content alone
 * (sha: its SHA-256 in hex, computed by the caller, who may need it
 * before); the document row links it to a dossier. */
int store_blob(db *d, const upload *u, const char sha[65], long long *blob);
int store_document(db *d, long long dossier_id, long long blob, const char *sha, const char *role,
		   int seq, const char *doc_name, const upload *u, long long owner);
/* A wallet document given again: a row over the blob it already has. */
int store_reused(db *d, long long dossier_id, const char *role, int seq, const char *doc_name,
		 long long blob, const char *kind, const char *original_name, long long size,
		 const char *sha, long long owner, long long from);
/* Both, hashing the upload. */
int store_upload(db *d, long long dossier_id, const char *role, int seq, const char *doc_name,
		 const upload *u, long long owner);

/* Counters (sub_daily) and sync messages, inside a transaction. */
/* Add n to the day's counter `column`, and to `also` unless NULL (one of
 * its breakdowns: received_online, finished_on_time…). */
int counters_add(db *d, long day, const char *agency, const char *procedure,
		 const char *column, const char *also, int n);
/* The sync message of a change: its id is "{code}/{event id}", the
 * dossier_event row the same transaction wrote (unique per change, stable
 * if the message is sent again). */
const char *sync_payload(arena *a, const dossier *x, int status, const char *changed_at,
			 long long event_id);
/* The same around the event id, for a statement that writes the event and
 * the message together: head + id + tail. */
void sync_payload_parts(arena *a, const dossier *x, int status, const char *changed_at,
			const char **head, const char **tail);
int notify_put(db *d, arena *a, const char *to, const char *subject, const char *body);
const char *notify_payload(arena *a, const char *to, const char *subject, const char *body);

/* A phone number (0912345678) or a lower-cased e-mail address as typed
 * in one field, normalised; *kind "phone" or "email".  NULL if neither. */
const char *contact_normalise(arena *a, const char *in, const char **kind);

/* Working-day helpers over the loaded calendar. */
long today(void);
const char *day_vi(arena *a, long day);       /* "15/01/2025" */

/* --- handlers ---------------------------------------------------------------- */

int h_home(request *r);
int h_register_form(request *r), h_register(request *r), h_register_refused(request *r);
int h_verify_form(request *r), h_verify(request *r), h_verify_refused(request *r);
int h_login_form(request *r), h_login(request *r), h_login_refused(request *r),
	h_logout(request *r);
int h_reset_form(request *r), h_reset(request *r), h_reset_refused(request *r);
int h_reset_confirm_form(request *r), h_reset_confirm(request *r),
	h_reset_confirm_refused(request *r);
int h_new(request *r), h_create(request *r);
int h_mine(request *r), h_view(request *r), h_receipt(request *r);
int h_document(request *r), h_supplement(request *r), h_withdraw(request *r);
int h_supplement_refused(request *r), h_rating_refused(request *r);
int h_rating(request *r), h_lookup(request *r), h_lookup_result(request *r), h_qr(request *r);
int h_desk_login_form(request *r), h_desk_login(request *r), h_desk_login_refused(request *r),
	h_desk_logout(request *r);
int h_desk_queue(request *r), h_desk_view(request *r), h_desk_status(request *r);
int h_desk_form_refused(request *r);
int h_desk_new(request *r), h_desk_create(request *r), h_desk_receipt(request *r);
int h_desk_document(request *r), h_desk_attach(request *r);
int h_desk_staff(request *r), h_desk_staff_add(request *r), h_desk_staff_deactivate(request *r),
	h_desk_staff_reactivate(request *r), h_desk_staff_role(request *r),
	h_desk_staff_password(request *r), h_desk_staff_refused(request *r);
int h_desk_sync(request *r), h_dev_outbox(request *r), h_dev_outbox_json(request *r);
int h_health(request *r);

/* A refused form shown again, filled in, with what went wrong: the one
 * mechanism of every form here (refusal.c says which page data).
 * form_refusal_set puts the refusal in Form.error* and Form.which (1) when
 * it is one to show in its form (a 4xx, not JSON, not a 403 about who
 * asks); form_refused also renders the template; form_page_refused also
 * runs page(), which builds the whole page (loading what it shows and
 * checking who may see it) and renders it: when page() answers anything
 * but 200 the general error page answers, with the first refusal.  All
 * three return the refusal's status.  form_keep puts a typed value in
 * Form.NAME; form_keep_typed takes it from the request (typed, or as sent
 * when the route table refused a field), never for a password;
 * form_typed_value answers that value without keeping it. */
int form_refusal_set(request *r, int status);
int form_refused(request *r, int status, const char *tmpl);
int form_page_refused(request *r, int status, int (*page)(request *r));
void form_keep(request *r, const char *name, const char *value);
void form_keep_typed(request *r, const char *name, size_t max_chars);
const char *form_typed_value(request *r, const char *name, size_t max_chars);

/* Filing (dossier.c), shared by the citizen's and the desk's forms. */
int filing_form(request *r, const char *procedure_code, int desk);
int filing_submit(request *r, int desk);
int filing_refused(request *r, int status, int desk);   /* the form again, filled in */
int h_create_refused(request *r), h_desk_create_refused(request *r);

/* Background jobs (sync.c). */
int job_sync(db *d);
int job_notify(db *d);
/* The payment area's "obligation paid" messages (paid.c). */
int job_paid(db *d);

#endif
