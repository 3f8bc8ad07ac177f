/* main.c - the payment area: its route table (which is its policy) and
 * its background jobs.  The bank's callbacks are public, unauthenticated
 * and read their query raw (they are stored before they are judged); the
 * agency API lives on the intranet and is signed instead of CSRF-checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "obligation.h"
#include "payment.h"
#include "render.h"
#include "server.h"
#include "vntext.h"

static int is_token(const char *v, size_t n)
{
	return n == 32 && strspn(v, "0123456789abcdef") == 32;
}

static int is_bank(const char *v, size_t n)
{
	return n >= 2 && n <= 20 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n;
}

static const char *const gateways[] = {"vnpay", NULL};
static const char *const results[] = {"pending", "paid", "failed", "cancelled", "expired",
				      "duplicate", NULL};

static const field_spec code_cap[] = {
	{"code", FT_PATTERN, 12, 0, 0, NULL, is_paycode, "mã thanh toán 12 chữ số"},
	{NULL},
};
static const field_spec token_cap[] = {
	{"token", FT_PATTERN, 32, 0, 0, NULL, is_token, "mã biên lai"},
	{NULL},
};
static const field_spec find_q[] = {
	{"ma", FT_TEXT, 20, 0, 0, NULL, NULL, "mã thanh toán 12 chữ số"},
	{"tham_chieu", FT_TEXT, 100, 0, 0, NULL, NULL, "số tham chiếu, tối đa 100 ký tự"},
	{"giay_to", FT_TEXT, 20, 0, 0, NULL, NULL, "số giấy tờ, tối đa 20 ký tự"},
	{NULL},
};
static const field_spec show_q[] = {
	{"ket_qua", FT_ENUM, 0, 0, 0, results, NULL, "kết quả giao dịch"},
	{NULL},
};
static const field_spec start_form[] = {
	{"gateway", FT_ENUM, 0, 0, 0, gateways, NULL, "vnpay"},
	{"bank", FT_PATTERN, 20, 0, 0, NULL, is_bank, "mã ngân hàng, chữ in hoa và số"},
	{NULL},
};
static int is_txn_ref(const char *v, size_t n)
{
	return n >= 8 && n <= 34 && strspn(v, "0123456789") == n;
}

static const field_spec ref_cap[] = {
	{"ref", FT_PATTERN, 34, 0, 0, NULL, is_txn_ref, "mã giao dịch"},
	{NULL},
};
static const char *const done_flag[] = {"1", NULL};
static const field_spec flagged_q[] = {
	{"xong", FT_ENUM, 0, 0, 0, done_flag, NULL, "1"},
	{NULL},
};
static const field_spec retry_form[] = {
	{"ly_do", FT_TEXT, 500, 0, 0, NULL, NULL, "lý do gửi lại yêu cầu hoàn tiền (bắt buộc, tối đa 500 ký tự)"},
	{NULL},
};
/* A day as people in Vietnam write it, dd/mm/yyyy, and one that exists:
 * a date box would show 12/02/2026 in the order of the browser's own
 * language, which reads as 12 February to the auditor. */
static int is_day_vn(const char *v, size_t n)
{
	if (n != 10 || v[2] != '/' || v[5] != '/')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (i != 2 && i != 5 && (v[i] < '0' || v[i] > '9'))
			return 0;
	int d = (v[0] - '0') * 10 + v[1] - '0', m = (v[3] - '0') * 10 + v[4] - '0';
	int y = atoi(v + 6);
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 2000 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
}

static int is_id_number(const char *v, size_t n)
{
	return n <= 20 && strspn(v, "0123456789") == n;
}

