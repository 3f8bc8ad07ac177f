/* receipt.c - the e-receipt (biên lai điện tử): a printable A4 page with
 * a QR code to the public verification page.  Receipts are looked up by
 * their unguessable token, never by number (numbers are sequential). */
#include <stdio.h>
#include <string.h>

#include "obligation.h"
#include "payment.h"
#include "qr.h"
#include "render.h"
#include "server.h"
#include "vnwords.h"

static const char Q_RECEIPT[] =
	"SELECT r.number, r.template_symbol, r.series_symbol, r.unit_name, r.tax_code,"
	" r.payer_name, r.payer_id, r.description, r.amount, r.method,"
	" DATE_FORMAT(r.issued_at + INTERVAL 7 HOUR, '%d/%m/%Y %H:%i'), r.kind,"
	" o.payment_code, r.agency_code,"
	" (SELECT COUNT(*) FROM receipt c WHERE c.refers_to = r.id AND c.kind = 'cancellation')"
	" FROM receipt r JOIN obligation o ON o.id = r.obligation_id WHERE r.verify_token = ?";

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
	};
	for (int i = 0; i < 14; i++)
		if (names[i] && db_col(s, i, NULL))
			hsetf(r, db_col(s, i, NULL), "Receipt.%s", names[i]);
	long long amount = db_col_int(s, 8, 0);
	buf b = BUF_INIT;
	pay_money(&b, amount);
	hset(r, "Receipt.amount", b.p);
	buf_reset(&b);
	vn_amount_words(&b, amount);
	hset(r, "Receipt.amount_words", b.p);
	buf_free(&b);
	hset(r, "Receipt.cancelled", db_col_int(s, 14, 0) > 0 ? "1" : "0");
	hset(r, "Receipt.token", token);
	hsetf(r, arena_printf(r->a, "%s/receipts/verify?t=%s", cfg.public_url, token),
	      "Receipt.verify_url");
	while (db_fetch(s) > 0)
		;
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
	if (!token_ok(t)) {
		hset(r, "Verify.found", "0");
		return render(r, "verify.cs");
	}
	int f = load(r, t);
	if (f < 0)
		return 503;
	hset(r, "Verify.found", f ? "1" : "0");
	return render(r, "verify.cs");
}
