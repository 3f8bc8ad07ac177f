/* pay.c - the citizen's pages: find what you owe, see it line by line, pay
 * it, see the result and the receipt.  No account needed; the payment code
 * (or a reference with the payer's ID number) is the key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limit.h"
#include "obligation.h"
#include "paycode.h"
#include "payment.h"
#include "render.h"
#include "server.h"
#include "vnpay.h"
#include "vntext.h"
#include "vnwords.h"

const char pay_over_gateway_vi[] =
	"Khoản này lớn hơn số tiền VNPay nhận trong một lần thanh toán (tối đa "
	"9.999.999.999 đồng), nên không nộp trực tuyến được. Vui lòng liên hệ cơ quan thu "
	"ghi trên trang này để được hướng dẫn cách nộp, và đọc mã thanh toán.";

void pay_money(buf *b, long long v)
{
	vn_format_int(b, v);
}

int is_paycode(const char *v, size_t n)
{
	char out[PAYCODE_LEN + 1];
	return n == PAYCODE_LEN && paycode_normalize(v, out) == 0;
}

static void hset_money(request *r, const char *name, long long v)
{
	buf b = BUF_INIT;
	pay_money(&b, v);
	hset(r, name, b.p);
	buf_free(&b);
}

int h_pay_home(request *r)
{
	return render(r, "pay_home.cs");
}

/* Every obligation of the pair, those still to pay first, newest first:
 * a student owes two terms' học phí under one student code, a household
 * several months of tiền điện under one customer code. */
#define FIND_MAX 20
static const char Q_FIND_REF[] =
	"SELECT payment_code, grp, total, status, DATE_FORMAT(due_date, '%d/%m/%Y')"
	" FROM obligation WHERE reference = ? AND payer_id = ?"
	" ORDER BY (status IN ('unpaid','being_paid')) DESC, id DESC LIMIT 21";
static const char Q_EXISTS[] = "SELECT 1 FROM obligation WHERE payment_code = ?";

#define FIND_MISSES 10
#define FIND_WINDOW 900

/* Guessing payment codes.  A code opens its page (the payer's name, the
 * fine's decision number or the dossier's code, the lines), so the codes
 * that find nothing are counted per client address wherever one is typed:
 * the finder, the address bar (/pay/{code}) and the Pay button
 * (/pay/{code}/start).  One count for all three; past FIND_MISSES in
 * FIND_WINDOW every code is refused to that address, the right one too
 * (a hit shown while misses are refused would still answer the guess). */
static const char *guess_key(request *r)
{
	return limit_client_key(r->a, r->remote_addr);
}

static int held_back(request *r)
{
	r->error_detail = "Bạn đã tra cứu sai quá nhiều lần. Hãy thử lại sau 15 phút.";
	return 429;
}

int pay_guess_gate(request *r)
{
	int n = limit_count(server_db(), "pay_find", guess_key(r), FIND_WINDOW);
	if (n < 0)
		return 503;
	return n >= FIND_MISSES ? held_back(r) : 0;
}

/* A miss, counted; the count that reaches FIND_MISSES also writes the
 * hold the code's page reads (Q_SHOW). */
static int count_miss(request *r)
{
	return limit_add_held(server_db(), "pay_find", guess_key(r), FIND_WINDOW, FIND_MISSES);
}

int pay_guess_missed(request *r)
{
	if (count_miss(r) < 0)
		return 503;
	r->error.message = "Không có khoản phải nộp nào mang mã này.";
	return 404;
}

/* What a person types is what is printed on their paper, give or take
 * the spaces: a reference copied with a space before it, an ID number
 * typed in groups ("001 090 000 001") or with the dots some cards print.
 * Unchanged, each was a miss (and a step towards the 429), so the same
 * pair is looked up as stored: the reference without the white space at
 * its ends (form_trim: a no-break space included), the ID number digits
 * only. */
static const char *id_digits(arena *a, const char *s)
{
	char *out = arena_strndup(a, s, strlen(s)), *o = out;
	for (; *s; s++)
		if (*s != ' ' && *s != '.' && *s != '\t')
			*o++ = *s;
	*o = 0;
	return out;
}

