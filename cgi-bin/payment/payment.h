/*
 * payment.h - the payment area's shared state and the exactly-once core.
 *
 * settle() is the one place an attempt's outcome is written, whoever
 * learnt it (the IPN, the return page's querydr, the sweeper): one
 * transaction that locks the attempt and its obligation (SELECT … FOR
 * UPDATE), so concurrent callbacks for one attempt, or for two attempts
 * of one obligation, run one after the other; a replay finds the attempt
 * settled and changes nothing.  A success marks the attempt and the
 * obligation paid, takes the next receipt number of the agency's series
 * for the year (the series row locked FOR UPDATE), counts the day, and
 * writes the outbox messages, all or nothing.  A success for an obligation
 * already paid through another attempt is kept as a 'duplicate' attempt
 * with refund_state 'due', shown on the intranet: never dropped.
 */
#ifndef PAYMENT_H
#define PAYMENT_H

#include "db.h"
#include "http.h"
#include "jsonparse.h"

typedef struct pay_conf {
	const char *tmn_code;
	const char *hash_secret;
	const char *pay_url;       /* VNPay's payment page */
	const char *api_url;       /* VNPay's querydr/refund API */
	const char *server_ip;     /* vnp_IpAddr of our own querydr/refund requests */
	const char *public_url;    /* this portal, for vnp_ReturnUrl and QR codes */
	const char *apikey_master;
	long sweep_minutes;
	long expire_minutes;       /* how long a person has at the bank */
	long return_ask_seconds;   /* the return page asks the bank about one
				    * attempt at most once in this long */
} pay_conf;

extern pay_conf cfg;
void pay_conf_load(void);

/* Lazily prepared statements, per connection (db_prepare allocates). */
db_stmt *S(db *d, const char *sql);

/* What a bank said about an attempt, from any channel. */
enum { SRC_IPN = 0, SRC_RETURN, SRC_QUERYDR, SRC_SWEEPER };
typedef struct bank_result {
	const char *txn_ref;
	long long amount;          /* đồng (the bank's ×100 already divided) */
	const char *response_code;
	const char *transaction_status;
	const char *transaction_no;
	const char *bank_code;
	const char *bank_tran_no;
	const char *card_type;
	const char *pay_date;
	int source;
	/* the bank's word is not final (an IPN with vnp_ResponseCode 00 and
	 * no vnp_TransactionStatus: gateway.c): settle() answers it, changes
	 * nothing, and has the sweeper ask the bank (querydr) at once */
	int ask_bank;
	/* an IPN: the callback as received, stored raw by settle() as the
	 * first statement of its transaction, its answer by the last, so one
	 * commit covers both (NULL: the caller stored it already) */
	const char *raw, *addr;
} bank_result;

/* VNPay's IPN answer codes. */
#define RSP_OK "00"
#define RSP_NOT_FOUND "01"
#define RSP_ALREADY "02"
#define RSP_AMOUNT "04"
#define RSP_SIGNATURE "97"
#define RSP_OTHER "99"

/* Settle; returns the RspCode to answer (RSP_OTHER when the database is
 * away, so the bank retries).  With b->raw set, the callback is stored in
 * the same transaction, and on its own (autocommit, or the spool) when
 * that transaction fails: stored either way before the answer. */
const char *settle(db *d, const bank_result *b);

/* Ask the bank about an attempt (querydr) and settle from a verified
 * answer.  0 settled or still pending at the bank (*state set to the
 * attempt's state after), -1 the bank could not be asked. */
int check_with_bank(db *d, const char *txn_ref, char *state, size_t statelen);

/* Store a callback as it came, before anything else; returns its id. */
long long callback_store(db *d, const char *kind, const char *addr,
			 const char *raw, const char *txn_ref);
void callback_result(db *d, long long id, const char *rsp);

/* When callback_store() cannot reach the database: the callback goes to a
 * file (spool.c), moved into callback_raw by the sweeper.  0 or -1. */
int spool_write(const char *kind, const char *addr, const char *raw,
		const char *txn_ref, const char *rsp);
int spool_load(db *d);

/* The agency's webhook event (outbox, in the caller's transaction); 0 when
 * the agency has no endpoint.  extra: a JSON fragment ",\"k\":…" added to
 * data, or NULL. */
