"""test_payment.py - the payment area over HTTP, with the test playing the
bank itself where it must: its own VNPay signing (written here from PHP's
urlencode rules, not shared with the portal's C or the sandbox), forged and
missing signatures, a tampered amount, an unknown vnp_TxnRef, replays, 50
identical callbacks at once, the IPN before/after/never, the bank's API down.
The invariants checked after each: exactly one paid attempt and one receipt
per paid obligation, every callback stored, receipt numbers gapless.
"""
import hashlib
import hmac
import html
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse

from harness import HOST, INTRANET_PORT, PORT, get, request, wait_until

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VAR = os.environ.get("PORTAL_VAR", "var")
VAR = VAR if VAR.startswith("/") else os.path.join(ROOT, VAR)
TMN = os.environ.get("PORTAL_VNPAY_TMN_CODE", "CONGDVC1")
BANK_PORT = int(os.environ.get("PORTAL_BANK_SANDBOX_PORT", "8090"))
DB = os.environ.get("PORTAL_DB_NAME", "portal")
# tests/run.sh's; conf/portal.conf's 10 when the stack was started without it
RETURN_ASK_SECONDS = int(os.environ.get("PORTAL_RETURN_ASK_SECONDS", "10"))


def secret(name):
    with open(os.path.join(VAR, "secrets", name)) as f:
        return f.read().strip()


SECRET = os.environ.get("PORTAL_VNPAY_HASH_SECRET") or secret("vnpay_hash_secret")


def sql(query):
    out = subprocess.run(["mariadb", "--no-defaults", "--socket=" + os.path.join(VAR, "run", "mysqld.sock"),
                          "-uroot", "-N", "-B", DB, "-e", query],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def tax_code(agency):
    """A tax code of the agency's own for the fixtures: one issuer's series
    is one sequence of numbers, so payment-admin refuses the same tax code,
    template and series for two agencies."""
    return "01%08d" % (int(hashlib.sha256(agency.encode()).hexdigest(), 16) % 10 ** 8)


def admin(*args):
    env = dict(os.environ)
    env.pop("PORTAL_DB_USER", None)
    r = subprocess.run([os.path.join(ROOT, "build", "bin", "payment-admin")] + list(args),
                       capture_output=True, text=True, env=env)
    return r.returncode, r.stdout.strip(), r.stderr.strip()


# --- the bank's signing, PHP's way ------------------------------------

def php_urlencode(s):
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        if b < 128 and (c.isalnum() or c in "-_."):
            out.append(c)
        elif c == " ":
            out.append("+")
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def vnp_sign(params):
    data = "&".join(php_urlencode(k) + "=" + php_urlencode(v) for k, v in sorted(params.items())
                    if k.startswith("vnp_") and v != "" and k not in ("vnp_SecureHash", "vnp_SecureHashType"))
    return hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()


def ipn(params, sign=True, path="/payment/vnpay/ipn"):
    p = dict(params)
    if sign:
        p["vnp_SecureHash"] = vnp_sign(p)
    r = get(path + "?" + urllib.parse.urlencode(p))
    return r


def success_params(txn_ref, amount, **over):
    p = {"vnp_Amount": str(amount * 100), "vnp_BankCode": "NCB", "vnp_BankTranNo": "VNP1",
         "vnp_CardType": "ATM", "vnp_OrderInfo": "Thanh toan", "vnp_PayDate": "20261201120000",
         "vnp_ResponseCode": "00", "vnp_TmnCode": TMN, "vnp_TransactionNo": "14422574",
         "vnp_TransactionStatus": "00", "vnp_TxnRef": txn_ref}
    p.update(over)
    return p


# --- set-up: an agency with its settings and a key ----------------------

AGENCY = None
KEY = None
OTHER_KEY = None


def setup_agency():
    global AGENCY, KEY, OTHER_KEY
    if AGENCY:
        return
    rows = sql("SELECT code FROM agency WHERE kind = 'commune' ORDER BY code LIMIT 2")
    AGENCY, other = rows[0][0], rows[1][0]
    for a in (AGENCY, other):
        rc, out, err = admin("beneficiary-set", "--agency", a, "--bin", "970436",
                             "--account", "0011004123456", "--account-name", "UBND XA THU NGHIEM")
        assert rc == 0, err
        rc, out, err = admin("receipts-set", "--agency", a, "--name", "Ủy ban nhân dân xã thử nghiệm",
                             "--tax-code", tax_code(a), "--template", "01BLP0-001", "--series", "C26TXA")
        assert rc == 0, err
    rc, out, err = admin("apikey-add", "--agency", AGENCY)
    assert rc == 0, err
    KEY = tuple(out.split())
    rc, out, err = admin("apikey-add", "--agency", other)
    OTHER_KEY = tuple(out.split())


def api(method, path, body=b"", key=None, ts=None, sig=None, extra=None):
    kid, sec = key or KEY
    ts = str(int(time.time())) if ts is None else ts
    msg = (ts + "\n" + method + "\n" + path + "\n").encode() + body
    s = sig or hmac.new(sec.encode(), msg, hashlib.sha256).hexdigest()
    h = {"X-Portal-Key": kid, "X-Portal-Timestamp": ts, "X-Portal-Signature": s,
         "Content-Type": "application/json"}
    h.update(extra or {})
    return request(method, path, body=body if method == "POST" else None, headers=h, port=INTRANET_PORT)


def create(amounts=(150000,), group="phat_vphc", ref=None, idem=None):
    setup_agency()
    # two identical signed requests in one second are one request replayed
    ref = ref or "QĐ %d/QĐ-XPVPHC" % (time.time_ns() % 10 ** 9)
    body = json.dumps({"group": group, "agency": AGENCY, "reference": ref,
                       "payer": {"name": "Nguyễn Văn An", "id": "001090000001"},
                       "lines": [{"name": "Khoản %d" % i, "amount": a} for i, a in enumerate(amounts)]},
                      ensure_ascii=False).encode()
    r = api("POST", "/payment/api/obligations", body, extra={"Idempotency-Key": idem} if idem else None)
    assert r.status == 201, (r.status, r.body)
    return r.json()


def start(code):
    """The citizen presses Pay: the portal's 303 to the bank, and the txn_ref."""
    page = get("/pay/" + code)
    assert page.status == 200, page.status
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    cookies = "; ".join(v.split(";")[0] for k, v in page.headers if k.lower() == "set-cookie")
    body = urllib.parse.urlencode({"csrf": token, "gateway": "vnpay"}).encode()
    r = request("POST", "/pay/%s/start" % code, body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})
    assert r.status == 303, (r.status, r.body[:300])
    loc = r.header("Location")
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))
    return loc, q


