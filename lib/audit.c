/* audit.c - see audit.h */
#include "audit.h"

#include "route.h"

static db *on;
static db_stmt *ins;

int audit_log(db *d, const request *r, const char *action, const char *subject,
	      const char *detail)
{
	if (on != d) {
		on = d;
		ins = db_prepare(d,
			"INSERT INTO audit_log (at, staff_id, staff_login, agency_code, action, subject, "
			"  detail, remote_addr, user_agent) "
			"VALUES (UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?, ?)");
	}
	if (!r->user || r->user->kind != AUTH_STAFF)
		return -1;
	return db_exec(ins, "isssssss", r->user->id, r->user->login, r->user->agency_code, action,
		       subject, detail, r->remote_addr, r->user_agent) == 1 ? 0 : -1;
}
