/*
 * test_dispatch.c - the server's policy, driven through server_dispatch()
 * without a socket: the program's own caps (URI, cookies, bodies) that
 * nginx normally meets first, the route's POST fields and files, CSRF,
 * and the one error renderer.  Routes here need no database (AUTH_NONE).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "render.h"
#include "server.h"

static int calls;
static request *seen;

static int h_ok(request *r)
{
	calls++;
	seen = r;
	http_body(r, "text/plain", "ok", 2);
	return 200;
}

/* A form page's own answer to refused fields (route.refused). */
static int refused_calls;
static int h_refused(request *r)
{
	refused_calls++;
	seen = r;
	http_body(r, "text/plain", "again", 5);
	return 422;
}

enum { F_NAME, F_DOB, F_AMOUNT };
static const field_spec form_f[] = {
	{.name = "name", .type = FT_TEXT, .max_chars = 20, .hint = "họ tên"},
	{.name = "dob", .type = FT_DATE},
	{.name = "amount", .type = FT_MONEY, .min = 1},
	{NULL},
};
static const file_spec files_f[] = {
	{.name = "doc_", .max_bytes = 4096, .kinds = FILE_PDF | FILE_PNG, .max_count = 3},
	{.name = "result", .max_bytes = 4096, .kinds = FILE_PDF},
	{NULL},
};

static const route routes[] = {
	{.name = "page", .methods = HTTP_GET, .pattern = "/x", .handler = h_ok},
	{.name = "form", .methods = HTTP_POST, .pattern = "/form", .handler = h_ok, .form = form_f},
	{.name = "upload", .methods = HTTP_POST, .pattern = "/upload", .handler = h_ok,
	 .form = form_f, .files = files_f, .body_limit = 16384},
	{.name = "hook", .methods = HTTP_POST, .pattern = "/hook", .handler = h_ok, .form = form_f,
	 .no_csrf = 1},
	{.name = "staff", .methods = HTTP_GET, .pattern = "/staff", .handler = h_ok,
	 .auth = AUTH_STAFF},
	{.name = "api", .methods = HTTP_POST, .pattern = "/api", .handler = h_ok, .json = 1},
	{.name = "again", .methods = HTTP_POST, .pattern = "/again", .handler = h_ok,
	 .form = form_f, .refused = h_refused},
	{.name = "upload_again", .methods = HTTP_POST, .pattern = "/upload-again", .handler = h_ok,
	 .form = form_f, .files = files_f, .body_limit = 16384, .refused = h_refused},
};

static const char *dirs[] = {"lib/templates", NULL};
static const app test_app = {.name = "test", .routes = routes, .nroutes = 8, .template_dirs = dirs};

static arena *A;
static buf body = BUF_INIT, headers = BUF_INIT;
static const char *pv = "0123456789abcdef0123456789abcdef";
static char cookie[64], token[65];

static int run(const char *method, const char *uri, const char *ck, const char *b, size_t blen,
	       const char *ct, request *r)
{
	arena_reset(A);
	buf_reset(&body);
	buf_reset(&headers);
	memset(r, 0, sizeof *r);
	r->a = A;
	r->body = &body;
	r->headers = &headers;
	r->method_name = method;
	r->method = strcmp(method, "POST") == 0 ? HTTP_POST : HTTP_GET;
	r->uri = uri;
	r->site = "public";
	r->remote_addr = "127.0.0.1";
	r->cookie_header = ck;
	calls = 0;
	refused_calls = 0;
	server_dispatch(&test_app, r, b, blen, (long long)blen, ct);
	render_end(r);  /* as serve() does after each request */
	return r->status;
}

static int post_form(const char *fields, request *r)
{
	return run("POST", "/form", cookie, fields, strlen(fields), "application/x-www-form-urlencoded", r);
}

