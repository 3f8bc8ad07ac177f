/* obligation.c - create an obligation inside the caller's transaction
 * (see obligation.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "form.h"
#include "obligation.h"
#include "paycode.h"
#include "vntext.h"

const char *const obligation_group_names[OG_COUNT + 1] = {
	"phi_le_phi", "thue", "bhxh_bhyt", "phat_vphc", "tien_dien",
	"an_phi", "vien_phi", "hoc_phi", NULL,
};

const char *const obligation_group_titles[OG_COUNT] = {
	"Phí, lệ phí", "Thuế", "Bảo hiểm xã hội, bảo hiểm y tế",
	"Phạt vi phạm hành chính", "Tiền điện", "Tạm ứng án phí",
	"Viện phí", "Học phí",
};

/* A receipt's heading names what it collects: a fine's receipt is not one
 * for fees (NĐ 123/2020 Art. 30 names receipts for taxes, fees and
 * charges; the other groups are collected on the same kind of receipt,
 * headed with what they are). */
const char *const obligation_receipt_titles[OG_COUNT] = {
	"BIÊN LAI THU PHÍ, LỆ PHÍ", "BIÊN LAI THU THUẾ",
	"BIÊN LAI THU TIỀN BẢO HIỂM XÃ HỘI, BẢO HIỂM Y TẾ", "BIÊN LAI THU TIỀN PHẠT",
	"BIÊN LAI THU TIỀN ĐIỆN", "BIÊN LAI THU TIỀN TẠM ỨNG ÁN PHÍ",
	"BIÊN LAI THU VIỆN PHÍ", "BIÊN LAI THU HỌC PHÍ",
};

static const char *const source_names[] = {"dossier", "staff", "api"};

int obligation_group_parse(const char *name)
{
	for (int i = 0; name && i < OG_COUNT; i++)
		if (strcmp(name, obligation_group_names[i]) == 0)
			return i;
	return -1;
}

const char *obligation_status_vi(const char *status)
{
	static const char *const t[][2] = {
		{"unpaid", "Chưa nộp"}, {"being_paid", "Đang thanh toán"}, {"paid", "Đã nộp"},
		{"expired", "Quá hạn nộp"}, {"cancelled", "Đã hủy"}, {"refunded", "Đã hoàn tiền"},
	};
	return VN_TEXT_FOR(t, status, status);
}

/* Statements are prepared once per connection (db_prepare allocates);
 * per thread, as a threaded worker has a connection per thread. */
enum { S_BENE, S_RECEIPTS, S_CODE_USED, S_INSERT, S_LINE, S_CANCEL_DOSSIER, S_COUNT };
static const char *const sql[S_COUNT] = {
	[S_BENE] = "SELECT kind, bank_bin, account_no, account_name, treasury_code,"
		   " chuong, tieu_muc FROM pay_beneficiary"
		   " WHERE agency_code = ? AND grp IN (?, '') ORDER BY grp DESC LIMIT 1",
	[S_RECEIPTS] = "SELECT 1 FROM pay_receipt_setting WHERE agency_code = ?",
	[S_CODE_USED] = "SELECT 1 FROM obligation WHERE payment_code = ?",
	[S_INSERT] = "INSERT INTO obligation (payment_code, grp, agency_code,"
		     " bene_kind, bene_bin, bene_account, bene_name, treasury_code,"
		     " chuong, tieu_muc, payer_name, payer_id, total, due_date,"
		     " reference, dossier_code, source, api_key_id, status, created_at)"
		     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		     " COALESCE(?, DATE_ADD(DATE(UTC_TIMESTAMP() + INTERVAL 7 HOUR), INTERVAL 30 DAY)),"
		     " ?, ?, ?, ?, 'unpaid', UTC_TIMESTAMP(3))",
	[S_LINE] = "INSERT INTO obligation_line (obligation_id, line_no, name, amount)"
		   " VALUES (?, ?, ?, ?)",
	[S_CANCEL_DOSSIER] = "UPDATE obligation SET status = 'cancelled', cancelled_at = UTC_TIMESTAMP(3)"
			     " WHERE dossier_code = ? AND status IN ('unpaid', 'being_paid', 'expired')",
};

