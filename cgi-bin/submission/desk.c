/*
 * desk.c - the one-stop desk on the intranet: the queue, a dossier with
 * only the moves the status table allows this officer, status changes,
 * assisted filing and the slip with the tracking secret.
 *
 * Staff see the dossiers of their own agency only: another agency's
 * dossier is a 403 (it exists, and staff may know that), a missing one 404.
 * An administrator of the province itself or of its office (Văn phòng
 * UBND tỉnh) also sees the dossiers of every agency under the province in
 * the catalog's agency table (parent_id), and acts on them as a leader.
 *
 * The desk attaches a walk-in's dossier to the account of the person it
 * belongs to, found by the contact they confirmed; audited, and the
 * citizen is told through the notifications outbox.
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "json.h"
#include "render.h"
#include "server.h"
#include "submission.h"

int dossier_show(request *r, const dossier *x, int staff, int full);
int receipt_render(request *r, const dossier *x, int staff);
int document_send(request *r, const dossier *x, long long doc_id, int audit);

static long long is_admin(const request *r)
{
	return (r->user->roles & ROLE_ADMIN) ? 1 : 0;
}

int staff_covers(request *r, const char *agency)
{
	if (strcmp(agency, r->user->agency_code) == 0)
		return 1;
	if (!is_admin(r))
		return 0;
	db_stmt *s = STMT(server_db(), SCOPE_COVERS);
	if (db_query(s, "iss", 1LL, r->user->agency_code, agency) != 0)
		return -1;
	long long n = db_fetch(s) == 1 ? db_col_int(s, 0, 0) : 0;
	while (db_fetch(s) == 1)
		;
	return n > 0;
}

static int mine(request *r, dossier *x)
{
	int rc = dossier_load(server_db(), r->a, r->captures[0].s, x, DOSSIER_READ);
	if (rc < 0)
		return 503;
	if (!rc)
		return 404;
	int ok = staff_covers(r, x->agency_code);
	if (ok < 0)
		return 503;
	return ok ? 0 : 403;
}

/* Query fields of the queue, in order. */
enum { Q_STATUS, Q_PROCEDURE, Q_CHANNEL, Q_DUE };

/* Statuses that end a dossier's path: listed after the ones still to do. */
#define CLOSED "(3,7,8,10)"
/* Statuses whose due date runs (5 is paused, 9 waits only to be handed
 * back): the ones "late" and "due soon" count. */
#define RUNNING "(1,2,4,6)"

/* The queue's address with these filters (0, NULL or -1: none), so a
 * link changes one filter and keeps the others: "late ones of 1.001193". */
static const char *qhref(request *r, long long st, const char *proc, long long ch, long long due)
{
	const char *h = arena_printf(r->a, "/desk/?%s%s%s%s",
		st ? arena_printf(r->a, "&status=%lld", st) : "",
		proc ? arena_printf(r->a, "&procedure=%s", proc) : "",
		ch ? arena_printf(r->a, "&channel=%lld", ch) : "",
		due == 0 ? "&due=soon" : due == 1 ? "&due=late" : "");
	size_t n = strlen(h);
	if (h[n - 1] == '?')
		return "/desk/";
	return arena_printf(r->a, "/desk/?%s", h + 8);   /* without "&" after "?" */
}

static const char *channel_label(long long ch)
{
	return ch == 1 ? "Trực tiếp" : ch == 3 ? "Bưu chính" : "Trực tuyến";
}

/* the same, as the queue's "Đang xem:" line says it */
static const char *channel_phrase(long long ch)
{
	return ch == 1 ? "nộp trực tiếp" : ch == 3 ? "nộp qua bưu chính" : "nộp trực tuyến";
}

/*
 * The desk's queue: forty people's dossiers on one page.  What the officer
 * needs first comes first: the dossiers still to do, by due date, the late
 * ones marked; closed ones (refused, withdrawn, stopped, returned) after.
 * Counts per status, late and due soon, per procedure and per channel,
 * each a link that narrows the list and keeps the other filters; the
 * page says which filters are on and how many dossiers they hold.
 */
