"""test_payment_return.py - the person back from the bank with a return
whose signature fails.

The return is stored raw and answered like any return: its parameters are
not believed, but its vnp_TxnRef names the attempt; the page is the one a
good return leads to (the public page of the payment code, which the
reference begins with), and while the attempt is pending the portal asks
the bank (querydr) and settles from the bank's signed answer, never from
the return.  Asking is rationed per attempt (PORTAL_RETURN_ASK_SECONDS),
so forged returns in a burst cost the bank's API one call; a reference no
attempt has asks nobody and gets a plain 400.
"""
import json
import threading
import time
import urllib.parse

import test_payment as P
from harness import get


def forged_return(ref, amount, **over):
    p = P.success_params(ref, amount, **over)
    p["vnp_SecureHash"] = "cd" * 64
    return get("/payment/vnpay/return?" + urllib.parse.urlencode(p))


def bank_txn(ref):
    return json.loads(P.sandbox("GET", "/sandbox/transactions?txn_ref=" + ref)[2])[0]


def returns_of(ref):
    return P.sql("SELECT result FROM callback_raw WHERE kind = 'return' AND txn_ref = '%s' ORDER BY id"
                 % ref)


def attempt(ref):
    return P.sql("SELECT state, settled_by FROM payment_attempt WHERE txn_ref = '%s'" % ref)[0]


def started(amount, at_bank=False):
    """An obligation of `amount` đồng and its attempt sent to the bank:
    (obligation, payment code, bank page URL, vnp_TxnRef).  at_bank: the
    person has opened the bank's page (nothing decided there yet)."""
    o = P.create((amount,))
    code = o["payment_code"]
    loc, q = P.start(code)
    if at_bank:
        u = urllib.parse.urlsplit(loc)
        assert P.sandbox("GET", u.path + "?" + u.query)[0] == 200
    return o, code, loc, q["vnp_TxnRef"]


def test_bad_signature_return_for_an_attempt_the_bank_paid():
    o, code, loc, ref = started(95000)
    # paid at the bank; the bank's IPN never comes; the browser's return
    # arrives with a wrong signature
    P.bank_pays(loc, "paid", ipn="never")
    assert P.status_of(code) == "being_paid"
    r = forged_return(ref, o["total"])
    assert r.status == 303, (r.status, r.body[:300])
    assert r.header("Location") == "/pay/%s?ket_qua=paid" % code, r.header("Location")
    # settled from the bank's signed answer (querydr), not from the return
    assert attempt(ref) == ["paid", "querydr"]
    assert P.status_of(code) == "paid" and len(P.receipts_of(code)) == 1
    page = get(r.header("Location"))
    assert page.status == 200 and "Đã nộp" in page.text and "/start" not in page.text
    # stored, as the bad signature it was
    assert returns_of(ref) == [["97"]]
    assert bank_txn(ref)["querydr_calls"] == 1
    P.check_invariants()