/* /pay/tra-cuu?ma=… or ?tham_chieu=…&giay_to=… */
int h_pay_find(request *r)
{
	const char *code = r->query[0].s, *ref = r->query[1].s, *pid = r->query[2].s;
	if (ref)
		ref = form_trim(r->a, ref);
	if (pid)
		pid = id_digits(r->a, pid);
	db *d = server_db();
	char norm[PAYCODE_LEN + 1];
	/* Misses are counted per client address, like the dossier lookup's:
	 * a reference people know (a fine's decision, an electricity customer
	 * code) with guessed ID numbers would otherwise find, one redirect at
	 * a time, whose ID number goes with it and the name on its page. */
	if ((code && *code) || (ref && *ref && pid && *pid)) {
		int held = pay_guess_gate(r);
		if (held)
			return held;
	}
	if (code && *code) {
		hset(r, "Find.code", code);
		if (paycode_normalize(code, norm) < 0) {
			hset(r, "Find.error", "Mã thanh toán gồm 12 chữ số. Vui lòng kiểm tra lại từng chữ số.");
			return render(r, "pay_home.cs");
		}
		db_stmt *s = S(d, Q_EXISTS);
		int f;
		if (db_query(s, "s", norm) < 0 || (f = db_fetch(s)) < 0)
			return 503;
		while (f > 0 && db_fetch(s) > 0)
			;
		if (f > 0)
			return http_redirect(r, arena_printf(r->a, "/pay/%s", norm));
	} else if (ref && *ref && pid && *pid) {
		hset(r, "Find.reference", ref);
		hset(r, "Find.payer_id", pid);
		db_stmt *s = S(d, Q_FIND_REF);
		int f;
		if (db_query(s, "ss", ref, pid) < 0 || (f = db_fetch(s)) < 0)
			return 503;
		int n = 0;
		for (; f > 0 && n < FIND_MAX; n++, f = db_fetch(s)) {
			db_col_copy(s, 0, norm, sizeof norm);
			int g = obligation_group_parse(db_col(s, 1, NULL));
			buf b = BUF_INIT;
			pay_money(&b, db_col_int(s, 2, 0));
			char shown[PAYCODE_LEN + 3];
			paycode_format(norm, shown);
			hsetf(r, norm, "Found.%d.code", n);
			hsetf(r, shown, "Found.%d.code_shown", n);
			hsetf(r, g >= 0 ? obligation_group_titles[g] : "", "Found.%d.group", n);
			hsetf(r, b.p, "Found.%d.total", n);
			const char *st = db_col(s, 3, NULL), *due = db_col(s, 4, NULL);
			hsetf(r, obligation_status_vi(st ? st : ""), "Found.%d.status", n);
			hsetf(r, due ? due : "", "Found.%d.due", n);
			buf_free(&b);
		}
		/* a 21st row: the page says the list stops at FIND_MAX and how
		 * to reach the others, rather than hiding the oldest bills */
		if (f > 0)
			hset(r, "Find.more", "1");
		while (f > 0)
			f = db_fetch(s);
		if (f < 0)
			return 503;
		if (n == 1)
			return http_redirect(r, arena_printf(r->a, "/pay/%s", norm));
		if (n > 1)
			return render(r, "pay_found.cs");
	} else {
		hset(r, "Find.error", "Nhập mã thanh toán, hoặc số tham chiếu cùng số giấy tờ của người nộp.");
		return render(r, "pay_home.cs");
	}
	if (count_miss(r) < 0)
		return 503;
	hset(r, "Find.error", "Không tìm thấy khoản phải nộp nào khớp với thông tin đã nhập.");
	return render(r, "pay_home.cs");
}

/* One round trip: the obligation, its lines (a row each) and its receipt
 * (at most one of kind 'receipt', settle.c).  No ORDER BY: sorting a
 * five-table join costs MariaDB a temporary table and a filesort on every
 * view (about a seventh of the query); the few lines are sorted here. */