int h_desk_queue(request *r)
{
	db *d = server_db();
	arena *a = r->a;
	long long status = r->query[Q_STATUS].s ? r->query[Q_STATUS].i : 0;
	const char *proc = r->query[Q_PROCEDURE].s;
	long long channel = r->query[Q_CHANNEL].s ? r->query[Q_CHANNEL].i : 0;
	long long due = r->query[Q_DUE].s ? r->query[Q_DUE].i : -1;   /* 0 soon, 1 late */
	char t[11], soon[11];
	wd_format(today(), t);
	wd_format(wd_add(calendar_get(d), today(), 2), soon);

	/* The queue is chosen and ordered without the procedures' names
	 * (TEXT), which are joined on after: with them in the sort, every view
	 * of the queue wrote an Aria temporary table to disk (MariaDB sorts
	 * such rows there; see wallet_show in dossier.c for why that matters). */
	db_stmt *s = STMT(d,
		"SELECT q.code, q.status, q.channel, q.applicant_name, p.name, "
		"DATE_FORMAT(q.due_day, '%d/%m/%Y'), q.late FROM ("
		"SELECT x.id, x.code, x.status, x.channel, x.applicant_name, x.procedure_code, x.due_day, "
		"x.due_day < ? AND x.status IN " RUNNING " AS late, x.status IN " CLOSED " AS closed "
		"FROM dossier x "
		"WHERE x.agency_code IN (" SCOPE_AGENCIES ") AND (? = 0 OR x.status = ?) AND (? IS NULL OR x.procedure_code = ?) "
		"AND (? = 0 OR x.channel = ?) "
		"AND (? = -1 OR (? = 1 AND x.due_day < ? AND x.status IN " RUNNING ") "
		"     OR (? = 0 AND x.due_day BETWEEN ? AND ? AND x.status IN " RUNNING ")) "
		"ORDER BY x.status IN " CLOSED ", x.due_day IS NULL, x.due_day, x.id LIMIT 200) q "
		"LEFT JOIN `procedure` p ON p.code = q.procedure_code "
		"ORDER BY q.closed, q.due_day IS NULL, q.due_day, q.id");
	if (db_query(s, "sisiissiiiisiss", t, is_admin(r), r->user->agency_code, status, status, proc, proc, channel,
		     channel, due, due, t, due, t, soon) != 0)
		return 503;
	int shown = 0;
	for (int i = 0; db_fetch(s) == 1; i++, shown++) {
		hsetf(r, col(s, a, 0), "Queue.%d.code", i);
		hset_intf(r, db_col_int(s, 1, 0), "Queue.%d.status_n", i);
		hsetf(r, status_name((int)db_col_int(s, 1, 0)), "Queue.%d.status", i);
		hset_intf(r, db_col_int(s, 2, 0), "Queue.%d.channel", i);
		hsetf(r, col(s, a, 3), "Queue.%d.applicant", i);
		hsetf(r, col(s, a, 4), "Queue.%d.procedure", i);
		const char *dd = col(s, a, 5);
		if (dd)
			hsetf(r, dd, "Queue.%d.due", i);
		if (db_col_int(s, 6, 0))
			hsetf(r, "1", "Queue.%d.late", i);
	}
	hset_int(r, "Filter.shown", shown);
	/* the heading names the officer's agency as people know it */
	db_stmt *an = STMT(d, "SELECT name FROM agency WHERE code = ?");
	if (db_query(an, "s", r->user->agency_code) != 0)
		return 503;
	if (db_fetch(an) == 1)
		hset(r, "Desk.agency_name", col(an, a, 0));
	while (db_fetch(an) == 1)
		;
	if (shown >= 200)
		hset(r, "Filter.more", "1");

	/* per status, late and due soon: within the procedure and channel
	 * filters, so the numbers match the list a link opens */
	db_stmt *c = STMT(d, "SELECT x.status, COUNT(*), "
			     "SUM(x.status IN " RUNNING " AND x.due_day < ?), "
			     "SUM(x.status IN " RUNNING " AND x.due_day BETWEEN ? AND ?) "
			     "FROM dossier x WHERE x.agency_code IN (" SCOPE_AGENCIES ") "
			     "AND (? IS NULL OR x.procedure_code = ?) AND (? = 0 OR x.channel = ?) "
			     "GROUP BY x.status");
	if (db_query(c, "sssisssii", t, t, soon, is_admin(r), r->user->agency_code, proc, proc,
		     channel, channel) != 0)
		return 503;
	long long counts[ST_MAX + 1] = { 0 }, late = 0, near = 0;
	while (db_fetch(c) == 1) {
		long long st = db_col_int(c, 0, 0);
		if (st >= 1 && st <= ST_MAX)
			counts[st] = db_col_int(c, 1, 0);
		late += db_col_int(c, 2, 0);
		near += db_col_int(c, 3, 0);
	}
	for (int st = 1; st <= ST_MAX; st++) {
		hset_intf(r, st, "Counts.%d.n", st - 1);
		hsetf(r, status_name(st), "Counts.%d.name", st - 1);
		hset_intf(r, counts[st], "Counts.%d.count", st - 1);
		hsetf(r, qhref(r, st, proc, channel, -1), "Counts.%d.href", st - 1);
		if (st == status)
			hsetf(r, "1", "Counts.%d.on", st - 1);
	}
	hset_int(r, "Due.late", late);
	hset_int(r, "Due.soon", near);
	hset(r, "Due.late_href", qhref(r, 0, proc, channel, 1));
	hset(r, "Due.soon_href", qhref(r, 0, proc, channel, 0));

	/* per procedure and per channel, over the whole agency */
	/* counted without the names (TEXT: see the queue above), named after */
	db_stmt *pc = STMT(d, "SELECT g.procedure_code, p.name, g.n FROM ("
			      "SELECT x.procedure_code, COUNT(*) AS n FROM dossier x "
			      "WHERE x.agency_code IN (" SCOPE_AGENCIES ") "
			      "GROUP BY x.procedure_code ORDER BY COUNT(*) DESC, x.procedure_code LIMIT 30) g "
			      "LEFT JOIN `procedure` p ON p.code = g.procedure_code "
			      "ORDER BY g.n DESC, g.procedure_code");
	if (db_query(pc, "is", is_admin(r), r->user->agency_code) != 0)
		return 503;
	const char *proc_name = proc;
	for (int i = 0; db_fetch(pc) == 1; i++) {
		const char *code = col(pc, a, 0), *name = col(pc, a, 1);
		hsetf(r, code, "Procs.%d.code", i);
		hsetf(r, name ? name : code, "Procs.%d.name", i);
		hset_intf(r, db_col_int(pc, 2, 0), "Procs.%d.count", i);
		hsetf(r, qhref(r, status, code, channel, due), "Procs.%d.href", i);
		if (proc && code && strcmp(proc, code) == 0) {
			hsetf(r, "1", "Procs.%d.on", i);
			if (name)
				proc_name = name;
		}
	}
	db_stmt *cc = STMT(d, "SELECT x.channel, COUNT(*) FROM dossier x "
			      "WHERE x.agency_code IN (" SCOPE_AGENCIES ") GROUP BY x.channel ORDER BY x.channel");
	if (db_query(cc, "is", is_admin(r), r->user->agency_code) != 0)
		return 503;
	for (int i = 0; db_fetch(cc) == 1; i++) {
		long long ch = db_col_int(cc, 0, 0);
		hsetf(r, channel_label(ch), "Channels.%d.name", i);
		hset_intf(r, db_col_int(cc, 1, 0), "Channels.%d.count", i);
		hsetf(r, qhref(r, status, proc, ch, due), "Channels.%d.href", i);
		if (ch == channel)
			hsetf(r, "1", "Channels.%d.on", i);
	}

	/* what the list holds, in words */
	if (status)
		hset(r, "Filter.status", status_name((int)status));
	if (proc_name)
		hset(r, "Filter.procedure", proc_name);
	if (channel)
		hset(r, "Filter.channel", channel_phrase(channel));
	if (due == 1)
		hset(r, "Filter.due", "Quá hạn");
	else if (due == 0)
		hset(r, "Filter.due", "Sắp đến hạn (trong 2 ngày làm việc)");
	if (status || proc || channel || due >= 0)
		hset(r, "Filter.any", "1");
	if (is_admin(r))
		hset(r, "Desk.admin", "1");   /* the link to the staff accounts */
	hset(r, "Page.title", "Hồ sơ của cơ quan");
	return render(r, "desk_queue.cs");
}

