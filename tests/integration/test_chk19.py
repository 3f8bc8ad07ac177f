"""test_chk19.py - the checker of issue 7 playing the bank with its own
implementation of VNPay 2.1.0 (vnpay_chk19.py, written from VNPay's
published pages and samples, not from the portal's C): the payment URL
field by field, the IPN signed and encoded every way a bank may send it,
the IPN VNPay's samples confirm although it has no vnp_TransactionStatus,
the querydr and refund requests the portal sends the bank's API, and the
bank's answers the portal must not believe unsigned.

The set-up (an agency with its settings and an API key, obligations through
the agency API, the citizen's Pay button) is test_payment's.
"""
import concurrent.futures
import datetime
import json
import os
import re
import time
import urllib.parse

import test_payment as tp
import vnpay_chk19 as vnp
from harness import get, request, wait_until

GMT7 = datetime.timezone(datetime.timedelta(hours=7))

# VNPay's category of goods per group (gateway.c's table; why, there)
ORDER_TYPE = {"phi_le_phi": "250000", "thue": "250000", "bhxh_bhyt": "250000",
              "phat_vphc": "250000", "tien_dien": "250000", "an_phi": "250000",
              "vien_phi": "270000", "hoc_phi": "190000"}


def press_pay(code, via=None):
    """The Pay button: the portal's answer as it is, whatever it is; via:
    the pay page the form is taken from (a page open in another tab)."""
    page = get("/pay/" + (via or code))
    assert page.status == 200, page.status
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    cookies = "; ".join(v.split(";")[0] for k, v in page.headers if k.lower() == "set-cookie")
    body = urllib.parse.urlencode({"csrf": token, "gateway": "vnpay"}).encode()
    return request("POST", "/pay/%s/start" % code, body=body,
                   headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})


def pay_url(code):
    r = press_pay(code)
    assert r.status == 303, (r.status, r.body[:300])
    loc = r.header("Location")
    ok, fields = vnp.verify_query(urllib.parse.urlsplit(loc).query, tp.SECRET)
    assert ok, loc
    return loc, fields


def ipn_raw(query):
    r = get("/payment/vnpay/ipn?" + query)
    assert r.status == 200, (r.status, r.body[:200])
    return r.json()


def attempt(ref):
    return tp.sql("SELECT a.state, o.status, (SELECT COUNT(*) FROM receipt r WHERE r.obligation_id = o.id"
                  " AND r.kind = 'receipt') FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id"
                  " WHERE a.txn_ref = '%s'" % ref)[0]


def api_requests(ref):
    return json.loads(tp.sandbox("GET", "/sandbox/api_requests?txn_ref=" + ref)[2])


def gmt7(s):
    return datetime.datetime.strptime(s, "%Y%m%d%H%M%S").replace(tzinfo=GMT7)


# --- 1. the payment URL ----------------------------------------------------

def test_payment_url_is_the_spec_field_by_field_for_every_group():
    """Every vnp_* field of the URL the Pay button sends the person to, for
    each of the eight groups, against pay.html's table: formats and sizes,
    đồng × 100, the dates in GMT+7 fifteen minutes apart, a new vnp_TxnRef
    per attempt, vnp_OrderInfo printable ASCII that VNPay's PHP and Java
    samples encode alike, and vnp_OrderType the category of VNPay's table
    the group belongs to (it was "other" for every group)."""
    refs = set()
    for i, (group, order_type) in enumerate(sorted(ORDER_TYPE.items())):
        amounts = (1_000 + i, 2_345_000) if i % 2 else (9_999_999_999,)
        o = tp.create(amounts, group)
        for _ in range(2):
            # the portal's clock is time(), which glibc reads from the
            # coarse clock: up to a tick (a few ms) behind this one, so a
            # second may still be the last one's
            before = datetime.datetime.now(GMT7).replace(microsecond=0) - datetime.timedelta(seconds=1)
            loc, f = pay_url(o["payment_code"])
            after = datetime.datetime.now(GMT7)
            assert vnp.check_pay_fields(f) == [], (group, vnp.check_pay_fields(f))
            assert f["vnp_Amount"] == str(sum(amounts) * 100), (group, f["vnp_Amount"])
            assert f["vnp_TmnCode"] == tp.TMN and f["vnp_Locale"] == "vn"
            assert f["vnp_ReturnUrl"].endswith("/payment/vnpay/return"), f["vnp_ReturnUrl"]
            created = gmt7(f["vnp_CreateDate"])
            assert before <= created <= after, (before, created, after)
            assert gmt7(f["vnp_ExpireDate"]) - created == datetime.timedelta(minutes=15)
            assert f["vnp_OrderType"] == order_type, (group, f["vnp_OrderType"])
            assert f["vnp_TxnRef"] not in refs
            refs.add(f["vnp_TxnRef"])
            # the bank takes it: its page opens
            u = urllib.parse.urlsplit(loc)
            st, _, body = tp.sandbox("GET", u.path + "?" + u.query)
            assert st == 200, (group, st, body[:300])