static __thread db *cached_db;
static __thread db_stmt *st[S_COUNT];

static db_stmt *stmt(db *d, int i)
{
	if (cached_db != d) {
		for (int k = 0; k < S_COUNT; k++)
			st[k] = NULL;	/* the old connection's, if any, stay with it */
		cached_db = d;
	}
	if (!st[i])
		st[i] = db_prepare(d, sql[i]);
	return st[i];
}

/* A required text (min >= 1) of only spaces is missing: a receipt must
 * name its payer and what was paid, and "   " names nobody. */
static int text_ok(const char *s, size_t min, size_t max)
{
	if (!s)
		return min == 0;
	size_t n = strlen(s);
	/* max in characters, as the columns count them: a Vietnamese letter
	 * is two or three bytes */
	return n >= min && utf8_valid(s, n) && utf8_prefix(s, n, max) == n &&
	       !(min && form_blank(s));
}

/* A control character (C0, DEL, C1, the bidirectional overrides: see
 * vn_control_at), tabs and line breaks included: every text here is one line printed on a legal receipt, a page
 * and a webhook, where a BEL or a line break inside a payer's name has no
 * place.  The web forms refuse them too (lib/form.c); the API must not be
 * the way round. */
static int has_control(const char *s)
{
	return s && vn_control_at(s, strlen(s), 0) != 0;
}

/* Stored as /pay/'s lookup compares them (pay.c, h_pay_find): the
 * reference without the white space at its ends (form_trim's: a no-break
 * space included), the ID number without the spaces and dots people group
 * it with ("066 190 000 456").  Stored as sent, such an obligation was
 * never found by reference and ID number, not even typed as printed.  A
 * text too long for out is returned as it is (and refused as too long). */
static const char *stored_reference(const char *s, char *out, size_t cap)
{
	if (!s)
		return s;
	size_t n = form_trimmed(s, &s);
	if (n >= cap)
		return s;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

static const char *stored_payer_id(const char *s, char *out, size_t cap)
{
	if (!s || strlen(s) >= cap)
		return s;
	char *o = out;
	for (; *s; s++)
		if (*s != ' ' && *s != '.')
			*o++ = *s;
	*o = '\0';
	return out;
}

/* Today in Vietnam (UTC+7, no daylight saving), YYYY-MM-DD: the day a due
 * date is read against, as the sweeper's DATE(UTC_TIMESTAMP() + 7 HOUR). */
static const char *vn_today(void)
{
	static __thread char today[16];
	time_t t = time(NULL) + 7 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	return today;
}

/* A payer ID of digits alone is one of the national numbers, each of a
 * fixed length: CMND 9, mã số thuế 10 (a branch's is written 10-3), CCCD
 * and số định danh 12.  Eleven digits is a CCCD with one digit missing:
 * the person could never find the obligation by that number, and the
 * receipt would name nobody.  An ID with letters (a passport) is free. */
static int payer_id_ok(const char *s)
{
	if (!s || !*s)
		return 1;
	size_t n = strlen(s), digits = 0;
	if (n == 14 && strspn(s, "0123456789") == 10 && s[10] == '-' &&
	    strspn(s + 11, "0123456789") == 3)
		return 1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] == '-')
			return 0;	/* only a branch's tax code has one */
		else if (s[i] != ' ' && s[i] != '.')
			return 1;	/* letters: a passport, not ours to check */
	}
	/* digits as people group them ("001 085 000 123") */
	return digits == 9 || digits == 10 || digits == 12;
}

static int date_ok(const char *s)
{
	int y, m, d;
	char tail;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
}

static int bad(const char **what, const char *w)
{
	if (what)
		*what = w;
	return OBL_BAD_INPUT;
}

/* The same for line i: "lines[2].name", so an agency's program finds the
 * line among fifty.  *what points into a static buffer until the next
 * refusal; a process answers one request at a time. */
static int bad_line(const char **what, size_t i, const char *field, const char *rest)
{
	static char w[160];
	snprintf(w, sizeof w, "%s (lines[%zu].%s)%s", strcmp(field, "name") == 0 ?
		 "tên khoản" : "số tiền", i, field, rest);
	return bad(what, w);
}

