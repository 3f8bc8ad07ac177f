"""test_chk13.py - what a checker of the payment area (issue 7) found, each
a test that failed before its fix.

The test plays the agency and the bank itself, with its own signing (the
agency API's HMAC-SHA256 over timestamp, method, path and body; VNPay
2.1.0's HMAC-SHA512 over the sorted, PHP-urlencoded parameters), sharing no
signing code with the portal, the sandbox or the other suites.  It uses a department of the home
province (the Sở Văn hóa, Thể thao và Du lịch) and MB Bank, which no other
suite uses.
"""
import concurrent.futures
import hashlib
import hmac
import json
import re
import time
import urllib.parse

import test_payment as P
from harness import INTRANET_PORT, get, request

# The stack's plumbing (where its database and secrets are) is the
# suite's; the signing below is this file's own.
TMN, sql = P.TMN, P.sql
VNP_SECRET = P.SECRET


def admin(*args):
    rc, out, err = P.admin(*args)
    assert rc == 0, err
    return out


_agency = {}


def agency():
    """The department's settings and API key, once."""
    if not _agency:
        code = sql("SELECT code FROM agency WHERE kind = 'department' AND name LIKE 'Sở Văn hóa%'"
                   " ORDER BY code LIMIT 1")[0][0]
        admin("beneficiary-set", "--agency", code, "--bin", "970422", "--account", "0990113131313",
              "--account-name", "SO VAN HOA THE THAO DU LICH")
        admin("receipts-set", "--agency", code, "--name", "Sở Văn hóa, Thể thao và Du lịch",
              "--tax-code", "0100686209", "--template", "01BLP0-003", "--series", "C26TVH")
        key_id, key_secret = admin("apikey-add", "--agency", code).split()
        _agency.update(code=code, key=key_id, secret=key_secret)
    return _agency


def api(method, path, body=b"", ts=None, headers=None):
    a = agency()
    ts = str(int(time.time()) if ts is None else ts)
    msg = ts.encode() + b"\n" + method.encode() + b"\n" + path.encode() + b"\n" + body
    sig = hmac.new(a["secret"].encode(), msg, hashlib.sha256).hexdigest()
    h = {"X-Portal-Key": a["key"], "X-Portal-Timestamp": ts, "X-Portal-Signature": sig,
         "Content-Type": "application/json"}
    h.update(headers or {})
    return request(method, path, body=body if method != "GET" else None, headers=h, port=INTRANET_PORT)


def create(amount, group="hoc_phi", reference=None):
    body = json.dumps({"group": group, "agency": agency()["code"],
                       "reference": reference or "VH-%d" % time.time_ns(),
                       "payer": {"name": "Trịnh Thu Hà", "id": "001196002468"},
                       "lines": [{"name": "Học phí lớp năng khiếu mỹ thuật", "amount": amount}],
                       "due": "2099-12-31"}, ensure_ascii=False).encode()
    r = api("POST", "/payment/api/obligations", body)
    assert r.status == 201, (r.status, r.body[:300])
    return r.json()["payment_code"]


def start(code):
    """Press Pay: the portal's 303 to the bank; the txn_ref it signed."""
    page = get("/pay/" + code)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    cookies = "; ".join(v.split(";")[0] for k, v in page.headers if k.lower() == "set-cookie")
    r = request("POST", "/pay/%s/start" % code,
                body=urllib.parse.urlencode({"csrf": token, "gateway": "vnpay"}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})
    assert r.status == 303, (r.status, r.body[:300])
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r.header("Location")).query))["vnp_TxnRef"]


# --- VNPay 2.1.0 as the bank signs it (PHP's urlencode) -----------------------

_phpenc = P.php_urlencode   # PHP's urlencode, as VNPay's own sample signs


def bank_query(params):
    data = "&".join(_phpenc(k) + "=" + _phpenc(v) for k, v in sorted(params.items()) if v != "")
    return data + "&vnp_SecureHash=" + hmac.new(VNP_SECRET.encode(), data.encode(),
                                                 hashlib.sha512).hexdigest()


def failed_ipn(txn_ref, amount, response="24", status="02"):
    """The bank's IPN for a payment that did not succeed: by default one the
    person cancelled at the bank (24)."""
    p = {"vnp_Amount": str(amount * 100), "vnp_BankCode": "MB", "vnp_OrderInfo": "Thanh toan",
         "vnp_PayDate": time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() + 7 * 3600)),
         "vnp_ResponseCode": response, "vnp_TmnCode": TMN, "vnp_TransactionNo": "0",
         "vnp_TransactionStatus": status, "vnp_TxnRef": txn_ref}
    r = get("/payment/vnpay/ipn?" + bank_query(p))
    assert r.status == 200 and r.json()["RspCode"] == "00", (r.status, r.body)


def notes(page):
    return " ".join(re.findall(r'<p class="(?:ok|note|error)" role="(?:status|alert)">(.*?)</p>',
                               page.text, re.S))


# --- 1. a payment waiting for the bank is said so, not offered again silently ---