static void uri_and_cookie_caps(void **state)
{
	request r;
	char *uri = malloc(5000);
	memset(uri, 'a', 4999);
	uri[0] = '/';
	uri[4999] = 0;
	assert_int_equal(run("GET", uri, "", NULL, 0, NULL, &r), 414);
	free(uri);
	/* an oversized or malformed Cookie header is ignored, not an error */
	char *big = malloc(5000);
	memset(big, 'c', 4999);
	memcpy(big, "a=", 2);
	big[4999] = 0;
	assert_int_equal(run("GET", "/x", big, NULL, 0, NULL, &r), 200);
	assert_int_equal(r.cookies.n, 0);
	free(big);
	assert_int_equal(run("GET", "/x", "garbage without equals", NULL, 0, NULL, &r), 200);
	assert_int_equal(r.cookies.n, 0);
	/* a body on GET */
	assert_int_equal(run("GET", "/x", "", "a=1", 3, "application/x-www-form-urlencoded", &r), 400);
}

static void csrf_required(void **state)
{
	request r;
	char f[256];
	/* missing, forged, duplicated: 403 and the handler never ran */
	assert_int_equal(post_form("name=Hoa", &r), 403);
	assert_int_equal(calls, 0);
	assert_non_null(strstr(body.p, "Biểu mẫu đã hết hạn"));
	assert_int_equal(post_form("name=Hoa&csrf=0000000000000000000000000000000000000000000000000000000000000000", &r), 403);
	snprintf(f, sizeof f, "name=Hoa&csrf=%s&csrf=%s", token, token);
	assert_int_equal(post_form(f, &r), 403);
	/* the right token but no visitor cookie */
	snprintf(f, sizeof f, "name=Hoa&csrf=%s", token);
	assert_int_equal(run("POST", "/form", "", f, strlen(f), "application/x-www-form-urlencoded", &r), 403);
	/* right: 200, and the token is not a field the handler sees */
	assert_int_equal(post_form(f, &r), 200);
	assert_int_equal(calls, 1);
	assert_string_equal(seen->form[F_NAME].s, "Hoa");
	/* a signed callback route takes no token */
	assert_int_equal(run("POST", "/hook", "", "name=Hoa", 8, "application/x-www-form-urlencoded", &r), 200);
}

static void typed_form_fields(void **state)
{
	request r;
	char f[256];
	snprintf(f, sizeof f, "csrf=%s&name=Hoa&dob=1990-02-28&amount=150.000", token);
	assert_int_equal(post_form(f, &r), 200);
	assert_int_equal(seen->form[F_DOB].i, 19900228);
	assert_int_equal(seen->form[F_AMOUNT].i, 150000);
	static const char *const bad[] = {
		"dob=1990-02-30", "dob=2023-02-29", "dob=90-02-28", "dob=1990-2-28",
		"amount=0", "amount=-5", "amount=1.5", "amount=1000000000000001", "amount=15.00",
		"amount=1,000", "name=123456789012345678901", "unknown=1", "name=a&name=b",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(f, sizeof f, "csrf=%s&%s", token, bad[i]);
		int st = post_form(f, &r);
		if (st != 400)
			fail_msg("%s: %d", bad[i], st);
		assert_int_equal(calls, 0);
	}
	/* an empty box a browser posts is a field not given (form_drop_empty) */
	snprintf(f, sizeof f, "csrf=%s&name=Hoa&dob=&amount=", token);
	assert_int_equal(post_form(f, &r), 200);
	assert_null(seen->form[F_DOB].s);
	assert_null(seen->form[F_AMOUNT].s);
	/* the error names the field */
	snprintf(f, sizeof f, "csrf=%s&amount=abc", token);
	post_form(f, &r);
	assert_non_null(strstr(body.p, "amount"));
	/* urlencoded is the only other body a form route takes */
	assert_int_equal(run("POST", "/form", cookie, "{}", 2, "application/json", &r), 415);
}

/* parts may hold NUL bytes (binary files): copied by length. */
static int send_upload_n(const char *parts, size_t plen, request *r)
{
	static char b[20000];
	size_t n = (size_t)snprintf(b, sizeof b,
				    "--BB\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n", token);
	memcpy(b + n, parts, plen);
	n += plen;
	memcpy(b + n, "--BB--\r\n", 8);
	n += 8;
	return run("POST", "/upload", cookie, b, n, "multipart/form-data; boundary=BB", r);
}

static int send_upload(const char *parts, request *r)
{
	return send_upload_n(parts, strlen(parts), r);
}

#define FILEPART(name, content) \
	"--BB\r\nContent-Disposition: form-data; name=\"" name "\"; filename=\"x\"\r\n" \
	"Content-Type: application/pdf\r\n\r\n" content "\r\n"