static const char Q_SHOW[] =
	"SELECT o.id, o.grp, o.agency_code, COALESCE(a.name, o.agency_code), o.bene_kind,"
	" o.bene_bin, COALESCE(b.short_name, ''), o.bene_account, o.bene_name, o.treasury_code,"
	" o.payer_name, o.total, DATE_FORMAT(o.due_date, '%d/%m/%Y'), o.reference, o.status,"
	" o.chuong, o.tieu_muc, l.name, l.amount,"
	" r.verify_token, r.template_symbol, r.series_symbol, r.number, l.line_no,"
	" o.dossier_code, o.payer_id,"
	/* whether the client is held back for its misses (pay_guess_gate),
	 * in the same round trip: the page is the area's busiest, so it reads
	 * the hold count_miss() keeps (a key lookup), not the misses (a count
	 * that was a third of the query's cost, sql/028) */
	" h.until > UTC_TIMESTAMP(3)"
	" FROM obligation o LEFT JOIN limit_hold h ON h.scope = 'pay_find' AND h.k = ?"
	" LEFT JOIN agency a ON a.code = o.agency_code"
	" LEFT JOIN pay_bank b ON b.bin = o.bene_bin"
	" LEFT JOIN obligation_line l ON l.obligation_id = o.id"
	" LEFT JOIN receipt r ON r.obligation_id = o.id AND r.kind = 'receipt'"
	" WHERE o.payment_code = ?";

typedef struct line {
	long long no, amount;
	const char *name;
} line;

static int by_no(const void *a, const void *b)
{
	long long x = ((const line *)a)->no, y = ((const line *)b)->no;
	return (x > y) - (x < y);
}

int pay_load(request *r, const char *code, pay_facts *out)
{
	db *d = server_db();
	db_stmt *s = S(d, Q_SHOW);
	int f;
	if (db_query(s, "ss", guess_key(r), code) < 0 || (f = db_fetch(s)) < 0)
		return -1;
	if (f == 0)
		return 0;
	out->held = db_col_int(s, 26, 0) == 1;
	out->agency_code = arena_strdup(r->a, db_col(s, 2, NULL));
	out->status = arena_strdup(r->a, db_col(s, 14, NULL));
	out->dossier_code = db_col(s, 24, NULL) ? arena_strdup(r->a, db_col(s, 24, NULL)) : NULL;
	out->payer_id = db_col(s, 25, NULL) ? arena_strdup(r->a, db_col(s, 25, NULL)) : NULL;
	out->total = db_col_int(s, 11, 0);
	if (out->dossier_code)
		hset(r, "Pay.dossier", out->dossier_code);
	char shown[PAYCODE_LEN + 3];
	paycode_format(code, shown);
	hset(r, "Pay.code", code);
	hset(r, "Pay.code_shown", shown);
	int g = obligation_group_parse(db_col(s, 1, NULL));
	hset(r, "Pay.group", g >= 0 ? obligation_group_titles[g] : db_col(s, 1, NULL));
	hset(r, "Pay.agency_code", db_col(s, 2, NULL));
	hset(r, "Pay.agency", db_col(s, 3, NULL));
	hset(r, "Pay.bene_kind", db_col(s, 4, NULL));
	hset(r, "Pay.bank", db_col(s, 6, NULL));
	hset(r, "Pay.bank_bin", db_col(s, 5, NULL));
	hset(r, "Pay.account", db_col(s, 7, NULL));
	hset(r, "Pay.account_name", db_col(s, 8, NULL));
	hset(r, "Pay.treasury", db_col(s, 9, NULL));
	hset(r, "Pay.payer", db_col(s, 10, NULL));
	long long total = db_col_int(s, 11, 0);
	hset_money(r, "Pay.total", total);
	if (total > VNP_AMOUNT_MAX)
		hset(r, "Pay.over_gateway", pay_over_gateway_vi);
	buf w = BUF_INIT;
	vn_amount_words(&w, total);
	hset(r, "Pay.total_words", w.p);
	buf_free(&w);
	hset(r, "Pay.due", db_col(s, 12, NULL));
	hset(r, "Pay.reference", db_col(s, 13, NULL));
	const char *st = db_col(s, 14, NULL);
	hset(r, "Pay.status", st);
	hset(r, "Pay.status_vi", obligation_status_vi(st));
	hset(r, "Pay.chuong", db_col(s, 15, NULL));
	hset(r, "Pay.tieu_muc", db_col(s, 16, NULL));
	if (db_col(s, 19, NULL)) {
		hset(r, "Pay.receipt.token", db_col(s, 19, NULL));
		hset(r, "Pay.receipt.template", db_col(s, 20, NULL));
		hset(r, "Pay.receipt.series", db_col(s, 21, NULL));
		hset(r, "Pay.receipt.number", db_col(s, 22, NULL));
	}
	size_t n = 0, cap = 8;
	line *lines = arena_alloc(r->a, cap * sizeof *lines);
	do {
		if (!db_col(s, 17, NULL))
			continue;
		if (n == cap) {
			line *more = arena_alloc(r->a, 2 * cap * sizeof *lines);
			memcpy(more, lines, n * sizeof *lines);
			lines = more;
			cap *= 2;
		}
		lines[n].no = db_col_int(s, 23, 0);
		lines[n].amount = db_col_int(s, 18, 0);
		lines[n].name = arena_strdup(r->a, db_col(s, 17, NULL));
		n++;
	} while (db_fetch(s) > 0);
	qsort(lines, n, sizeof *lines, by_no);
	for (size_t i = 0; i < n; i++) {
		hsetf(r, lines[i].name, "Pay.lines.%zu.name", i);
		buf b = BUF_INIT;
		pay_money(&b, lines[i].amount);
		hsetf(r, b.p, "Pay.lines.%zu.amount", i);
		buf_free(&b);
	}
	return 1;
}

