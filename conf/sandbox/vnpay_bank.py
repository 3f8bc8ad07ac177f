#!/usr/bin/env python3
"""vnpay_bank.py - a stand-in for VNPay (protocol 2.1.0) on this machine.

The portal's payment area talks to it exactly as it would to VNPay:

  GET  /paymentv2/vpcpay.html?vnp_...      the payment page; a person picks
                                           the outcome (and, for testing,
                                           faults) and presses a button
  POST /paymentv2/decide                   that button: redirect to
                                           vnp_ReturnUrl with signed
                                           parameters, IPN to the portal
  POST /merchant_webapi/api/transaction    querydr and refund (JSON,
                                           pipe-joined HMAC-SHA512)
  GET  /sandbox/transactions[?txn_ref=]    what the bank did (JSON, tests),
                                           with querydr_calls: how many
                                           querydr requests named it
  GET  /sandbox/api_requests[?txn_ref=]    every querydr / refund request
                                           body as received, with the
                                           answer's vnp_ResponseCode (tests)
  POST /sandbox/control                    settings at run time (JSON, tests):
                                           {"api_down": true}, {"faults": {...}}

It is the *other party*: written in Python from VNPay's published rules,
sharing no code with the portal's C signing, so a mistake in one shows up
as a signature the other refuses.  Its URL encoding follows VNPay's Java
sample (URLEncoder with US-ASCII: '*' kept, non-ASCII -> '?'), the portal's
follows the PHP sample: on the safe text the portal sends they agree, and
if the portal ever sent a '*' or a diacritic, this bank would refuse it as
VNPay's Java-side servers would.

Faults, per attempt (fields of the payment page's form) or as defaults
(POST /sandbox/control {"faults": {...}} or SANDBOX_FAULTS="ipn=never,..."):
  ipn       normal | before_return | after_return | late | never
  dup       extra identical IPNs sent at once (0..50)
  badsig    1: IPN and return carry a wrong vnp_SecureHash
  amount    a different amount in đồng in the callbacks (signed correctly)
  api_down  1: the JSON API answers 503 about this attempt
  refund_slow  seconds: a refund is done at once, its answer sent that late
  refund_lost  1: a refund is done and its answer never sent (the
               connection is closed), as when the network fails after the
               bank acted
  api_badsig   1: the JSON API's answers about this attempt carry a wrong
               vnp_SecureHash (a forged or corrupted answer)
The IPN is retried (SANDBOX_IPN_RETRY_SECONDS apart, SANDBOX_IPN_TRIES
times) until the portal answers RspCode 00 or 02, as VNPay does.

Settings (environment): PORTAL_BANK_SANDBOX_PORT, PORTAL_LISTEN,
PORTAL_VNPAY_TMN_CODE, PORTAL_VNPAY_HASH_SECRET, SANDBOX_IPN_URL (default
the public site's /payment/vnpay/ipn), SANDBOX_IPN_RETRY_SECONDS (5),
SANDBOX_IPN_TRIES (10), SANDBOX_IPN_LATE_SECONDS (30),
SANDBOX_AFTER_RETURN_SECONDS (2), SANDBOX_STATE (a JSON file that keeps the
transactions across restarts).

Python 3 standard library only.
"""
import datetime
import hashlib
import hmac
import html
import http.server
import json
import os
import random
import re
import socketserver
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

LISTEN = os.environ.get("PORTAL_LISTEN", "127.0.0.1")
PORT = int(os.environ.get("PORTAL_BANK_SANDBOX_PORT", "8090"))
TMN = os.environ.get("PORTAL_VNPAY_TMN_CODE", "")
SECRET = os.environ.get("PORTAL_VNPAY_HASH_SECRET", "")
IPN_URL = os.environ.get("SANDBOX_IPN_URL") or "http://%s:%s/payment/vnpay/ipn" % (
    LISTEN, os.environ.get("PORTAL_PUBLIC_PORT", "8080"))
RETRY_S = float(os.environ.get("SANDBOX_IPN_RETRY_SECONDS", "5"))
TRIES = int(os.environ.get("SANDBOX_IPN_TRIES", "10"))
LATE_S = float(os.environ.get("SANDBOX_IPN_LATE_SECONDS", "30"))
AFTER_S = float(os.environ.get("SANDBOX_AFTER_RETURN_SECONDS", "2"))
STATE_FILE = os.environ.get("SANDBOX_STATE", "")

