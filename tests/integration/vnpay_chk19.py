"""vnpay_chk19.py - the bank's side of VNPay 2.1.0, written from VNPay's
published specification and its own sample code, not from the portal's:

- the payment URL and the IPN / return query: HMAC-SHA512 over the vnp_*
  fields sorted by name, each name and value URL-encoded, joined with '&'
  (https://sandbox.vnpayment.vn/apis/docs/thanh-toan-pay/pay.html; the PHP
  sample's urlencode() loop and the Java sample's Config.hashAllFields over
  URLEncoder.encode(..., US_ASCII)); vnp_SecureHash and vnp_SecureHashType
  are left out of the data (the 2.1.0 changes page:
  https://sandbox.vnpayment.vn/apis/docs/chuyen-doi-thuat-toan/changeTypeHash.html);
- querydr and refund: a JSON POST whose vnp_SecureHash is HMAC-SHA512 over
  the fields joined with '|' in the order the spec lists
  (https://sandbox.vnpayment.vn/apis/docs/truy-van-hoan-tien/querydr&refund.html),
  the bank's answer signed the same way over its own list.

The two samples encode differently in one place that matters to a merchant:
Java's URLEncoder leaves '*' as it is, PHP's urlencode writes %2A; both
write a space as '+', and both keep only A-Z a-z 0-9 - _ . (and Java '*').
"""
import hashlib
import hmac
import random
import re
import urllib.parse

# --- URL encoding as each of VNPay's two samples does it -------------------

_PHP_SAFE = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
_JAVA_SAFE = _PHP_SAFE | {ord("*")}


def _encode(s, safe, space="+"):
    out = []
    for b in s.encode("utf-8"):
        if b in safe:
            out.append(chr(b))
        elif b == 0x20:
            out.append(space)
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def php_urlencode(s):
    """PHP urlencode(): what VNPay's PHP sample signs."""
    return _encode(s, _PHP_SAFE)


def java_urlencode(s):
    """java.net.URLEncoder.encode(s, UTF-8): what VNPay's Java sample signs
    (the sample says US_ASCII; for ASCII text the two are the same)."""
    return _encode(s, _JAVA_SAFE)


def rfc3986(s):
    """A client that writes a space as %20 (urllib.parse.quote's way)."""
    return _encode(s, _PHP_SAFE | {ord("~")}, space="%20")


# --- the query-string signature ----------------------------------------------

def hash_data(params, enc=php_urlencode, skip_empty=True):
    """The string VNPay signs: vnp_* fields but the hash itself, sorted by
    name, name=value URL-encoded, joined with '&'.  The Java sample drops
    empty values (fieldValue.length() > 0); the PHP sample never sends one."""
    items = sorted((k, v) for k, v in params.items()
                   if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType")
                   and not (skip_empty and v == ""))
    return "&".join(enc(k) + "=" + enc(v) for k, v in items)


def sign(params, secret, enc=php_urlencode):
    return hmac.new(secret.encode(), hash_data(params, enc).encode("utf-8"), hashlib.sha512).hexdigest()


def query(params, secret, enc=php_urlencode, order=None, hash_type=None, wire=None):
    """The query string the bank sends: the fields encoded with `wire`
    (default: the same encoder as the signature), in `order` (default:
    sorted), the hash last; vnp_SecureHashType put in when asked."""
    wire = wire or enc
    h = sign(params, secret, enc)
    keys = list(order) if order else sorted(params)
    parts = [wire(k) + "=" + wire(params[k]) for k in keys]
    if hash_type:
        parts.append("vnp_SecureHashType=" + hash_type)
    parts.append("vnp_SecureHash=" + h)
    return "&".join(parts)


def verify_query(raw_query, secret):
    """The bank checking a merchant's payment URL: decode the query as any
    HTTP server does, sign again PHP's way, compare in constant time."""
    fields = dict(urllib.parse.parse_qsl(raw_query, keep_blank_values=True))
    got = fields.get("vnp_SecureHash", "")
    want = sign(fields, secret)
    return hmac.compare_digest(got.lower(), want), fields


# --- what the spec says each field of the payment URL is ---------------------
# (Danh sách tham số, vnp_Command=pay, pay.html)

PAY_FIELDS = {
    # name: (required, regex over the decoded value)
    "vnp_Version": (True, r"2\.1\.0"),
    "vnp_Command": (True, r"pay"),
    "vnp_TmnCode": (True, r"[A-Za-z0-9]{8}"),
    "vnp_Amount": (True, r"[1-9][0-9]{0,11}"),
    "vnp_BankCode": (False, r"[A-Za-z0-9]{3,20}"),
    "vnp_CreateDate": (True, r"[0-9]{14}"),
    "vnp_CurrCode": (True, r"VND"),
    "vnp_IpAddr": (True, r"[0-9A-Fa-f.:]{7,45}"),
    "vnp_Locale": (True, r"vn|en"),
    "vnp_OrderInfo": (True, r"[\x20-\x7e]{1,255}"),
    "vnp_OrderType": (True, r"[A-Za-z0-9]{1,100}"),
    "vnp_ReturnUrl": (True, r"https?://\S{3,247}"),
    "vnp_ExpireDate": (True, r"[0-9]{14}"),
    "vnp_TxnRef": (True, r"[A-Za-z0-9]{1,100}"),
    "vnp_SecureHash": (True, r"[0-9a-f]{128}"),
}