/* staff.c's enum F_* follows this order */
static const field_spec staff_form[] = {
	{"group", FT_ENUM, 0, 0, 0, obligation_group_names, NULL, "một nhóm khoản thu trong danh sách"},
	{"reference", FT_TEXT, 100, 0, 0, NULL, NULL, "số tham chiếu, tối đa 100 ký tự"},
	{"payer", FT_TEXT, 200, 0, 0, NULL, NULL, "họ tên người nộp, tối đa 200 ký tự"},
	{"payer_id", FT_PATTERN, 20, 0, 0, NULL, is_id_number, "số giấy tờ: chữ số, tối đa 20"},
	/* may be left empty: typed by staff.c when filled in */
	{"due", FT_TEXT, 10, 0, 0, NULL, NULL, "hạn nộp, ngày có thật"},
	{"line1", FT_TEXT, 255, 0, 0, NULL, NULL, "tên khoản, tối đa 255 ký tự"},
	{"amount1", FT_TEXT, 30, 0, 0, NULL, NULL, "số tiền: đồng, số nguyên từ 1 đến 10^15"},
	{"line2", FT_TEXT, 255, 0, 0, NULL, NULL, "tên khoản, tối đa 255 ký tự"},
	{"amount2", FT_TEXT, 30, 0, 0, NULL, NULL, "số tiền: đồng, số nguyên từ 1 đến 10^15"},
	{"line3", FT_TEXT, 255, 0, 0, NULL, NULL, "tên khoản, tối đa 255 ký tự"},
	{"amount3", FT_TEXT, 30, 0, 0, NULL, NULL, "số tiền: đồng, số nguyên từ 1 đến 10^15"},
	{NULL},
};
static const field_spec made_q[] = {
	{"ma", FT_PATTERN, 12, 0, 0, NULL, is_paycode, "mã thanh toán 12 chữ số"},
	{NULL},
};
static const char *const corr_done[] = {"huy", "hoan", "dieu-chinh", NULL};
/* correct.c reads them in this order */
static const field_spec receipts_q[] = {
	{"ma", FT_PATTERN, 12, 0, 0, NULL, is_paycode, "mã thanh toán 12 chữ số"},
	{"xong", FT_ENUM, 0, 0, 0, corr_done, NULL, "huy, hoan hoặc dieu-chinh"},
	{"ngay", FT_PATTERN, 10, 0, 0, NULL, is_day_vn, "ngày lập biên lai, dạng 02/12/2026"},
	{NULL},
};
static const field_spec reason_form[] = {
	{"ly_do", FT_TEXT, 500, 0, 0, NULL, NULL, "lý do (bắt buộc, tối đa 500 ký tự)"},
	{NULL},
};
static const field_spec adjust_form[] = {
	{"so_tien", FT_TEXT, 30, 0, 0, NULL, NULL, "số tiền điều chỉnh: đồng, có dấu - khi giảm"},
	{"noi_dung", FT_TEXT, 300, 0, 0, NULL, NULL, "nội dung điều chỉnh, tối đa 300 ký tự"},
	{"ly_do", FT_TEXT, 500, 0, 0, NULL, NULL, "lý do (bắt buộc, tối đa 500 ký tự)"},
	{NULL},
};
static const field_spec verify_q[] = {
	{"t", FT_TEXT, 64, 0, 0, NULL, NULL, "mã kiểm tra trên biên lai"},
	{NULL},
};

#define GET (HTTP_GET | HTTP_HEAD)

