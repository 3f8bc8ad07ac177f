/* staff.c - an obligation created by a one-stop desk officer on the
 * intranet (a fee taken at the counter, a fine decided on the spot): the
 * form, and its POST, which writes the obligation and the officer's audit
 * row in one transaction.  The agency is always the officer's own. */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "obligation.h"
#include "paycode.h"
#include "payment.h"
#include "render.h"
#include "server.h"

/* The form's fields, in main.c's order (staff_form). */
enum { F_GROUP, F_REFERENCE, F_PAYER, F_PAYER_ID, F_DUE,
       F_LINE1, F_AMOUNT1, F_LINE2, F_AMOUNT2, F_LINE3, F_AMOUNT3, F_NFIELDS };
#define NLINES 3

static void groups(request *r, const char *chosen)
{
	for (int g = 0; g < OG_COUNT; g++) {
		hsetf(r, obligation_group_names[g], "Groups.%d.name", g);
		hsetf(r, obligation_group_titles[g], "Groups.%d.title", g);
		if (chosen && strcmp(chosen, obligation_group_names[g]) == 0)
			hsetf(r, "1", "Groups.%d.chosen", g);
	}
}

int h_admin_new(request *r)
{
	groups(r, NULL);
	const char *made = r->query && r->query[0].s ? r->query[0].s : NULL;
	if (made) {	/* checked by the route (is_paycode) */
		char shown[PAYCODE_LEN + 3];
		paycode_format(made, shown);
		hset(r, "Made.code", made);
		hset(r, "Made.shown", shown);
	}
	return render(r, "admin_new.cs");
}

typedef struct create_arg {
	request *r;
	obligation_req q;
	char code[13];
	const char *what;
} create_arg;

static int create_tx(db *d, void *p)
{
	create_arg *a = p;
	int rc = obligation_create(d, &a->q, a->code, NULL, &a->what);
	if (rc == OBL_DB)
		return DB_TX_FAILED;
	if (rc != OBL_OK)
		return rc == OBL_BAD_INPUT ? 400 : 422;
	buf detail = BUF_INIT;
	buf_printf(&detail, "%s; %s; %s; ", obligation_group_names[a->q.group], a->q.reference,
		   a->q.payer_name);
	for (size_t i = 0; i < a->q.nlines; i++)
		buf_printf(&detail, "%s%s: %lld", i ? ", " : "", a->q.lines[i].name,
			   a->q.lines[i].amount);
	int arc = audit_log(d, a->r, "payment_obligation_create", a->code, detail.p);
	buf_free(&detail);
	return arc < 0 ? DB_TX_FAILED : 0;
}

/* The form again, with what was typed and what is wrong. */
static int again(request *r, int status, const char *field, const char *message)
{
	static const char *const names[F_NFIELDS] = {
		"group", "reference", "payer", "payer_id", "due",
		"line1", "amount1", "line2", "amount2", "line3", "amount3",
	};
	const field_value *v = r->form;
	for (int i = 0; i < F_NFIELDS; i++)
		if (v[i].s)
			hsetf(r, v[i].s, "Form.%s", names[i]);
	groups(r, v[F_GROUP].s);
	r->error.field = field;
	r->error.message = message;
	hset(r, "Form.error", message);
	if (field)
		hset(r, "Form.error_field", field);
	int rc = render(r, "admin_new.cs");
	return rc == 200 ? status : rc;
}

/* The optional fields, typed once filled in (an empty box is "none"). */
static const field_spec money_spec[] = {
	{"amount", FT_MONEY, 0, 1, 0, NULL, NULL, "số tiền: đồng, số nguyên từ 1 đến 10^15, ví dụ 150.000"},
};
static const field_spec due_spec[] = {
	{"due", FT_DATE, 0, 0, 0, NULL, NULL, "hạn nộp: một ngày có thật, dạng năm-tháng-ngày"},
};

int h_admin_create(request *r)
{
	field_value *v = r->form;
	static const char *const need[][2] = {
		{"group", "nhóm khoản thu"}, {"reference", "số tham chiếu"},
		{"payer", "họ tên người nộp"}, {"line1", "tên khoản thứ nhất"},
		{"amount1", "số tiền khoản thứ nhất"},
	};
	static const int need_f[] = {F_GROUP, F_REFERENCE, F_PAYER, F_LINE1, F_AMOUNT1};
	for (size_t i = 0; i < sizeof need_f / sizeof need_f[0]; i++)
		if (form_blank(v[need_f[i]].s))
			return again(r, 400, need[i][0],
				     arena_printf(r->a, "Cần nhập %s.", need[i][1]));
	obligation_line lines[NLINES];
	size_t n = 0;
	for (int k = 0; k < NLINES; k++) {
		const field_value *name = &v[F_LINE1 + 2 * k], *amount = &v[F_AMOUNT1 + 2 * k];
		int has_name = !form_blank(name->s), has_amount = amount->s && *amount->s;
		if (has_name != has_amount)
			return again(r, 400, has_name ? "amount" : "line",
				     arena_printf(r->a, "Khoản thứ %d cần cả tên và số tiền.", k + 1));
		if (!has_name)
			continue;
		field_value typed;
		form_error e = {0};
		if (field_check(r->a, money_spec, amount->s, amount->len, &typed, &e) < 0)
			return again(r, 400, arena_printf(r->a, "amount%d", k + 1),
				     arena_printf(r->a, "Số tiền khoản thứ %d: %s", k + 1, e.message));
		lines[n++] = (obligation_line){name->s, typed.i};
	}
	if (v[F_DUE].s && *v[F_DUE].s) {
		field_value typed;
		form_error e = {0};
		if (field_check(r->a, due_spec, v[F_DUE].s, v[F_DUE].len, &typed, &e) < 0)
			return again(r, 400, "due", arena_printf(r->a, "Hạn nộp: %s", e.message));
	}
	create_arg a = {
		.r = r,
		.q = {
			.group = (int)v[F_GROUP].i, .agency_code = r->user->agency_code,
			.reference = v[F_REFERENCE].s, .payer_name = v[F_PAYER].s,
			.payer_id = v[F_PAYER_ID].s && *v[F_PAYER_ID].s ? v[F_PAYER_ID].s : NULL,
			.lines = lines, .nlines = n,
			.due = v[F_DUE].s && *v[F_DUE].s ? v[F_DUE].s : NULL,
			.source = OS_STAFF,
		},
	};
	int rc = db_tx(server_db(), create_tx, &a);
	if (rc == 400)
		return again(r, 400, NULL, arena_printf(r->a, "Chưa tạo được: %s không hợp lệ.",
							 a.what ? a.what : "dữ liệu"));
	if (rc == 422)
		return again(r, 422, NULL, arena_printf(r->a, "Chưa tạo được: cơ quan chưa cấu hình %s.",
							 a.what ? a.what : "tài khoản thu"));
	if (rc)
		return rc;
	return http_redirect(r, arena_printf(r->a, "/payment/admin/obligations/new?ma=%s", a.code));
}