static int create_one(db *d, const obligation_req *q, char code[13],
		      long long *id, const char **what)
{
	long long total = 0;
	char ref_buf[512], pid_buf[64];
	const char *ref = stored_reference(q->reference, ref_buf, sizeof ref_buf);
	const char *pid = stored_payer_id(q->payer_id, pid_buf, sizeof pid_buf);

	if (q->group < 0 || q->group >= OG_COUNT)
		return bad(what, "nhóm khoản phải nộp (group)");
	if (!text_ok(q->agency_code, 1, 20) || has_control(q->agency_code))
		return bad(what, "mã cơ quan thu (agency)");
	if (!text_ok(ref, 1, 100))
		return bad(what, "số tham chiếu (reference), 1 đến 100 ký tự");
	if (has_control(ref))
		return bad(what, "số tham chiếu (reference) có ký tự điều khiển (xuống dòng, tab…)");
	if (!text_ok(q->payer_name, 1, 200))
		return bad(what, "tên người nộp (payer.name), 1 đến 200 ký tự");
	if (has_control(q->payer_name))
		return bad(what, "tên người nộp (payer.name) có ký tự điều khiển (xuống dòng, tab…)");
	if (!text_ok(pid, 0, 20))
		return bad(what, "số giấy tờ người nộp (payer.id), tối đa 20 ký tự");
	if (has_control(pid))
		return bad(what, "số giấy tờ người nộp (payer.id) có ký tự điều khiển (xuống dòng, tab…)");
	if (!payer_id_ok(pid))
		return bad(what, "số giấy tờ người nộp (payer.id): CCCD 12 chữ số, CMND 9 chữ số,"
			   " mã số thuế 10 chữ số (chi nhánh 10-3), hoặc số hộ chiếu");
	if (q->due && !date_ok(q->due))
		return bad(what, "hạn nộp (due): một ngày có thật từ năm 2000 đến 2100, dạng YYYY-MM-DD");
	if (q->due && strcmp(q->due, vn_today()) < 0)
		return bad(what, "hạn nộp (due), từ hôm nay trở đi");
	if (!text_ok(q->dossier_code, 0, 40))
		return bad(what, "mã hồ sơ");
	if (!q->lines || q->nlines < 1 || q->nlines > OBLIGATION_MAX_LINES)
		return bad(what, "các dòng (lines), từ 1 đến 50 dòng");
	if (q->source < OS_DOSSIER || q->source > OS_API)
		return bad(what, "nguồn tạo");
	for (size_t i = 0; i < q->nlines; i++) {
		if (!text_ok(q->lines[i].name, 1, 255))
			return bad_line(what, i, "name", ", 1 đến 255 ký tự");
		if (has_control(q->lines[i].name))
			return bad_line(what, i, "name", " có ký tự điều khiển (xuống dòng, tab…)");
		if (q->lines[i].amount < 1 || q->lines[i].amount > PAY_AMOUNT_MAX)
			return bad_line(what, i, "amount", ", số nguyên đồng từ 1 đến 10^15");
		if (total > PAY_AMOUNT_MAX - q->lines[i].amount)
			return bad(what, "tổng số tiền quá 10^15 đồng");
		total += q->lines[i].amount;
	}

	const char *grp = obligation_group_names[q->group];
	db_stmt *s = stmt(d, S_BENE);
	if (db_query(s, "ss", q->agency_code, grp) < 0)
		return OBL_DB;
	int r = db_fetch(s);
	if (r < 0)
		return OBL_DB;
	if (r == 0) {
		if (what)
			*what = "tài khoản thụ hưởng của cơ quan thu cho nhóm này (payment-admin beneficiary-set)";
		return OBL_NO_BENEFICIARY;
	}
	/* copy out before the next statement reuses the buffers */
	char kind[10], bin[8], acct[32], name[201], treas[12], chuong[4], tieu[5];
	const char *cols[7];
	char *dst[7] = {kind, bin, acct, name, treas, chuong, tieu};
	size_t caps[7] = {sizeof kind, sizeof bin, sizeof acct, sizeof name,
			  sizeof treas, sizeof chuong, sizeof tieu};
	for (int k = 0; k < 7; k++) {
		const char *v = db_col(s, k, NULL);
		cols[k] = v ? dst[k] : NULL;
		snprintf(dst[k], caps[k], "%s", v ? v : "");
	}
	while ((r = db_fetch(s)) > 0)
		;
	s = stmt(d, S_RECEIPTS);
	if (db_query(s, "s", q->agency_code) < 0 || (r = db_fetch(s)) < 0)
		return OBL_DB;
	if (r == 0) {
		if (what)
			*what = "thông tin biên lai của cơ quan thu (payment-admin receipts-set)";
		return OBL_NO_RECEIPTS;
	}
	while ((r = db_fetch(s)) > 0)
		;

	for (int tries = 0;; tries++) {
		if (tries == 5 || paycode_generate(code) < 0)
			return OBL_DB;
		s = stmt(d, S_CODE_USED);
		if (db_query(s, "s", code) < 0 || (r = db_fetch(s)) < 0)
			return OBL_DB;
		while (r > 0 && db_fetch(s) > 0)
			;
		if (r == 0)
			break;
	}
	s = stmt(d, S_INSERT);
	if (db_exec(s, "ssssssssssssisssss", code, grp, q->agency_code,
		    cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6],
		    q->payer_name, pid && *pid ? pid : NULL,
		    total, q->due, ref, q->dossier_code,
		    source_names[q->source], q->source == OS_API ? q->api_key_id : NULL) != 1)
		return OBL_DB;
	long long oid = db_insert_id(s);
	for (size_t i = 0; i < q->nlines; i++)
		if (db_exec(stmt(d, S_LINE), "iisi", oid, (long long)(i + 1),
			    q->lines[i].name, q->lines[i].amount) != 1)
			return OBL_DB;
	if (id)
		*id = oid;
	return OBL_OK;
}

