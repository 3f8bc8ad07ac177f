/* notice.c - the payment notice (giấy báo nộp tiền) the desk prints for a
 * person who owes: what is owed line by line, the total in figures and in
 * words, the due date, who collects and into which account, the payment
 * code large and in fours (read aloud at a counter, typed on a phone), a
 * QR code to its public /pay/ page, and the two ways to pay.  It is the
 * paper a walk-in with no phone and no e-mail takes home.
 *
 * The payment area owns it, not the desk: it shows an obligation (the
 * payment area's tables and its public address, cfg.public_url), and an
 * obligation made by staff or by an agency's system without a dossier (a
 * fine decided at the counter) needs the same paper.  The desk's dossier
 * page links here while its obligation is open.
 *
 * Staff who answer for the collecting agency (lib/scope.h: its own staff,
 * any role, and an administrator of the province above it, who sees and
 * moves that agency's dossiers already), the same rule as the desk's
 * dossier page that links here; anyone else a 403, a code that does not
 * exist a 404.  The page shows the payer's name and ID
 * number, so opening it is audited like a staff member opening a
 * citizen's document (cgi-bin/submission/dossier.c, document_send): the
 * audit row is written first, and the page is not shown when it cannot
 * be.  An obligation no longer open (paid, expired, cancelled, refunded)
 * gets no notice to pay: the page says why, as a 409.
 *
 * The paper is signed by hand: under "Người lập giấy báo" it prints the
 * officer's full name only when the account has one.  An account made in
 * the shell without --name carries its login as its name (submission-admin
 * staff-add), and a login ("desk01") is no name to hand a citizen: the
 * line is left for the officer to write.  An officer of another agency
 * (the province's administrator) is named with that agency, so the paper
 * does not pass them off as the collecting agency's. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "obligation.h"
#include "payment.h"
#include "qr.h"
#include "render.h"
#include "route.h"
#include "scope.h"
#include "server.h"

/* The symbol sized by the page's stylesheet (a 34 mm box printed, most of
 * the width on a phone), not by its own width="…" height="…", which a
 * phone lays out before the stylesheet and which would widen the page. */
static const char *qr_fluid(request *r, const char *url)
{
	buf svg = BUF_INIT;
	const char *out = NULL;
	if (qr_svg(&svg, url) == 0) {
		char *s = arena_strndup(r->a, svg.p, svg.len);
		char *w = strstr(s, " width=\""), *h = w ? strstr(w, " height=\"") : NULL;
		char *end = h ? strchr(h + 9, '"') : NULL;
		out = s;
		if (end && end - s < 200)
			out = arena_printf(r->a, "%.*s width=\"100%%\" height=\"100%%\"%s",
					   (int)(w - s), s, end + 1);
	}
	buf_free(&svg);
	return out;
}

static const char Q_COVERS[] = SCOPE_COVERS;
static const char Q_AGENCY_NAME[] = "SELECT name FROM agency WHERE code = ?";

/* 1 the staff member answers for the agency, 0 not, -1 the database. */
static int covers(request *r, const char *agency)
{
	if (strcmp(agency, r->user->agency_code) == 0)
		return 1;
	if (!(r->user->roles & ROLE_ADMIN))
		return 0;
	db_stmt *s = S(server_db(), Q_COVERS);
	if (db_query(s, "iss", 1LL, r->user->agency_code, agency) < 0)
		return -1;
	int f = db_fetch(s);
	long long n = f > 0 ? db_col_int(s, 0, 0) : 0;
	while (f > 0 && db_fetch(s) > 0)
		;
	return f < 0 ? -1 : n > 0;
}

/* Who signs: the full name when known (see above), and the officer's own
 * agency when it is not the collecting one.  0, or -1 the database. */
static int signer(request *r, const char *collector)
{
	const principal *u = r->user;
	if (u->name && *u->name && (!u->login || strcmp(u->name, u->login) != 0))
		hset(r, "Notice.officer", u->name);
	if (strcmp(collector, u->agency_code) == 0)
		return 0;
	db_stmt *s = S(server_db(), Q_AGENCY_NAME);
	if (db_query(s, "s", u->agency_code) < 0)
		return -1;
	int f = db_fetch(s);
	if (f > 0)
		hset(r, "Notice.officer_agency", db_col(s, 0, NULL));
	while (f > 0 && db_fetch(s) > 0)
		;
	return f < 0 ? -1 : 0;
}

int h_admin_notice(request *r)
{
	const char *code = req_capture(r, "code");
	pay_facts o;
	int f = pay_load(r, code, &o);
	if (f < 0)
		return 503;
	if (f == 0) {
		r->error.message = "Không có khoản phải nộp nào mang mã này.";
		return 404;
	}
	int mine = covers(r, o.agency_code);
	if (mine < 0)
		return 503;
	if (!mine) {
		r->error.message = "Khoản phải nộp này do cơ quan khác thu; chỉ cán bộ của cơ quan đó "
				   "in được giấy báo nộp tiền.";
		return 403;
	}
	if (audit_log(server_db(), r, "payment_notice_view", code,
		      o.dossier_code ? arena_printf(r->a, "hồ sơ %s", o.dossier_code) : NULL) < 0)
		return 503;
	if (o.payer_id)
		hset(r, "Pay.payer_id", o.payer_id);
	const char *url = arena_printf(r->a, "%s/pay/%s", cfg.public_url, code);
	hset(r, "Notice.pay_url", url);
	hset(r, "Notice.pay_home", arena_printf(r->a, "%s/pay/", cfg.public_url));
	if (signer(r, o.agency_code) < 0)
		return 503;
	time_t now = time(NULL) + 7 * 3600;    /* the day in Vietnam */
	struct tm t;
	char day[32];
	gmtime_r(&now, &t);
	strftime(day, sizeof day, "ngày %d tháng %m năm %Y", &t);
	hset(r, "Notice.day", day);
	int open = strcmp(o.status, "unpaid") == 0 || strcmp(o.status, "being_paid") == 0;
	if (open) {
		hset(r, "Notice.open", "1");
		const char *svg = qr_fluid(r, url);
		if (svg)
			hset(r, "Notice.qr_svg", svg);
	}
	int rc = render(r, "notice.cs");
	if (rc != 200 || open)
		return rc;
	r->error.message = arena_printf(r->a, "Khoản phải nộp ở trạng thái “%s”: không còn "
				       "gì để nộp theo giấy báo này.", obligation_status_vi(o.status));
	return 409;
}
