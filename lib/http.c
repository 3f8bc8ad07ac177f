/* http.c - see http.h */
#include "http.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"

#include "route.h"

static const field_value *find(const field_value *v, const field_spec *specs,
			       const char *name)
{
	if (!v || !specs)
		return NULL;
	for (size_t i = 0; specs[i].name; i++)
		if (strcmp(specs[i].name, name) == 0)
			return &v[i];
	return NULL;
}

const char *req_query(const request *r, const char *name)
{
	const field_value *v = find(r->query, r->route ? r->route->query : NULL, name);
	return v ? v->s : NULL;
}

long long req_query_int(const request *r, const char *name, long long def)
{
	const field_value *v = find(r->query, r->route ? r->route->query : NULL, name);
	return v && v->s ? v->i : def;
}

const char *req_capture(const request *r, const char *name)
{
	const field_value *v = find(r->captures, r->route ? r->route->captures : NULL, name);
	return v ? v->s : NULL;
}

void http_header(request *r, const char *name, const char *value)
{
	/* A CR or LF would let a value start a header of its own. */
	if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n")) {
		fprintf(stderr, "http: refused header %s with a line break\n", name);
		return;
	}
	buf_printf(r->headers, "%s: %s\r\n", name, value);
}

int http_field_error(request *r, int status, const char *field, const char *msg)
{
	r->error.field = field;
	r->error.reason = NULL;
	r->error.message = field ? arena_printf(r->a, "%s (trường “%s”)", msg, field) : msg;
	return status;
}

int http_redirect(request *r, const char *path)
{
	/* Only local paths: a redirect never sends a citizen elsewhere.
	 * Browsers drop tabs and line breaks from a URL and read '\' as '/',
	 * so "/\t/evil" would be "//evil": none of them may appear. */
	int ok = path[0] == '/' && path[1] != '/';
	for (const char *p = path; ok && *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '\\')
			ok = 0;
	if (!ok)
		path = "/";
	http_header(r, "Location", path);
	return 303;
}

void http_set_cookie(request *r, const char *name, const char *value, long max_age)
{
	/* Secure when this request came over HTTPS (a browser then never
	 * sends the cookie over plain HTTP), or when the site says it is
	 * served over HTTPS only. */
	int secure = r->https || strncmp(conf_str("PORTAL_PUBLIC_URL", ""), "https://", 8) == 0;
	const char *v = arena_printf(r->a, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
				     name, value, secure ? "; Secure" : "",
				     max_age >= 0 ? arena_printf(r->a, "; Max-Age=%ld", max_age) : "");
	http_header(r, "Set-Cookie", v);
}

const upload *req_file(const request *r, const char *field)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].field, field) == 0)
			return &r->files[i];
	return NULL;
}

void http_body(request *r, const char *content_type, const void *p, size_t n)
{
	r->content_type = content_type;
	buf_put(r->body, p, n);
}

static const struct {
	int status;
	const char *text, *title, *help;
} statuses[] = {
	{200, "OK", "", ""},
	{301, "Moved Permanently", "", ""},
	{302, "Found", "", ""},
	{303, "See Other", "", ""},
	{304, "Not Modified", "", ""},
	{400, "Bad Request", "Yêu cầu không hợp lệ",
	 "Địa chỉ hoặc dữ liệu gửi lên có chỗ không đúng. Vui lòng kiểm tra lại."},
	{401, "Unauthorized", "Cần đăng nhập",
	 "Bạn cần đăng nhập để dùng trang này."},
	{403, "Forbidden", "Không được phép truy cập",
	 "Bạn không có quyền xem trang này."},
	{404, "Not Found", "Không tìm thấy trang",
	 "Trang bạn tìm không có hoặc đã được chuyển đi. Hãy kiểm tra lại địa chỉ hoặc tìm thủ tục từ trang chủ."},
	{405, "Method Not Allowed", "Phương thức không được hỗ trợ",
	 "Trang này không nhận kiểu yêu cầu này."},
	{409, "Conflict", "Không thực hiện được",
	 "Thao tác này không còn phù hợp với tình trạng hiện tại. Hãy tải lại trang để xem tình trạng mới nhất."},
	{411, "Length Required", "Thiếu độ dài dữ liệu",
	 "Yêu cầu gửi dữ liệu phải nêu rõ độ dài."},
	{413, "Payload Too Large", "Dữ liệu gửi lên quá lớn",
	 "Dữ liệu gửi lên vượt quá giới hạn cho phép."},
	{414, "URI Too Long", "Địa chỉ quá dài",
	 "Địa chỉ trang dài quá giới hạn cho phép."},
	{415, "Unsupported Media Type", "Kiểu dữ liệu không được hỗ trợ",
	 "Trang này không nhận kiểu dữ liệu đã gửi."},
	{422, "Unprocessable Content", "Dữ liệu chưa đúng",
	 "Thông tin đã nhập có chỗ chưa đúng. Vui lòng sửa rồi gửi lại."},
	{429, "Too Many Requests", "Quá nhiều yêu cầu",
	 "Bạn gửi yêu cầu quá nhanh. Vui lòng đợi một lát rồi thử lại."},
	{500, "Internal Server Error", "Lỗi hệ thống",
	 "Hệ thống gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại sau ít phút."},
	{503, "Service Unavailable", "Hệ thống tạm thời gián đoạn",
	 "Hệ thống đang bảo trì hoặc quá tải. Vui lòng thử lại sau ít phút."},
};

static int idx(int status)
{
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (statuses[i].status == status)
			return (int)i;
	return -1;
}

const char *http_status_text(int status)
{
	int i = idx(status);
	return i < 0 ? "Unknown" : statuses[i].text;
}

const char *http_status_title_vi(int status)
{
	int i = idx(status);
	return i < 0 ? "Lỗi" : statuses[i].title;
}

const char *http_status_help_vi(int status)
{
	int i = idx(status);
	return i < 0 ? "" : statuses[i].help;
}

const char *req_env(const request *r, const char *name)
{
	size_t n = strlen(name);

	for (char **e = r->env; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}