/* The texts printed on the receipt (the payer, the reference, the lines'
 * names) in composed form, as TCVN 6909:2001 writes Vietnamese: an agency's
 * program on a Mac or in a browser may send "Nguyễn" as e, U+0302, U+0303,
 * which was stored so, counted as more characters than it has (a name of
 * 200 letters was refused as too long) and printed letter by mark on the
 * legal receipt. */
static const char *nfc_copy(const char *s, char **at)
{
	if (!s)
		return s;
	size_t n = strlen(s);
	char *o = *at;
	memcpy(o, s, n + 1);
	*at += vn_nfc(o, n) + 1;
	return o;
}

int obligation_create(db *d, const obligation_req *q, char code[13],
		      long long *id, const char **what)
{
	if (!q->lines || q->nlines < 1 || q->nlines > OBLIGATION_MAX_LINES)
		return create_one(d, q, code, id, what);
	size_t need = (q->payer_name ? strlen(q->payer_name) : 0) +
		      (q->reference ? strlen(q->reference) : 0) + 2;
	for (size_t i = 0; i < q->nlines; i++)
		need += (q->lines[i].name ? strlen(q->lines[i].name) : 0) + 1;
	char *text = malloc(need);
	obligation_line *lines = malloc(q->nlines * sizeof *lines);
	if (!text || !lines) {
		free(text);
		free(lines);
		return OBL_DB;
	}
	char *at = text;
	obligation_req c = *q;
	c.payer_name = nfc_copy(q->payer_name, &at);
	c.reference = nfc_copy(q->reference, &at);
	for (size_t i = 0; i < q->nlines; i++) {
		lines[i] = q->lines[i];
		lines[i].name = nfc_copy(q->lines[i].name, &at);
	}
	c.lines = lines;
	int r = create_one(d, &c, code, id, what);
	free(lines);
	free(text);
	return r;
}

int obligation_cancel_for_dossier(db *d, const char *dossier_code)
{
	long long n = db_exec(stmt(d, S_CANCEL_DOSSIER), "s", dossier_code);
	return n < 0 ? OBL_DB : (int)n;
}
