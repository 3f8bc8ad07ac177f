/*
 * test_vnpay.c - VNPay 2.1.0 signing against known answers.
 *
 *  - HMAC-SHA512 itself: RFC 4231 test case 2.
 *  - Encoding and ordering: the example payment URL on VNPay's own
 *    documentation page (thanh-toan-pay/pay.html) is rebuilt byte for byte.
 *  - Signatures: computed independently with Python's hmac and an encoder
 *    written from PHP's urlencode rules, not with this code:
 *      enc = lambda s: ''.join(c if c.isascii() and (c.isalnum() or c in '-_.')
 *                      else '+' if c == ' ' else '%%%02X' % ord(c) for c in s)
 *      q = '&'.join(enc(k) + '=' + enc(v) for k, v in sorted(params.items()))
 *      hmac.new(secret, q.encode(), hashlib.sha512).hexdigest()
 *    and the pipe strings of querydr/refund joined by hand in the same way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "jsonparse.h"
#include "vnpay.h"

#define SECRET "SANDBOXSECRETKEY0123456789ABCDEF"
/* Python's answers (see the top): */
#define CB_HASH "9fe08b6c8a8c788b81f4de4a238abef1dac903d0765a551542bf1d23499257a5fa731f8021106c4665f52c699f7c113daee90d423d1cb6d6a46cc25fcb56e529"
#define ANS_HASH "9bd61fc942a759ed6dc0bbb3e4c1f8652e2b25507a9cf041f5252c890b17f5920dd646373a08c4a62b6caf1a3ea80add7062917270818b59aad8f7d234cc6130"
#define T0 1700000000   /* 2023-11-14 22:13:20 UTC = 2023-11-15 05:13:20 GMT+7 */

