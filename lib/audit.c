/* audit.c - see audit.h */
#include "audit.h"

#include "route.h"

static db *on;
static db_stmt *ins;

audit_who audit_who_of(const request *r)
{
	audit_who w = {
		.staff_id = r->user ? r->user->id : 0,
		.login = r->user ? r->user->login : NULL,
		.agency = r->user ? r->user->agency_code : NULL,
		.addr = r->remote_addr,
		.user_agent = r->user_agent,
	};
	return w;
}

int audit_write(db *d, const audit_who *w, const char *action, const char *subject,
		const char *detail)
{
	if (!w->login || !w->agency)
		return -1;
	if (on != d) {
		on = d;
		/* the row's one definition, which procedures that write
		 * several rows in one call use too (sql/010) */
		ins = db_prepare(d, "CALL audit_add(?, ?, ?, ?, ?, ?, ?, ?)");
	}
	long long n = w->staff_id
		? db_exec(ins, "isssssss", w->staff_id, w->login, w->agency, action, subject,
			  detail, w->addr, w->user_agent)
		: db_exec(ins, "nsssssss", w->login, w->agency, action, subject, detail, w->addr,
			  w->user_agent);
	return n < 0 ? -1 : 0;
}

int audit_log(db *d, const request *r, const char *action, const char *subject,
	      const char *detail)
{
	if (!r->user || r->user->kind != AUTH_STAFF || !r->user->id)
		return -1;
	audit_who w = audit_who_of(r);
	return audit_write(d, &w, action, subject, detail);
}
