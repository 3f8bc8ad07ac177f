/*
 * obligation.h - create an obligation (khoản phải nộp): the one shared
 * write into the payment area's tables.
 *
 * The payment area owns the tables (sql/005_payment.sql); other areas call
 * obligation_create() inside their own transaction, e.g. the submission
 * area when a dossier moves to status 6 (Yêu cầu thực hiện nghĩa vụ tài
 * chính), so the dossier's move and its obligation commit or roll back
 * together.  This module knows the tables and nothing of any area.
 *
 * What it promises:
 *  - It runs only statements on the caller's connection and never begins,
 *    commits or rolls back: the caller's transaction decides.
 *  - The obligation snapshots the agency's beneficiary account (per agency
 *    and group, falling back to the agency's all-groups setting) and checks
 *    the agency has a receipt series configured; a later change of those
 *    settings applies to new obligations only.
 *  - The payment code is 12 digits, the last a Damm check digit
 *    (lib/paycode.h), unique by a UNIQUE key; a collision is retried.
 *  - The total is the sum of the lines; every amount is whole đồng in
 *    1..PAY_AMOUNT_MAX and so is the total, or nothing is written.
 *  - On any error nothing is written by it (it checks before inserting; a
 *    database error mid-way is returned and the caller must roll back).
 *
 * The caller's database user needs: SELECT on pay_beneficiary,
 * pay_receipt_setting and obligation; INSERT on obligation and
 * obligation_line (sql/grants.sql gives these to portal_submission).
 */
#ifndef PORTAL_OBLIGATION_H
#define PORTAL_OBLIGATION_H

#include <stddef.h>

#include "db.h"

#define PAY_AMOUNT_MAX 1000000000000000LL   /* 10^15 đồng */
#define OBLIGATION_MAX_LINES 50

/* The eight groups, in the order of the SQL ENUM (1-based there). */
enum obligation_group {
	OG_PHI_LE_PHI = 0, /* phí, lệ phí of a procedure */
	OG_THUE,           /* thuế */
	OG_BHXH_BHYT,      /* bảo hiểm xã hội, bảo hiểm y tế */
	OG_PHAT_VPHC,      /* phạt vi phạm hành chính */
	OG_TIEN_DIEN,      /* tiền điện */
	OG_AN_PHI,         /* tạm ứng án phí */
	OG_VIEN_PHI,       /* viện phí */
	OG_HOC_PHI,        /* học phí */
	OG_COUNT
};

/* "phi_le_phi" ... (the API's and the database's spelling), NULL-terminated. */
extern const char *const obligation_group_names[OG_COUNT + 1];
/* "Phí, lệ phí" ... for pages. */
extern const char *const obligation_group_titles[OG_COUNT];
/* a receipt's heading, per group */
extern const char *const obligation_receipt_titles[OG_COUNT];
/* index for a name, or -1 */
int obligation_group_parse(const char *name);
/* An obligation's status (the SQL ENUM's spelling) in plain Vietnamese for
 * pages, the same in every area; the status itself when unknown. */
const char *obligation_status_vi(const char *status);

enum obligation_source { OS_DOSSIER = 0, OS_STAFF, OS_API };

typedef struct obligation_line {
	const char *name;          /* what is paid, e.g. "Lệ phí đăng ký khai sinh" */
	long long amount;          /* whole đồng, 1..PAY_AMOUNT_MAX */
} obligation_line;

typedef struct obligation_req {
	int group;                 /* enum obligation_group */
	const char *agency_code;   /* collecting agency, e.g. 000.00.12.H26 */
	const char *reference;     /* what the payer knows: dossier code, decision no. ... */
	const char *payer_name;
	const char *payer_id;      /* CCCD/CMND/tax code; may be NULL */
	const obligation_line *lines;
	size_t nlines;             /* 1..OBLIGATION_MAX_LINES */
	const char *due;           /* YYYY-MM-DD, or NULL for 30 days from today */
	const char *dossier_code;  /* NULL unless created for a dossier */
	int source;                /* enum obligation_source */
	const char *api_key_id;    /* the calling key ("pk_…"), NULL unless source == OS_API */
} obligation_req;

enum obligation_err {
	OBL_OK = 0,
	OBL_BAD_INPUT = -1,        /* *what names the field */
	OBL_NO_BENEFICIARY = -2,   /* the agency has no beneficiary account for the group */
	OBL_NO_RECEIPTS = -3,      /* the agency has no receipt series configured */
	OBL_DB = -4,               /* database error: roll back (maybe retry whole) */
};

/*
 * Create the obligation and its lines.  On OBL_OK, code (13 bytes) holds
 * the payment code and *id the row id (id may be NULL).  On an error *what
 * (if what != NULL) gets a short Vietnamese phrase naming the field or the
 * missing setting, for the caller's error message.
 */
int obligation_create(db *d, const obligation_req *q, char code[13],
		      long long *id, const char **what);

/*
 * In the caller's transaction: what is still payable of a dossier's
 * obligations (unpaid, being paid at the bank, expired) is cancelled,
 * because the dossier left status 6 another way than by paying (withdrawn,
 * stopped, or paid at the desk): /pay/ stops offering it.  A success the
 * bank reports later for one being paid is kept and refunded (settle.c:
 * a success for a cancelled obligation is a duplicate, refund due).
 * Returns how many were cancelled, or OBL_DB.
 */
int obligation_cancel_for_dossier(db *d, const char *dossier_code);

#endif
