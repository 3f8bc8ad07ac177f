"""test_payment_refund.py - a second success is given back through the
bank's refund API by the refund job; the intranet page of flagged payments
(leaders and administrators of the agency only) shows each with its state,
and a person's decision to try a refused refund again is audited in the
same transaction.  Staff sign in the way the submission area's login
leaves them: a staff row and a session row (sha256 of the cookie's token).
"""
import hashlib
import json
import os
import re
import secrets
import time
import urllib.parse

import test_payment as tp
from harness import INTRANET_PORT, request, wait_until


def pay_twice_through_the_sandbox():
    """One obligation, two attempts, both paid at the bank (two tabs)."""
    o = tp.create((187000,))
    loc1, q1 = tp.start(o["payment_code"])
    loc2, q2 = tp.start(o["payment_code"])
    tp.bank_pays(loc1, "paid", ipn="before_return")
    tp.bank_pays(loc2, "paid", ipn="before_return")
    return o, q1["vnp_TxnRef"], q2["vnp_TxnRef"]


def refund_state(ref):
    return tp.sql("SELECT refund_state FROM payment_attempt WHERE txn_ref = '%s'" % ref)[0][0]


def hook_server():
    return tp.hook_server()


def test_second_success_is_refunded_by_the_job():
    tp.setup_agency()
    srv, got = hook_server()
    try:
        rc, _, err = tp.admin("webhook-set", "--agency", tp.AGENCY,
                              "--url", "http://127.0.0.1:%d/hook" % srv.server_address[1])
        assert rc == 0, err
        o, first, second = pay_twice_through_the_sandbox()
        assert tp.status_of(o["payment_code"]) == "paid"
        assert wait_until(lambda: refund_state(second) == "refunded", 30), refund_state(second)
        assert refund_state(first) == "none"
        # the bank gave the second payment back, in full, once
        t = json.loads(tp.sandbox("GET", "/sandbox/transactions?txn_ref=" + second)[2])[0]
        assert [r["amount"] for r in t["refunds"]] == [187000], t["refunds"]
        t1 = json.loads(tp.sandbox("GET", "/sandbox/transactions?txn_ref=" + first)[2])[0]
        assert t1["refunds"] == []
        # the obligation stays paid by the first, with its one receipt
        assert tp.status_of(o["payment_code"]) == "paid"
        assert len(tp.receipts_of(o["payment_code"])) == 1
        assert tp.sql("SELECT result FROM callback_raw WHERE kind = 'refund' AND txn_ref = '%s'"
                      % second) == [["00"]]
        # the agency hears of it
        assert wait_until(lambda: any(e["type"] == "obligation.refunded" and
                                      e["data"]["payment_code"] == o["payment_code"] for e in got), 20)
        ev = [e for e in got if e["type"] == "obligation.refunded"][0]
        assert ev["data"]["refund"] == {"txn_ref": second, "amount": 187000, "reason": "second_success"}
        assert ev["data"]["status"] == "paid"
        time.sleep(3)      # a later round refunds nothing again
        assert len(json.loads(tp.sandbox("GET", "/sandbox/transactions?txn_ref=" + second)[2])[0]["refunds"]) == 1
    finally:
        tp.sql("DELETE FROM pay_webhook_endpoint WHERE agency_code = '%s'" % tp.AGENCY)
        srv.shutdown()
    tp.check_invariants()


def day_money(group="phat_vphc"):
    """Today's counters of the test agency and group, its shards summed
    (sql/008), as the statistics page will read them."""
    row = tp.sql("SELECT COALESCE(SUM(paid_count), 0), COALESCE(SUM(paid_amount), 0),"
                 " COALESCE(SUM(dup_count), 0), COALESCE(SUM(dup_amount), 0),"
                 " COALESCE(SUM(refunded_count), 0), COALESCE(SUM(refunded_amount), 0)"
                 " FROM pay_daily WHERE agency_code = '%s' AND grp = '%s'"
                 " AND day = DATE(UTC_TIMESTAMP() + INTERVAL 7 HOUR)" % (tp.AGENCY, group))[0]
    return [int(v) for v in row]


def test_the_days_counters_take_the_second_payment_in_and_its_refund_out():
    """An auditor reconciles the beneficiary's account for a day: what came
    in is the obligations paid and the second payments kept for refund, what
    went out is the refunds.  Each is counted once, in its event's own
    transaction, and a replayed callback counts nothing."""
    tp.setup_agency()
    before = day_money()
    o, first, second = pay_twice_through_the_sandbox()
    assert wait_until(lambda: refund_state(second) == "refunded", 30), refund_state(second)
    after = day_money()
    delta = [a - b for a, b in zip(after, before)]
    assert delta == [1, 187000, 1, 187000, 1, 187000], delta
    # the bank sends the second success again: a replay, nothing counted
    raw = tp.sql("SELECT raw FROM callback_raw WHERE kind = 'ipn' AND txn_ref = '%s'"
                 " ORDER BY id LIMIT 1" % second)[0][0]
    raw = raw.decode() if isinstance(raw, (bytes, bytearray)) else raw
    r = request("GET", "/payment/vnpay/ipn?" + raw)
    assert r.status == 200 and r.json()["RspCode"] == "02", r.body
    assert day_money() == after
    tp.check_invariants()