static int desk_page(request *r)
{
	dossier x;
	int rc = mine(r, &x);
	if (rc)
		return rc;
	if (dossier_show(r, &x, 1, 1) < 0)
		return 503;
	const transition *t[16];
	size_t n = transitions_from(x.status, staff_acting_roles(r, x.agency_code), t, 16);
	for (size_t i = 0; i < n; i++) {
		hset_intf(r, t[i]->to, "Actions.%zu.to", i);
		hsetf(r, t[i]->label, "Actions.%zu.label", i);
		hset_intf(r, t[i]->needs_reason, "Actions.%zu.reason", i);
		if (t[i]->to == ST_RETURNED && strcmp(x.result_channel, "online") == 0)
			hsetf(r, "1", "Actions.%zu.file", i);
		if (t[i]->to == ST_OBLIGATION)
			hsetf(r, "1", "Actions.%zu.money", i);
	}
	hset(r, "Page.title", arena_printf(r->a, "Hồ sơ %s", x.code));
	return render(r, "desk_dossier.cs");
}

int h_desk_view(request *r)
{
	return desk_page(r);
}

/*
 * The desk's forms on a dossier's page (a status change, attaching to an
 * account): a refusal shows that page again, the reason in the form it
 * belongs to (the status change's form of the status asked for), what was
 * typed kept, under the refusal's status; when no form on the page fits
 * (a move the table does not allow from here) the reason is at its top.
 * The page loads and checks the dossier as a GET of it does, so another
 * agency's dossier stays the error page.  Files are never put back.
 */