def test_page_of_an_obligation_being_paid_says_a_payment_awaits_the_bank():
    """The result page for a pending attempt says "if the money was taken you
    need not pay again" and links "reload" to /pay/{code}; that page then
    showed only the Pay button again, with no word of the payment the bank
    has not confirmed yet: a person whose money was taken pays twice (the
    second is refunded days later).  The page now says a payment awaits the
    bank's confirmation, and still lets someone who left the bank's page
    start again."""
    code = create(186_000)
    start(code)
    assert sql("SELECT status FROM obligation WHERE payment_code = '%s'" % code) == [["being_paid"]]
    page = get("/pay/" + code)
    assert page.status == 200
    said = notes(page)
    assert "chờ ngân hàng xác nhận" in said, said
    assert "không cần nộp lại" in said, said
    # someone who closed the bank's page may still pay
    assert 'action="/pay/%s/start"' % code in page.text


# --- 2. the result shown is the portal's, not the link's ----------------------

def test_result_message_comes_from_the_portal_not_from_the_link():
    """/pay/{code}?ket_qua=failed printed "the transaction failed, no money
    was taken" for any obligation, whatever had happened: a link anyone can
    write (or an old tab reloaded while another attempt is with the bank)
    told the payer their money was not taken.  The message now follows the
    obligation's latest attempt as the portal recorded it."""
    fresh = create(93_000)
    for claim in ("failed", "cancelled", "expired", "pending"):
        said = notes(get("/pay/%s?ket_qua=%s" % (fresh, claim)))
        assert "tiền chưa bị trừ" not in said, (claim, said)
        assert "Ngân hàng chưa xác nhận" not in said, (claim, said)
    # a real failure is still reported as one
    code = create(94_000)
    ref = start(code)
    failed_ipn(ref, 94_000)
    said = notes(get("/pay/%s?ket_qua=failed" % code))
    assert "tiền chưa bị trừ" in said, said
    # and a second attempt now with the bank is not called a failure
    start(code)
    said = notes(get("/pay/%s?ket_qua=failed" % code))
    assert "tiền chưa bị trừ" not in said, said
    assert "không cần nộp lại" in said, said


def test_money_perhaps_taken_is_never_called_not_taken():
    """VNPay's 07 is "money taken, the transaction under suspicion", and a
    status 04 is a transaction reversed after the bank took the money: the
    portal stores either as failed, and the page told that person "Giao
    dịch chưa thành công, tiền chưa bị trừ".  It now says the money may
    have been taken and what happens next; a plain failure keeps its
    message."""
    for response, status in (("07", "07"), ("99", "04")):
        code = create(95_000)
        failed_ipn(start(code), 95_000, response, status)
        said = notes(get("/pay/%s?ket_qua=failed" % code))
        assert "tiền chưa bị trừ" not in said, (response, status, said)
        assert "có thể đã bị trừ tiền" in said, (response, status, said)


# --- 3. concurrent retries with one Idempotency-Key ---------------------------

def test_concurrent_retries_with_one_idempotency_key_all_get_the_first_answer():
    """An agency's program that times out and retries sends the same create
    again while the first is still running.  Twelve such requests at once
    (same key, same body, each freshly signed) made InnoDB deadlock on the
    gap locks of SELECT … FOR UPDATE on the missing key, and after five
    retries one answered 503.  The key is now claimed first by inserting its
    row, so the others wait on that row and read the answer."""
    for round_ in range(4):      # four rounds: one alone often got through
        retry_round("retry-%d-%d" % (round_, time.time_ns()))


def retry_round(key):
    body = json.dumps({"group": "phi_le_phi", "agency": agency()["code"], "reference": key,
                       "payer": {"name": "Trịnh Thu Hà", "id": "001196002468"},
                       "lines": [{"name": "Phí thẩm định nội dung kịch bản", "amount": 1_200_000}],
                       "due": "2099-12-31"}, ensure_ascii=False).encode()

    def one(i):
        # a different second each, so no two carry the same signature
        return api("POST", "/payment/api/obligations", body, ts=int(time.time()) - i,
                   headers={"Idempotency-Key": key})

    with concurrent.futures.ThreadPoolExecutor(12) as ex:
        answers = list(ex.map(one, range(12)))
    assert [a.status for a in answers] == [201] * 12, [(a.status, a.body[:120]) for a in answers]
    assert len({a.json()["payment_code"] for a in answers}) == 1
    assert sql("SELECT COUNT(*) FROM obligation WHERE reference = '%s'" % key) == [["1"]]
    # another body under the same key is still refused, and changes nothing
    other = body.replace(b"1200000", b"1300000")
    r = api("POST", "/payment/api/obligations", other, headers={"Idempotency-Key": key})
    assert r.status == 409, (r.status, r.body[:200])
    assert sql("SELECT COUNT(*) FROM obligation WHERE reference = '%s'" % key) == [["1"]]


# --- 4. a success the bank reports after a failure is never dropped ------------