/* a minimal PDF whose cross-reference table is right */
#define PDF "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\nxref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n110\n%%EOF"
/* a real 1x1 greyscale PNG, CRCs and all (made with Python's zlib) */
#define PNG "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00\x3a\x7e\x9b\x55\x00\x00\x00\x0a\x49\x44\x41\x54\x78\x9c\x63\x60\x00\x00\x00\x02\x00\x01\x48\xaf\xa4\x71\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82"

static void multipart_files(void **state)
{
	request r;
	assert_int_equal(send_upload("--BB\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nHoa\r\n"
				FILEPART("doc_1", PDF) FILEPART("doc_2", PDF), &r), 200);
	assert_int_equal(seen->nfiles, 2);
	assert_string_equal(seen->files[1].field, "doc_2");
	assert_int_equal(seen->files[1].index, 2);
	assert_int_equal(seen->files[0].kind, FILE_PDF);
	assert_string_equal(seen->form[F_NAME].s, "Hoa");
	/* an empty file input is no file */
	assert_int_equal(send_upload("--BB\r\nContent-Disposition: form-data; name=\"doc_1\"; filename=\"\"\r\n\r\n\r\n", &r), 200);
	assert_int_equal(seen->nfiles, 0);
	/* HTML named .pdf, an executable: refused by content */
	assert_int_equal(send_upload(FILEPART("doc_1", "<html><script>alert(1)</script></html>"), &r), 422);
	assert_int_equal(send_upload(FILEPART("doc_1", "\x7f" "ELF\x02\x01\x01"), &r), 422);
	/* a PNG where only a PDF is taken */
	assert_int_equal(send_upload_n(FILEPART("result", PNG), sizeof(FILEPART("result", PNG)) - 1, &r), 422);
	assert_int_equal(send_upload_n(FILEPART("doc_3", PNG), sizeof(FILEPART("doc_3", PNG)) - 1, &r), 200);
	assert_int_equal(seen->files[0].kind, FILE_PNG);
	calls = 0;
	/* unknown file fields, numbers out of range, twice the same */
	assert_int_equal(send_upload(FILEPART("doc_4", PDF), &r), 400);
	assert_int_equal(send_upload(FILEPART("doc_0", PDF), &r), 400);
	assert_int_equal(send_upload(FILEPART("doc_01", PDF), &r), 400);
	assert_int_equal(send_upload(FILEPART("evil", PDF), &r), 400);
	assert_int_equal(send_upload(FILEPART("doc_1", PDF) FILEPART("doc_1", PDF), &r), 400);
	assert_int_equal(calls, 0);
	/* a file over its cap: 413 */
	char big[6000];
	size_t k = (size_t)snprintf(big, sizeof big,
				    "--BB\r\nContent-Disposition: form-data; name=\"doc_1\"; filename=\"a.pdf\"\r\n\r\n%%PDF-1.4\n");
	memset(big + k, ' ', 4200);
	k += 4200;
	snprintf(big + k, sizeof big - k, "%%%%EOF\r\n");
	assert_int_equal(send_upload(big, &r), 413);
	/* truncated body */
	const char *cut = "--BB\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nHoa";
	assert_int_equal(run("POST", "/upload", cookie, cut, strlen(cut), "multipart/form-data; boundary=BB", &r), 400);
	/* more parts than any form has (the cap is 64), within the body limit */
	static char many[40000];
	size_t m = 0;
	for (int i = 0; i < 70; i++)
		m += (size_t)snprintf(many + m, sizeof many - m,
				      "--BB\r\nContent-Disposition: form-data; name=\"n%d\"\r\n\r\nv\r\n", i);
	m += (size_t)snprintf(many + m, sizeof many - m, "--BB--\r\n");
	assert_true(m < 16384);
	assert_int_equal(run("POST", "/upload", cookie, many, m, "multipart/form-data; boundary=BB", &r), 400);
	assert_non_null(strstr(body.p, "quá nhiều phần"));
}

