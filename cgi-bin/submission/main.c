/*
 * main.c - the submission area's routes: its policy table.
 *
 * Every row says who may call it (site, citizen or staff session, roles),
 * what it accepts (query, POST fields, files, body limit), and the server
 * enforces all of that before the handler runs (lib/route.h).
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dossier_code.h"
#include "filetype.h"
#include "render.h"
#include "server.h"
#include "staff.h"
#include "submission.h"

static int is_agency(const char *v, size_t n)
{
	return agency_code_valid(v, n);
}

static int is_hex32(const char *v, size_t n)
{
	return n == 32 && strspn(v, "0123456789abcdef") == 32;
}

#define GET (HTTP_GET | HTTP_HEAD)
#define MB (1LL << 20)
/* A dossier: 30 MB of files and the multipart framing around them. */
#define UPLOAD_LIMIT (31 * MB)

static const char *const result_channels[] = { "desk", "post", "online", NULL };

static const field_spec code_cap[] = {
	{"code", FT_PATTERN, DOSSIER_CODE_MAX - 1, 0, 0, NULL, dossier_code_valid,
	 "mã hồ sơ, ví dụ 000.00.12.H26-240115-0001"},
	{NULL},
};
static const field_spec doc_cap[] = {
	{"code", FT_PATTERN, DOSSIER_CODE_MAX - 1, 0, 0, NULL, dossier_code_valid,
	 "mã hồ sơ, ví dụ 000.00.12.H26-240115-0001"},
	{"id", FT_INT, 0, 1, 1LL << 53, NULL, NULL, "số của giấy tờ"},
	{NULL},
};
static const field_spec procedure_q[] = {
	{"procedure", FT_PATTERN, 16, 0, 0, NULL, proc_code_valid, "mã thủ tục, ví dụ 1.001193"},
	{NULL},
};
static const field_spec contact_q[] = {
	{"contact", FT_TEXT, 254, 0, 0, NULL, NULL, "số điện thoại hoặc thư điện tử"},
	{NULL},
};
static const field_spec next_q[] = {
	{"next", FT_TEXT, 500, 0, 0, NULL, NULL, "trang quay lại sau khi đăng nhập"},
	{NULL},
};
/* Sign-up carries `next` through to the code's page, so a person who
 * came from a procedure's "Nộp hồ sơ" link lands on its form, signed in. */
static const field_spec register_f[] = {
	{"contact", FT_TEXT, 254, 0, 0, NULL, NULL, "số điện thoại hoặc thư điện tử"},
	{"name", FT_TEXT, 100, 0, 0, NULL, NULL, "họ và tên, tối đa 100 ký tự"},
	{"password", FT_TEXT, 200, 0, 0, NULL, NULL, "mật khẩu, 8 đến 200 ký tự"},
	{"next", FT_TEXT, 500, 0, 0, NULL, NULL, "trang quay lại"},
	{NULL},
};
static const field_spec verify_q[] = {
	{"contact", FT_TEXT, 254, 0, 0, NULL, NULL, "số điện thoại hoặc thư điện tử"},
	{"next", FT_TEXT, 500, 0, 0, NULL, NULL, "trang quay lại"},
	{NULL},
};
static const field_spec verify_f[] = {
	{"contact", FT_TEXT, 254, 0, 0, NULL, NULL, "số điện thoại hoặc thư điện tử"},
	{"code", FT_TEXT, 6, 0, 0, NULL, NULL, "mã 6 chữ số"},
	{"next", FT_TEXT, 500, 0, 0, NULL, NULL, "trang quay lại"},
	{NULL},
};
static const field_spec login_f[] = {
	{"contact", FT_TEXT, 254, 0, 0, NULL, NULL, "số điện thoại hoặc thư điện tử"},
	{"password", FT_TEXT, 200, 0, 0, NULL, NULL, "mật khẩu"},
	{"next", FT_TEXT, 500, 0, 0, NULL, NULL, "trang quay lại"},
	{NULL},
};
static const field_spec reset_f[] = {
	{"contact", FT_TEXT, 254, 0, 0, NULL, NULL, "số điện thoại hoặc thư điện tử"},
	{NULL},
};
static const field_spec reset_confirm_f[] = {
	{"contact", FT_TEXT, 254, 0, 0, NULL, NULL, "số điện thoại hoặc thư điện tử"},
	{"code", FT_TEXT, 6, 0, 0, NULL, NULL, "mã 6 chữ số"},
	{"password", FT_TEXT, 200, 0, 0, NULL, NULL, "mật khẩu mới, 8 đến 200 ký tự"},
	{NULL},
};
static const field_spec staff_login_f[] = {
	{"login", FT_TEXT, 64, 0, 0, NULL, NULL, "tên đăng nhập"},
	{"password", FT_TEXT, 200, 0, 0, NULL, NULL, "mật khẩu"},
	{"next", FT_TEXT, 500, 0, 0, NULL, NULL, "trang quay lại"},
	{NULL},
};