static const route routes[] = {
	{.name = "pay_home", .methods = GET, .pattern = "/pay/", .handler = h_pay_home,
	 .sites = SITE_PUBLIC},
	{.name = "pay_find", .methods = GET, .pattern = "/pay/tra-cuu", .handler = h_pay_find,
	 .query = find_q, .sites = SITE_PUBLIC},
	/* no account needed; a signed-in citizen's session is read only to
	 * link a dossier's obligation to the dossier's page for its owner */
	{.name = "pay_show", .methods = GET, .pattern = "/pay/{code}", .handler = h_pay_show,
	 .query = show_q, .captures = code_cap, .sites = SITE_PUBLIC, .auth = AUTH_OPTIONAL},
	{.name = "pay_start", .methods = HTTP_POST, .pattern = "/pay/{code}/start",
	 .handler = h_pay_start, .captures = code_cap, .form = start_form, .sites = SITE_PUBLIC},
	{.name = "vnpay_ipn", .methods = GET, .pattern = "/payment/vnpay/ipn",
	 .handler = h_vnpay_ipn, .json = 1, .raw_query = 1, .sites = SITE_PUBLIC},
	{.name = "vnpay_return", .methods = GET, .pattern = "/payment/vnpay/return",
	 .handler = h_vnpay_return, .raw_query = 1, .sites = SITE_PUBLIC},
	{.name = "receipt_verify", .methods = GET, .pattern = "/receipts/verify",
	 .handler = h_receipt_verify, .query = verify_q},
	{.name = "receipt", .methods = GET, .pattern = "/receipts/{token}", .handler = h_receipt,
	 .captures = token_cap},
	{.name = "receipt_qr", .methods = GET, .pattern = "/receipts/{token}/qr.svg",
	 .handler = h_receipt_qr, .captures = token_cap},
	{.name = "api_create", .methods = HTTP_POST, .pattern = "/payment/api/obligations",
	 .handler = h_api_create, .json = 1, .no_csrf = 1, .sites = SITE_INTRANET},
	{.name = "api_get", .methods = GET, .pattern = "/payment/api/obligations/{code}",
	 .handler = h_api_get, .captures = code_cap, .json = 1, .sites = SITE_INTRANET},
	{.name = "api_cancel", .methods = HTTP_POST, .pattern = "/payment/api/obligations/{code}/cancel",
	 .handler = h_api_cancel, .captures = code_cap, .json = 1, .no_csrf = 1,
	 .sites = SITE_INTRANET},
	{.name = "admin_flagged", .methods = GET, .pattern = "/payment/admin/flagged",
	 .handler = h_admin_flagged, .query = flagged_q, .sites = SITE_INTRANET,
	 .auth = AUTH_STAFF, .roles = ROLE_LEADER | ROLE_ADMIN},
	{.name = "admin_refund_retry", .methods = HTTP_POST,
	 .pattern = "/payment/admin/flagged/{ref}/retry", .handler = h_admin_refund_retry,
	 .captures = ref_cap, .form = retry_form, .sites = SITE_INTRANET,
	 .auth = AUTH_STAFF, .roles = ROLE_LEADER | ROLE_ADMIN},
	{.name = "admin_new", .methods = GET, .pattern = "/payment/admin/obligations/new",
	 .handler = h_admin_new, .query = made_q, .sites = SITE_INTRANET,
	 .auth = AUTH_STAFF, .roles = ROLE_DESK | ROLE_LEADER},
	{.name = "admin_create", .methods = HTTP_POST, .pattern = "/payment/admin/obligations",
	 .handler = h_admin_create, .form = staff_form, .sites = SITE_INTRANET,
	 .auth = AUTH_STAFF, .roles = ROLE_DESK | ROLE_LEADER},
	/* receipts: cancelled or adjusted, and a paid obligation refunded, by
	 * the agency's leaders and administrators only (correct.c) */
	{.name = "admin_receipt", .methods = GET, .pattern = "/payment/admin/receipts",
	 .handler = h_admin_receipt, .query = receipts_q, .sites = SITE_INTRANET,
	 .auth = AUTH_STAFF, .roles = ROLE_LEADER | ROLE_ADMIN},
	{.name = "admin_receipt_cancel", .methods = HTTP_POST,
	 .pattern = "/payment/admin/receipts/{code}/cancel", .handler = h_admin_receipt_cancel,
	 .captures = code_cap, .form = reason_form, .sites = SITE_INTRANET,
	 .auth = AUTH_STAFF, .roles = ROLE_LEADER | ROLE_ADMIN},
	{.name = "admin_receipt_adjust", .methods = HTTP_POST,
	 .pattern = "/payment/admin/receipts/{code}/adjust", .handler = h_admin_receipt_adjust,
	 .captures = code_cap, .form = adjust_form, .sites = SITE_INTRANET,
	 .auth = AUTH_STAFF, .roles = ROLE_LEADER | ROLE_ADMIN},
	{.name = "admin_refund_paid", .methods = HTTP_POST,
	 .pattern = "/payment/admin/receipts/{code}/refund", .handler = h_admin_refund_paid,
	 .captures = code_cap, .form = reason_form, .sites = SITE_INTRANET,
	 .auth = AUTH_STAFF, .roles = ROLE_LEADER | ROLE_ADMIN},
	/* the payment notice the desk prints for a person who owes (notice.c):
	 * any staff role of the collecting agency, checked in the handler
	 * against the obligation's agency; opening it is audited */
	{.name = "admin_notice", .methods = GET,
	 .pattern = "/payment/admin/obligations/{code}/notice", .handler = h_admin_notice,
	 .captures = code_cap, .sites = SITE_INTRANET, .auth = AUTH_STAFF},
	{.name = "admin_deliveries", .methods = GET, .pattern = "/payment/admin/deliveries",
	 .handler = h_admin_deliveries, .sites = SITE_INTRANET, .auth = AUTH_STAFF},
	{.name = "health", .methods = GET, .pattern = "/payment/health", .handler = h_pay_health,
	 .json = 1},
};

int h_pay_health(request *r)
{
	if (!db_connected(server_db()))
		return 503;
	buf_puts(r->body, "{\"ok\":true}\n");
	r->content_type = "application/json; charset=utf-8";
	return 200;
}

/* Intranet: webhook deliveries of the staff member's own agency.  The
 * page is read by the agency's staff and its auditor, not by the
 * programmer who wrote the event names: the event, the HTTP answer and
 * the error are said in Vietnamese, and a list cut at its limit says so
 * (one row more than shown is fetched to know). */
#define DELIV_MAX 200
static const char Q_DELIV[] =
	"SELECT event, payment_code, url, DATE_FORMAT(attempted_at + INTERVAL 7 HOUR, '%d/%m/%Y %H:%i:%s'),"
	" COALESCE(http_status, 0), COALESCE(error, '') FROM pay_webhook_delivery"
	" WHERE agency_code = ? ORDER BY id DESC LIMIT 201";

static const char *event_vi(const char *e)
{
	static const char *const names[][2] = {
		{"obligation.paid", "Đã nộp tiền"},
		{"obligation.refunded", "Đã hoàn tiền"},
		{"obligation.cancelled", "Đã hủy khoản nộp"},
		{"obligation.expired", "Quá hạn nộp"},
	};
	return VN_TEXT_FOR(names, e, "Sự kiện khác");
}