static void body_limits(void **state)
{
	request r;
	/* over the route's limit: 413 before anything is parsed */
	char *b = calloc(1, 20000);
	memset(b, 'a', 19999);
	assert_int_equal(run("POST", "/upload", cookie, b, 19999, "multipart/form-data; boundary=BB", &r), 413);
	/* a form route keeps PORTAL_MAX_BODY (1 MB here) */
	char *huge = calloc(1, (2 << 20) + 1);
	memset(huge, 'a', 2 << 20);
	assert_int_equal(run("POST", "/form", cookie, huge, 2 << 20, "application/x-www-form-urlencoded", &r), 413);
	assert_int_equal(calls, 0);
	free(huge);
	free(b);
	/* multipart on a route without files */
	const char *one = "--BB\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nHoa\r\n--BB--\r\n";
	assert_int_equal(run("POST", "/form", cookie, one, strlen(one), "multipart/form-data; boundary=BB", &r), 415);
}

static void header_injection(void **state)
{
	request r;
	run("GET", "/x", "", NULL, 0, NULL, &r);
	buf_reset(&headers);
	http_header(&r, "Location", "/a\r\nSet-Cookie: evil=1");
	assert_int_equal(headers.len, 0);
	http_header(&r, "X-A", "fine");
	assert_string_equal(headers.p, "X-A: fine\r\n");
	buf_reset(&headers);
	assert_int_equal(http_redirect(&r, "//evil.example/"), 303);
	assert_string_equal(headers.p, "Location: /\r\n");
}

/* Found in review: each of these once went through. */
static void review_regressions(void **state)
{
	request r;
	char f[256];
	/* a stray cookie of another site must not cost the visitor its own */
	snprintf(f, sizeof f, "name=Hoa&csrf=%s", token);
	char ck[200];
	snprintf(ck, sizeof ck, "CookieConsent={stamp:'x',necessary:true}; %s; lang=vi VN", cookie);
	assert_int_equal(run("POST", "/form", ck, f, strlen(f), "application/x-www-form-urlencoded", &r), 200);
	/* a redirect with a tab or backslash is no way out */
	run("GET", "/x", "", NULL, 0, NULL, &r);
	static const char *const bad[] = {"/\t/evil.example", "/\\evil", "/a\tb", "//x", "http://x", "/\x7f"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		buf_reset(&headers);
		http_redirect(&r, bad[i]);
		assert_string_equal(headers.p, "Location: /\r\n");
	}
	buf_reset(&headers);
	http_redirect(&r, "/dossiers/000.00.12.H26-240115-0001?x=1");
	assert_string_equal(headers.p, "Location: /dossiers/000.00.12.H26-240115-0001?x=1\r\n");
	/* a staff route answers nothing on the public site */
	assert_int_equal(run("GET", "/staff", "", NULL, 0, NULL, &r), 404);
	/* JSON skips the form token only on a route that is signed instead */
	assert_int_equal(run("POST", "/api", cookie, "{}", 2, "application/json", &r), 415);
	assert_int_equal(run("POST", "/api", cookie, "{}", 2, "application/jsonp", &r), 415);
	assert_int_equal(calls, 0);
}

/* A route with its own refusal page: a field the server refuses goes to
 * it (its status and body, r->error naming the field, the pairs as sent);
 * the token, the body and the valid form still go where they did. */
static void refused_form_page(void **state)
{
	(void)state;
	request r;
	char f[256];
	const char *ct = "application/x-www-form-urlencoded";
	snprintf(f, sizeof f, "csrf=%s&name=123456789012345678901&dob=1990-02-28", token);
	assert_int_equal(run("POST", "/again", cookie, f, strlen(f), ct, &r), 422);
	assert_int_equal(refused_calls, 1);
	assert_int_equal(calls, 0);
	assert_string_equal(body.p, "again");
	assert_string_equal(seen->error.field, "name");
	assert_non_null(seen->error.message);
	assert_string_equal(form_typed(A, &seen->form_pairs, "dob", 10), "1990-02-28");
	snprintf(f, sizeof f, "csrf=%s&email=a", token);
	assert_int_equal(run("POST", "/again", cookie, f, strlen(f), ct, &r), 422);
	assert_int_equal(refused_calls, 1);
	/* no token, a forged one: the 403 error page, not the form */
	assert_int_equal(run("POST", "/again", cookie, "name=x", 6, ct, &r), 403);
	assert_int_equal(refused_calls, 0);
	assert_non_null(strstr(body.p, "Biểu mẫu đã hết hạn"));
	/* a body that is not a form: 415 */
	assert_int_equal(run("POST", "/again", cookie, "{}", 2, "application/json", &r), 415);
	assert_int_equal(refused_calls, 0);
	/* a good form reaches the handler */
	snprintf(f, sizeof f, "csrf=%s&name=Hoa", token);
	assert_int_equal(run("POST", "/again", cookie, f, strlen(f), ct, &r), 200);
	assert_int_equal(calls, 1);
	assert_int_equal(refused_calls, 0);
}

