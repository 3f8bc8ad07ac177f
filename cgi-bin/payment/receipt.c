/* receipt.c - the e-receipt (biên lai điện tử): a printable A4 page with
 * a QR code to the public verification page.  Receipts are looked up by
 * their unguessable token, never by number (numbers are sequential). */
#include <stdio.h>
#include <string.h>

#include "obligation.h"
#include "paycode.h"
#include "payment.h"
#include "qr.h"
#include "render.h"
#include "server.h"
#include "vnwords.h"

static const char Q_RECEIPT[] =
	"SELECT COALESCE(r.number, ''), r.template_symbol, r.series_symbol, r.unit_name, r.tax_code,"
	" r.payer_name, r.payer_id, r.description, r.amount, r.method,"
	" DATE_FORMAT(r.issued_at + INTERVAL 7 HOUR, '%d/%m/%Y %H:%i'), r.kind,"
	" o.payment_code, r.agency_code, r.reason, r.id,"
	/* the receipt a cancellation or an adjustment refers to */
	" f.verify_token, f.template_symbol, f.series_symbol, f.number,"
	" DATE_FORMAT(f.issued_at + INTERVAL 7 HOUR, '%d/%m/%Y'), r.obligation_id, o.grp"
	" FROM receipt r JOIN obligation o ON o.id = r.obligation_id"
	" LEFT JOIN receipt f ON f.id = r.refers_to WHERE r.verify_token = ?";
/* what was done to a receipt since: its cancellation, its adjustments */
static const char Q_LATER[] =
	"SELECT kind, COALESCE(number, ''), template_symbol, series_symbol,"
	" DATE_FORMAT(issued_at + INTERVAL 7 HOUR, '%d/%m/%Y %H:%i'), amount, reason, verify_token"
	" FROM receipt WHERE refers_to = ? ORDER BY id";
/* What a receipt was for, line by line: the obligation's lines, which are
 * only ever inserted (sql/grants.sql), so they are what was paid. */
static const char Q_LINES[] =
	"SELECT name, amount FROM obligation_line WHERE obligation_id = ? ORDER BY line_no";

/* 150.000, or -20.000 for an adjustment downwards */
static void signed_money(buf *b, long long v)
{
	if (v < 0)
		buf_putc(b, '-');
	pay_money(b, v < 0 ? -v : v);
}

static int token_ok(const char *t)
{
	return t && strlen(t) == 32 && strspn(t, "0123456789abcdef") == 32;
}

