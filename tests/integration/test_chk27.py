"""test_chk27.py - the payment area's intranet as the agency's auditor and
accountant read it.

- The webhook delivery log (/payment/admin/deliveries) is read by the
  agency's staff, not by the programmer: the event, the receiver's answer
  and the failure are said in Vietnamese (no "obligation.cancelled", no
  "receiver answered non-2xx"), only the staff member's own agency's
  deliveries are listed, and a log cut at its 200 rows says so.
"""
import http.server
import json
import threading
import time
import uuid

import test_payment as tp
from harness import INTRANET_PORT, request, wait_until
from test_payment_refund import intranet, staff_session


def third_agency():
    """A commune of its own (not test_payment's two, and none that a run before
    used: no receipts and no deliveries yet), set up by the operator's commands
    as a fresh agency is: beneficiary, receipts, an API key."""
    code = tp.sql("SELECT a.code FROM agency a WHERE a.kind = 'commune' AND NOT EXISTS"
                  " (SELECT 1 FROM pay_beneficiary b WHERE b.agency_code = a.code)"
                  " ORDER BY a.code LIMIT 10, 1")[0][0]
    rc, _, err = tp.admin("beneficiary-set", "--agency", code, "--bin", "970436",
                          "--account", "0011004999999", "--account-name", "UBND XA KIEM TRA")
    assert rc == 0, err
    rc, _, err = tp.admin("receipts-set", "--agency", code, "--name", "Ủy ban nhân dân xã kiểm tra",
                          "--tax-code", tp.tax_code(code), "--template", "01BLP0-001",
                          "--series", "C26K" + code[-3:])
    assert rc == 0, err
    rc, out, err = tp.admin("apikey-add", "--agency", code)
    assert rc == 0, err
    return code, tuple(out.split())


def create_for(agency, key, amount):
    body = json.dumps({"group": "hoc_phi", "agency": agency,
                       "reference": "HS%d" % (time.time_ns() % 10 ** 9),
                       "payer": {"name": "Trần Thị Bình", "id": "001190000002"},
                       "lines": [{"name": "Học phí học kỳ I", "amount": amount}]},
                      ensure_ascii=False).encode()
    r = tp.api("POST", "/payment/api/obligations", body, key=key)
    assert r.status == 201, (r.status, r.body)
    return r.json()["payment_code"]