def sandbox(method, path, body=None, headers=None):
    import http.client
    c = http.client.HTTPConnection(HOST, BANK_PORT, timeout=15)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    return r.status, dict(r.getheaders()), r.read()


def bank_pays(loc, outcome="paid", **faults):
    """A person on the sandbox's page picks the outcome; returns the return URL."""
    u = urllib.parse.urlsplit(loc)
    st, _, _ = sandbox("GET", u.path + "?" + u.query)
    assert st == 200, st
    q = dict(urllib.parse.parse_qsl(u.query))
    form = {"txn_ref": q["vnp_TxnRef"], "outcome": outcome, "ipn": faults.pop("ipn", "normal")}
    form.update({k: str(v) for k, v in faults.items()})
    st, h, _ = sandbox("POST", "/paymentv2/decide", urllib.parse.urlencode(form).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded"})
    assert st == 302, st
    return h["Location"]


def follow_return(back):
    u = urllib.parse.urlsplit(back)
    return get(u.path + "?" + u.query)


def status_of(code):
    return sql("SELECT status FROM obligation WHERE payment_code = '%s'" % code)[0][0]


def receipts_of(code):
    return sql("SELECT r.number FROM receipt r JOIN obligation o ON o.id = r.obligation_id"
               " WHERE o.payment_code = '%s'" % code)


def check_invariants():
    # one receipt per paid obligation, one paid attempt; numbers gapless per series
    bad = sql("SELECT o.payment_code FROM obligation o WHERE o.status = 'paid' AND"
              " ((SELECT COUNT(*) FROM receipt r WHERE r.obligation_id = o.id AND r.kind = 'receipt') <> 1"
              " OR (SELECT COUNT(*) FROM payment_attempt a WHERE a.obligation_id = o.id AND a.state = 'paid') <> 1)")
    assert bad == [], bad
    for sid, n, lo, hi, last in sql("SELECT s.id, COUNT(r.number), MIN(r.number), MAX(r.number), s.last_no"
                                    " FROM receipt_series s JOIN receipt r ON r.series_id = s.id GROUP BY s.id"):  # cancellations: no number
        assert n == hi == last and lo == "1", (sid, n, lo, hi, last)


# --- the tests -------------------------------------------------------------

def test_start_redirects_with_signature_the_bank_accepts():
    o = create()
    loc, q = start(o["payment_code"])
    assert loc.startswith("http://%s:%d/paymentv2/vpcpay.html?" % (HOST, BANK_PORT)), loc
    assert q["vnp_Version"] == "2.1.0" and q["vnp_Command"] == "pay" and q["vnp_TmnCode"] == TMN
    assert q["vnp_Amount"] == str(o["total"] * 100) and q["vnp_CurrCode"] == "VND"
    assert re.fullmatch(r"[A-Za-z0-9 .,:/_-]+", q["vnp_OrderInfo"]), q["vnp_OrderInfo"]
    assert hmac.compare_digest(vnp_sign(q), q["vnp_SecureHash"])
    assert status_of(o["payment_code"]) == "being_paid"


def test_pay_through_sandbox_receipt_and_verification():
    o = create((100000, 50000))
    loc, q = start(o["payment_code"])
    back = bank_pays(loc, "paid", ipn="after_return")
    r = follow_return(back)          # the return page asks the bank (querydr)
    assert r.status == 303, r.status
    assert wait_until(lambda: status_of(o["payment_code"]) == "paid", 10)
    page = get("/pay/" + o["payment_code"])
    assert "Đã nộp" in page.text and "/start" not in page.text
    token = re.search(r'href="/receipts/([0-9a-f]{32})"', page.text).group(1)
    rc = get("/receipts/" + token)
    assert rc.status == 200
    assert "Một trăm năm mươi nghìn đồng" in rc.text and "150.000" in rc.text
    # what was paid, line by line with each amount, not only the total
    items = re.findall(r'<tr><td>([^<]*)</td><td class="num">([0-9.]+) đồng</td></tr>', rc.text)
    assert items == [("Khoản 0", "100.000"), ("Khoản 1", "50.000")], items
    # headed with what it collects: a fine's receipt is not one for fees
    assert "<h1>BIÊN LAI THU TIỀN PHẠT</h1>" in rc.text, re.findall(r"<h1>[^<]*</h1>", rc.text)
    v = get("/receipts/verify?t=" + token)
    assert v.status == 200 and "Biên lai hợp lệ" in v.text
    forged = get("/receipts/verify?t=" + "0" * 32)
    assert forged.status == 404 and "Không tìm thấy biên lai" in forged.text, forged.status
    assert get("/receipts/verify?t=" + token[:-1] + ("0" if token[-1] != "0" else "1")).status == 404
    assert get("/receipts/%s/qr.svg" % token).body.startswith(b"<svg")
    # the late IPN then answers 02 and changes nothing
    assert wait_until(lambda: any(x["rsp"] == "02" for x in json.loads(
        sandbox("GET", "/sandbox/transactions?txn_ref=" + q["vnp_TxnRef"])[2])[0]["ipn_log"]), 15)
    assert len(receipts_of(o["payment_code"])) == 1
    check_invariants()


def test_ipn_before_return():
    o = create()
    loc, q = start(o["payment_code"])
    back = bank_pays(loc, "paid", ipn="before_return")
    assert status_of(o["payment_code"]) == "paid"
    r = follow_return(back)
    assert r.status == 303 and "ket_qua=paid" in r.header("Location")
    check_invariants()


def test_cancelled_and_insufficient_funds_leave_it_unpaid():
    for outcome in ("cancelled", "insufficient", "failed"):
        o = create()
        loc, q = start(o["payment_code"])
        back = bank_pays(loc, outcome, ipn="before_return")
        assert status_of(o["payment_code"]) == "unpaid", outcome
        assert receipts_of(o["payment_code"]) == []
        r = follow_return(back)
        assert r.status == 303
        assert "thử lại" in get(r.header("Location")).text


def test_forged_missing_signature_unknown_ref_tampered_amount():
    o = create()
    loc, q = start(o["payment_code"])
    ref = q["vnp_TxnRef"]
    n0 = int(sql("SELECT COUNT(*) FROM callback_raw")[0][0])
    p = success_params(ref, o["total"])
    forged = dict(p, vnp_SecureHash="ab" * 64)
    assert ipn(forged, sign=False).json()["RspCode"] == "97"
    assert ipn(p, sign=False).json()["RspCode"] == "97"               # missing
    other = dict(p)
    other["vnp_SecureHash"] = hmac.new(b"not the secret", b"x", hashlib.sha512).hexdigest()
    assert ipn(other, sign=False).json()["RspCode"] == "97"
    assert ipn(success_params(ref, o["total"] + 1)).json()["RspCode"] == "04"
    assert ipn(success_params(ref + "9", o["total"])).json()["RspCode"] == "01"
    assert ipn(success_params(ref, o["total"], vnp_TmnCode="OTHER001")).json()["RspCode"] == "01"
    # signed, but a reference no attempt can have (longer than ours, or
    # none): 01, not 99, or the bank retries it for ever; and the stored
    # callback names no attempt (its first 34 characters are a real one's)
    assert ipn(success_params(ref + "X" * (40 - len(ref)), o["total"])).json()["RspCode"] == "01"
    assert sql("SELECT txn_ref IS NULL, result, raw LIKE '%%%s%%' FROM callback_raw"
               " ORDER BY id DESC LIMIT 1" % ("X" * (40 - len(ref)))) == [["1", "01", "1"]]
    assert ipn(success_params("", o["total"])).json()["RspCode"] == "01"
    nr = dict(success_params(ref, o["total"]))
    del nr["vnp_TxnRef"]
    assert ipn(nr).json()["RspCode"] == "01"
    # signed, but not a whole number of đồng × 100, or not a number: 04
    assert ipn(success_params(ref, o["total"], vnp_Amount=str(o["total"] * 100 + 50))).json()["RspCode"] == "04"
    assert ipn(success_params(ref, o["total"], vnp_Amount="1e6")).json()["RspCode"] == "04"
    assert ipn(success_params(ref, o["total"], vnp_Amount="")).json()["RspCode"] == "04"
    # not a list of pairs at all: no signature can be checked, 97 (as
    # VNPay's samples answer), not 99, which has the bank resend it for ever
    r = get("/payment/vnpay/ipn?vnp_Amount=%zz")
    assert r.status == 200 and r.json()["RspCode"] == "97"
    assert status_of(o["payment_code"]) == "being_paid"
    assert int(sql("SELECT COUNT(*) FROM callback_raw")[0][0]) == n0 + 13   # every one stored
    assert sql("SELECT result FROM callback_raw ORDER BY id DESC LIMIT 1") == [["97"]]
    # a forged return page never settles anything: it shows what the
    # portal knows (the bank, asked, has never seen this attempt)
    r = get("/payment/vnpay/return?" + urllib.parse.urlencode(forged))
    assert r.status == 303 and r.header("Location") == "/pay/%s?ket_qua=pending" % o["payment_code"], \
        (r.status, r.header("Location"))
    assert status_of(o["payment_code"]) == "being_paid"
    assert sql("SELECT result FROM callback_raw WHERE kind = 'return' ORDER BY id DESC LIMIT 1") == [["97"]]


def test_replay_and_fifty_identical_callbacks():
    o = create((275000,))
    loc, q = start(o["payment_code"])
    p = success_params(q["vnp_TxnRef"], o["total"])
    p["vnp_SecureHash"] = vnp_sign(p)
    path = "/payment/vnpay/ipn?" + urllib.parse.urlencode(p)
    codes, lock = [], threading.Lock()

    def one():
        r = get(path, timeout=30)
        with lock:
            codes.append(r.json()["RspCode"] if r.status == 200 else "HTTP%d" % r.status)
    ts = [threading.Thread(target=one) for _ in range(50)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sorted(codes) == ["00"] + ["02"] * 49, codes
    assert ipn(dict(p), sign=False).json()["RspCode"] == "02"        # a replay later
    assert len(receipts_of(o["payment_code"])) == 1
    check_invariants()


def test_second_success_is_flagged_for_refund():
    o = create()
    loc1, q1 = start(o["payment_code"])
    loc2, q2 = start(o["payment_code"])
    assert ipn(success_params(q1["vnp_TxnRef"], o["total"])).json()["RspCode"] == "00"
    assert ipn(success_params(q2["vnp_TxnRef"], o["total"])).json()["RspCode"] == "00"
    rows = sql("SELECT state, refund_state FROM payment_attempt WHERE txn_ref = '%s'" % q2["vnp_TxnRef"])
    # flagged (the refund job may already be at it: test_payment_refund)
    assert rows[0][0] == "duplicate" and rows[0][1] != "none", rows
    assert len(receipts_of(o["payment_code"])) == 1
    check_invariants()


def test_ipn_never_then_return_asks_the_bank():
    o = create()
    loc, q = start(o["payment_code"])
    back = bank_pays(loc, "paid", ipn="never")
    assert status_of(o["payment_code"]) == "being_paid"
    r = follow_return(back)
    assert r.status == 303 and "ket_qua=paid" in r.header("Location"), r.header("Location")
    assert status_of(o["payment_code"]) == "paid"
    check_invariants()


def test_bank_api_down_leaves_it_pending_until_the_bank_answers():
    o = create()
    loc, q = start(o["payment_code"])
    back = bank_pays(loc, "paid", ipn="never")
    sandbox("POST", "/sandbox/control", json.dumps({"api_down": True}).encode())
    try:
        r = follow_return(back)
        assert r.status == 303 and "ket_qua=pending" in r.header("Location")
        assert "chưa xác nhận" in get(r.header("Location")).text
        assert status_of(o["payment_code"]) == "being_paid"
    finally:
        sandbox("POST", "/sandbox/control", json.dumps({"api_down": False}).encode())
    time.sleep(RETURN_ASK_SECONDS)  # the return page asks about one attempt once in so long
    r = follow_return(back)
    assert "ket_qua=paid" in r.header("Location")
    check_invariants()


def test_bad_signature_and_changed_amount_from_the_sandbox():
    o = create()
    loc, q = start(o["payment_code"])
    back = bank_pays(loc, "paid", ipn="before_return", badsig=1)
    assert status_of(o["payment_code"]) == "being_paid"
    # the return is not believed either, but the bank, asked, says paid
    # (test_payment_return.py)
    r = follow_return(back)
    assert r.status == 303 and "ket_qua=paid" in r.header("Location"), r.header("Location")
    assert status_of(o["payment_code"]) == "paid" and len(receipts_of(o["payment_code"])) == 1
    o2 = create()
    loc, q = start(o2["payment_code"])
    bank_pays(loc, "paid", ipn="before_return", amount=o2["total"] - 1000)
    assert status_of(o2["payment_code"]) == "being_paid"
    assert sql("SELECT result FROM callback_raw WHERE txn_ref = '%s' AND kind = 'ipn'" % q["vnp_TxnRef"])[0] == ["04"]


def test_duplicate_ipns_from_the_bank():
    o = create()
    loc, q = start(o["payment_code"])
    bank_pays(loc, "paid", ipn="before_return", dup=5)
    assert wait_until(lambda: len(json.loads(sandbox("GET", "/sandbox/transactions?txn_ref=" + q["vnp_TxnRef"])[2])[0]["ipn_log"]) >= 6, 10)
    assert len(receipts_of(o["payment_code"])) == 1
    check_invariants()


# --- the agency API ------------------------------------------------------------

def count_obligations():
    return int(sql("SELECT COUNT(*) FROM obligation")[0][0])


def test_api_signatures():
    setup_agency()
    n0 = count_obligations()
    body = json.dumps({"group": "thue", "agency": AGENCY, "reference": "R1",
                       "payer": {"name": "A", "id": "001090000001"}, "lines": [{"name": "x", "amount": 1000}]}).encode()
    assert api("POST", "/payment/api/obligations", body, sig="0" * 64).status == 401
    assert api("POST", "/payment/api/obligations", body, ts=str(int(time.time()) - 303)).status == 401  # just past the 300 s window
    r = api("POST", "/payment/api/obligations", body, key=(KEY[0], "f" * 64))
    assert r.status == 401 and "error" in r.json()
    assert api("POST", "/payment/api/obligations", body, key=("pk_0000000000000000", KEY[1])).status == 401
    r = request("POST", "/payment/api/obligations", body=body, port=INTRANET_PORT,
                headers={"Content-Type": "application/json"})
    assert r.status == 401
    # another agency's key
    assert api("POST", "/payment/api/obligations", body, key=OTHER_KEY).status == 403
    # the public site has no API
    assert request("POST", "/payment/api/obligations", body=body).status == 404
    assert count_obligations() == n0
    # a replayed signature
    ts = str(int(time.time()))
    first = api("POST", "/payment/api/obligations", body, ts=ts)
    assert first.status == 201
    assert api("POST", "/payment/api/obligations", body, ts=ts).status == 401
    assert count_obligations() == n0 + 1
    code = first.json()["payment_code"]
    g = api("GET", "/payment/api/obligations/" + code)
    assert g.status == 200 and g.json()["status"] == "unpaid" and g.json()["receipt"] is None
    assert api("GET", "/payment/api/obligations/" + code, key=OTHER_KEY).status == 404


def test_api_signature_is_spent_only_by_a_change():
    """The same signed bytes sent again: a replay of a change is refused
    (401), but a request that changed nothing (a 400 or 422 refusal) has
    not spent its signature and gets the same answer again, and a create
    with an Idempotency-Key that was made gets its first answer, whatever
    the signature: the agency's program may resend what it is not sure of."""
    setup_agency()
    n0 = count_obligations()
    ts = str(int(time.time()))
    past = json.dumps({"group": "thue", "agency": AGENCY, "reference": "SP-%d" % time.time_ns(),
                       "payer": {"name": "A"}, "due": "2001-01-01",
                       "lines": [{"name": "x", "amount": 1000}]}).encode()
    for _ in range(2):
        r = api("POST", "/payment/api/obligations", past, ts=ts)
        assert r.status == 422 and "hạn nộp" in r.json()["error"]["message"], (r.status, r.body)
    shape = json.dumps({"group": "thue", "agency": AGENCY, "reference": "SP",
                        "payer": {"name": "A"}, "lines": [{"name": "x", "amount": -1}]}).encode()
    for _ in range(2):
        assert api("POST", "/payment/api/obligations", shape, ts=ts).status == 400
    assert count_obligations() == n0
    key = "sp-%d" % time.time_ns()
    body = json.dumps({"group": "thue", "agency": AGENCY, "reference": key,
                       "payer": {"name": "A"}, "lines": [{"name": "x", "amount": 1000}]}).encode()
    first = api("POST", "/payment/api/obligations", body, ts=ts, extra={"Idempotency-Key": key})
    again = api("POST", "/payment/api/obligations", body, ts=ts, extra={"Idempotency-Key": key})
    assert first.status == again.status == 201 and first.json() == again.json(), (again.status, again.body)
    assert count_obligations() == n0 + 1
    # a cancel replayed: the same cancel; one refused (being paid) is refused again, not "replayed"
    code = first.json()["payment_code"]
    for _ in range(2):
        r = api("POST", "/payment/api/obligations/%s/cancel" % code, b"", ts=ts)
        assert r.status == 200 and r.json()["status"] == "cancelled", (r.status, r.body)
    o = create(ref="SP-paying-%d" % time.time_ns())
    start(o["payment_code"])
    for _ in range(2):
        r = api("POST", "/payment/api/obligations/%s/cancel" % o["payment_code"], b"", ts=ts)
        assert r.status == 409, (r.status, r.body)


def test_api_idempotency():
    key = "idem-%d" % time.time_ns()
    a = create(idem=key, ref=key)
    time.sleep(1.1)                  # a new signature: a retry, not a replay
    b = create(idem=key, ref=key)
    assert a == b
    body = json.dumps({"group": "thue", "agency": AGENCY, "reference": "other",
                       "payer": {"name": "A"}, "lines": [{"name": "x", "amount": 5}]}).encode()
    r = api("POST", "/payment/api/obligations", body, extra={"Idempotency-Key": key})
    assert r.status == 409, r.status


def test_api_idempotency_key_not_utf8_is_a_400():
    # An agency's client sending its key in Latin-1 ("khóa" as kh\xf3a):
    # the column cannot hold it, which was a 500 after the obligation had
    # been written and rolled back.  A 400 naming the header, nothing made;
    # the same key in UTF-8 is a key like any other.
    setup_agency()
    n0 = count_obligations()
    body = json.dumps({"group": "thue", "agency": AGENCY, "reference": "IK-%d" % time.time_ns(),
                       "payer": {"name": "A"}, "lines": [{"name": "x", "amount": 1000}]}).encode()
    r = api("POST", "/payment/api/obligations", body, extra={"Idempotency-Key": b"kh\xf3a-%d" % time.time_ns()})
    assert r.status == 400 and "Idempotency-Key" in r.json()["error"]["message"], (r.status, r.body)
    assert count_obligations() == n0
    time.sleep(1.1)                  # a new signature: a retry, not a replay
    r = api("POST", "/payment/api/obligations", body,
            extra={"Idempotency-Key": ("khóa-%d" % time.time_ns()).encode()})
    assert r.status == 201, (r.status, r.body)
    assert count_obligations() == n0 + 1


def test_api_bad_bodies_change_nothing():
    setup_agency()
    n0 = count_obligations()
    base = {"group": "an_phi", "agency": AGENCY, "reference": "BA-1",
            "payer": {"name": "Trần Thị B", "id": "079190000002"}}
    # the shape of the body (JSON, types, ranges) is a 400; a body of the
    # right shape that names something impossible is a 422
    line = [{"name": "x", "amount": 1}]
    bad = [(b"{", 400), (b"[]", 400), (b"null", 400), (b'{"group":"an_phi"', 400),
           (dict(base, lines=[{"name": "x", "amount": -1}]), 400),
           (dict(base, lines=[{"name": "x", "amount": 0}]), 400),
           (dict(base, lines=[{"name": "x", "amount": 1.5}]), 400),
           (dict(base, lines=[{"name": "x", "amount": 10 ** 15 + 1}]), 400),
           (dict(base, lines=[{"name": "x", "amount": 10 ** 15}, {"name": "y", "amount": 1}]), 422),
           (dict(base, lines=[{"name": "x", "amount": "100"}]), 400),
           (dict(base, lines=[]), 400),
           (dict(base, group="thue_dat", lines=line), 400),
           (dict(base, extra=1, lines=line), 400),
           (dict(base, due="2026-02-30", lines=line), 422),
           # required texts of only spaces name nobody and nothing (a receipt prints them)
           (dict(base, payer={"name": "   ", "id": "1"}, lines=line), 422),
           (dict(base, reference=" \u00a0 ", lines=line), 422),
           (dict(base, lines=[{"name": "\t ", "amount": 1}]), 422),
           # limits are in characters: 201 Vietnamese letters are too many
           (dict(base, payer={"name": "ễ" * 201}, lines=line), 422)]
    for b, status in bad:
        if isinstance(b, dict):
            b = json.dumps(b, ensure_ascii=False).encode()
        r = api("POST", "/payment/api/obligations", b)
        assert r.status == status, (b, r.status, r.body)
        assert "error" in r.json(), r.body
    assert count_obligations() == n0
    # the line at fault is named by its index, as the agency's program holds it
    for lines, where in (([{"name": "x", "amount": 1}, {"name": "y", "amount": -5}], "lines[1].amount"),
                         ([{"name": "x", "amount": 1}] * 2 + [{"name": 7, "amount": 1}], "lines[2].name"),
                         ([{"name": "x", "amount": 1}, []], "lines[1]:")):
        r = api("POST", "/payment/api/obligations", json.dumps(dict(base, lines=lines)).encode())
        assert r.status == 400 and where in r.json()["error"]["message"], (lines, r.status, r.body)
    r = api("POST", "/payment/api/obligations",
            json.dumps(dict(base, due="9999-12-31", lines=[{"name": "x", "amount": 1}])).encode())
    assert r.status == 422 and "ngày có thật" in r.json()["error"]["message"], (r.status, r.body)
    assert count_obligations() == n0
    # and 200 of them (600 bytes) are a name like any other, kept whole
    time.sleep(1.1)
    long_name = "Nguyễn Thị Phương Thảo " * 8 + "ễ" * (200 - len("Nguyễn Thị Phương Thảo " * 8))
    r = api("POST", "/payment/api/obligations", json.dumps(
        dict(base, reference="BA-%d" % time.time_ns(), payer={"name": long_name},
             lines=[{"name": "Tạm ứng án phí dân sự sơ thẩm", "amount": 300000}]), ensure_ascii=False).encode())
    assert r.status == 201, (r.status, r.body)
    assert sql("SELECT payer_name FROM obligation WHERE payment_code = '%s'" % r.json()["payment_code"]) == [[long_name]]


def test_past_due_is_refused_and_an_overdue_obligation_expires():
    """A due date already past (Vietnam's day) is refused, naming it; one due
    today is fine.  An unpaid obligation whose due date passes becomes
    expired by the sweeper: the page says so and offers no payment, a start
    is refused, the agency's webhook is told.  One being paid waits for its
    attempt; a late success the bank reports for an expired one still pays
    it (the bank is the authority on money taken)."""
    import datetime
    setup_agency()
    vn_today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).date()
    n0 = count_obligations()
    base = {"group": "hoc_phi", "agency": AGENCY, "payer": {"name": "Lê Văn C"},
            "lines": [{"name": "Học phí học kỳ I", "amount": 1200000}]}
    r = api("POST", "/payment/api/obligations", json.dumps(
        dict(base, reference="HP-%d" % time.time_ns(), due=str(vn_today - datetime.timedelta(days=1)))).encode())
    assert r.status == 422 and "due" in r.json()["error"]["message"], (r.status, r.body)
    assert count_obligations() == n0
    time.sleep(1.1)
    r = api("POST", "/payment/api/obligations", json.dumps(
        dict(base, reference="HP-%d" % time.time_ns(), due=str(vn_today))).encode())
    assert r.status == 201, (r.status, r.body)
    today = r.json()
    # three obligations whose due date passes: one untouched, one being
    # paid (an attempt started), one paid late by the bank after it expired
    idle, busy, late = create(), create(), create()
    busy_loc, busy_q = start(busy["payment_code"])
    late_loc, late_q = start(late["payment_code"])
    codes = "', '".join(o["payment_code"] for o in (idle, busy, late))
    # the late one's attempt fails first, so it is unpaid when the day passes
    assert ipn(success_params(late_q["vnp_TxnRef"], late["total"], vnp_ResponseCode="24",
                              vnp_TransactionStatus="02")).json()["RspCode"] == "00"
    rc, _, err = admin("webhook-set", "--agency", AGENCY, "--url", "http://127.0.0.1:9/hook")
    assert rc == 0, err
    sql("UPDATE obligation SET due_date = DATE(UTC_TIMESTAMP() + INTERVAL 7 HOUR) - INTERVAL 1 DAY"
        " WHERE payment_code IN ('%s')" % codes)
    assert wait_until(lambda: status_of(idle["payment_code"]) == "expired", 20)
    assert wait_until(lambda: status_of(late["payment_code"]) == "expired", 5)
    assert status_of(busy["payment_code"]) == "being_paid"
    assert status_of(today["payment_code"]) == "unpaid"
    page = get("/pay/" + idle["payment_code"])
    assert page.status == 200 and "Đã quá hạn nộp" in page.text
    assert 'action="/pay/%s/start"' % idle["payment_code"] not in page.text
    assert api("GET", "/payment/api/obligations/" + idle["payment_code"]).json()["status"] == "expired"
    # the agency's webhook is told, in the same transaction
    ev = sql("SELECT payload FROM outbox WHERE topic = 'webhook' AND subject = '%s'" % idle["payment_code"])
    assert len(ev) == 1 and json.loads(ev[0][0])["type"] == "obligation.expired", ev
    assert json.loads(ev[0][0])["data"]["status"] == "expired"
    # a payment can no longer be started (a form token from a payable page):
    open_page = get("/pay/" + today["payment_code"])
    tok = re.search(r'name="csrf" value="([^"]+)"', open_page.text).group(1)
    cookies = "; ".join(v.split(";")[0] for k, v in open_page.headers if k.lower() == "set-cookie")
    n_att = sql("SELECT COUNT(*) FROM payment_attempt")[0][0]
    r = request("POST", "/pay/%s/start" % idle["payment_code"],
                body=urllib.parse.urlencode({"csrf": tok, "gateway": "vnpay"}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})
    # (as for one paid meanwhile: back to its page, which says why)
    assert r.status == 303 and r.header("Location") == "/pay/" + idle["payment_code"], r.status
    assert sql("SELECT COUNT(*) FROM payment_attempt")[0][0] == n_att
    # the attempt in progress fails: then it expires too
    assert ipn(success_params(busy_q["vnp_TxnRef"], busy["total"], vnp_ResponseCode="24",
                              vnp_TransactionStatus="02")).json()["RspCode"] == "00"
    assert wait_until(lambda: status_of(busy["payment_code"]) == "expired", 20)
    # the bank then reports money taken on the late one's second attempt
    # (started before it expired): paid, with its receipt
    sql("UPDATE obligation SET status = 'unpaid' WHERE payment_code = '%s'" % late["payment_code"])
    loc2, q2 = start(late["payment_code"])
    sql("UPDATE obligation SET status = 'expired' WHERE payment_code = '%s'" % late["payment_code"])
    assert ipn(success_params(q2["vnp_TxnRef"], late["total"])).json()["RspCode"] == "00"
    assert status_of(late["payment_code"]) == "paid"
    assert len(receipts_of(late["payment_code"])) == 1
    sql("DELETE FROM pay_webhook_endpoint WHERE agency_code = '%s'" % AGENCY)
    sql("DELETE FROM outbox WHERE topic = 'webhook' AND subject IN ('%s')" % codes)


def test_api_cancel():
    o = create()
    r = api("POST", "/payment/api/obligations/%s/cancel" % o["payment_code"])
    assert r.status == 200 and r.json()["status"] == "cancelled"
    assert "không thể nộp" in get("/pay/" + o["payment_code"]).text
    paid = create()
    loc, q = start(paid["payment_code"])
    assert ipn(success_params(q["vnp_TxnRef"], paid["total"])).json()["RspCode"] == "00"
    assert api("POST", "/payment/api/obligations/%s/cancel" % paid["payment_code"]).status == 409
    g = api("GET", "/payment/api/obligations/" + paid["payment_code"]).json()
    assert g["status"] == "paid" and g["receipt"]["number"] >= 1 and g["receipt"]["amount"] == paid["total"]


def test_missing_settings_named():
    rows = sql("SELECT code FROM agency WHERE kind = 'commune' AND code NOT IN"
               " (SELECT agency_code FROM pay_beneficiary) ORDER BY code LIMIT 1")
    a = rows[0][0]
    rc, out, err = admin("apikey-add", "--agency", a)
    key = tuple(out.split())
    body = json.dumps({"group": "hoc_phi", "agency": a, "reference": "HS-1",
                       "payer": {"name": "C"}, "lines": [{"name": "Học phí", "amount": 100}]}).encode()
    r = api("POST", "/payment/api/obligations", body, key=key)
    assert r.status == 422 and "beneficiary-set" in r.json()["error"]["message"], r.body


def test_find_by_code_and_reference():
    o = create(ref="PE-%d" % time.time_ns())
    c = o["payment_code"]
    spaced = "%s %s %s" % (c[:4], c[4:8], c[8:])
    r = get("/pay/tra-cuu?" + urllib.parse.urlencode({"ma": spaced}))
    assert r.status == 303 and r.header("Location").endswith("/pay/" + c)
    wrong = c[:11] + str((int(c[11]) + 1) % 10)
    assert "12 chữ số" in get("/pay/tra-cuu?ma=" + wrong).text
    r = get("/pay/" + wrong)
    assert r.status == 404, r.status          # a code no obligation can have
    ref = sql("SELECT reference FROM obligation WHERE payment_code = '%s'" % c)[0][0]
    r = get("/pay/tra-cuu?" + urllib.parse.urlencode({"tham_chieu": ref, "giay_to": "001090000001"}))
    assert r.status == 303 and r.header("Location").endswith("/pay/" + c)


def test_sweeper_settles_what_nobody_reported():
    o = create()
    loc, q = start(o["payment_code"])
    bank_pays(loc, "paid", ipn="never")       # no IPN, and the browser never returns
    assert status_of(o["payment_code"]) == "being_paid"
    # as if the sweep delay had passed
    sql("UPDATE payment_attempt SET next_check_at = UTC_TIMESTAMP(3) WHERE txn_ref = '%s'" % q["vnp_TxnRef"])
    assert wait_until(lambda: status_of(o["payment_code"]) == "paid", 20)
    assert sql("SELECT settled_by FROM payment_attempt WHERE txn_ref = '%s'" % q["vnp_TxnRef"]) == [["querydr"]]
    check_invariants()


def hook_server(parse=True):
    """An agency's webhook receiver on a free port: (server, got), got filling
    with each event as it arrives, parsed, or (Portal-Signature, body) when
    parse is False.  Answers 200."""
    import http.server
    import socketserver
    got = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append(json.loads(body) if parse else (self.headers.get("Portal-Signature"), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass
    srv = socketserver.TCPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, got


def test_webhook_signed_and_logged():
    srv, got = hook_server(parse=False)
    try:
        setup_agency()
        rc, whsecret, err = admin("webhook-set", "--agency", AGENCY,
                                  "--url", "http://127.0.0.1:%d/hook" % srv.server_address[1])
        assert rc == 0, err
        o = create()
        loc, q = start(o["payment_code"])
        assert ipn(success_params(q["vnp_TxnRef"], o["total"])).json()["RspCode"] == "00"
        assert wait_until(lambda: any(json.loads(b)["data"]["payment_code"] == o["payment_code"]
                                      for _, b in got), 20)
        sig, body = [g for g in got if json.loads(g[1])["data"]["payment_code"] == o["payment_code"]][0]
        parts = dict(x.split("=", 1) for x in sig.split(","))
        want = hmac.new(whsecret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(want, parts["v1"])
        assert abs(int(parts["t"]) - time.time()) < 60
        ev = json.loads(body)
        assert ev["type"] == "obligation.paid" and ev["data"]["receipt"]["number"] >= 1
        # the event names the receipt the payment issued, number and series
        # (settle.c takes the number with LAST_INSERT_ID and reads the symbols
        # back from the receipt's own INSERT)
        rec = sql("SELECT r.number, CONCAT(r.template_symbol, '-', r.series_symbol) FROM receipt r"
                  " JOIN obligation o ON o.id = r.obligation_id WHERE o.payment_code = '%s'"
                  " AND r.kind = 'receipt'" % o["payment_code"])
        assert rec == [[str(ev["data"]["receipt"]["number"]), ev["data"]["receipt"]["series"]]], (rec, ev)
        assert wait_until(lambda: sql("SELECT http_status FROM pay_webhook_delivery WHERE payment_code = '%s'"
                                      % o["payment_code"]) == [["200"]], 5)
    finally:
        sql("DELETE FROM pay_webhook_endpoint WHERE agency_code = '%s'" % AGENCY)
        srv.shutdown()


def test_no_receipt_setting_answers_99_and_keeps_the_callback():
    """A success for an agency whose receipt setting is gone: nothing is paid,
    the answer is 99 as for a database failure (the bank retries), the callback
    is kept with its answer, and the log names the agency.  Once the setting
    is back, the retry pays it with one receipt (sql/011_ipn_settle.sql)."""
    setup_agency()
    a = sql("SELECT code FROM agency WHERE kind = 'commune' ORDER BY code LIMIT 1 OFFSET 2")[0][0]
    rc, out, err = admin("beneficiary-set", "--agency", a, "--bin", "970436",
                         "--account", "0011004123457", "--account-name", "UBND XA THU NGHIEM BA")
    assert rc == 0, err
    receipts = ("receipts-set", "--agency", a, "--name", "Ủy ban nhân dân xã thử nghiệm ba",
                "--tax-code", tax_code(a), "--template", "01BLP0-001", "--series", "C26TXB")
    rc, out, err = admin(*receipts)
    assert rc == 0, err
    rc, out, err = admin("apikey-add", "--agency", a)
    assert rc == 0, err
    key = tuple(out.split())
    body = json.dumps({"group": "phi_le_phi", "agency": a, "reference": "NRS-%d" % time.time_ns(),
                       "payer": {"name": "Trần Thị Bình"},
                       "lines": [{"name": "Lệ phí", "amount": 50000}]}, ensure_ascii=False).encode()
    r = api("POST", "/payment/api/obligations", body, key=key)
    assert r.status == 201, (r.status, r.body)
    o = r.json()
    loc, q = start(o["payment_code"])
    sql("DELETE FROM pay_receipt_setting WHERE agency_code = '%s'" % a)
    p = success_params(q["vnp_TxnRef"], o["total"])
    assert ipn(p).json()["RspCode"] == "99"
    assert status_of(o["payment_code"]) == "being_paid"
    assert receipts_of(o["payment_code"]) == []
    assert sql("SELECT state FROM payment_attempt WHERE txn_ref = '%s'" % q["vnp_TxnRef"]) == [["pending"]]
    assert sql("SELECT result FROM callback_raw WHERE kind = 'ipn' AND txn_ref = '%s'"
               % q["vnp_TxnRef"]) == [["99"]]
    with open(os.path.join(VAR, "log", "payment.log"), errors="replace") as f:
        assert "payment: agency %s has no receipt setting" % a in f.read()
    rc, out, err = admin(*receipts)
    assert rc == 0, err
    assert ipn(p).json()["RspCode"] == "00"
    assert status_of(o["payment_code"]) == "paid"
    assert len(receipts_of(o["payment_code"])) == 1
    check_invariants()


def test_settle_procedure_lends_no_rights():
    # SQL SECURITY INVOKER: the payment user's own grants are checked inside
    # it, so EXECUTE gives that user nothing new (sql/011_ipn_settle.sql)
    assert sql("SELECT security_type FROM information_schema.routines WHERE routine_schema = '%s'"
               " AND routine_name = 'ipn_settle_paid'" % DB) == [["INVOKER"]]
    grants = sql("SHOW GRANTS FOR 'portal_payment'@'localhost'")
    assert any("EXECUTE ON PROCEDURE" in g[0] and "ipn_settle_paid" in g[0] for g in grants), grants