def refused_refund():
    """A second success the bank will not refund (it has no record of it:
    the callbacks came straight from the test), pushed to 'failed'."""
    o = tp.create((64000,))
    _, q1 = tp.start(o["payment_code"])
    _, q2 = tp.start(o["payment_code"])
    assert tp.ipn(tp.success_params(q1["vnp_TxnRef"], o["total"])).json()["RspCode"] == "00"
    assert tp.ipn(tp.success_params(q2["vnp_TxnRef"], o["total"])).json()["RspCode"] == "00"
    ref = q2["vnp_TxnRef"]
    assert wait_until(lambda: tp.sql("SELECT refund_tries, refund_state FROM payment_attempt"
                                     " WHERE txn_ref = '%s'" % ref)[0] == ["1", "due"], 20)
    err = tp.sql("SELECT refund_error FROM payment_attempt WHERE txn_ref = '%s'" % ref)[0][0]
    assert err.startswith("ngân hàng từ chối, mã 91"), err     # staff read it: Vietnamese
    # as if four refusals had passed: the fifth makes it wait for a person
    tp.sql("UPDATE payment_attempt SET refund_tries = 4, refund_next_at = UTC_TIMESTAMP(3)"
           " WHERE txn_ref = '%s'" % ref)
    assert wait_until(lambda: refund_state(ref) == "failed", 20), refund_state(ref)
    return o, ref


def staff_session(agency, roles, login=None):
    login = login or "cb%d" % time.time_ns()
    salt = secrets.token_bytes(16)
    h = hashlib.pbkdf2_hmac("sha256", b"mat-khau-thu", salt, 1000)
    tp.sql("INSERT INTO staff (login, name, agency_code, roles, password_hash, active, created_at)"
           " VALUES ('%s', 'Cán bộ thử', '%s', %d, 'pbkdf2-sha256$1000$%s$%s', 1, UTC_TIMESTAMP())"
           % (login, agency, roles, salt.hex(), h.hex()))
    sid = tp.sql("SELECT id FROM staff WHERE login = '%s'" % login)[0][0]
    token = secrets.token_hex(32)
    tp.sql("INSERT INTO session (id_hash, kind, user_id, created_at, last_seen, remote_addr)"
           " VALUES ('%s', 3, %s, UTC_TIMESTAMP(), UTC_TIMESTAMP(), '127.0.0.1')"
           % (hashlib.sha256(token.encode()).hexdigest(), sid))
    return {"login": login, "cookie": "ssid=" + token}


def intranet(method, path, staff, body=None, cookies=""):
    h = {"Cookie": staff["cookie"] + (("; " + cookies) if cookies else "")}
    if body is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body).encode()
    return request(method, path, body=body, headers=h, port=INTRANET_PORT)


