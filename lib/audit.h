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

/* 0, or -1 (fail the transaction).  r->user must be the acting staff
 * member; detail may be NULL. */
int audit_log(db *d, const request *r, const char *action, const char *subject,
	      const char *detail);

#endif