def test_amount_vnpay_cannot_carry_is_refused_before_the_bank():
    """vnp_Amount is Numeric[1,12] (pay.html): at most 999 999 999 999, so
    9 999 999 999 đồng in one payment.  The agency API takes amounts up to
    10^15 đồng, and the Pay button sent a 10 000 000 000 đồng obligation to
    the bank as vnp_Amount=1000000000000: the bank refuses the request
    (code 03) and the person is left on the bank's error page with an
    attempt the portal waits on.  The portal now says so itself, in plain
    Vietnamese naming the limit, and starts nothing."""
    small = tp.create((1_000,), "thue")["payment_code"]
    for amounts in ((10_000_000_000,), (6_000_000_000, 4_000_000_001), (10 ** 15,)):
        o = tp.create(amounts, "thue")
        # the page says it, and has no Pay button
        page = get("/pay/" + o["payment_code"])
        assert "9.999.999.999" in page.text and "/start" not in page.text, page.text[:3000]
        # the button of a page opened before (or a form made by hand)
        r = press_pay(o["payment_code"], via=small)
        assert r.status == 422, (amounts, r.status, r.header("Location"))
        assert "9.999.999.999" in r.text, r.text[:2000]
        assert tp.sql("SELECT COUNT(*) FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id"
                      " WHERE o.payment_code = '%s'" % o["payment_code"]) == [["0"]]
        assert tp.status_of(o["payment_code"]) == "unpaid"


# --- 2. the IPN, signed and encoded every way a bank may send it --------------

def fresh(amount=123_000, group="phi_le_phi"):
    o = tp.create((amount,), group)
    _, f = pay_url(o["payment_code"])
    return o, f["vnp_TxnRef"]


def test_ipn_signed_and_encoded_any_way_a_bank_may_send_it():
    """Each a first success for its own attempt, so each must be 00 and
    pay it: the PHP sample's signature sent with %20 for spaces; the fields
    in another order; vnp_SecureHashType present (2.0.x banks still send
    it, 2.1.0 leaves it out of the hash); the Java sample's encoding; an
    upper-case hash (the .NET sample compares ignoring case); a
    vnp_OrderInfo in Vietnamese with diacritics signed over UTF-8."""
    variants = [
        dict(enc=vnp.php_urlencode, wire=vnp.rfc3986),
        dict(enc=vnp.php_urlencode, order="reverse"),
        dict(enc=vnp.php_urlencode, hash_type="HmacSHA512"),
        dict(enc=vnp.java_urlencode),
        dict(enc=vnp.php_urlencode, upper=True),
        dict(enc=vnp.php_urlencode, info="Thanh toán lệ phí hộ tịch: 50% (đợt 1)"),
    ]
    for v in variants:
        o, ref = fresh()
        p = vnp.ipn_fields(tp.TMN, ref, o["total"], order_info=v.get("info", "Thanh toan le phi ho tich"))
        order = sorted(p, reverse=True) if v.get("order") else None
        qs = vnp.query(p, tp.SECRET, enc=v["enc"], order=order, hash_type=v.get("hash_type"),
                       wire=v.get("wire"))
        if v.get("upper"):
            head, h = qs.rsplit("=", 1)
            qs = head + "=" + h.upper()
        assert ipn_raw(qs)["RspCode"] == "00", v
        assert attempt(ref) == ["paid", "paid", "1"], (v, attempt(ref))
        # stored raw, exactly as it came
        assert tp.sql("SELECT raw, result FROM callback_raw WHERE kind = 'ipn' AND txn_ref = '%s'" % ref) \
            == [[qs, "00"]], v
    tp.check_invariants()


