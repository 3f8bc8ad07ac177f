/* vnpay.c - VNPay 2.1.0: signing and verifying (see vnpay.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "json.h"
#include "crypto.h"
#include "vnpay.h"
#include "vntext.h"

static int unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

void vnp_urlencode(buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (unreserved(*p))
			buf_putc(out, (char)*p);
		else if (*p == ' ')
			buf_putc(out, '+');
		else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			buf_put(out, e, 3);
		}
	}
}

/* Printable ASCII that every sample encodes alike. */
static int safe_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && !strchr("*!()'~", c);
}

int vnp_orderinfo_ok(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++)
		if (!safe_byte((unsigned char)s[n]))
			return 0;
	return n >= 1 && n <= VNP_ORDERINFO_MAX;
}

void vnp_orderinfo(buf *out, const char *text)
{
	size_t start = out->len, n = strlen(text);
	const unsigned char *s = (const unsigned char *)text;

	for (size_t i = 0; i < n && out->len - start < VNP_ORDERINFO_MAX;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		char c = ' ';

		if (k == 0)
			k = 1;
		else if (k == 1) {
			if (safe_byte(s[i]))
				c = (char)s[i];
		} else {
			/* A letter with diacritics folds to one ASCII letter;
			 * vn_lower tells whether it was upper case. */
			char folded[8], lower[8];
			size_t fl = vn_fold((const char *)s + i, k, folded);
			vn_lower((const char *)s + i, k, lower);
			if (fl == 1 && folded[0] >= 'a' && folded[0] <= 'z') {
				c = folded[0];
				if (memcmp(lower, s + i, k) != 0)
					c = (char)(c - 'a' + 'A');
			}
		}
		i += k;
		if (c == ' ' && (out->len == start || out->p[out->len - 1] == ' '))
			continue;
		buf_putc(out, c);
	}
	while (out->len > start && out->p[out->len - 1] == ' ')
		out->p[--out->len] = '\0';
}

static int cmp_kv(const void *a, const void *b)
{
	return strcmp((*(const vnp_kv *const *)a)->name,
		      (*(const vnp_kv *const *)b)->name);
}

static int signed_param(const vnp_kv *kv)
{
	return kv->name && kv->value && kv->value[0] &&
	       strncmp(kv->name, "vnp_", 4) == 0 &&
	       strcmp(kv->name, "vnp_SecureHash") != 0 &&
	       strcmp(kv->name, "vnp_SecureHashType") != 0;
}

int vnp_hash_data(buf *out, const vnp_kv *p, size_t n)
{
	const vnp_kv **v = calloc(n ? n : 1, sizeof *v);
	size_t m = 0;
	int rc = 0;

	if (!v)
		abort();
	for (size_t i = 0; i < n; i++)
		if (p[i].name)
			v[m++] = &p[i];
	qsort(v, m, sizeof *v, cmp_kv);
	for (size_t i = 0; i + 1 < m; i++)
		if (strcmp(v[i]->name, v[i + 1]->name) == 0)
			rc = -1;
	for (size_t i = 0, first = 1; rc == 0 && i < m; i++) {
		if (!signed_param(v[i]))
			continue;
		if (!first)
			buf_putc(out, '&');
		first = 0;
		vnp_urlencode(out, v[i]->name);
		buf_putc(out, '=');
		vnp_urlencode(out, v[i]->value);
	}
	free(v);
	return rc;
}

static void hmac_raw(const char *secret, const void *msg, size_t n,
		     unsigned char md[64])
{
	unsigned int len = 64;

	if (!HMAC(EVP_sha512(), secret, (int)strlen(secret), msg, n, md, &len) ||
	    len != 64)
		abort();		/* OpenSSL out of memory: as everywhere */
}

void vnp_hmac(const char *secret, const void *msg, size_t n,
	      char out[VNP_HASH_HEX + 1])
{
	unsigned char md[64];

	hmac_raw(secret, msg, n, md);
	hex_encode(md, 64, out);
}

/* 128 hex digits (either case) -> 64 bytes; -1 if not exactly that. */
static int unhex(const char *hex, unsigned char out[64])
{
	return hex_decode(hex, 64, out);
}