/* The delivery's outcome: the receiver's answer when there was one, else
 * why none came (jobs.c logs the transport's own words, kept in the
 * table for the technician; the page says what they mean). */
static void outcome_vi(request *r, int i, long long status, const char *err)
{
	const char *v;
	if (status >= 200 && status < 300)
		v = "Đã nhận";
	else if (status > 0)
		v = arena_printf(r->a, "Hệ thống của cơ quan trả lời lỗi (mã %lld); sẽ gửi lại", status);
	else if (strncmp(err, "no webhook endpoint", 19) == 0)
		v = "Cơ quan chưa đăng ký địa chỉ nhận; sẽ gửi lại khi có";
	else
		v = "Không kết nối được tới địa chỉ nhận; sẽ gửi lại";
	hsetf(r, v, "Rows.%d.outcome", i);
	hsetf(r, status >= 200 && status < 300 ? "ok" : "failed", "Rows.%d.state", i);
}

int h_admin_deliveries(request *r)
{
	db_stmt *s = S(server_db(), Q_DELIV);
	if (db_query(s, "s", r->user && r->user->agency_code ? r->user->agency_code : "") < 0)
		return 503;
	int i = 0;
	for (; db_fetch(s) > 0; i++) {
		if (i >= DELIV_MAX)
			continue;	/* drained; the extra row only says "cut" */
		const char *ev = db_col(s, 0, NULL);
		const char *err = db_col(s, 5, NULL);
		hsetf(r, event_vi(ev ? ev : ""), "Rows.%d.event", i);
		hsetf(r, db_col(s, 1, NULL), "Rows.%d.code", i);
		hsetf(r, db_col(s, 2, NULL), "Rows.%d.url", i);
		hsetf(r, db_col(s, 3, NULL), "Rows.%d.at", i);
		outcome_vi(r, i, db_col_int(s, 4, 0), err ? err : "");
	}
	if (i > DELIV_MAX)
		hset(r, "Deliv.cut", "1");
	return render(r, "admin_deliveries.cs");
}

static int init(void)
{
	pay_conf_load();
	if (!*cfg.tmn_code || !*cfg.hash_secret || !*cfg.pay_url || !*cfg.apikey_master) {
		fprintf(stderr, "payment: PORTAL_VNPAY_TMN_CODE, PORTAL_VNPAY_HASH_SECRET, "
				"PORTAL_VNPAY_URL and PORTAL_APIKEY_MASTER must be set\n");
		return -1;
	}
	return 0;
}

static int sweep(db *d)
{
	if (!cfg.tmn_code)
		pay_conf_load();
	int moved = spool_load(d);
	/* expiry first: it is the database's work alone, and must not wait
	 * behind the bank's answers (up to ten queries of 10 s each) */
	int x = job_expire(d);
	int n = job_sweep(d);
	return n < 0 || x < 0 ? -1 : n + moved + x;
}

static int refunds(db *d)
{
	if (!cfg.tmn_code)
		pay_conf_load();
	return job_refunds(d);
}

static int webhooks(db *d)
{
	if (!cfg.tmn_code)
		pay_conf_load();
	return job_webhooks(d);
}

/* The staff pages' own menu shows only the pages this officer's roles
 * open (templates/admin_menu.cs): the receipts register and corrections
 * were reachable from nowhere, and a desk officer's "Thanh toán" led to
 * a 403. */
static void staff_roles(request *r)
{
	if (!r->user || r->user->kind != AUTH_STAFF || r->want_json || (r->route && r->route->json))
		return;
	int roles = r->user->roles;
	if (roles & (ROLE_LEADER | ROLE_ADMIN))
		hset(r, "Staff.corrects", "1");     /* receipts, flagged refunds */
	if (roles & (ROLE_DESK | ROLE_LEADER))
		hset(r, "Staff.creates", "1");      /* a new obligation */
}

int main(int argc, char **argv)
{
	static const char *dirs[3];
	dirs[0] = conf_str("PORTAL_TEMPLATES", "cgi-bin/payment/templates");
	dirs[1] = conf_str("PORTAL_LIB_TEMPLATES", "lib/templates");
	static const job jobs[] = {
		{.name = "sweeper", .run = sweep, .idle_ms = 5000},
		{.name = "webhooks", .run = webhooks, .idle_ms = 1000},
		{.name = "refunds", .run = refunds, .idle_ms = 2000},
		{NULL},
	};
	static const app payment_app = {
		.name = "payment",
		.routes = routes,
		.nroutes = sizeof routes / sizeof routes[0],
		.template_dirs = dirs,
		.worker_init = init,
		.api_prefix = "/payment/api/",
		.jobs = jobs,
		.before_request = staff_roles,
	};
	return server_main(argc, argv, &payment_app);
}