def test_ipn_codes_are_the_samples_codes():
    """The answers of VNPay's PHP and Java IPN samples, in their order:
    checksum (97), order (01), amount (04), already confirmed (02), else 00;
    a hash over another secret, a hash of another message, none at all."""
    o, ref = fresh(77_000)
    first = tp.sql("SELECT COALESCE(MAX(id), 0) FROM callback_raw")[0][0]
    good = vnp.ipn_fields(tp.TMN, ref, 77_000)
    forged = dict(good, vnp_SecureHash=vnp.sign(good, "not-the-secret"))
    assert ipn_raw(urllib.parse.urlencode(forged))["RspCode"] == "97"
    tampered = vnp.query(good, tp.SECRET).replace("vnp_Amount=7700000", "vnp_Amount=7600000")
    assert ipn_raw(tampered)["RspCode"] == "97"
    assert ipn_raw(urllib.parse.urlencode(good))["RspCode"] == "97"            # no hash
    assert ipn_raw(vnp.query(dict(good, vnp_TxnRef="999999999999123456"), tp.SECRET))["RspCode"] == "01"
    assert ipn_raw(vnp.query(dict(good, vnp_Amount="7600000"), tp.SECRET))["RspCode"] == "04"
    assert attempt(ref) == ["pending", "being_paid", "0"]
    assert ipn_raw(vnp.query(good, tp.SECRET))["RspCode"] == "00"
    assert ipn_raw(vnp.query(good, tp.SECRET))["RspCode"] == "02"
    assert attempt(ref) == ["paid", "paid", "1"]
    # every one of them kept, with its answer
    rows = tp.sql("SELECT result FROM callback_raw WHERE kind = 'ipn' AND txn_ref IN ('%s',"
                  " '999999999999123456') AND id > %s ORDER BY id" % (ref, first))
    assert [r[0] for r in rows] == ["97", "97", "97", "01", "04", "00", "02"], rows


def test_ipn_without_transaction_status_is_answered_not_retried_for_ever():
    """A signed IPN for a known attempt, of the right amount, but without
    vnp_TransactionStatus: the portal answered 99, and VNPay retries a 99
    until it gives up, although the message can never change.  VNPay's
    samples answer 00 to every signed IPN of a known, pending order of the
    right amount (Java: vnpay_ipn.jsp; PHP: vnpay_ipn.php), recording a
    failure unless vnp_ResponseCode (Java) or both codes (PHP) are 00.
    So: a response code other than 00 is a failure both samples agree on,
    recorded, answered 00; a 00 without a status is a success for the Java
    sample and a failure for the PHP one, so the portal takes neither's
    word: it answers 00 and asks the bank (querydr), whose signed answer
    settles the attempt."""
    # the person cancelled at the bank: a failure, recorded once
    o, ref = fresh(81_000)
    p = vnp.ipn_fields(tp.TMN, ref, 81_000, response="24", status=None)
    assert ipn_raw(vnp.query(p, tp.SECRET))["RspCode"] == "00"
    assert attempt(ref) == ["cancelled", "unpaid", "0"]
    assert ipn_raw(vnp.query(p, tp.SECRET))["RspCode"] == "02"
    # no code at all: a failure by both samples
    o, ref = fresh(82_000)
    p = vnp.ipn_fields(tp.TMN, ref, 82_000, response=None, status=None)
    assert ipn_raw(vnp.query(p, tp.SECRET))["RspCode"] == "00"
    assert attempt(ref) == ["failed", "unpaid", "0"]
    # 00 without a status: the bank is asked, and it says paid
    o = tp.create((83_000,), "hoc_phi")
    loc, f = pay_url(o["payment_code"])
    ref = f["vnp_TxnRef"]
    back = tp.bank_pays(loc, "paid", ipn="never")
    p = vnp.ipn_fields(tp.TMN, ref, 83_000, response="00", status=None)
    assert ipn_raw(vnp.query(p, tp.SECRET))["RspCode"] == "00"
    assert attempt(ref) == ["pending", "being_paid", "0"]
    assert tp.follow_return(back).status == 303
    assert attempt(ref) == ["paid", "paid", "1"]
    assert tp.sql("SELECT settled_by FROM payment_attempt WHERE txn_ref = '%s'" % ref) == [["querydr"]]
    tp.check_invariants()


def test_fifty_copies_encoded_differently_at_once():
    """Fifty copies of one success at the same moment, as different
    senders (or proxies) would write them: exactly one 00, the rest 02,
    one payment, one receipt, fifty callbacks stored."""
    o, ref = fresh(91_000)
    p = vnp.ipn_fields(tp.TMN, ref, 91_000)
    shapes = [vnp.query(p, tp.SECRET), vnp.query(p, tp.SECRET, wire=vnp.rfc3986),
              vnp.query(p, tp.SECRET, order=sorted(p, reverse=True)),
              vnp.query(p, tp.SECRET, hash_type="HmacSHA512"), vnp.query(p, tp.SECRET, enc=vnp.java_urlencode)]
    with concurrent.futures.ThreadPoolExecutor(50) as ex:
        codes = list(ex.map(lambda i: ipn_raw(shapes[i % len(shapes)])["RspCode"], range(50)))
    assert sorted(codes) == ["00"] + ["02"] * 49, codes
    assert attempt(ref) == ["paid", "paid", "1"]
    assert tp.sql("SELECT COUNT(*) FROM callback_raw WHERE kind = 'ipn' AND txn_ref = '%s'" % ref) == [["50"]]
    tp.check_invariants()


# --- 3. querydr and refund, as the bank's API receives them ---------------------