def test_flagged_page_and_audited_retry():
    o, ref = refused_refund()
    leader = staff_session(tp.AGENCY, 4)
    desk = staff_session(tp.AGENCY, 1)
    other = staff_session(tp.sql("SELECT agency_code FROM pay_beneficiary WHERE agency_code <> '%s'"
                                 " LIMIT 1" % tp.AGENCY)[0][0], 8)
    # only leaders and administrators; never on the public site
    assert intranet("GET", "/payment/admin/flagged", desk).status == 403
    assert request("GET", "/payment/admin/flagged", headers={"Cookie": leader["cookie"]}).status == 404
    r = request("GET", "/payment/admin/flagged", port=INTRANET_PORT)
    assert r.status == 303 and r.header("Location").startswith("/desk/login"), (r.status, r.headers)
    page = intranet("GET", "/payment/admin/flagged", leader)
    assert page.status == 200, page.status
    row = re.search(r"<tr>\s*<td[^>]*>%s.*?</tr>" % o["payment_code"], page.text, re.S)
    assert row and ref in row.group(0) and 'data-state="failed"' in row.group(0), page.text[:2000]
    assert "ngân hàng từ chối, mã 91" in row.group(0) and "64.000" in row.group(0)
    # another agency's administrator does not see it
    assert ref not in intranet("GET", "/payment/admin/flagged", other).text
    cookies = "; ".join(v.split(";")[0] for k, v in page.headers if k.lower() == "set-cookie")
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert m, "the retry form carries a CSRF token"
    csrf = m.group(1)
    path = "/payment/admin/flagged/%s/retry" % ref
    n_audit = int(tp.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'payment_refund_retry'")[0][0])
    # refused: no token, no reason, another agency, a desk officer
    assert intranet("POST", path, leader, {"ly_do": "x"}, cookies).status == 403
    r = intranet("POST", path, leader, {"csrf": csrf}, cookies)
    assert r.status == 400 and "lý do" in r.text, r.status
    r = intranet("POST", path, other, {"csrf": csrf, "ly_do": "x"}, cookies)
    assert r.status == 403, r.status                 # another agency's
    assert intranet("POST", path, desk, {"csrf": csrf, "ly_do": "x"}, cookies).status == 403
    assert intranet("POST", "/payment/admin/flagged/12ab/retry", leader,
                    {"csrf": csrf, "ly_do": "x"}, cookies).status == 404
    assert refund_state(ref) == "failed"
    assert int(tp.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'payment_refund_retry'")[0][0]) == n_audit
    # accepted: back to the job, with its audit row
    r = intranet("POST", path, leader, {"csrf": csrf, "ly_do": "Ngân hàng đã xác nhận giao dịch"}, cookies)
    assert r.status == 303 and r.header("Location").endswith("/payment/admin/flagged?xong=1"), r.status
    assert refund_state(ref) in ("due", "requested")
    rows = tp.sql("SELECT staff_login, agency_code, subject, detail FROM audit_log"
                  " WHERE action = 'payment_refund_retry' ORDER BY id DESC LIMIT 1")
    assert rows == [[leader["login"], tp.AGENCY, ref, "Ngân hàng đã xác nhận giao dịch"]], rows
    # a second press finds nothing to retry
    assert intranet("POST", path, leader, {"csrf": csrf, "ly_do": "lần nữa"}, cookies).status == 409


# --- staff create an obligation on the intranet ------------------------------

def test_staff_create_obligation_audited():
    tp.setup_agency()
    desk = staff_session(tp.AGENCY, 1)
    processor = staff_session(tp.AGENCY, 2)
    assert intranet("GET", "/payment/admin/obligations/new", processor).status == 403
    page = intranet("GET", "/payment/admin/obligations/new", desk)
    assert page.status == 200 and 'name="group"' in page.text
    cookies = "; ".join(v.split(";")[0] for k, v in page.headers if k.lower() == "set-cookie")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    ref = "QĐ %d/QĐ-XPHC" % (time.time_ns() % 10 ** 8)
    good = {"csrf": csrf, "group": "phat_vphc", "reference": ref, "payer": "Phạm Văn Đức",
            "payer_id": "001085000777", "due": "", "line1": "Phạt không đội mũ bảo hiểm",
            "amount1": "400.000", "line2": "", "amount2": "", "line3": "", "amount3": ""}
    n0 = tp.count_obligations()
    audits0 = int(tp.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'payment_obligation_create'")[0][0])
    # refused, each naming what is wrong, and nothing written
    for change, field in (({"amount1": "1,5"}, "Số tiền khoản thứ 1"), ({"amount1": "0"}, "Số tiền khoản thứ 1"),
                          ({"amount1": "1000000000000001"}, "Số tiền khoản thứ 1"),
                          ({"line2": "Phí", "amount2": ""}, "Khoản thứ 2"),
                          ({"payer": ""}, "họ tên người nộp"), ({"payer": "   "}, "họ tên người nộp"),
                          ({"reference": " \u00a0"}, "số tham chiếu"), ({"line1": "  "}, "tên khoản thứ nhất"),
                          ({"due": "2026-02-30"}, "Hạn nộp"),
                          ({"group": "thue_dat"}, "group")):
        r = intranet("POST", "/payment/admin/obligations", desk, dict(good, **change), cookies)
        assert r.status == 400 and field in r.text, (change, r.status, r.text[:300])
    assert intranet("POST", "/payment/admin/obligations", desk,
                    dict(good, csrf="0" * 64), cookies).status == 403
    assert intranet("POST", "/payment/admin/obligations", processor, good, cookies).status == 403
    assert tp.count_obligations() == n0
    # made, with its audit row, for the officer's own agency
    r = intranet("POST", "/payment/admin/obligations", desk, good, cookies)
    assert r.status == 303, (r.status, r.text[:300])
    code = re.search(r"\?ma=(\d{12})$", r.header("Location")).group(1)
    row = tp.sql("SELECT agency_code, source, total, reference, payer_id FROM obligation"
                 " WHERE payment_code = '%s'" % code)
    assert row == [[tp.AGENCY, "staff", "400000", ref, "001085000777"]], row
    a = tp.sql("SELECT staff_login, subject FROM audit_log WHERE action = 'payment_obligation_create'"
               " ORDER BY id DESC LIMIT 1")
    assert a == [[desk["login"], code]], a
    assert int(tp.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'payment_obligation_create'")[0][0]) == audits0 + 1
    done = intranet("GET", r.header("Location"), desk)
    assert "%s %s %s" % (code[:4], code[4:8], code[8:]) in done.text
    pay = tp.get("/pay/" + code)
    assert pay.status == 200 and "400.000" in pay.text


def test_webhook_delivery_log_page():
    tp.setup_agency()
    leader = staff_session(tp.AGENCY, 4)
    page = intranet("GET", "/payment/admin/deliveries", leader)
    assert page.status == 200 and "Nhật ký báo tin cho cơ quan" in page.text
    # test_second_success_is_refunded_by_the_job delivered obligation.refunded,
    # named for the agency's staff in Vietnamese (test_chk27)
    assert "Đã hoàn tiền" in page.text and "obligation.refunded" not in page.text