def check_pay_fields(fields):
    """Every defect of the payment URL's fields against the spec, as text."""
    bad = []
    for name, (required, rx) in PAY_FIELDS.items():
        if name not in fields:
            if required:
                bad.append("%s missing" % name)
            continue
        if not re.fullmatch(rx, fields[name]):
            bad.append("%s=%r" % (name, fields[name]))
    for name in fields:
        if name not in PAY_FIELDS:
            bad.append("%s is no field of vnp_Command=pay 2.1.0" % name)
    info = fields.get("vnp_OrderInfo", "")
    # no character the two samples encode differently, so that a bank signing
    # either way gets the portal's hash
    if php_urlencode(info) != java_urlencode(info):
        bad.append("vnp_OrderInfo %r encodes differently in PHP and Java" % info)
    return bad


# --- the IPN the bank sends ---------------------------------------------------

def ipn_fields(tmn, txn_ref, amount_dong, response="00", status="00", order_info="Thanh toan",
               transaction_no=None, pay_date="20261201120000", bank="NCB", **over):
    p = {"vnp_Amount": str(amount_dong * 100), "vnp_BankCode": bank, "vnp_BankTranNo": "VNP%08d" % random.randrange(10 ** 8),
         "vnp_CardType": "ATM", "vnp_OrderInfo": order_info, "vnp_PayDate": pay_date,
         "vnp_ResponseCode": response, "vnp_TmnCode": tmn,
         "vnp_TransactionNo": transaction_no or str(random.randrange(10 ** 7, 10 ** 8)),
         "vnp_TransactionStatus": status, "vnp_TxnRef": txn_ref}
    over.setdefault("vnp_ResponseCode", response)
    over.setdefault("vnp_TransactionStatus", status)
    for k, v in over.items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return p


# --- querydr and refund (merchant_webapi/api/transaction) ----------------------

QUERYDR_REQUEST = ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
                   "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"]
REFUND_REQUEST = ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType",
                  "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy",
                  "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"]
QUERYDR_RESPONSE = ["vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
                    "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
                    "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode",
                    "vnp_PromotionAmount"]
REFUND_RESPONSE = QUERYDR_RESPONSE[:13]


def pipe_sign(body, order, secret):
    data = "|".join(str(body.get(k, "")) for k in order)
    return hmac.new(secret.encode(), data.encode("utf-8"), hashlib.sha512).hexdigest()


API_FIELDS = {
    "vnp_RequestId": r"[A-Za-z0-9]{1,32}",
    "vnp_Version": r"2\.1\.0",
    "vnp_TmnCode": r"[A-Za-z0-9]{8}",
    "vnp_TxnRef": r"[A-Za-z0-9]{1,100}",
    "vnp_OrderInfo": r"[\x20-\x7e]{1,255}",
    "vnp_TransactionDate": r"[0-9]{14}",
    "vnp_CreateDate": r"[0-9]{14}",
    "vnp_IpAddr": r"[0-9A-Fa-f.:]{7,45}",
    "vnp_SecureHash": r"[0-9a-f]{128}",
}
REFUND_FIELDS = {
    "vnp_TransactionType": r"0[23]",
    "vnp_Amount": r"[1-9][0-9]{0,11}",
    "vnp_CreateBy": r".{1,255}",
    "vnp_TransactionNo": r"[0-9]{0,15}",
}


def check_api_request(body, secret):
    """Every defect of a querydr / refund request against the spec."""
    bad = []
    cmd = body.get("vnp_Command")
    if cmd == "querydr":
        order, rules = QUERYDR_REQUEST, dict(API_FIELDS)
    elif cmd == "refund":
        order, rules = REFUND_REQUEST, dict(API_FIELDS, **REFUND_FIELDS)
    else:
        return ["vnp_Command=%r" % cmd]
    for name, rx in rules.items():
        v = body.get(name)
        if not isinstance(v, str):
            bad.append("%s is %r, not a string" % (name, v))
        elif not re.fullmatch(rx, v):
            bad.append("%s=%r" % (name, v))
    for name in body:
        if name not in order + ["vnp_SecureHash"]:
            bad.append("%s is no field of %s" % (name, cmd))
    if body.get("vnp_SecureHash") != pipe_sign(body, order, secret):
        bad.append("vnp_SecureHash is not HMAC-SHA512 over %s" % "|".join(order))
    return bad