static int desk_refused_page(request *r)
{
	if (strcmp(r->route->name, "desk_attach") == 0) {
		form_keep_typed(r, "contact", 254);
		hset(r, "Form.error_lead", "Chưa gắn được hồ sơ.");
	} else {
		form_keep_typed(r, "to", 2);
		form_keep_typed(r, "reason", 1000);
		form_keep_typed(r, "amount", 30);
		form_keep_typed(r, "fee_name", 200);
		hset(r, "Form.error_lead", "Chưa chuyển trạng thái hồ sơ.");
	}
	return desk_page(r);
}

/* Form fields of the status change, in order. */
enum { S_TO, S_REASON, S_AMOUNT, S_FEE };

static int status_checked(request *r)
{
	if (!r->form[S_TO].s) {
		r->error.field = "to";
		r->error.message = "Chọn trạng thái mới (2 đến 10).";
		return 422;
	}
	/* The result file goes with returning the result (10) only: on any
	 * other move it would be stored as the dossier's "result" and shown
	 * to the citizen before the agency has finished. */
	if (req_file(r, "result") && r->form[S_TO].i != ST_RETURNED)
		return http_field_error(r, 422, "result",
					"Tệp kết quả chỉ gửi kèm khi trả kết quả (trạng thái 10).");
	/* The one role this officer acts in for this move: any role of theirs
	 * that the table allows (the handler checks the move, not the route).
	 * Whether the dossier is theirs (404, 403 as mine() answers) is
	 * checked inside the move, on the row it locks: one load, not two.
	 * The province's administrator acts there as a leader on the
	 * agencies under it. */
	move m = {
		.code = r->captures[0].s, .to = (int)r->form[S_TO].i, .actor = r->user->roles,
		.actor_kind = "staff", .actor_id = r->user->id, .actor_name = r->user->name,
		.reason = r->form[S_REASON].s, .scope = staff_covers,
		.amount = r->form[S_AMOUNT].s ? r->form[S_AMOUNT].i : 0, .fee_name = r->form[S_FEE].s,
		.result = req_file(r, "result"), .r = r,
	};
	int rc = dossier_move(server_db(), &m);
	if (rc)
		return rc;
	return http_redirect(r, arena_printf(r->a, "/desk/dossiers/%s", m.code));
}