int vnp_hmac_eq(const char *secret, const void *msg, size_t n, const char *hex)
{
	unsigned char want[64], got[64];

	if (unhex(hex, got) < 0)
		return 0;
	hmac_raw(secret, msg, n, want);
	return CRYPTO_memcmp(want, got, 64) == 0;
}

void vnp_time(time_t t, char out[15])
{
	struct tm tm;
	time_t local = t + 7 * 3600;

	gmtime_r(&local, &tm);
	strftime(out, 15, "%Y%m%d%H%M%S", &tm);
}

int vnp_time_parse(const char *s, time_t *t)
{
	struct tm tm = {0};
	int f[6], w[6] = {4, 2, 2, 2, 2, 2};

	if (!s || strlen(s) != 14)
		return -1;
	for (int i = 0, pos = 0; i < 6; pos += w[i], i++) {
		f[i] = 0;
		for (int j = 0; j < w[i]; j++) {
			if (s[pos + j] < '0' || s[pos + j] > '9')
				return -1;
			f[i] = f[i] * 10 + s[pos + j] - '0';
		}
	}
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5];
	time_t v = timegm(&tm) - 7 * 3600;
	char back[15];
	vnp_time(v, back);
	if (strcmp(back, s) != 0)	/* 20240231...: not a real date */
		return -1;
	*t = v;
	return 0;
}

int vnp_pay_url(buf *out, const char *base_url, const char *secret,
		const vnp_pay *p)
{
	char amount[32], created[15], expires[15];

	if (!p->tmn_code || !*p->tmn_code || !p->txn_ref || !*p->txn_ref ||
	    !p->return_url || !p->ip_addr || !*p->ip_addr ||
	    !p->order_type || !vnp_orderinfo_ok(p->order_info) ||
	    p->amount < 1 || p->amount > VNP_AMOUNT_MAX ||
	    p->expire_minutes < 1)
		return -1;
	snprintf(amount, sizeof amount, "%lld", p->amount * 100);
	vnp_time(p->created, created);
	vnp_time(p->created + 60L * p->expire_minutes, expires);
	const vnp_kv kv[] = {
		{"vnp_Version", VNP_VERSION},
		{"vnp_Command", "pay"},
		{"vnp_TmnCode", p->tmn_code},
		{"vnp_Amount", amount},
		{"vnp_CurrCode", "VND"},
		{"vnp_TxnRef", p->txn_ref},
		{"vnp_OrderInfo", p->order_info},
		{"vnp_OrderType", p->order_type},
		{"vnp_Locale", p->locale && *p->locale ? p->locale : "vn"},
		{"vnp_ReturnUrl", p->return_url},
		{"vnp_IpAddr", p->ip_addr},
		{"vnp_CreateDate", created},
		{"vnp_ExpireDate", expires},
		{"vnp_BankCode", p->bank_code},   /* empty: not sent */
	};
	buf q = BUF_INIT;
	char hash[VNP_HASH_HEX + 1];

	vnp_hash_data(&q, kv, sizeof kv / sizeof kv[0]);
	vnp_hmac(secret, q.p, q.len, hash);
	buf_puts(out, base_url);
	buf_putc(out, strchr(base_url, '?') ? '&' : '?');
	/* The query sent is the signed string itself (PHP and Java alike). */
	buf_put(out, q.p, q.len);
	buf_puts(out, "&vnp_SecureHash=");
	buf_puts(out, hash);
	buf_free(&q);
	return 0;
}

const char *vnp_get(const vnp_kv *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].name && strcmp(p[i].name, name) == 0)
			return p[i].value;
	return NULL;
}

int vnp_verify(const char *secret, const vnp_kv *p, size_t n)
{
	const char *given = NULL;
	int count = 0;
	unsigned char tmp[64];

	for (size_t i = 0; i < n; i++)
		if (p[i].name && strcmp(p[i].name, "vnp_SecureHash") == 0) {
			given = p[i].value;
			count++;
		}
	if (count == 0 || unhex(given, tmp) < 0)
		return VNP_NO_HASH;
	if (count > 1)
		return VNP_BAD_HASH;
	buf data = BUF_INIT;
	int ok = vnp_hash_data(&data, p, n) == 0 &&
		 vnp_hmac_eq(secret, data.p ? data.p : "", data.len, given);
	buf_free(&data);
	return ok ? VNP_VALID : VNP_BAD_HASH;
}