def bank_ipn(txn_ref, amount, code, status):
    p = {"vnp_Amount": str(amount * 100), "vnp_BankCode": "MB", "vnp_BankTranNo": "MB%d" % time.time_ns(),
         "vnp_CardType": "ATM", "vnp_OrderInfo": "Thanh toan",
         "vnp_PayDate": time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() + 7 * 3600)),
         "vnp_ResponseCode": code, "vnp_TmnCode": TMN, "vnp_TransactionNo": str(time.time_ns() % 10**8),
         "vnp_TransactionStatus": status, "vnp_TxnRef": txn_ref}
    r = get("/payment/vnpay/ipn?" + bank_query(p))
    assert r.status == 200, (r.status, r.body)
    return r.json()["RspCode"]


def test_success_after_a_failure_is_recorded_not_answered_already_confirmed():
    """VNPay's code 07 is "money taken, transaction suspected": the portal
    stored it as failed.  When the bank then reported the same transaction
    successful, the portal answered 02 "already confirmed" and recorded
    nothing: the payer's money was taken, the obligation stayed unpaid, no
    receipt, nothing flagged.  The bank is the authority on money taken (as
    for an attempt the sweeper expired): a success after a failure now pays
    the obligation, or is kept for refund when it was paid another way."""
    for first_code, first_status, amount in (("07", "07", 412_000), ("24", "02", 413_000)):
        code = create(amount, "phi_le_phi")
        ref = start(code)
        assert bank_ipn(ref, amount, first_code, first_status) == "00"
        assert sql("SELECT status FROM obligation WHERE payment_code = '%s'" % code) == [["unpaid"]]
        assert bank_ipn(ref, amount, "00", "00") == "00"
        assert sql("SELECT o.status, a.state, (SELECT COUNT(*) FROM receipt r WHERE r.obligation_id = o.id"
                   " AND r.kind = 'receipt') FROM obligation o JOIN payment_attempt a"
                   " ON a.obligation_id = o.id WHERE o.payment_code = '%s'" % code) == [["paid", "paid", "1"]]
        # the same success again is a replay
        assert bank_ipn(ref, amount, "00", "00") == "02"
    # paid another way meanwhile: kept and flagged for refund, no second receipt
    code = create(414_000, "phi_le_phi")
    first, second = start(code), start(code)
    assert bank_ipn(first, 414_000, "24", "02") == "00"
    assert bank_ipn(second, 414_000, "00", "00") == "00"
    assert bank_ipn(first, 414_000, "00", "00") == "00"
    rows = sql("SELECT a.txn_ref, a.state, a.refund_state FROM payment_attempt a JOIN obligation o"
               " ON o.id = a.obligation_id WHERE o.payment_code = '%s' ORDER BY a.id" % code)
    assert [r[1] for r in rows] == ["duplicate", "paid"], rows
    assert rows[0][2] in ("due", "requested", "done"), rows
    assert sql("SELECT COUNT(*) FROM receipt r JOIN obligation o ON o.id = r.obligation_id"
               " WHERE o.payment_code = '%s'" % code) == [["1"]]


def test_one_issuers_series_is_not_given_to_two_agencies():
    """receipts-set took the same tax code, template and series for two
    agencies, and each then numbered from 1: the issuer had two receipts
    "01BLP0-002 C26TBB số 1".  The second agency is refused, naming the
    first; setting the first again (the command is re-runnable) is not."""
    # two departments no other test has set up, left as they were found
    codes = [r[0] for r in sql("SELECT code FROM agency WHERE kind = 'department' AND active = 1"
                               " AND code NOT IN (SELECT agency_code FROM pay_receipt_setting)"
                               " AND code NOT IN (SELECT agency_code FROM pay_beneficiary)"
                               " ORDER BY code DESC LIMIT 2")]
    assert len(codes) == 2, codes
    try:
        _one_series(codes)
    finally:
        sql("DELETE FROM pay_receipt_setting WHERE agency_code IN ('%s', '%s')" % tuple(codes))


def _one_series(codes):
    tax = P.tax_code("chk13-issuer")
    first = ("receipts-set", "--agency", codes[0], "--name", "Sở thứ nhất", "--tax-code", tax,
             "--template", "01BLP0-002", "--series", "C26TBB")
    assert P.admin(*first)[0] == 0
    assert P.admin(*first)[0] == 0
    before = sql("SELECT agency_code, tax_code, series_symbol FROM pay_receipt_setting ORDER BY agency_code")
    rc, out, err = P.admin("receipts-set", "--agency", codes[1], "--name", "Sở thứ hai", "--tax-code", tax,
                           "--template", "01BLP0-002", "--series", "C26TBB")
    assert rc == 2 and codes[0] in err and "series" in err, (rc, out, err)
    assert sql("SELECT agency_code, tax_code, series_symbol FROM pay_receipt_setting"
               " ORDER BY agency_code") == before
    # another series symbol of the same issuer is its own sequence: taken
    rc, out, err = P.admin("receipts-set", "--agency", codes[1], "--name", "Sở thứ hai", "--tax-code", tax,
                           "--template", "01BLP0-002", "--series", "C26TBC")
    assert rc == 0, err