GMT7 = datetime.timezone(datetime.timedelta(hours=7))
OUTCOMES = {
    # choice: (vnp_ResponseCode, vnp_TransactionStatus, Vietnamese label)
    "paid": ("00", "00", "Thanh toán thành công"),
    "cancelled": ("24", "02", "Khách hàng hủy giao dịch"),
    "failed": ("99", "02", "Giao dịch thất bại"),
    "insufficient": ("51", "02", "Tài khoản không đủ số dư"),
}
IPN_MODES = ("normal", "before_return", "after_return", "late", "never")

lock = threading.Lock()
txns = {}            # txn_ref -> dict
settings = {"api_down": False, "faults": {}}
# querydr requests received per vnp_TxnRef, whatever was answered (the API
# down included): how hard the portal leans on the bank, for the tests
queries = {}
# every JSON API request as received, and the day's vnp_RequestIds: VNPay
# refuses a vnp_RequestId seen before that day (querydr&refund.html: "Không
# được trùng lặp trong ngày"), answering 94 (duplicate request)
api_log = []
request_ids = set()
for part in filter(None, os.environ.get("SANDBOX_FAULTS", "").split(",")):
    k, _, v = part.partition("=")
    settings["faults"][k.strip()] = v.strip()


def now7():
    return datetime.datetime.now(GMT7).strftime("%Y%m%d%H%M%S")


# --- VNPay's signing, the Java sample's way ------------------------------

def java_urlencode(s):
    """java.net.URLEncoder.encode(s, US_ASCII): a-z A-Z 0-9 . - * _ kept,
    space -> '+', every other ASCII byte %XX (upper case), and every
    non-ASCII character becomes '?' (US-ASCII cannot encode it) -> %3F."""
    out = []
    for ch in s:
        if ch.isascii() and (ch.isalnum() or ch in ".-*_"):
            out.append(ch)
        elif ch == " ":
            out.append("+")
        elif not ch.isascii():
            out.append("%3F")
        else:
            out.append("%%%02X" % ord(ch))
    return "".join(out)


def signed_string(params):
    keys = sorted(k for k, v in params.items()
                  if k.startswith("vnp_") and v != ""
                  and k not in ("vnp_SecureHash", "vnp_SecureHashType"))
    return "&".join(java_urlencode(k) + "=" + java_urlencode(params[k]) for k in keys)


def sign(data):
    return hmac.new(SECRET.encode(), data.encode("utf-8"), hashlib.sha512).hexdigest()


def verify(params):
    given = params.get("vnp_SecureHash", "")
    return hmac.compare_digest(sign(signed_string(params)), given.lower())


def save():
    if not STATE_FILE:
        return
    tmp = STATE_FILE + ".tmp"
    with open(tmp, "w") as f:
        json.dump(txns, f)
    os.replace(tmp, STATE_FILE)


def load():
    if STATE_FILE and os.path.exists(STATE_FILE):
        with open(STATE_FILE) as f:
            txns.update(json.load(f))


# --- callbacks ------------------------------------------------------------

def result_params(t):
    """The parameters VNPay sends back on the return URL and the IPN."""
    amount = t["amount"] if not t["faults"].get("amount") else int(t["faults"]["amount"])
    p = {
        "vnp_Amount": str(amount * 100),
        "vnp_BankCode": t["bank_code"] or "NCB",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": t["order_info"],
        "vnp_PayDate": t["pay_date"],
        "vnp_ResponseCode": t["response_code"],
        "vnp_TmnCode": TMN,
        "vnp_TransactionNo": t["transaction_no"] if t["response_code"] == "00" else "0",
        "vnp_TransactionStatus": t["transaction_status"],
        "vnp_TxnRef": t["txn_ref"],
    }
    if t["response_code"] == "00":
        p["vnp_BankTranNo"] = "VNP" + t["transaction_no"]
    p["vnp_SecureHash"] = sign(signed_string(p))
    if t["faults"].get("badsig") in ("1", "on", "true"):
        p["vnp_SecureHash"] = sign(signed_string(p) + "x")
    return p


def send_ipn(t, params, record=True):
    """One IPN GET; returns the RspCode, or None when there was no usable answer."""
    url = IPN_URL + "?" + urllib.parse.urlencode(params)
    code, body = None, ""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            body = r.read(2000).decode("utf-8", "replace")
            code = json.loads(body).get("RspCode")
    except urllib.error.HTTPError as e:
        body = "HTTP %d" % e.code
    except Exception as e:      # connection refused, timeout, bad JSON
        body = str(e)[:200]
    if record:
        with lock:
            t["ipn_log"].append({"at": time.time(), "rsp": code, "answer": body[:200]})
            save()
    return code