static void test_hmac_rfc4231(void **state)
{
	(void)state;
	char out[VNP_HASH_HEX + 1];
	const char *msg = "what do ya want for nothing?";
	vnp_hmac("Jefe", msg, strlen(msg), out);
	assert_string_equal(out,
		"164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
	assert_true(vnp_hmac_eq("Jefe", msg, strlen(msg), out));
	/* any case of hex */
	for (char *p = out; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	assert_true(vnp_hmac_eq("Jefe", msg, strlen(msg), out));
	out[5] = out[5] == 'A' ? 'B' : 'A';
	assert_false(vnp_hmac_eq("Jefe", msg, strlen(msg), out));
	assert_false(vnp_hmac_eq("Jefe", msg, strlen(msg), "abcd"));
	assert_false(vnp_hmac_eq("Jefe", msg, strlen(msg), NULL));
}

/* VNPay's documented example request (its hash is over a secret it does
 * not publish, so only the signed string is checked). */
static void test_doc_example_string(void **state)
{
	(void)state;
	const vnp_kv kv[] = {
		{"vnp_Version", "2.1.0"}, {"vnp_TmnCode", "DEMOV210"},
		{"vnp_Command", "pay"}, {"vnp_Amount", "1806000"},
		{"vnp_CreateDate", "20210801153333"}, {"vnp_CurrCode", "VND"},
		{"vnp_IpAddr", "127.0.0.1"}, {"vnp_Locale", "vn"},
		{"vnp_OrderInfo", "Thanh toan don hang :5"},
		{"vnp_OrderType", "other"},
		{"vnp_ReturnUrl", "https://domainmerchant.vn/ReturnUrl"},
		{"vnp_TxnRef", "5"},
	};
	buf b = BUF_INIT;
	assert_int_equal(vnp_hash_data(&b, kv, sizeof kv / sizeof kv[0]), 0);
	assert_string_equal(b.p,
		"vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333"
		"&vnp_CurrCode=VND&vnp_IpAddr=127.0.0.1&vnp_Locale=vn"
		"&vnp_OrderInfo=Thanh+toan+don+hang+%3A5&vnp_OrderType=other"
		"&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl"
		"&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0");
	buf_free(&b);
}

static const char *pay_query =
	"vnp_Amount=15000000&vnp_BankCode=NCB&vnp_Command=pay"
	"&vnp_CreateDate=20231115051320&vnp_CurrCode=VND"
	"&vnp_ExpireDate=20231115052820&vnp_IpAddr=2001%3Adb8%3A%3A1"
	"&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+1234+5678+9012%3A+le+phi%2C+dang+ky%2Fkhai+sinh"
	"&vnp_OrderType=other"
	"&vnp_ReturnUrl=http%3A%2F%2F127.0.0.1%3A8380%2Fpayment%2Fvnpay%2Freturn"
	"&vnp_TmnCode=PORTAL01&vnp_TxnRef=123456789012-01&vnp_Version=2.1.0";
static const char *pay_hash =
	"a5fce3f2bfd81f5d85c740c24e6e840e45ee2e5ae489d6d4a1ad1549208e8bf4c9e7bdb0e010215ddaf383822a811bb59b422a1a9d4285d785b4d4caba0a3d1b";

static const vnp_pay example_pay = {
	.tmn_code = "PORTAL01", .amount = 150000, .txn_ref = "123456789012-01",
	.order_info = "Thanh toan 1234 5678 9012: le phi, dang ky/khai sinh",
	.order_type = "other",
	.return_url = "http://127.0.0.1:8380/payment/vnpay/return",
	.ip_addr = "2001:db8::1", .created = T0, .expire_minutes = 15,
	.bank_code = "NCB", .locale = "vn",
};

static void test_pay_url(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	assert_int_equal(vnp_pay_url(&b, "http://127.0.0.1:8390/paymentv2/vpcpay.html",
				     SECRET, &example_pay), 0);
	char want[2048];
	snprintf(want, sizeof want, "http://127.0.0.1:8390/paymentv2/vpcpay.html?%s&vnp_SecureHash=%s",
		 pay_query, pay_hash);
	assert_string_equal(b.p, want);

	/* unsafe order info, missing fields, bad amounts: nothing appended */
	buf_reset(&b);
	vnp_pay p = example_pay;
	p.order_info = "Lệ phí";
	assert_int_equal(vnp_pay_url(&b, "http://x/", SECRET, &p), -1);
	p.order_info = "a*b";
	assert_int_equal(vnp_pay_url(&b, "http://x/", SECRET, &p), -1);
	p = example_pay;
	p.amount = 0;
	assert_int_equal(vnp_pay_url(&b, "http://x/", SECRET, &p), -1);
	p.amount = 1000000000000001LL;
	assert_int_equal(vnp_pay_url(&b, "http://x/", SECRET, &p), -1);
	/* vnp_Amount is Numeric[1,12]: 9 999 999 999 đồng is the most */
	p.amount = 10000000000LL;
	assert_int_equal(vnp_pay_url(&b, "http://x/", SECRET, &p), -1);
	assert_int_equal((int)b.len, 0);
	p.amount = 9999999999LL;
	assert_int_equal(vnp_pay_url(&b, "http://x/", SECRET, &p), 0);
	assert_non_null(strstr(b.p, "vnp_Amount=999999999900&"));
	buf_reset(&b);
	p = example_pay;
	p.txn_ref = "";
	assert_int_equal(vnp_pay_url(&b, "http://x/", SECRET, &p), -1);
	assert_int_equal((int)b.len, 0);
	/* no bank code: the parameter is left out, not sent empty */
	p = example_pay;
	p.bank_code = NULL;
	assert_int_equal(vnp_pay_url(&b, "http://x/", SECRET, &p), 0);
	assert_null(strstr(b.p, "vnp_BankCode"));
	buf_free(&b);
}

/* A callback as the bank sends it (decoded values). */
static vnp_kv cb[] = {
	{"vnp_Amount", "15000000"}, {"vnp_BankCode", "NCB"},
	{"vnp_BankTranNo", "VNP14422574"}, {"vnp_CardType", "ATM"},
	{"vnp_OrderInfo", "Thanh toan 1234 5678 9012"},
	{"vnp_PayDate", "20231115051500"}, {"vnp_ResponseCode", "00"},
	{"vnp_TmnCode", "PORTAL01"}, {"vnp_TransactionNo", "14422574"},
	{"vnp_TransactionStatus", "00"}, {"vnp_TxnRef", "123456789012-01"},
	{"vnp_SecureHashType", "HmacSHA512"},
	{"vnp_SecureHash", NULL},
};
#define NCB (sizeof cb / sizeof cb[0])

static void test_verify(void **state)
{
	(void)state;
	/* the signed string leaves out vnp_SecureHash and vnp_SecureHashType */
	buf d = BUF_INIT;
	vnp_hash_data(&d, cb, NCB);
	assert_string_equal(d.p,
		"vnp_Amount=15000000&vnp_BankCode=NCB&vnp_BankTranNo=VNP14422574"
		"&vnp_CardType=ATM&vnp_OrderInfo=Thanh+toan+1234+5678+9012"
		"&vnp_PayDate=20231115051500&vnp_ResponseCode=00&vnp_TmnCode=PORTAL01"
		"&vnp_TransactionNo=14422574&vnp_TransactionStatus=00"
		"&vnp_TxnRef=123456789012-01");
	char h[VNP_HASH_HEX + 1];
	vnp_hmac(SECRET, d.p, d.len, h);
	assert_string_equal(h, CB_HASH);
	cb[NCB - 1].value = CB_HASH;
	assert_int_equal(vnp_verify(SECRET, cb, NCB), VNP_VALID);
	assert_int_equal(vnp_verify("another secret", cb, NCB), VNP_BAD_HASH);

	/* tampered amount */
	cb[0].value = "15000100";
	assert_int_equal(vnp_verify(SECRET, cb, NCB), VNP_BAD_HASH);
	cb[0].value = "15000000";
	/* an added parameter changes the string */
	vnp_kv more[NCB + 1];
	memcpy(more, cb, sizeof cb);
	more[NCB] = (vnp_kv){"vnp_Extra", "1"};
	assert_int_equal(vnp_verify(SECRET, more, NCB + 1), VNP_BAD_HASH);
	/* ...but a non-vnp_ one and an empty one do not (as the samples) */
	more[NCB] = (vnp_kv){"vnp_Extra", ""};
	assert_int_equal(vnp_verify(SECRET, more, NCB + 1), VNP_VALID);
	/* a repeated name never verifies */
	more[NCB] = (vnp_kv){"vnp_Amount", "15000000"};
	assert_int_equal(vnp_verify(SECRET, more, NCB + 1), VNP_BAD_HASH);
	more[NCB] = (vnp_kv){"vnp_SecureHash", CB_HASH};
	assert_int_equal(vnp_verify(SECRET, more, NCB + 1), VNP_BAD_HASH);
	/* missing or malformed hash */
	assert_int_equal(vnp_verify(SECRET, cb, NCB - 1), VNP_NO_HASH);
	cb[NCB - 1].value = "00";
	assert_int_equal(vnp_verify(SECRET, cb, NCB), VNP_NO_HASH);
	cb[NCB - 1].value = CB_HASH;
	assert_string_equal(vnp_get(cb, NCB, "vnp_TxnRef"), "123456789012-01");
	assert_null(vnp_get(cb, NCB, "vnp_Nothing"));
	buf_free(&d);
}

static void test_api_bodies(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	vnp_query q = {
		.tmn_code = "PORTAL01", .request_id = "REQ1",
		.txn_ref = "123456789012-01", .order_info = "Truy van 123456789012-01",
		.transaction_date = "20231115052000", .created = T0,
		.ip_addr = "127.0.0.1",
	};
	assert_int_equal(vnp_querydr_body(&b, SECRET, &q), 0);
	assert_non_null(strstr(b.p, "\"vnp_SecureHash\":\"c16a17a4cf36050cce72f25480c551198d112c2c604f9fb3ad14771a53a2f848e94da7bead0fffd7a01f4b6e82992b8bbd8ff67422f1613a0a28fc3a4df2b473\""));
	assert_non_null(strstr(b.p, "\"vnp_Command\":\"querydr\""));
	arena *a = arena_new(4096);
	char err[80];
	assert_non_null(json_parse(a, b.p, b.len, err, sizeof err));

	buf_reset(&b);
	q.request_id = "REQ2";
	q.order_info = "Hoan tien 123456789012-01";
	q.transaction_type = "02";
	q.amount = 150000;
	q.transaction_no = "14422574";
	q.create_by = "payment-admin";
	assert_int_equal(vnp_refund_body(&b, SECRET, &q), 0);
	assert_non_null(strstr(b.p, "\"vnp_SecureHash\":\"4fcbbd905e77bd55d0a39d53e56691745dbfaa7c70b2df35862dbf60854e38b1c991ec890de2af47f1c73d9ed43da36db4bd5402ddc31d17f5204fcb6bbd02d1\""));
	assert_non_null(strstr(b.p, "\"vnp_Amount\":\"15000000\""));
	q.create_by = NULL;
	buf_reset(&b);
	assert_int_equal(vnp_refund_body(&b, SECRET, &q), -1);

	/* an answer: signed over the documented fields, absent ones as "" */
	const char *ans =
		"{\"vnp_ResponseId\":\"R1\",\"vnp_Command\":\"querydr\","
		"\"vnp_ResponseCode\":\"00\",\"vnp_Message\":\"QueryDR Success\","
		"\"vnp_TmnCode\":\"PORTAL01\",\"vnp_TxnRef\":\"123456789012-01\","
		"\"vnp_Amount\":\"15000000\",\"vnp_BankCode\":\"NCB\","
		"\"vnp_PayDate\":\"20231115051500\",\"vnp_TransactionNo\":\"14422574\","
		"\"vnp_TransactionType\":\"01\",\"vnp_TransactionStatus\":\"00\","
		"\"vnp_OrderInfo\":\"Thanh toan\",\"vnp_SecureHash\":\"" ANS_HASH "\"}";
	json_value *o = json_parse(a, ans, strlen(ans), err, sizeof err);
	assert_non_null(o);
	buf_reset(&b);
	vnp_answer_data(&b, o, vnp_querydr_answer_fields);
	assert_string_equal(b.p, "R1|querydr|00|QueryDR Success|PORTAL01|123456789012-01|15000000|NCB|20231115051500|14422574|01|00|Thanh toan||");
	assert_int_equal(vnp_querydr_answer_verify(SECRET, o), VNP_VALID);
	assert_int_equal(vnp_querydr_answer_verify("x", o), VNP_BAD_HASH);
	assert_int_equal(vnp_refund_answer_verify(SECRET, o), VNP_BAD_HASH);
	arena_free(a);
	buf_free(&b);
}

static void test_orderinfo_and_time(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	vnp_orderinfo(&b, "Thanh toán lệ phí (Đăng ký) *khai sinh*  ĐỢT 2 ~ ");
	assert_string_equal(b.p, "Thanh toan le phi Dang ky khai sinh DOT 2");
	assert_true(vnp_orderinfo_ok(b.p));
	buf_reset(&b);
	vnp_orderinfo(&b, "\xff\xfe ok");
	assert_string_equal(b.p, "ok");
	assert_false(vnp_orderinfo_ok(""));
	assert_false(vnp_orderinfo_ok("tab\there"));
	assert_false(vnp_orderinfo_ok("a!"));
	buf_free(&b);

	char t[15];
	vnp_time(0, t);
	assert_string_equal(t, "19700101070000");
	vnp_time(T0, t);
	assert_string_equal(t, "20231115051320");
	time_t back;
	assert_int_equal(vnp_time_parse(t, &back), 0);
	assert_int_equal((long long)back, T0);
	assert_int_equal(vnp_time_parse("20240231000000", &back), -1);
	assert_int_equal(vnp_time_parse("2024023100000", &back), -1);
	assert_int_equal(vnp_time_parse("2024013100000x", &back), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_doc_example_string),
		cmocka_unit_test(test_pay_url),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_api_bodies),
		cmocka_unit_test(test_orderinfo_and_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