def test_querydr_and_refund_requests_are_the_spec_field_by_field():
    """What the portal sends PORTAL_VNPAY_API_URL, checked by the bank's
    own rules (querydr&refund.html): each field's format, the pipe-joined
    HMAC-SHA512 in the spec's order, vnp_TransactionDate the payment's
    vnp_CreateDate, the refund's amount and type, and vnp_RequestId unique
    (the bank refuses one seen before that day with 94).  The refund job
    sent its querydr and its refund under one vnp_RequestId: VNPay refuses
    the refund as a duplicate request, so a second success was never given
    back."""
    # a payment nobody reported: the return asks the bank
    o = tp.create((101_000,), "tien_dien")
    loc, f = pay_url(o["payment_code"])
    back = tp.bank_pays(loc, "paid", ipn="never")
    assert tp.follow_return(back).status == 303
    assert attempt(f["vnp_TxnRef"]) == ["paid", "paid", "1"]
    asked = api_requests(f["vnp_TxnRef"])
    assert [a["body"]["vnp_Command"] for a in asked] == ["querydr"], asked
    # a second success for one obligation: the refund job gives it back
    o2 = tp.create((102_000,), "phat_vphc")
    loc1, f1 = pay_url(o2["payment_code"])
    loc2, f2 = pay_url(o2["payment_code"])
    tp.bank_pays(loc1, "paid", ipn="before_return")
    tp.bank_pays(loc2, "paid", ipn="before_return")
    second = f2["vnp_TxnRef"]
    state = lambda: tp.sql("SELECT refund_state FROM payment_attempt WHERE txn_ref = '%s'" % second)[0][0]
    assert wait_until(lambda: state() == "refunded", 30), (state(), api_requests(second))
    sent = asked + api_requests(second)
    assert [a["body"]["vnp_Command"] for a in sent].count("refund") == 1, sent
    ids = [a["body"]["vnp_RequestId"] for a in sent]
    assert len(set(ids)) == len(ids), ids
    creates = {f["vnp_TxnRef"]: f["vnp_CreateDate"], second: f2["vnp_CreateDate"]}
    bank = json.loads(tp.sandbox("GET", "/sandbox/transactions?txn_ref=" + second)[2])[0]
    for a in sent:
        b = a["body"]
        assert vnp.check_api_request(b, tp.SECRET) == [], (b, vnp.check_api_request(b, tp.SECRET))
        assert b["vnp_TmnCode"] == tp.TMN
        # the server's address, a deployment's setting (PORTAL_VNPAY_SERVER_IP)
        assert b["vnp_IpAddr"] == os.environ.get("PORTAL_VNPAY_SERVER_IP", "127.0.0.1"), b
        assert b["vnp_TransactionDate"] == creates[b["vnp_TxnRef"]], b
        assert abs(gmt7(b["vnp_CreateDate"]) - datetime.datetime.fromtimestamp(a["at"], GMT7)) \
            < datetime.timedelta(seconds=5), b
        assert a["rsp"] == "00", a
        if b["vnp_Command"] == "refund":
            assert b["vnp_TransactionType"] == "02" and b["vnp_Amount"] == str(102_000 * 100), b
            assert b["vnp_TransactionNo"] == bank["transaction_no"], (b, bank["transaction_no"])
    assert [r["amount"] for r in bank["refunds"]] == [102_000]
    tp.check_invariants()


def test_bank_answer_with_a_bad_signature_settles_nothing():
    """A querydr answer saying paid, but not signed with the merchant's
    secret (forged, or corrupted on the way): believed, it would pay an
    obligation and give a receipt for money nobody confirmed.  It is kept
    (callback_raw, 97) and the attempt stays pending; the bank's honest
    answer later settles it."""
    o = tp.create((111_000,), "vien_phi")
    loc, f = pay_url(o["payment_code"])
    ref = f["vnp_TxnRef"]
    back = tp.bank_pays(loc, "paid", ipn="never", api_badsig=1)
    assert tp.follow_return(back).status == 303
    assert api_requests(ref), "the portal did not ask the bank"
    assert attempt(ref) == ["pending", "being_paid", "0"]
    assert tp.sql("SELECT result FROM callback_raw WHERE kind = 'querydr' AND txn_ref = '%s'" % ref) == [["97"]]
    # the bank's IPN, signed, settles it
    t = json.loads(tp.sandbox("GET", "/sandbox/transactions?txn_ref=" + ref)[2])[0]
    p = vnp.ipn_fields(tp.TMN, ref, 111_000, transaction_no=t["transaction_no"])
    assert ipn_raw(vnp.query(p, tp.SECRET))["RspCode"] == "00"
    assert attempt(ref) == ["paid", "paid", "1"]
    tp.check_invariants()
