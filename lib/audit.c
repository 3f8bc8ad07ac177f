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
		/* the row's one definition, which procedures that write
		 * several rows in one call use too (sql/010) */
		ins = db_prepare(d, "CALL audit_add(?, ?, ?, ?, ?, ?, ?, ?)");
	}
	if (!r->user || r->user->kind != AUTH_STAFF)
		return -1;
	return db_exec(ins, "isssssss", r->user->id, r->user->login, r->user->agency_code, action,
		       subject, detail, r->remote_addr, r->user_agent) < 0 ? -1 : 0;
}
