/*
 * vnpay.h - VNPay payment gateway, protocol version 2.1.0, as VNPay
 * publishes it (sandbox.vnpayment.vn/apis/docs: "thanh-toan-pay/pay.html",
 * "truy-van-hoan-tien/querydr&refund.html") and as its own PHP, Java and
 * .NET samples implement it.
 *
 * The signed string.  VNPay signs "name=value&name=value..." over the
 * vnp_* parameters sorted by name, with vnp_SecureHash and
 * vnp_SecureHashType left out, each name and value URL-encoded, and the
 * signature is hex HMAC-SHA512 keyed with the merchant's hash secret.  The
 * samples do not encode alike: PHP's urlencode keeps A-Z a-z 0-9 - _ . and
 * writes a space as '+'; Java's URLEncoder.encode(v, US_ASCII) also keeps
 * '*' and turns every non-ASCII character into '?'; .NET's
 * WebUtility.UrlEncode also keeps ! * ( ).  All three write other bytes as
 * upper-case %XX and a space as '+'.  So we encode exactly like PHP and
 * never send a value holding a non-ASCII byte or one of * ! ( ) ': on what
 * we send, every sample (and so VNPay, whichever it runs) computes the same
 * string.  vnp_OrderInfo is the only free text; vnp_orderinfo() makes it
 * safe.  Parameters with an empty value are never sent, and when
 * verifying they are left out of the string (the Java and .NET samples
 * skip them; PHP's would include "name=", but VNPay sends none).
 *
 * Verification recomputes the string from the decoded parameters the way
 * the sender built it, and compares digests in constant time
 * (CRYPTO_memcmp over the 64 bytes, the hex case ignored: VNPay's .NET
 * sample compares case-insensitively).  A repeated parameter name fails
 * verification: two readers could otherwise see two different values.
 *
 * The JSON API (querydr, refund) signs the values joined with '|' in the
 * order VNPay's documentation fixes per command (see vnpay.c).
 *
 * Pure functions over caller memory; OpenSSL for HMAC.  Thread-safe.
 */
#ifndef PORTAL_VNPAY_H
#define PORTAL_VNPAY_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "jsonparse.h"

#define VNP_VERSION "2.1.0"
#define VNP_HASH_HEX 128
#define VNP_ORDERINFO_MAX 255
/* vnp_Amount is Numeric[1,12] (pay.html; the refund's the same): đồng × 100
 * in at most twelve digits, so one payment carries at most this many đồng.
 * The agency API takes obligations up to PAY_AMOUNT_MAX (10^15): a larger
 * one cannot be paid through VNPay in one payment. */
#define VNP_AMOUNT_MAX 9999999999LL

typedef struct vnp_kv {
	const char *name;
	const char *value;
} vnp_kv;

/* PHP urlencode(): A-Z a-z 0-9 - _ . kept, space -> '+', else %XX. */
void vnp_urlencode(buf *out, const char *s);

/* 1 if every byte of s is printable ASCII outside * ! ( ) ' ~ and s has
 * 1..VNP_ORDERINFO_MAX bytes: encoded the same by every VNPay sample. */
int vnp_orderinfo_ok(const char *s);

/* Append a safe vnp_OrderInfo made from any UTF-8 text: Vietnamese letters
 * lose their diacritics (đ -> d), unsafe characters become spaces, runs of
 * spaces collapse, at most VNP_ORDERINFO_MAX bytes. */
void vnp_orderinfo(buf *out, const char *text);

/* The signed string of a parameter set (see above).  -1 if a name repeats. */
int vnp_hash_data(buf *out, const vnp_kv *p, size_t n);

/* Lower-case hex HMAC-SHA512(secret, msg). */
void vnp_hmac(const char *secret, const void *msg, size_t n,
	      char out[VNP_HASH_HEX + 1]);

/* 1 if hex (128 hex digits, any case) is the HMAC of msg; constant time. */
int vnp_hmac_eq(const char *secret, const void *msg, size_t n, const char *hex);

/* yyyyMMddHHmmss in GMT+7 (VNPay's clock), from a Unix time. */
void vnp_time(time_t t, char out[15]);
/* The reverse; -1 if s is not 14 digits of a real date and time. */
int vnp_time_parse(const char *s, time_t *t);

typedef struct vnp_pay {
	const char *tmn_code;
	long long amount;          /* đồng; sent ×100 */
	const char *txn_ref;       /* unique per attempt */
	const char *order_info;    /* must pass vnp_orderinfo_ok */
	const char *order_type;    /* VNPay's category, e.g. "other" */
	const char *return_url;
	const char *ip_addr;
	time_t created;
	int expire_minutes;        /* vnp_ExpireDate = created + this */
	const char *bank_code;     /* NULL or "" = the person chooses at VNPay */
	const char *locale;        /* "vn" */
} vnp_pay;

/* Append base_url + "?" + the encoded query + "&vnp_SecureHash=...".
 * -1 (nothing appended) if a field is missing or unsafe. */
int vnp_pay_url(buf *out, const char *base_url, const char *secret,
		const vnp_pay *p);

enum vnp_verdict {
	VNP_VALID = 0,
	VNP_NO_HASH = -1,          /* vnp_SecureHash absent or not 128 hex digits */
	VNP_BAD_HASH = -2,         /* present but wrong (or a repeated name) */
};

/* Verify a callback's (IPN or return) decoded parameters. */
int vnp_verify(const char *secret, const vnp_kv *p, size_t n);

/* The value of name in p, or NULL. */
const char *vnp_get(const vnp_kv *p, size_t n, const char *name);

typedef struct vnp_query {
	const char *tmn_code;
	const char *request_id;    /* unique per request and day */
	const char *txn_ref;
	const char *order_info;    /* safe text */
	const char *transaction_date; /* the attempt's vnp_CreateDate */
	time_t created;            /* now */
	const char *ip_addr;       /* the portal's address */
	/* refund only */
	const char *transaction_type; /* "02" full, "03" partial */
	long long amount;          /* đồng */
	const char *transaction_no;   /* VNPay's, or "" when unknown */
	const char *create_by;
} vnp_query;

/* Append the JSON body of a querydr or refund request, signed. -1 if a
 * field is missing. */
int vnp_querydr_body(buf *out, const char *secret, const vnp_query *q);
int vnp_refund_body(buf *out, const char *secret, const vnp_query *q);

/* Verify the signature of a querydr or refund answer (an object parsed
 * with json_parse).  VNP_VALID, VNP_NO_HASH or VNP_BAD_HASH. */
int vnp_querydr_answer_verify(const char *secret, const json_value *o);
int vnp_refund_answer_verify(const char *secret, const json_value *o);

/* The pipe-joined strings, exposed for the tests. */
int vnp_answer_data(buf *out, const json_value *o, const char *const *fields);
extern const char *const vnp_querydr_answer_fields[];
extern const char *const vnp_refund_answer_fields[];

#endif