#define REUSE(n) {"reuse_" #n, FT_INT, 0, 1, 1LL << 53, NULL, NULL, "số giấy tờ trong kho"}
/* reuse_N0 … reuse_N9 */
#define REUSE10(t) REUSE(t##0), REUSE(t##1), REUSE(t##2), REUSE(t##3), REUSE(t##4), \
	REUSE(t##5), REUSE(t##6), REUSE(t##7), REUSE(t##8), REUSE(t##9)
/* The filing form: the order is dossier.c's F_* enum. */
static const field_spec filing_f[] = {
	{"procedure", FT_PATTERN, 16, 0, 0, NULL, proc_code_valid, "mã thủ tục, ví dụ 1.001193"},
	{"agency", FT_PATTERN, 20, 0, 0, NULL, is_agency, "mã cơ quan, ví dụ 000.00.12.H26"},
	{"applicant_name", FT_TEXT, 100, 0, 0, NULL, NULL, "họ và tên, tối đa 100 ký tự"},
	{"applicant_id", FT_TEXT, 12, 0, 0, NULL, NULL, "số định danh cá nhân, 12 chữ số"},
	{"applicant_dob", FT_DATE, 0, 0, 0, NULL, NULL, "ngày sinh, dạng 1990-05-31"},
	{"applicant_address", FT_TEXT, 300, 0, 0, NULL, NULL, "địa chỉ, tối đa 300 ký tự"},
	{"applicant_phone", FT_TEXT, PHONE_MAX, 0, 0, NULL, NULL, "số điện thoại, tối đa 24 ký tự"},
	{"result_channel", FT_ENUM, 0, 0, 0, result_channels, NULL, "desk, post hoặc online"},
	{"channel", FT_INT, 0, 1, 3, NULL, NULL, "1 (trực tiếp) hoặc 3 (bưu chính)"},
	/* reuse_1 … reuse_128 (DOSSIER_MAX_DOCS), in the order of dossier.c */
	REUSE(1), REUSE(2), REUSE(3), REUSE(4), REUSE(5), REUSE(6), REUSE(7), REUSE(8), REUSE(9),
	REUSE10(1), REUSE10(2), REUSE10(3), REUSE10(4), REUSE10(5), REUSE10(6), REUSE10(7),
	REUSE10(8), REUSE10(9), REUSE10(10), REUSE10(11),
	REUSE(120), REUSE(121), REUSE(122), REUSE(123), REUSE(124), REUSE(125), REUSE(126),
	REUSE(127), REUSE(128),
	/* the form's own random id: the same form sent twice files once */
	{"once", FT_PATTERN, 32, 0, 0, NULL, is_hex32, "mã của mẫu đơn (32 chữ số hệ 16)"},
	{NULL},
};
_Static_assert(sizeof filing_f / sizeof filing_f[0] == 9 + DOSSIER_MAX_DOCS + 2,
	       "filing_f: the nine fields, reuse_1 … reuse_DOSSIER_MAX_DOCS, once, the end");
/* The supplement: doc_N and reuse_N as when filing (dossier.c,
 * supplement_checked), reuse_N at index N - 1. */
static const field_spec supplement_f[] = {
	REUSE(1), REUSE(2), REUSE(3), REUSE(4), REUSE(5), REUSE(6), REUSE(7), REUSE(8), REUSE(9),
	REUSE10(1), REUSE10(2), REUSE10(3), REUSE10(4), REUSE10(5), REUSE10(6), REUSE10(7),
	REUSE10(8), REUSE10(9), REUSE10(10), REUSE10(11),
	REUSE(120), REUSE(121), REUSE(122), REUSE(123), REUSE(124), REUSE(125), REUSE(126),
	REUSE(127), REUSE(128),
	{NULL},
};
_Static_assert(sizeof supplement_f / sizeof supplement_f[0] == DOSSIER_MAX_DOCS + 1,
	       "supplement_f: reuse_1 … reuse_DOSSIER_MAX_DOCS, the end");
static const file_spec doc_files[] = {
	{"doc_", 10 * MB, FILE_PDF | FILE_JPEG | FILE_PNG, DOSSIER_MAX_DOCS, "PDF, JPEG hoặc PNG, tối đa 10 MB"},
	{NULL},
};
static const file_spec result_file[] = {
	{"result", 10 * MB, FILE_PDF | FILE_JPEG | FILE_PNG, 1, "PDF, JPEG hoặc PNG, tối đa 10 MB"},
	{NULL},
};
static const field_spec rating_f[] = {
	{"score", FT_INT, 0, 1, 5, NULL, NULL, "từ 1 đến 5"},
	{"comment", FT_PARA, 1000, 0, 0, NULL, NULL, "tối đa 1000 ký tự"},
	{NULL},
};
/* the tick the withdrawal form asks for (required in the page, so a
 * stray tap on a phone does not end a dossier); optional here, since the
 * interface withdraws on the token alone */
static const field_spec withdraw_f[] = {
	{"confirm", FT_INT, 0, 1, 1, NULL, NULL, "đánh dấu ô xác nhận rút hồ sơ"},
	{NULL},
};
static const field_spec lookup_q[] = {
	/* typed from a paper slip on a phone: spaces and small letters are
	 * taken out by the handler (lookup_code), which checks the rest */
	{"code", FT_LINE, 64, 0, 0, NULL, NULL, "mã hồ sơ, ví dụ 000.00.12.H26-240115-0001"},
	{"secret", FT_TEXT, 20, 0, 0, NULL, NULL, "mã tra cứu in trên giấy hẹn"},
	{NULL},
};
static const field_spec status_f[] = {
	{"to", FT_INT, 0, 2, 10, NULL, NULL, "trạng thái từ 2 đến 10"},
	{"reason", FT_TEXT, 1000, 0, 0, NULL, NULL, "lý do, tối đa 1000 ký tự"},
	{"amount", FT_MONEY, 0, 1, 0, NULL, NULL, "số tiền bằng đồng"},
	{"fee_name", FT_TEXT, 200, 0, 0, NULL, NULL, "khoản phải nộp, tối đa 200 ký tự"},
	{NULL},
};
static const field_spec attach_f[] = {
	{"contact", FT_TEXT, 254, 0, 0, NULL, NULL, "số điện thoại hoặc thư điện tử của người dân"},
	{NULL},
};
static const char *const yesno[] = { "soon", "late", NULL };
static const field_spec queue_q[] = {
	{"status", FT_INT, 0, 1, 10, NULL, NULL, "trạng thái từ 1 đến 10"},
	{"procedure", FT_PATTERN, 16, 0, 0, NULL, proc_code_valid, "mã thủ tục"},
	{"channel", FT_INT, 0, 1, 3, NULL, NULL, "kênh 1, 2 hoặc 3"},
	{"due", FT_ENUM, 0, 0, 0, yesno, NULL, "soon hoặc late"},
	{NULL},
};
static const field_spec staff_add_f[] = {
	{"login", FT_PATTERN, STAFF_LOGIN_MAX, 0, 0, NULL, staff_login_valid,
	 "tên đăng nhập: 1 đến 64 chữ cái không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang, bắt đầu bằng chữ cái hoặc chữ số"},
	{"name", FT_TEXT, STAFF_NAME_MAX, 0, 0, NULL, NULL, "họ và tên, tối đa 200 ký tự"},
	{"agency", FT_PATTERN, 20, 0, 0, NULL, is_agency, "mã cơ quan, ví dụ 000.00.12.H26"},
	{"role", FT_ENUM, 0, 0, 0, staff_roles, NULL, "desk, processor, leader hoặc admin"},
	{"password", FT_TEXT, STAFF_PASSWORD_MAX, 0, 0, NULL, NULL,
	 "mật khẩu ban đầu, 12 đến 200 ký tự"},
	{NULL},
};
static const field_spec staff_role_f[] = {
	{"role", FT_ENUM, 0, 0, 0, staff_roles, NULL, "desk, processor, leader hoặc admin"},
	{NULL},
};
static const field_spec staff_password_f[] = {
	{"password", FT_TEXT, STAFF_PASSWORD_MAX, 0, 0, NULL, NULL,
	 "mật khẩu ban đầu mới, 12 đến 200 ký tự"},
	{NULL},
};
static const field_spec staff_cap[] = {
	{"login", FT_PATTERN, STAFF_LOGIN_MAX, 0, 0, NULL, staff_login_valid, "tên đăng nhập"},
	{NULL},
};
static const field_spec to_q[] = {
	{"to", FT_TEXT, 254, 0, 0, NULL, NULL, "người nhận"},
	{NULL},
};

#define CIT .auth = AUTH_CITIZEN, .sites = SITE_PUBLIC
#define STAFF .auth = AUTH_STAFF, .sites = SITE_INTRANET
#define DESKROLES (ROLE_DESK | ROLE_LEADER)

static const route routes[] = {
	{.name = "account_register_form", .methods = GET, .pattern = "/account/register",
	 .handler = h_register_form, .query = next_q, .sites = SITE_PUBLIC},
	{.name = "account_register", .methods = HTTP_POST, .pattern = "/account/register",
	 .handler = h_register, .form = register_f, .refused = h_register_refused,
	 .sites = SITE_PUBLIC},
	{.name = "account_verify_form", .methods = GET, .pattern = "/account/verify",
	 .handler = h_verify_form, .query = verify_q, .sites = SITE_PUBLIC},
	{.name = "account_verify", .methods = HTTP_POST, .pattern = "/account/verify",
	 .handler = h_verify, .form = verify_f, .refused = h_verify_refused,
	 .sites = SITE_PUBLIC},
	{.name = "account_login_form", .methods = GET, .pattern = "/account/login",
	 .handler = h_login_form, .query = next_q, .sites = SITE_PUBLIC},
	{.name = "account_login", .methods = HTTP_POST, .pattern = "/account/login",
	 .handler = h_login, .form = login_f, .refused = h_login_refused,
	 .sites = SITE_PUBLIC},
	{.name = "account_reset_form", .methods = GET, .pattern = "/account/reset",
	 .handler = h_reset_form, .sites = SITE_PUBLIC},
	{.name = "account_reset", .methods = HTTP_POST, .pattern = "/account/reset",
	 .handler = h_reset, .form = reset_f, .refused = h_reset_refused,
	 .sites = SITE_PUBLIC},
	{.name = "account_reset_confirm_form", .methods = GET, .pattern = "/account/reset/confirm",
	 .handler = h_reset_confirm_form, .query = contact_q, .sites = SITE_PUBLIC},
	{.name = "account_reset_confirm", .methods = HTTP_POST, .pattern = "/account/reset/confirm",
	 .handler = h_reset_confirm, .form = reset_confirm_f, .refused = h_reset_confirm_refused,
	 .sites = SITE_PUBLIC},
	{.name = "account_logout", .methods = HTTP_POST, .pattern = "/account/logout",
	 .handler = h_logout, CIT},

	{.name = "lookup", .methods = GET, .pattern = "/dossiers/lookup", .handler = h_lookup,
	 .query = lookup_q, .sites = SITE_PUBLIC},
	/* the result returned online, for whoever holds the code and the
	 * tracking secret (a walk-in with no account): that file alone,
	 * under the lookup's rate limit; no session, nothing cached */
	{.name = "lookup_result", .methods = GET, .pattern = "/dossiers/lookup/result",
	 .handler = h_lookup_result, .query = lookup_q, .sites = SITE_PUBLIC},
	{.name = "dossier_new", .methods = GET, .pattern = "/dossiers/new", .handler = h_new,
	 .query = procedure_q, CIT},
	{.name = "dossier_create", .methods = HTTP_POST, .pattern = "/dossiers", .handler = h_create,
	 .form = filing_f, .files = doc_files, .body_limit = UPLOAD_LIMIT, .refused = h_create_refused, CIT},
	{.name = "dossier_mine", .methods = GET, .pattern = "/dossiers/", .handler = h_mine, CIT},
	{.name = "dossier_view", .methods = GET, .pattern = "/dossiers/{code}", .handler = h_view,
	 .captures = code_cap, CIT},
	{.name = "dossier_receipt", .methods = GET, .pattern = "/dossiers/{code}/receipt",
	 .handler = h_receipt, .captures = code_cap, CIT},
	{.name = "dossier_document", .methods = GET, .pattern = "/dossiers/{code}/documents/{id}",
	 .handler = h_document, .captures = doc_cap, CIT},
	{.name = "dossier_supplement", .methods = HTTP_POST, .pattern = "/dossiers/{code}/supplement",
	 .handler = h_supplement, .captures = code_cap, .form = supplement_f, .files = doc_files,
	 .body_limit = UPLOAD_LIMIT, .refused = h_supplement_refused, CIT},
	{.name = "dossier_withdraw", .methods = HTTP_POST, .pattern = "/dossiers/{code}/withdraw",
	 .handler = h_withdraw, .captures = code_cap, .form = withdraw_f, CIT},
	{.name = "dossier_rating", .methods = HTTP_POST, .pattern = "/dossiers/{code}/rating",
	 .handler = h_rating, .captures = code_cap, .form = rating_f, .refused = h_rating_refused, CIT},

	{.name = "desk_login_form", .methods = GET, .pattern = "/desk/login",
	 .handler = h_desk_login_form, .query = next_q, .sites = SITE_INTRANET},
	{.name = "desk_login", .methods = HTTP_POST, .pattern = "/desk/login",
	 .handler = h_desk_login, .form = staff_login_f, .refused = h_desk_login_refused,
	 .sites = SITE_INTRANET},
	{.name = "desk_logout", .methods = HTTP_POST, .pattern = "/desk/logout",
	 .handler = h_desk_logout, STAFF},
	{.name = "desk_queue", .methods = GET, .pattern = "/desk/", .handler = h_desk_queue,
	 .query = queue_q, STAFF},
	{.name = "desk_new", .methods = GET, .pattern = "/desk/dossiers/new", .handler = h_desk_new,
	 .query = procedure_q, STAFF, .roles = DESKROLES},
	{.name = "desk_create", .methods = HTTP_POST, .pattern = "/desk/dossiers",
	 .handler = h_desk_create, .form = filing_f, .files = doc_files,
	 .body_limit = UPLOAD_LIMIT, .refused = h_desk_create_refused, STAFF, .roles = DESKROLES},
	{.name = "desk_view", .methods = GET, .pattern = "/desk/dossiers/{code}",
	 .handler = h_desk_view, .captures = code_cap, STAFF},
	{.name = "desk_status", .methods = HTTP_POST, .pattern = "/desk/dossiers/{code}/status",
	 .handler = h_desk_status, .captures = code_cap, .form = status_f, .files = result_file,
	 .body_limit = 11 * MB, .refused = h_desk_form_refused, STAFF},
	{.name = "desk_attach", .methods = HTTP_POST, .pattern = "/desk/dossiers/{code}/attach",
	 .handler = h_desk_attach, .captures = code_cap, .form = attach_f,
	 .refused = h_desk_form_refused, STAFF,
	 .roles = DESKROLES | ROLE_ADMIN},
	{.name = "desk_receipt", .methods = GET, .pattern = "/desk/dossiers/{code}/receipt",
	 .handler = h_desk_receipt, .captures = code_cap, STAFF},
	{.name = "desk_document", .methods = GET, .pattern = "/desk/dossiers/{code}/documents/{id}",
	 .handler = h_desk_document, .captures = doc_cap, STAFF},
	{.name = "desk_staff", .methods = GET, .pattern = "/desk/staff", .handler = h_desk_staff,
	 STAFF, .roles = ROLE_ADMIN},
	{.name = "desk_staff_add", .methods = HTTP_POST, .pattern = "/desk/staff",
	 .handler = h_desk_staff_add, .form = staff_add_f, .refused = h_desk_staff_refused,
	 STAFF, .roles = ROLE_ADMIN},
	{.name = "desk_staff_deactivate", .methods = HTTP_POST,
	 .pattern = "/desk/staff/{login}/deactivate", .handler = h_desk_staff_deactivate,
	 .captures = staff_cap, .refused = h_desk_staff_refused, STAFF, .roles = ROLE_ADMIN},
	{.name = "desk_staff_reactivate", .methods = HTTP_POST,
	 .pattern = "/desk/staff/{login}/reactivate", .handler = h_desk_staff_reactivate,
	 .captures = staff_cap, .refused = h_desk_staff_refused, STAFF, .roles = ROLE_ADMIN},
	{.name = "desk_staff_role", .methods = HTTP_POST, .pattern = "/desk/staff/{login}/role",
	 .handler = h_desk_staff_role, .captures = staff_cap, .form = staff_role_f,
	 .refused = h_desk_staff_refused, STAFF, .roles = ROLE_ADMIN},
	{.name = "desk_staff_password", .methods = HTTP_POST,
	 .pattern = "/desk/staff/{login}/password", .handler = h_desk_staff_password,
	 .captures = staff_cap, .form = staff_password_f, .refused = h_desk_staff_refused,
	 STAFF, .roles = ROLE_ADMIN},
	{.name = "desk_sync", .methods = GET, .pattern = "/desk/sync", .handler = h_desk_sync, STAFF},
	{.name = "dev_outbox", .methods = GET, .pattern = "/dev/outbox", .handler = h_dev_outbox,
	 .sites = SITE_INTRANET},
	{.name = "dev_outbox_json", .methods = GET, .pattern = "/dev/outbox.json",
	 .handler = h_dev_outbox_json, .query = to_q, .json = 1, .sites = SITE_INTRANET},
	{.name = "health", .methods = GET, .pattern = "/dossiers/health", .handler = h_health,
	 .json = 1},
};

static const job jobs[] = {
	{.name = "sync", .run = job_sync, .idle_ms = 500},
	{.name = "notify", .run = job_notify, .idle_ms = 500},
	{.name = "paid", .run = job_paid, .idle_ms = 500},
	{NULL},
};

int main(int argc, char **argv)
{
	static const char *dirs[3];
	dirs[0] = conf_str("PORTAL_TEMPLATES", "cgi-bin/submission/templates");
	dirs[1] = conf_str("PORTAL_LIB_TEMPLATES", "lib/templates");
	static const app submission_app = {
		.name = "submission",
		.routes = routes,
		.nroutes = sizeof routes / sizeof routes[0],
		.template_dirs = dirs,
		.jobs = jobs,
	};
	return server_main(argc, argv, &submission_app);
}