/* Fill Receipt.* ; 1 found, 0 not, -1 database */
static int load(request *r, const char *token)
{
	db_stmt *s = S(server_db(), Q_RECEIPT);
	int f;
	if (db_query(s, "s", token) < 0 || (f = db_fetch(s)) < 0)
		return -1;
	if (f == 0)
		return 0;
	static const char *const names[] = {
		"number", "template", "series", "unit", "tax_code", "payer", "payer_id",
		"description", NULL, "method", "issued", "kind", "payment_code", "agency_code",
		"reason", NULL, "of_token", "of_template", "of_series", "of_number", "of_date", NULL,
	};
	for (int i = 0; i < 22; i++)
		if (names[i] && db_col(s, i, NULL))
			hsetf(r, db_col(s, i, NULL), "Receipt.%s", names[i]);
	long long amount = db_col_int(s, 8, 0), id = db_col_int(s, 15, 0);
	long long obligation = db_col_int(s, 21, 0);
	int grp = obligation_group_parse(db_col(s, 22, NULL));
	hset(r, "Receipt.title", grp >= 0 ? obligation_receipt_titles[grp] : "BIÊN LAI THU TIỀN");
	const char *kind = db_col(s, 11, NULL);
	int is_receipt = kind && strcmp(kind, "receipt") == 0;
	buf b = BUF_INIT;
	signed_money(&b, amount);
	hset(r, "Receipt.amount", b.p);
	buf_reset(&b);
	if (amount < 0)
		buf_puts(&b, "Giảm ");
	vn_amount_words(&b, amount < 0 ? -amount : amount);
	hset(r, "Receipt.amount_words", b.p);
	hset(r, "Receipt.token", token);
	/* read aloud in groups of four, as every other page shows it */
	const char *pc = db_col(s, 12, NULL);
	if (pc && strlen(pc) == PAYCODE_LEN) {
		char shown[PAYCODE_LEN + 3];
		paycode_format(pc, shown);
		hset(r, "Receipt.payment_code_shown", shown);
	} else if (pc) {
		hset(r, "Receipt.payment_code_shown", pc);
	}
	hsetf(r, arena_printf(r->a, "%s/receipts/verify?t=%s", cfg.public_url, token),
	      "Receipt.verify_url");
	while (db_fetch(s) > 0)
		;
	/* a receipt itemises what was paid (an adjustment or a cancellation
	 * is about the receipt it refers to, not the lines) */
	if (is_receipt) {
		s = S(server_db(), Q_LINES);
		if (db_query(s, "i", obligation) < 0) {
			buf_free(&b);
			return -1;
		}
		for (int n = 0; db_fetch(s) > 0; n++) {
			hsetf(r, db_col(s, 0, NULL), "Receipt.lines.%d.name", n);
			buf_reset(&b);
			pay_money(&b, db_col_int(s, 1, 0));
			hsetf(r, b.p, "Receipt.lines.%d.amount", n);
		}
	}
	s = S(server_db(), Q_LATER);
	if (db_query(s, "i", id) < 0) {
		buf_free(&b);
		return -1;
	}
	int cancelled = 0, n = 0;
	while (db_fetch(s) > 0) {
		const char *k = db_col(s, 0, NULL);
		if (strcmp(k, "cancellation") == 0) {
			cancelled = 1;
			hset(r, "Receipt.cancel.when", db_col(s, 4, NULL));
			hset(r, "Receipt.cancel.reason", db_col(s, 6, NULL));
			hset(r, "Receipt.cancel.token", db_col(s, 7, NULL));
			continue;
		}
		static const char *const cols[] = {NULL, "number", "template", "series", "issued",
						    NULL, "reason", "token"};
		for (int i = 1; i < 8; i++)
			if (cols[i] && db_col(s, i, NULL))
				hsetf(r, db_col(s, i, NULL), "Receipt.adjusted.%d.%s", n, cols[i]);
		buf_reset(&b);
		signed_money(&b, db_col_int(s, 5, 0));
		hsetf(r, b.p, "Receipt.adjusted.%d.amount", n);
		n++;
	}
	buf_free(&b);
	hset(r, "Receipt.cancelled", cancelled ? "1" : "0");
	return 1;
}

int h_receipt(request *r)
{
	const char *t = req_capture(r, "token");
	int f = load(r, t);
	if (f < 0)
		return 503;
	if (f == 0) {
		r->error.message = "Không có biên lai nào như vậy.";
		return 404;
	}
	return render(r, "receipt.cs");
}

int h_receipt_qr(request *r)
{
	buf svg = BUF_INIT;
	const char *t = req_capture(r, "token");
	if (qr_svg(&svg, arena_printf(r->a, "%s/receipts/verify?t=%s", cfg.public_url, t)) < 0) {
		buf_free(&svg);
		return 500;
	}
	http_body(r, "image/svg+xml", svg.p, svg.len);
	buf_free(&svg);
	return 200;
}

int h_receipt_verify(request *r)
{
	const char *t = r->query[0].s;
	/* No code at all is the address typed from the paper without its
	 * end, not a forgery: say what is missing rather than "may be
	 * forged" about a receipt nobody named. */
	if (!t || !*t)
		return http_field_error(r, 400, "t", "Thiếu mã kiểm tra: hãy quét mã QR trên biên lai,"
					" hoặc gõ đủ địa chỉ in dưới mã QR, cả phần sau “?t=”.");
	/* The code printed under the QR code is hex; typed with Caps Lock
	 * it is the same code, and a genuine receipt must not be called
	 * forged for it. */
	char low[33];
	size_t n = strlen(t);
	if (n == 32) {
		for (size_t i = 0; i < n; i++)
			low[i] = (t[i] >= 'A' && t[i] <= 'F') ? (char)(t[i] - 'A' + 'a') : t[i];
		low[n] = '\0';
		t = low;
	}
	int f = token_ok(t) ? load(r, t) : 0;
	if (f < 0)
		return 503;
	hset(r, "Verify.found", f ? "1" : "0");
	/* A number nobody issued is a 404 with the page that says so: a
	 * program checking receipts reads the status, a person the page. */
	int rc = render(r, "verify.cs");
	return rc == 200 && !f ? 404 : rc;
}