def test_bad_signature_return_for_an_attempt_the_bank_has_not_paid():
    # the person is still on the bank's page (nothing decided there); a
    # return claiming success, badly signed, arrives
    o, code, loc, ref = started(64000, at_bank=True)
    r = forged_return(ref, o["total"])
    assert r.status == 303 and r.header("Location") == "/pay/%s?ket_qua=pending" % code, \
        (r.status, r.header("Location"))
    page = get(r.header("Location"))
    assert "Ngân hàng chưa xác nhận giao dịch" in page.text and "Đã nộp" not in page.text
    # nothing changed: the attempt waits, nothing paid, no receipt
    assert attempt(ref) == ["pending", "NULL"]
    assert P.status_of(code) == "being_paid" and P.receipts_of(code) == []
    assert bank_txn(ref)["querydr_calls"] == 1 and returns_of(ref) == [["97"]]
    # the amount in a forged return is no one's word either: a changed one
    # settles nothing, and within the ration the bank is not asked again
    r = forged_return(ref, o["total"] - 1000)
    assert r.header("Location") == "/pay/%s?ket_qua=pending" % code
    assert bank_txn(ref)["querydr_calls"] == 1 and attempt(ref) == ["pending", "NULL"]
    # the person then pays at the bank; a later return (past the ration)
    # asks again and shows it paid
    P.sandbox("POST", "/paymentv2/decide", urllib.parse.urlencode(
        {"txn_ref": ref, "outcome": "paid", "ipn": "never"}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"})
    time.sleep(P.RETURN_ASK_SECONDS)
    r = forged_return(ref, o["total"])
    assert r.header("Location") == "/pay/%s?ket_qua=paid" % code
    assert P.status_of(code) == "paid" and len(P.receipts_of(code)) == 1
    assert bank_txn(ref)["querydr_calls"] == 2
    P.check_invariants()


def test_forged_returns_in_a_burst_ask_the_bank_once():
    o, code, loc, ref = started(33000, at_bank=True)
    n0 = int(P.sql("SELECT COUNT(*) FROM callback_raw WHERE kind = 'querydr' AND txn_ref = '%s'" % ref)[0][0])
    answers, lock = [], threading.Lock()

    def one(i):
        r = forged_return(ref, o["total"], vnp_TransactionNo=str(30000000 + i))
        with lock:
            answers.append((r.status, r.header("Location")))
    t0 = time.time()
    ts = [threading.Thread(target=one, args=(i,)) for i in range(30)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.time() - t0
    # every one answered with the page of what the portal knows
    assert answers == [(303, "/pay/%s?ket_qua=pending" % code)] * 30, answers
    calls = bank_txn(ref)["querydr_calls"]
    assert 1 <= calls <= 1 + int(elapsed // P.RETURN_ASK_SECONDS), (calls, elapsed)
    # the portal's own record agrees: one stored answer per call made
    asked = int(P.sql("SELECT COUNT(*) FROM callback_raw WHERE kind = 'querydr' AND txn_ref = '%s'"
                      % ref)[0][0]) - n0
    assert asked == calls, (asked, calls)
    # every return stored raw, each as a bad signature
    assert returns_of(ref) == [["97"]] * 30
    assert P.status_of(code) == "being_paid" and attempt(ref) == ["pending", "NULL"]


def test_forged_return_with_unknown_or_no_reference_asks_nobody():
    o, code, loc, ref = started(21000)
    unknown = code + ("000000" if ref[-6:] != "000000" else "000001")
    before = int(P.sql("SELECT COUNT(*) FROM callback_raw WHERE kind = 'querydr'")[0][0])
    for r in (forged_return(unknown, o["total"]), forged_return(ref + "X" * 40, o["total"])):
        assert r.status == 400, r.status
        assert "vnp_TxnRef" in r.text and "Không xác thực được" in r.text
        # a plain page: nothing of the obligation or its payer
        assert code not in r.text and "Nguyễn Văn An" not in r.text
    p = P.success_params(ref, o["total"])
    del p["vnp_TxnRef"]
    p["vnp_SecureHash"] = "ab" * 64
    r = get("/payment/vnpay/return?" + urllib.parse.urlencode(p))
    assert r.status == 400 and "vnp_TxnRef" in r.text
    assert int(P.sql("SELECT COUNT(*) FROM callback_raw WHERE kind = 'querydr'")[0][0]) == before
    assert P.sql("SELECT result FROM callback_raw WHERE kind = 'return' AND txn_ref = '%s'" % unknown) == [["97"]]
    assert P.status_of(code) == "being_paid"


def test_bad_signature_return_shows_no_more_than_a_good_one():
    """Both lead to the same public page of the payment code, and the
    return's own answer carries nothing of the payer."""
    o = P.create((47000,))
    code = o["payment_code"]
    loc, q = P.start(code)
    back = P.bank_pays(loc, "paid", ipn="before_return")
    good = P.follow_return(back)
    u = urllib.parse.urlsplit(back)
    params = dict(urllib.parse.parse_qsl(u.query))
    params["vnp_SecureHash"] = "ef" * 64
    bad = get(u.path + "?" + urllib.parse.urlencode(params))
    assert good.status == bad.status == 303
    assert good.header("Location") == bad.header("Location") == "/pay/%s?ket_qua=paid" % code
    assert b"Nguy" not in bad.body and b"001090000001" not in bad.body
    assert len(P.receipts_of(code)) == 1