/* The dossier's page is linked for its owner only: anyone with the
 * payment code sees the dossier's code (the reference the payer already
 * has), nothing else of it. */
static const char Q_OWNER[] = "SELECT 1 FROM dossier WHERE code = ? AND citizen_id = ?";
/* The latest attempt's state; a failure in which VNPay says the money may
 * have been taken all the same (response 07: taken, the transaction under
 * suspicion; status 04: taken at the bank, reversed; 07: under review) is
 * "held": the page must not tell that person no money was taken. */
static const char Q_LAST_ATTEMPT[] =
	"SELECT IF(a.state = 'failed' AND (a.response_code = '07' OR a.transaction_status IN ('04', '07')),"
	" 'held', a.state) FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id"
	" WHERE o.payment_code = ? ORDER BY a.id DESC LIMIT 1";

static const char Q_STARTED_HERE[] =
	"SELECT 1 FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id"
	" WHERE o.payment_code = ? AND a.client_ip = ?"
	" AND a.created_at > UTC_TIMESTAMP(3) - INTERVAL 1 DAY LIMIT 1";

int h_pay_show(request *r)
{
	pay_facts o;
	int f = pay_load(r, req_capture(r, "code"), &o);
	if (f < 0)
		return 503;
	if (f == 0) {
		int held = pay_guess_gate(r);
		return held ? held : pay_guess_missed(r);
	}
	if (o.held) {
		/* A payer back from the bank (or reloading the page of a
		 * payment they started) is not guessing: an address that has
		 * started a payment of this very code shows it, whoever else on
		 * the same network mistyped codes.  Starting one is behind the
		 * same count, so a guesser never has one. */
		db_stmt *s = S(server_db(), Q_STARTED_HERE);
		int started;
		if (db_query(s, "ss", req_capture(r, "code"), r->remote_addr ? r->remote_addr : "") < 0 ||
		    (started = db_fetch(s)) < 0)
			return 503;
		while (started > 0 && db_fetch(s) > 0)
			;
		if (!started)
			return held_back(r);   /* the error page drops what pay_load set */
	}
	if (o.dossier_code && r->user && r->user->kind == AUTH_CITIZEN) {
		db_stmt *s = S(server_db(), Q_OWNER);
		int mine;
		if (db_query(s, "si", o.dossier_code, r->user->id) < 0 || (mine = db_fetch(s)) < 0)
			return 503;
		while (mine > 0 && db_fetch(s) > 0)
			;
		if (mine > 0)
			hset(r, "Pay.dossier_mine", "1");
	}
	/* Back from the bank (?ket_qua=…): the result shown is the latest
	 * attempt as the portal recorded it, never the link's word, which
	 * anyone can write and an old tab keeps while another attempt is
	 * with the bank ("no money was taken" must be the portal's claim). */
	const char *res = r->query ? r->query[0].s : NULL;
	if (res && (strcmp(o.status, "unpaid") == 0 || strcmp(o.status, "being_paid") == 0)) {
		db_stmt *s = S(server_db(), Q_LAST_ATTEMPT);
		int got;
		if (db_query(s, "s", req_capture(r, "code")) < 0 || (got = db_fetch(s)) < 0)
			return 503;
		if (got > 0) {
			hset(r, "Pay.result", db_col(s, 0, NULL));
			while (db_fetch(s) > 0)
				;
		}
	}
	return render(r, "pay_show.cs");
}