/* The JSON API signs values joined with '|', in these orders (VNPay's
 * "querydr&refund" page; its PHP, Java, .NET and Node samples agree). */
static int pipe_body(buf *out, const char *secret, const char *const *names,
		     const char *const *values, size_t n)
{
	buf data = BUF_INIT;
	char hash[VNP_HASH_HEX + 1];

	for (size_t i = 0; i < n; i++)
		if (!values[i])
			return -1;
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(&data, '|');
		buf_puts(&data, values[i]);
	}
	vnp_hmac(secret, data.p, data.len, hash);
	buf_free(&data);
	buf_putc(out, '{');
	for (size_t i = 0; i < n; i++) {
		json_key(out, names[i]);
		json_cstr(out, values[i]);
		buf_putc(out, ',');
	}
	json_key(out, "vnp_SecureHash");
	json_cstr(out, hash);
	buf_putc(out, '}');
	return 0;
}

int vnp_querydr_body(buf *out, const char *secret, const vnp_query *q)
{
	static const char *const names[] = {
		"vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode",
		"vnp_TxnRef", "vnp_TransactionDate", "vnp_CreateDate",
		"vnp_IpAddr", "vnp_OrderInfo",
	};
	char created[15];

	if (!vnp_orderinfo_ok(q->order_info))
		return -1;
	vnp_time(q->created, created);
	const char *const values[] = {
		q->request_id, VNP_VERSION, "querydr", q->tmn_code, q->txn_ref,
		q->transaction_date, created, q->ip_addr, q->order_info,
	};
	return pipe_body(out, secret, names, values, 9);
}

int vnp_refund_body(buf *out, const char *secret, const vnp_query *q)
{
	static const char *const names[] = {
		"vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode",
		"vnp_TransactionType", "vnp_TxnRef", "vnp_Amount",
		"vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy",
		"vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
	};
	char created[15], amount[32];

	if (!vnp_orderinfo_ok(q->order_info) || q->amount < 1 ||
	    q->amount > VNP_AMOUNT_MAX)
		return -1;
	vnp_time(q->created, created);
	snprintf(amount, sizeof amount, "%lld", q->amount * 100);
	const char *const values[] = {
		q->request_id, VNP_VERSION, "refund", q->tmn_code,
		q->transaction_type, q->txn_ref, amount,
		q->transaction_no ? q->transaction_no : "", q->transaction_date,
		q->create_by, created, q->ip_addr, q->order_info,
	};
	return pipe_body(out, secret, names, values, 13);
}

const char *const vnp_querydr_answer_fields[] = {
	"vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message",
	"vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode",
	"vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
	"vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode",
	"vnp_PromotionAmount", NULL,
};

const char *const vnp_refund_answer_fields[] = {
	"vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message",
	"vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode",
	"vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
	"vnp_TransactionStatus", "vnp_OrderInfo", NULL,
};

/* An absent field or null signs as ""; a number as written. */
int vnp_answer_data(buf *out, const json_value *o, const char *const *fields)
{
	if (!o || o->type != JSON_OBJECT)
		return -1;
	for (size_t i = 0; fields[i]; i++) {
		const json_value *v = json_get(o, fields[i]);
		if (i)
			buf_putc(out, '|');
		if (!v || v->type == JSON_NULL)
			continue;
		if (v->type == JSON_STRING)
			buf_put(out, v->str, v->len);
		else if (v->type == JSON_NUMBER)
			buf_puts(out, v->num);
		else
			return -1;
	}
	return 0;
}

static int answer_verify(const char *secret, const json_value *o,
			 const char *const *fields)
{
	const char *given = json_get_str(o, "vnp_SecureHash");
	unsigned char tmp[64];

	if (!given || unhex(given, tmp) < 0)
		return VNP_NO_HASH;
	buf data = BUF_INIT;
	int ok = vnp_answer_data(&data, o, fields) == 0 &&
		 vnp_hmac_eq(secret, data.p ? data.p : "", data.len, given);
	buf_free(&data);
	return ok ? VNP_VALID : VNP_BAD_HASH;
}

int vnp_querydr_answer_verify(const char *secret, const json_value *o)
{
	return answer_verify(secret, o, vnp_querydr_answer_fields);
}

int vnp_refund_answer_verify(const char *secret, const json_value *o)
{
	return answer_verify(secret, o, vnp_refund_answer_fields);
}