int h_desk_status(request *r)
{
	return form_page_refused(r, status_checked(r), desk_refused_page);
}

/* The route table refused a field (an amount that is not money, a contact
 * of 300 characters) or the result file (empty, too big, of a kind it
 * does not take): the status change's and the attach form's. */
int h_desk_form_refused(request *r)
{
	return form_page_refused(r, r->file_status ? r->file_status : 400, desk_refused_page);
}

/* --- attaching a walk-in's dossier to an account ------------------------------ */

typedef struct att {
	request *r;
	const char *code, *contact;
	long long citizen;
	int repeated;
} att;

static int attach_tx(db *d, void *arg)
{
	att *g = arg;
	request *r = g->r;
	db_stmt *c = STMT(d, "SELECT id FROM citizen WHERE contact = ? AND verified_at IS NOT NULL");
	if (db_query(c, "s", g->contact) != 0)
		return DB_TX_FAILED;
	g->citizen = db_fetch(c) == 1 ? db_col_int(c, 0, 0) : 0;
	while (db_fetch(c) == 1)
		;
	if (!g->citizen) {
		r->error.field = "contact";
		r->error.message = "Không có tài khoản đã xác nhận với số điện thoại hoặc thư điện tử "
				   "này (trường “contact”). Người dân cần đăng ký trước.";
		return 422;
	}
	dossier x;
	int found = dossier_load(d, r->a, g->code, &x, DOSSIER_LOCK);
	if (found < 0)
		return DB_TX_FAILED;
	if (!found)
		return 404;
	if (x.citizen_id == g->citizen) {
		g->repeated = 1;  /* the same form posted twice changes nothing */
		return 0;
	}
	if (x.citizen_id) {
		r->error_detail = "Hồ sơ này đã thuộc tài khoản của người khác; không gắn lại được.";
		return 409;
	}
	db_stmt *u = STMT(d, "UPDATE dossier SET citizen_id = ?, updated_at = UTC_TIMESTAMP(3) "
			     "WHERE id = ? AND citizen_id IS NULL");
	if (db_exec(u, "ii", g->citizen, x.id) != 1)
		return DB_TX_FAILED;
	/* The papers the person handed in at the desk (scanned there) are
	 * theirs as much as the result: into their wallet, so the next
	 * procedure does not ask for them again. */
	db_stmt *w = STMT(d, "UPDATE dossier_document SET owner_citizen_id = ? WHERE dossier_id = ? "
			     "AND owner_citizen_id IS NULL AND role IN ('input','supplement')");
	if (db_exec(w, "ii", g->citizen, x.id) < 0)
		return DB_TX_FAILED;
	if (audit_log(d, r, "dossier_attach", x.code, g->contact) < 0)
		return DB_TX_FAILED;
	if (notify_put(d, r->a, g->contact, arena_printf(r->a, "Hồ sơ %s", x.code),
		       arena_printf(r->a, "Hồ sơ %s đã được gắn vào tài khoản của bạn. "
				    "Bạn theo dõi hồ sơ trong mục “Hồ sơ của tôi”.", x.code)) < 0)
		return DB_TX_FAILED;
	return 0;
}

static int attach_checked(request *r)
{
	dossier x;
	int rc = mine(r, &x);
	if (rc)
		return rc;
	const char *in = r->form[0].s, *kind;
	const char *contact = in && *in ? contact_normalise(r->a, in, &kind) : NULL;
	if (!contact) {
		r->error.field = "contact";
		r->error.message = "Số điện thoại (10 số) hoặc thư điện tử của người dân không đúng "
				   "(trường “contact”).";
		return 422;
	}
	att g = { .r = r, .code = x.code, .contact = contact };
	rc = db_tx(server_db(), attach_tx, &g);
	if (rc)
		return rc;
	return http_redirect(r, arena_printf(r->a, "/desk/dossiers/%s", x.code));
}