def fire(t, params, first):
    """One IPN, plus on the first round the extra identical copies the
    attempt asked for, all at the same moment; the first one's RspCode."""
    dup = int(t["faults"].get("dup") or 0) if first else 0
    threads = [threading.Thread(target=send_ipn, args=(t, params)) for _ in range(dup)]
    for th in threads:
        th.start()
    code = send_ipn(t, params)
    for th in threads:
        th.join()
    return code


def ipn_with_retries(t, delay, tries=None):
    if delay:
        time.sleep(delay)
    params = result_params(t)
    for i in range(TRIES if tries is None else tries):
        if fire(t, params, i == 0) in ("00", "02"):
            with lock:
                t["ipn_done"] = True
                save()
            return
        time.sleep(RETRY_S)


# --- pages ----------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%(title)s - Ngân hàng thử nghiệm</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b1f23}
main{max-width:32rem;margin:0 auto;padding:1rem}
h1{font-size:1.3rem} .box{background:#fff;border:1px solid #ccd;padding:1rem;border-radius:6px}
.warn{background:#fff4d6;border:1px solid #e0b300;padding:.5rem;border-radius:6px}
button{display:block;width:100%%;margin:.4rem 0;padding:.8rem;font-size:1rem;border-radius:6px;border:1px solid #567;background:#fff}
button.ok{background:#0b6e2f;color:#fff;border-color:#0b6e2f}
dt{font-weight:600} dd{margin:0 0 .5rem 0} fieldset{margin-top:1rem}
label{display:block;margin:.2rem 0} select,input{font-size:1rem}
</style></head><body><main>
<p class="warn">Đây là <strong>ngân hàng thử nghiệm</strong> của cổng dịch vụ công,
chạy trên máy này. Không có tiền thật nào được chuyển.</p>
%(body)s
</main></body></html>"""


def money(v):
    return "{:,}".format(v).replace(",", ".")


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "VNPaySandbox/2.1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("sandbox: %s %s\n" % (self.address_string(), fmt % args))

    def send(self, status, body, ctype="text/html; charset=utf-8", headers=()):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def page(self, status, title, body):
        self.send(status, PAGE % {"title": html.escape(title), "body": body})

    def read_body(self, limit=65536):
        n = int(self.headers.get("Content-Length") or 0)
        if n > limit:
            raise ValueError("body too large")
        return self.rfile.read(n)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/paymentv2/vpcpay.html":
            return self.pay_page(url.query)
        if url.path == "/sandbox/transactions":
            q = dict(urllib.parse.parse_qsl(url.query))
            with lock:
                out = [dict(t, querydr_calls=queries.get(t["txn_ref"], 0)) for t in txns.values()
                       if "txn_ref" not in q or t["txn_ref"] == q["txn_ref"]]
                return self.send(200, json.dumps(out), "application/json")
        if url.path == "/sandbox/api_requests":
            q = dict(urllib.parse.parse_qsl(url.query))
            with lock:
                out = [e for e in api_log if "txn_ref" not in q or e["body"].get("vnp_TxnRef") == q["txn_ref"]]
                return self.send(200, json.dumps(out), "application/json")
        if url.path == "/sandbox/health":
            return self.send(200, '{"ok":true}', "application/json")
        self.page(404, "Không tìm thấy", "<h1>Không tìm thấy trang</h1>")

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        try:
            body = self.read_body()
        except ValueError:
            return self.send(413, "too large", "text/plain")
        if url.path == "/paymentv2/decide":
            return self.decide(body)
        if url.path == "/merchant_webapi/api/transaction":
            return self.api(body)
        if url.path == "/sandbox/control":
            try:
                c = json.loads(body or b"{}")
            except ValueError:
                return self.send(400, '{"error":"bad json"}', "application/json")
            with lock:
                if "api_down" in c:
                    settings["api_down"] = bool(c["api_down"])
                if "faults" in c:
                    settings["faults"] = dict(c["faults"])
            return self.send(200, json.dumps(settings), "application/json")
        self.send(404, "not found", "text/plain")

    # The payment page: VNPay checks the request's signature and fields.
    def pay_page(self, query):
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        params = dict(pairs)
        if len(params) != len(pairs):
            return self.page(400, "Lỗi", "<h1>Tham số bị lặp</h1>")
        if not verify(params):
            return self.page(400, "Sai chữ ký", "<h1>Sai chữ ký (mã lỗi 70)</h1>"
                             "<p>Yêu cầu thanh toán không có chữ ký hợp lệ của đơn vị.</p>")
        need = ("vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_Amount", "vnp_CurrCode",
                "vnp_TxnRef", "vnp_OrderInfo", "vnp_OrderType", "vnp_Locale",
                "vnp_ReturnUrl", "vnp_IpAddr", "vnp_CreateDate", "vnp_ExpireDate")
        missing = [k for k in need if not params.get(k)]
        # the sizes of pay.html's table: vnp_Amount Numeric[1,12],
        # vnp_TxnRef Alphanumeric[1,100], vnp_OrderInfo [1,255], the dates
        # Numeric[14], vnp_IpAddr [7,45]
        if not missing and (len(params["vnp_Amount"]) > 12 or len(params["vnp_TxnRef"]) > 100
                            or not params["vnp_TxnRef"].isalnum() or len(params["vnp_OrderInfo"]) > 255
                            or not (params["vnp_CreateDate"].isdigit() and len(params["vnp_CreateDate"]) == 14)
                            or not (params["vnp_ExpireDate"].isdigit() and len(params["vnp_ExpireDate"]) == 14)
                            or not 7 <= len(params["vnp_IpAddr"]) <= 45):
            missing = ["vnp_Amount, vnp_TxnRef, vnp_OrderInfo, vnp_CreateDate, vnp_ExpireDate"
                       " hoặc vnp_IpAddr sai định dạng"]
        if missing or params["vnp_Version"] != "2.1.0" or params["vnp_Command"] != "pay" \
                or params["vnp_CurrCode"] != "VND" or params["vnp_TmnCode"] != TMN \
                or not params["vnp_Amount"].isdigit() or int(params["vnp_Amount"]) % 100:
            return self.page(400, "Lỗi", "<h1>Dữ liệu gửi sang không hợp lệ (mã lỗi 03)</h1><p>%s</p>"
                             % html.escape(", ".join(missing) or "phiên bản, lệnh, đơn vị hoặc số tiền"))
        ref = params["vnp_TxnRef"]
        with lock:
            t = txns.get(ref)
            if t and t["state"] != "open":
                return self.page(409, "Đã xử lý", "<h1>Giao dịch này đã được xử lý</h1>"
                                 "<p>Mã giao dịch đã tồn tại (mã lỗi 94).</p>")
            if not t:
                t = txns[ref] = {
                    "txn_ref": ref, "amount": int(params["vnp_Amount"]) // 100,
                    "order_info": params["vnp_OrderInfo"], "return_url": params["vnp_ReturnUrl"],
                    "bank_code": params.get("vnp_BankCode", ""),
                    "create_date": params["vnp_CreateDate"], "expire_date": params["vnp_ExpireDate"],
                    "state": "open", "response_code": "", "transaction_status": "01",
                    "transaction_no": str(random.randint(10000000, 99999999)),
                    "pay_date": "", "faults": {}, "ipn_log": [], "ipn_done": False,
                    "refunds": [], "returned": False,
                }
                save()
        d = settings["faults"]
        opts = "".join('<option value="%s"%s>%s</option>' % (
            m, " selected" if d.get("ipn", "normal") == m else "", m) for m in IPN_MODES)
        body = """<h1>Thanh toán</h1>
<div class="box"><dl>
<dt>Số tiền</dt><dd>%(amount)s đồng</dd>
<dt>Nội dung</dt><dd>%(info)s</dd>
<dt>Mã giao dịch</dt><dd>%(ref)s</dd>
</dl></div>
<form method="post" action="/paymentv2/decide">
<input type="hidden" name="txn_ref" value="%(ref)s">
<button class="ok" name="outcome" value="paid">Thanh toán</button>
<button name="outcome" value="cancelled">Hủy giao dịch</button>
<button name="outcome" value="failed">Giao dịch thất bại</button>
<button name="outcome" value="insufficient">Tài khoản không đủ số dư</button>
<fieldset><legend>Lỗi giả lập (thử nghiệm)</legend>
<label>Gửi IPN <select name="ipn">%(opts)s</select></label>
<label>Số IPN trùng thêm <input name="dup" size="3" inputmode="numeric" value="%(dup)s"></label>
<label><input type="checkbox" name="badsig" value="1"%(badsig)s> Chữ ký sai</label>
<label>Số tiền khác (đồng) <input name="amount" size="10" inputmode="numeric" value="%(amt)s"></label>
<label><input type="checkbox" name="api_down" value="1"%(apidown)s> API truy vấn ngừng hoạt động</label>
</fieldset>
</form>""" % {
            "amount": money(t["amount"]), "info": html.escape(t["order_info"]),
            "ref": html.escape(ref), "opts": opts, "dup": html.escape(str(d.get("dup", ""))),
            "badsig": " checked" if d.get("badsig") else "", "amt": html.escape(str(d.get("amount", ""))),
            "apidown": " checked" if d.get("api_down") else "",
        }
        self.page(200, "Thanh toán", body)

    def decide(self, body):
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        ref, outcome = form.get("txn_ref", ""), form.get("outcome", "")
        mode = form.get("ipn") or "normal"
        if outcome not in OUTCOMES or mode not in IPN_MODES:
            return self.page(400, "Lỗi", "<h1>Chọn một kết quả</h1>")
        faults = {"ipn": mode}
        for k in ("dup", "amount", "refund_slow"):
            v = form.get(k, "").strip()
            if v:
                if not v.isdigit() or (k == "dup" and int(v) > 50):
                    return self.page(400, "Lỗi", "<h1>%s không hợp lệ</h1>" % k)
                faults[k] = v
        for k in ("badsig", "api_down", "refund_lost", "api_badsig"):
            if form.get(k):
                faults[k] = "1"
        with lock:
            t = txns.get(ref)
            if not t or t["state"] != "open":
                return self.page(409, "Đã xử lý", "<h1>Giao dịch không còn chờ thanh toán</h1>")
            code, status, _ = OUTCOMES[outcome]
            if now7() > t["expire_date"]:
                code, status = "11", "02"        # the customer took too long
            t.update(state="done", response_code=code, transaction_status=status,
                     pay_date=now7(), faults=faults)
            save()
        params = result_params(t)
        back = t["return_url"] + ("&" if "?" in t["return_url"] else "?") + urllib.parse.urlencode(params)
        if mode == "before_return":
            # the IPN reaches the portal before the browser does
            if fire(t, params, True) not in ("00", "02"):
                threading.Thread(target=ipn_with_retries, args=(t, RETRY_S), daemon=True).start()
            else:
                t["ipn_done"] = True
        elif mode == "normal":
            threading.Thread(target=ipn_with_retries, args=(t, 0), daemon=True).start()
        elif mode == "after_return":
            threading.Thread(target=ipn_with_retries, args=(t, AFTER_S), daemon=True).start()
        elif mode == "late":
            threading.Thread(target=ipn_with_retries, args=(t, LATE_S), daemon=True).start()
        self.send(302, "", "text/plain", headers=[("Location", back)])

    # --- the JSON API --------------------------------------------------
    def api(self, body):
        try:
            asked = json.loads(body)
            if asked.get("vnp_Command") == "querydr":
                ref = str(asked.get("vnp_TxnRef", ""))
                with lock:
                    queries[ref] = queries.get(ref, 0) + 1
        except (ValueError, AttributeError):
            pass
        if settings["api_down"]:
            return self.send(503, "Service Unavailable", "text/plain")
        try:
            req = json.loads(body)
            cmd = req["vnp_Command"]
        except (ValueError, KeyError, TypeError):
            return self.send(400, '{"vnp_ResponseCode":"03","vnp_Message":"Invalid format"}',
                             "application/json")
        self.logged = {"at": time.time(), "body": req, "rsp": None}
        with lock:
            api_log.append(self.logged)
            if len(api_log) > 5000:      # a long-running sandbox: the recent ones
                del api_log[:1000]
        if cmd == "querydr":
            fields = ("vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
                      "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo")
        elif cmd == "refund":
            fields = ("vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode",
                      "vnp_TransactionType", "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo",
                      "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate", "vnp_IpAddr",
                      "vnp_OrderInfo")
        else:
            return self.answer(cmd, "02", "Invalid command", None)
        if any(not isinstance(req.get(f, ""), str) for f in fields):
            return self.answer(cmd, "03", "Invalid format", None)
        data = "|".join(req.get(f, "") for f in fields)
        if not hmac.compare_digest(sign(data), str(req.get("vnp_SecureHash", "")).lower()):
            return self.answer(cmd, "97", "Invalid Checksum", None)
        if req.get("vnp_TmnCode") != TMN:
            return self.answer(cmd, "02", "Merchant is not valid", None)
        # the field formats of querydr&refund.html's tables
        dates = ("vnp_TransactionDate", "vnp_CreateDate")
        if not re.fullmatch(r"[A-Za-z0-9]{1,32}", req.get("vnp_RequestId", "")) \
                or req.get("vnp_Version") != "2.1.0" \
                or any(not re.fullmatch(r"[0-9]{14}", req.get(f, "")) for f in dates) \
                or not 7 <= len(req.get("vnp_IpAddr", "")) <= 45 \
                or not 1 <= len(req.get("vnp_OrderInfo", "")) <= 255 \
                or (cmd == "refund" and not re.fullmatch(r"[0-9]{1,12}", req.get("vnp_Amount", ""))):
            return self.answer(cmd, "03", "Invalid format", None)
        with lock:
            seen = (now7()[:8], req["vnp_RequestId"])
            dup = seen in request_ids
            request_ids.add(seen)
        if dup:
            return self.answer(cmd, "94", "Duplicate request", None)
        with lock:
            t = txns.get(req.get("vnp_TxnRef", ""))
            if not t:
                return self.answer(cmd, "91", "Not found transaction", None)
            if t["faults"].get("api_down"):
                return self.send(503, "Service Unavailable", "text/plain")
            if cmd == "querydr":
                return self.answer(cmd, "00", "QueryDR Success", t)
            # refund: only of a paid transaction, never more than was paid
            if t["response_code"] != "00":
                return self.answer(cmd, "94", "Transaction not paid", t)
            amt = req.get("vnp_Amount", "")
            if not amt.isdigit() or int(amt) // 100 > t["amount"] - sum(r["amount"] for r in t["refunds"]):
                return self.answer(cmd, "94", "Refund amount exceeds", t)
            if req.get("vnp_TransactionType") not in ("02", "03"):
                return self.answer(cmd, "03", "Invalid transaction type", t)
            t["refunds"].append({"amount": int(amt) // 100, "at": time.time(),
                                 "type": req["vnp_TransactionType"]})
            t["transaction_status"] = "05"
            save()
            slow, lost = t["faults"].get("refund_slow"), t["faults"].get("refund_lost")
        # the bank has acted; what the portal hears of it may be late or lost
        if lost:
            self.close_connection = True
            return None
        if slow:
            time.sleep(float(slow))
        with lock:
            return self.answer(cmd, "00", "Refund success", t)

    def answer(self, cmd, code, message, t):
        a = {
            "vnp_ResponseId": "%016x" % random.getrandbits(64), "vnp_Command": cmd,
            "vnp_ResponseCode": code, "vnp_Message": message, "vnp_TmnCode": TMN,
            "vnp_TxnRef": t["txn_ref"] if t else "", "vnp_Amount": str(t["amount"] * 100) if t else "",
            "vnp_BankCode": (t["bank_code"] or "NCB") if t else "", "vnp_PayDate": t["pay_date"] if t else "",
            "vnp_TransactionNo": t["transaction_no"] if t and t["response_code"] == "00" else "",
            "vnp_TransactionType": ("02" if cmd == "refund" else "01") if t else "",
            "vnp_TransactionStatus": t["transaction_status"] if t else "",
            "vnp_OrderInfo": t["order_info"] if t else "",
        }
        order = ["vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
                 "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
                 "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo"]
        if cmd == "querydr":
            a["vnp_PromotionCode"] = ""
            a["vnp_PromotionAmount"] = ""
            order += ["vnp_PromotionCode", "vnp_PromotionAmount"]
        a["vnp_SecureHash"] = sign("|".join(a[k] for k in order))
        if t and t["faults"].get("api_badsig"):
            a["vnp_SecureHash"] = sign("|".join(a[k] for k in order) + "x")
        if getattr(self, "logged", None) is not None:
            self.logged["rsp"] = code
        self.send(200, json.dumps(a), "application/json")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: a burst of 32 people
    # (or a test) paying at once got connection resets from "the bank"
    request_queue_size = 128


def main():
    if not TMN or not SECRET:
        sys.exit("sandbox: PORTAL_VNPAY_TMN_CODE and PORTAL_VNPAY_HASH_SECRET must be set")
    load()
    srv = Server((LISTEN, PORT), Handler)
    sys.stderr.write("sandbox: VNPay stand-in on http://%s:%d/, IPN to %s\n" % (LISTEN, PORT, IPN_URL))
    srv.serve_forever()


if __name__ == "__main__":
    main()
