/*
 * audit.h - the log of staff actions: who, when, what, on what, from where.
 *
 * Written in the same transaction as the action, so an action without its
 * audit row cannot exist.  Rows are only ever inserted (the areas' database
 * users hold INSERT and SELECT on the table, never UPDATE or DELETE).
 */
#ifndef PORTAL_AUDIT_H
#define PORTAL_AUDIT_H

#include "db.h"
#include "http.h"

/* Who acted.  staff_id 0 is an action with no staff account behind it,
 * stored as NULL (sql/019): the shell's tools, whose login is
 * "shell:" + the operating-system user. */
typedef struct audit_who {
	long long staff_id;
	const char *login;
	const char *agency;      /* the actor's agency (the shell: the one acted on) */
	const char *addr;        /* NULL from the shell */
	const char *user_agent;
} audit_who;

/* The acting staff member of a request (r->user must be staff). */
audit_who audit_who_of(const request *r);

/* 0, or -1 (fail the transaction).  detail may be NULL. */
int audit_write(db *d, const audit_who *who, const char *action, const char *subject,
		const char *detail);

/* The same for the staff member of the request. */
int audit_log(db *d, const request *r, const char *action, const char *subject,
	      const char *detail);

#endif