int h_desk_attach(request *r)
{
	return form_page_refused(r, attach_checked(r), desk_refused_page);
}

int h_desk_new(request *r)
{
	return filing_form(r, r->query[0].s, 1);
}

int h_desk_create(request *r)
{
	return filing_refused(r, filing_submit(r, 1), 1);
}

/* As the citizen's (dossier.c h_create_refused): the form again, under
 * the route table's 400 for a field, the file's 413 or 422 for a file. */
int h_desk_create_refused(request *r)
{
	return filing_refused(r, r->file_status ? r->file_status : 400, 1);
}

int h_desk_receipt(request *r)
{
	dossier x;
	int rc = mine(r, &x);
	return rc ? rc : receipt_render(r, &x, 1);
}

/* A citizen's papers opened by staff: personal data seen is a staff action
 * like any other, so it is audited (document_send), and not served when it
 * cannot be. */
int h_desk_document(request *r)
{
	dossier x;
	int rc = mine(r, &x);
	return rc ? rc : document_send(r, &x, r->captures[1].i, 1);
}

/* Deliveries to the national portal not yet acknowledged, with why: the
 * oldest SYNC_SHOWN, and how many wait in all (after a long outage there
 * are thousands, and a list cut without saying so reads as the whole). */
#define SYNC_SHOWN 500
#define SYNC_TEXT_(n) #n
#define SYNC_TEXT(n) SYNC_TEXT_(n)
int h_desk_sync(request *r)
{
	db_stmt *c = STMT(server_db(),
		"SELECT COUNT(*) FROM outbox o JOIN dossier x ON x.code = o.subject "
		"WHERE o.topic = 'sync' AND o.state = 'pending' AND x.agency_code IN ("
		SCOPE_AGENCIES ")");
	if (db_query(c, "is", is_admin(r), r->user->agency_code) != 0 || db_fetch(c) != 1)
		return 503;
	long long waiting = db_col_int(c, 0, 0);
	while (db_fetch(c) == 1)
		;
	hset_intf(r, waiting, "Sync.waiting");
	if (waiting > SYNC_SHOWN)
		hset_intf(r, SYNC_SHOWN, "Sync.shown");
	db_stmt *s = STMT(server_db(),
		"SELECT o.id, o.subject, o.attempts, COALESCE(o.last_error, ''), "
		"DATE_FORMAT(o.next_at + INTERVAL 7 HOUR, '%H:%i:%s %d/%m/%Y'), "
		"DATE_FORMAT(o.created_at + INTERVAL 7 HOUR, '%H:%i:%s %d/%m/%Y') "
		"FROM outbox o JOIN dossier x ON x.code = o.subject "
		"WHERE o.topic = 'sync' AND o.state = 'pending' AND x.agency_code IN ("
		SCOPE_AGENCIES ") ORDER BY o.id LIMIT " SYNC_TEXT(SYNC_SHOWN));
	if (db_query(s, "is", is_admin(r), r->user->agency_code) != 0)
		return 503;
	for (int i = 0; db_fetch(s) == 1; i++) {
		hsetf(r, col(s, r->a, 0), "Sync.rows.%d.id", i);
		hsetf(r, col(s, r->a, 1), "Sync.rows.%d.code", i);
		hsetf(r, col(s, r->a, 2), "Sync.rows.%d.attempts", i);
		hsetf(r, col(s, r->a, 3), "Sync.rows.%d.error", i);
		hsetf(r, col(s, r->a, 4), "Sync.rows.%d.next", i);
		hsetf(r, col(s, r->a, 5), "Sync.rows.%d.created", i);
	}
	hset(r, "Page.title", "Đồng bộ với Cổng Dịch vụ công quốc gia");
	return render(r, "desk_sync.cs");
}