class Refuses(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


def test_delivery_log_in_vietnamese_scoped_and_says_when_cut():
    tp.setup_agency()
    agency, key = third_agency()
    srv = http.server.HTTPServer(("127.0.0.1", 0), Refuses)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        rc, _, err = tp.admin("webhook-set", "--agency", agency,
                              "--url", "http://127.0.0.1:%d/hook" % srv.server_port)
        assert rc == 0, err
        code = create_for(agency, key, 350000)
        r = tp.api("POST", "/payment/api/obligations/%s/cancel" % code, key=key)
        assert r.status == 200, (r.status, r.body)
        assert wait_until(lambda: tp.sql(
            "SELECT COUNT(*) FROM pay_webhook_delivery WHERE payment_code = '%s'" % code)[0][0] != "0", 20)
    finally:
        srv.shutdown()
    leader = staff_session(agency, 4)
    page = intranet("GET", "/payment/admin/deliveries", leader)
    assert page.status == 200, page.status
    text = page.text
    assert code in text
    assert "Đã hủy khoản nộp" in text and "mã 500" in text, text[-3000:]
    for word in ("obligation.", "non-2xx", "receiver", "webhook", "<th>HTTP</th>"):
        assert word not in text, word
    logged = int(tp.sql("SELECT COUNT(*) FROM pay_webhook_delivery WHERE agency_code = '%s'" % agency)[0][0])
    assert ("Chỉ hiện 200" in text) == (logged > 200), logged
    # another agency's staff do not see this agency's deliveries
    other = staff_session(tp.AGENCY, 4)
    assert code not in intranet("GET", "/payment/admin/deliveries", other).text
    # never on the public site
    assert request("GET", "/payment/admin/deliveries", headers={"Cookie": leader["cookie"]}).status == 404

    # a long log: 200 rows shown, and the page says it is cut
    tp.sql("INSERT INTO pay_webhook_delivery (outbox_id, agency_code, event, payment_code, url,"
           " attempted_at, http_status, error) SELECT 0, '%s', 'obligation.paid', '%s',"
           " 'http://127.0.0.1:1/hook', UTC_TIMESTAMP(3) - INTERVAL seq SECOND, NULL,"
           " 'Failed to connect to 127.0.0.1 port 1' FROM seq_1_to_210" % (agency, code))
    text = intranet("GET", "/payment/admin/deliveries", leader).text
    assert "Chỉ hiện 200 lần báo tin gần nhất" in text, text[:3000]
    assert text.count("Không kết nối được tới địa chỉ nhận") == 200
    assert "Failed to connect" not in text


def paid_for(agency, key, amount):
    code = create_for(agency, key, amount)
    loc, _ = tp.start(code)
    tp.bank_pays(loc, "paid", ipn="before_return")
    assert wait_until(lambda: tp.status_of(code) == "paid", 15)
    return code


def staff_post(staff, code, action, form):
    from test_payment_receipts import page_and_csrf
    _, csrf, cookies = page_and_csrf(staff, code)
    form = dict(form, csrf=csrf)
    return intranet("POST", "/payment/admin/receipts/%s/%s" % (code, action), staff, form, cookies)


def test_receipt_register_of_one_day_adds_up():
    tp.setup_agency()
    agency, key = third_agency()
    a = paid_for(agency, key, 350000)
    b = paid_for(agency, key, 1234567)
    leader = staff_session(agency, 4)
    r = staff_post(leader, a, "adjust", {"so_tien": "-20.000", "noi_dung": "Giảm học phí",
                                         "ly_do": "Miễn giảm theo quyết định 12/QĐ"})
    assert r.status == 303, (r.status, r.text[:500])
    r = staff_post(leader, b, "cancel", {"ly_do": "Thu nhầm người nộp"})
    assert r.status == 303, (r.status, r.text[:500])
    # each staff action audited: who, when, what, from where
    for action, code in (("payment_receipt_adjust", a), ("payment_receipt_cancel", b)):
        row = tp.sql("SELECT staff_login, agency_code, remote_addr, at > UTC_TIMESTAMP() - INTERVAL 1 MINUTE"
                     " FROM audit_log WHERE action = '%s' AND subject = '%s'" % (action, code))
        assert row == [[leader["login"], agency, "127.0.0.1", "1"]], row

    days = tp.sql("SELECT DISTINCT DATE(issued_at + INTERVAL 7 HOUR) FROM receipt WHERE agency_code = '%s'"
                  % agency)
    if len(days) != 1:
        return  # across Vietnam's midnight: the day's sums are another day's
    day = days[0][0]
    dd = "%s/%s/%s" % (day[8:], day[5:7], day[:4])
    page = intranet("GET", "/payment/admin/receipts?ngay=" + dd, leader)
    assert page.status == 200, page.status
    text = page.text
    assert "Biên lai lập ngày " + dd in text, text[:3000]
    # 350.000 + 1.234.567 received, -20.000 adjusted, 1.234.567 void: 330.000 kept
    assert "Biên lai đã thu (2 biên lai)</th><td class=\"num\">1.584.567 đồng" in text, text
    assert "Biên lai điều chỉnh (1 biên lai)</th><td class=\"num\">-20.000 đồng" in text
    assert "(1 thông báo hủy)</th><td class=\"num\">-1.234.567 đồng" in text
    assert "<strong>330.000 đồng</strong>" in text
    assert text.count('data-kind="receipt"') == 2 and a in text and b in text
    # another agency's leader sees none of it that day
    other = intranet("GET", "/payment/admin/receipts?ngay=" + dd, staff_session(tp.AGENCY, 4)).text
    assert a not in other and b not in other and "1.584.567" not in other
    # a day with nothing, and a day that is not a date
    empty = intranet("GET", "/payment/admin/receipts?ngay=01/01/2001", leader).text
    assert "không lập biên lai nào trong ngày này" in empty and "<strong>0 đồng</strong>" in empty
    assert "-0 đồng" not in empty and 'value="01/01/2001"' in empty
    # the day as written in Vietnam, and one that exists
    for bad_day in ("2026-12-31", "31/02/2026", "29/02/2027", "1/2/2026"):
        bad = intranet("GET", "/payment/admin/receipts?ngay=" + bad_day, leader)
        assert bad.status == 400 and "ngày lập biên lai, dạng 02/12/2026" in bad.text, (bad_day, bad.status)


def test_flagged_payments_add_up_and_the_refusal_is_in_vietnamese():
    tp.setup_agency()
    agency, key = third_agency()
    # a second success the bank pays back (both attempts paid at the bank)
    back = create_for(agency, key, 45000)
    loc1, _ = tp.start(back)
    loc2, q2 = tp.start(back)
    tp.bank_pays(loc1, "paid", ipn="before_return")
    tp.bank_pays(loc2, "paid", ipn="before_return")
    refunded = q2["vnp_TxnRef"]
    # a second success the bank has no record of: it refuses (code 91)
    owed = create_for(agency, key, 90000)
    _, p1 = tp.start(owed)
    _, p2 = tp.start(owed)
    assert tp.ipn(tp.success_params(p1["vnp_TxnRef"], 90000)).json()["RspCode"] == "00"
    assert tp.ipn(tp.success_params(p2["vnp_TxnRef"], 90000)).json()["RspCode"] == "00"
    refused = p2["vnp_TxnRef"]
    state = lambda ref: tp.sql("SELECT refund_state, refund_tries FROM payment_attempt"
                               " WHERE txn_ref = '%s'" % ref)[0]
    assert wait_until(lambda: state(refunded)[0] == "refunded", 30), state(refunded)
    assert wait_until(lambda: state(refused)[1] != "0" and state(refused)[0] == "due", 30), state(refused)
    err = tp.sql("SELECT refund_error FROM payment_attempt WHERE txn_ref = '%s'" % refused)[0][0]
    assert err == "ngân hàng từ chối, mã 91: không tìm thấy giao dịch cần hoàn", err

    text = intranet("GET", "/payment/admin/flagged", staff_session(agency, 4)).text
    assert ("Còn phải hoàn cho người nộp (1 giao dịch)</th><td class=\"num\"><strong>90.000 đồng"
            in text), text
    assert "Đã hoàn (1 giao dịch)</th><td class=\"num\">45.000 đồng" in text
    assert "Not found" not in text and "Chỉ hiện 200" not in text
    assert refused in text and refunded in text
    # another agency's leader: none of it, and its own sums
    other = intranet("GET", "/payment/admin/flagged", staff_session(tp.AGENCY, 4)).text
    assert refused not in other and refunded not in other


def test_beneficiary_set_says_what_it_changed_and_what_it_did_not():
    tp.setup_agency()
    agency, key = third_agency()
    bene = ("beneficiary-set", "--agency", agency, "--bin", "970436", "--account", "0011004777777",
            "--account-name", "UBND XA KIEM TRA")
    rc, out, err = tp.admin(*bene)
    assert rc == 0 and "replacing 970436 0011004999999 (UBND XA KIEM TRA)" in out, (out, err)
    rc, out, err = tp.admin("beneficiary-set", "--agency", agency, "--group", "phat_vphc",
                            "--bin", "970415", "--account", "1122334455", "--account-name", "UBND XA KIEM TRA")
    assert rc == 0 and "(phat_vphc): 970415 1122334455 (UBND XA KIEM TRA), new setting" in out, out
    # re-run for "all groups": the fines keep their own account, and it says so
    rc, out, err = tp.admin(*bene)
    assert rc == 0, err
    assert "unchanged" in out and "replacing" not in out, out
    assert "not changed: group phat_vphc keeps its own account 970415 1122334455" in out, out
    # and that is what new obligations take
    fine = create_for(agency, key, 500000)
    body = json.dumps({"group": "phat_vphc", "agency": agency, "reference": "QĐ 7/QĐ-XPHC",
                       "payer": {"name": "Lê Văn Cường", "id": "001080000003"},
                       "lines": [{"name": "Phạt vi phạm giao thông", "amount": 800000}]},
                      ensure_ascii=False).encode()
    r = tp.api("POST", "/payment/api/obligations", body, key=key)
    assert r.status == 201, r.body
    got = dict(tp.sql("SELECT grp, bene_account FROM obligation WHERE payment_code IN ('%s', '%s')"
                      % (fine, r.json()["payment_code"])))
    assert got == {"hoc_phi": "0011004777777", "phat_vphc": "1122334455"}, got


def test_receipts_set_says_what_it_replaced():
    """An operator re-running receipts-set, or moving an agency to a newly
    registered series, is told what the agency numbered with before, as
    beneficiary-set tells of the account: the series on the receipts
    already issued is what an auditor asks about first."""
    tp.setup_agency()
    agency, _ = third_agency()
    name, tax, tpl, ser = tp.sql("SELECT unit_name, tax_code, template_symbol, series_symbol"
                                 " FROM pay_receipt_setting WHERE agency_code = '%s'" % agency)[0]
    old = "%s, tax code %s, template %s, series %s" % (name, tax, tpl, ser)
    args = ["receipts-set", "--agency", agency, "--name", name, "--tax-code", tax, "--template", tpl]
    rc, out, err = tp.admin(*args, "--series", ser)
    assert rc == 0 and out.strip() == "receipts of %s: %s; unchanged" % (agency, old), (out, err)
    moved = "C27R" + uuid.uuid4().hex[:6].upper()
    rc, out, err = tp.admin(*args, "--series", moved)
    new = "%s, tax code %s, template %s, series %s" % (name, tax, tpl, moved)
    assert rc == 0 and out.strip() == "receipts of %s: %s; replacing %s" % (agency, new, old), (out, err)
    rc, out, err = tp.admin(*args, "--series", ser)
    assert rc == 0 and out.strip() == "receipts of %s: %s; replacing %s" % (agency, old, new), (out, err)