/* A file refused for what it is (empty, not a kind the route takes) is
 * answered after the token and the fields: a route with its own refusal
 * page shows the form again with the fields typed, and the refusal's
 * status (422) stands; a forged token still gets the 403 first. */
static void refused_file_form_page(void **state)
{
	(void)state;
	request r;
	static char b[4000];
	const char *ct = "multipart/form-data; boundary=BB";
	int n = snprintf(b, sizeof b,
			 "--BB\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
			 "--BB\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nHoa\r\n"
			 FILEPART("doc_1", "<html>not a pdf</html>") "%s--BB--\r\n", token, FILEPART("doc_2", PDF));
	assert_int_equal(run("POST", "/upload-again", cookie, b, (size_t)n, ct, &r), 422);
	assert_int_equal(refused_calls, 1);
	assert_int_equal(calls, 0);
	assert_string_equal(body.p, "again");
	assert_string_equal(seen->error.field, "doc_1");
	assert_non_null(strstr(seen->error.message, "doc_1"));
	assert_non_null(seen->form);
	assert_string_equal(seen->form[F_NAME].s, "Hoa");
	/* the route without a refusal page: the same 422, the error page */
	assert_int_equal(run("POST", "/upload", cookie, b, (size_t)n, ct, &r), 422);
	assert_int_equal(refused_calls, 0);
	assert_int_equal(calls, 0);
	/* an empty file with a name */
	n = snprintf(b, sizeof b, "--BB\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
		     "--BB\r\nContent-Disposition: form-data; name=\"doc_1\"; filename=\"a.pdf\"\r\n\r\n\r\n"
		     "--BB--\r\n", token);
	assert_int_equal(run("POST", "/upload-again", cookie, b, (size_t)n, ct, &r), 422);
	assert_int_equal(refused_calls, 1);
	assert_non_null(strstr(seen->error.message, "rỗng"));
	/* a forged token with a bad file: the 403, not the form */
	n = snprintf(b, sizeof b, "--BB\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nforged\r\n"
		     FILEPART("doc_1", "<html>not a pdf</html>") "--BB--\r\n");
	assert_int_equal(run("POST", "/upload-again", cookie, b, (size_t)n, ct, &r), 403);
	assert_int_equal(refused_calls, 0);
	/* a field refused as well: the field's refusal, r->form not typed */
	n = snprintf(b, sizeof b, "--BB\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
		     "--BB\r\nContent-Disposition: form-data; name=\"amount\"\r\n\r\nabc\r\n"
		     FILEPART("doc_1", "<html>not a pdf</html>") "--BB--\r\n", token);
	assert_int_equal(run("POST", "/upload-again", cookie, b, (size_t)n, ct, &r), 422);
	assert_string_equal(seen->error.field, "amount");
}

int main(void)
{
	setenv("PORTAL_SECRET", "test-secret-0123456789abcdef0123456789abcdef", 1);
	setenv("PORTAL_MAX_BODY", "1m", 1);
	A = arena_new(65536);
	if (render_init(dirs) < 0)
		return 1;
	snprintf(cookie, sizeof cookie, "pv=%s", pv);
	/* the token a page would have put in its forms, computed independently */
	char msg[64];
	int n = snprintf(msg, sizeof msg, "csrf:%s", pv);
	hmac_sha256_hex(getenv("PORTAL_SECRET"), strlen(getenv("PORTAL_SECRET")), msg, (size_t)n, token);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uri_and_cookie_caps), cmocka_unit_test(csrf_required),
		cmocka_unit_test(typed_form_fields), cmocka_unit_test(multipart_files),
		cmocka_unit_test(body_limits), cmocka_unit_test(header_injection),
		cmocka_unit_test(review_regressions), cmocka_unit_test(refused_form_page), cmocka_unit_test(refused_file_form_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