int pay_webhook(db *d, const char *type, const char *agency, const char *code,
		const char *reference, long long total, const char *status,
		const char *series, long long number, const char *extra);

/* The next number of the agency's current receipt series (this year,
 * Vietnam's), the series row locked until the caller commits: 1, 0 when
 * the agency has no receipt setting, -1 database. */
typedef struct receipt_slot {
	long long series, number;
	char unit[1021], tax[57], tpl[81], ser[81];
} receipt_slot;
int receipt_next(db *d, const char *agency, receipt_slot *out);
int receipt_token(char token[33]);	/* 32 hex, unguessable; 0 or -1 */

/* Corrections of an e-receipt (correct.c), in the caller's transaction,
 * which must hold the obligation's row lock (obligation_lock) so that a
 * cancellation and an adjustment of one receipt never cross.  The original
 * row is never touched: each writes a new row referring to it. */
enum { CORR_OK = 0, CORR_DB = -1, CORR_NONE = -2, CORR_CANCELLED = -3, CORR_BELOW_ZERO = -4 };
int receipt_cancel_of_attempt(db *d, long long attempt, const char *reason, const char *by);
int receipt_cancel(db *d, long long receipt, const char *reason, const char *by);
int receipt_adjust(db *d, long long receipt, long long delta, const char *what,
		   const char *reason, const char *by, long long *number);

/* Jobs */
/* Claim up to `max` due attempts for this job, in one short transaction so
 * no other process or host takes them: `claim` selects them FOR UPDATE
 * SKIP LOCKED (column 0 the id, column 1 the txn_ref, copied into refs
 * when refs is not NULL); `lease` (parameters: lease_s, then the id; or the
 * id alone when lease_s is 0) pushes each one's next turn forward.  The
 * caller then talks to the bank with no transaction open.  Returns how
 * many, -1 on a database error. */
int claim_attempts(db *d, const char *claim, const char *lease, long long lease_s, int max,
		   long long *ids, char (*refs)[35]);
/* Unpaid obligations past their due date become expired (jobs.c). */
int job_expire(db *d);
int job_sweep(db *d);
int job_webhooks(db *d);
int job_refunds(db *d);

/* Handlers */
int h_pay_home(request *r);
int h_pay_find(request *r);
int h_pay_show(request *r);
int h_pay_start(request *r);
int h_vnpay_ipn(request *r);
int h_vnpay_return(request *r);
int h_receipt(request *r);
int h_receipt_qr(request *r);
int h_receipt_verify(request *r);
int h_api_create(request *r);
int h_api_get(request *r);
int h_api_cancel(request *r);
int h_admin_flagged(request *r);
int h_admin_refund_retry(request *r);
int h_admin_new(request *r);
int h_admin_create(request *r);
int h_admin_deliveries(request *r);
int h_pay_health(request *r);
int h_admin_receipt(request *r);
int h_admin_receipt_cancel(request *r);
int h_admin_receipt_adjust(request *r);
int h_admin_refund_paid(request *r);
int h_admin_notice(request *r);

/* An obligation as its pages show it (pay.c): Pay.* set for the
 * template (the payment code, group, agency, beneficiary, payer, lines,
 * total in figures and words, due date, reference, status, receipt, and
 * Pay.dossier when it is a dossier's), and what the caller decides on.
 * 1 found, 0 no such code, -1 database. */
typedef struct pay_facts {
	const char *agency_code, *status, *dossier_code, *payer_id;
	long long total;
	int held;             /* the client is held back for its misses (pay_guess_gate) */
} pay_facts;
int pay_load(request *r, const char *code, pay_facts *out);

/* Payment codes guessed: one count per client address for the finder, the
 * page of a code and its Pay button.  pay_guess_gate: 0 to go on, 429 (in
 * Vietnamese) once the address is over the limit, or 503.
 * pay_guess_missed: a code that found nothing, counted; 404 or 503. */
int pay_guess_gate(request *r);
int pay_guess_missed(request *r);

/* Helpers shared by the pages */
void pay_money(buf *b, long long v);          /* 150.000 */
const char *refund_vi(const char *refund_state);   /* "due" → "Chờ hoàn tiền" (refund.c) */
int is_paycode(const char *v, size_t n);
/* What the pay page and the Pay button say of a total VNPay cannot carry
 * in one payment (VNP_AMOUNT_MAX). */
extern const char pay_over_gateway_vi[];

#endif
