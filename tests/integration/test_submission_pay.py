"""test_submission_pay.py - a dossier's obligation paid end to end over HTTP:
the desk asks for a fee (status 6), the citizen's dossier page shows it with
the link to /pay/{code}, the citizen pays through the bank sandbox, the
payment area marks it paid and leaves an outbox message (topic "dossier"),
and the submission area's job moves the dossier on to 4 (Đang xử lý) with
its event and its sync message; the message is not left pending, and a
second delivery of it changes nothing.
"""
import re
import time

import harness as H
import test_payment as P
import test_submission as S


def configure(agency):
    for args in (("beneficiary-set", "--agency", agency, "--bin", "970436",
                  "--account", "0011004123456", "--account-name", "UBND XA THU NGHIEM"),
                 ("receipts-set", "--agency", agency, "--name", "Ủy ban nhân dân xã thử nghiệm",
                  "--tax-code", P.tax_code(agency), "--template", "01BLP0-001", "--series", "C26TXA")):
        rc, out, err = P.admin(*args)
        assert rc == 0, err


def status_of(code):
    return int(P.sql("SELECT status FROM dossier WHERE code = '%s'" % code)[0][0])


def test_fee_shown_paid_and_dossier_moves_on():
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[1]
    configure(agency)
    code = S.file_dossier(c, agency).header("Location").rsplit("/", 1)[1]
    s = S.staff(agency, "desk")
    assert S.move(s, code, 2).status == 303
    r = S.move(s, code, 6, amount="8.000", fee_name="Lệ phí đăng ký khai sinh")
    assert r.status == 303, (r.status, r.text[:300])

    page = c.get("/dossiers/" + code)
    assert page.status == 200
    m = re.search(r'href="/pay/(\d{12})"', page.text)
    assert m, page.text
    pay = m.group(1)
    assert "Lệ phí đăng ký khai sinh" in page.text and "8.000 đồng" in page.text
    assert "Chưa nộp" in page.text
    # the desk sees it too, without the citizen's button
    desk_page = s.get("/desk/dossiers/" + code).text
    assert pay in desk_page and 'href="/pay/%s"' % pay not in desk_page

    loc, q = P.start(pay)
    back = P.bank_pays(loc, "paid")
    P.follow_return(back)
    assert H.wait_until(lambda: P.status_of(pay) == "paid", 15)
    assert H.wait_until(lambda: status_of(code) == 4, 15), status_of(code)

    page = c.get("/dossiers/" + code).text
    assert "Đã nộp" in page and 'href="/pay/%s"' % pay not in page
    # the receipt instead, the one of this obligation
    token = re.search(r'href="/receipts/([0-9a-f]{32})"', page)
    assert token, page
    assert P.sql("SELECT o.payment_code FROM receipt r JOIN obligation o ON o.id = r.obligation_id "
                 "WHERE r.verify_token = '%s'" % token.group(1)) == [[pay]]
    # a dossier's fee: a receipt for fees and charges
    receipt = H.get("/receipts/" + token.group(1)).text
    assert "<h1>BIÊN LAI THU PHÍ, LỆ PHÍ</h1>" in receipt
    # the code as it is read aloud everywhere else: three groups of four
    grouped = " ".join((pay[0:4], pay[4:8], pay[8:12]))
    assert "<dd>%s</dd>" % grouped in receipt, receipt
    # the events say who and why, naming the code the same way
    assert "Hệ thống" in page and "mã thanh toán %s)" % grouped in page, page
    assert page.count("mã thanh toán %s" % grouped) == 2, page
    ev = P.sql("SELECT actor_kind, from_status, to_status FROM dossier_event e JOIN dossier d "
               "ON d.id = e.dossier_id WHERE d.code = '%s' ORDER BY e.id" % code)
    assert ev[-1] == ["system", "6", "4"], ev
    assert sum(1 for e in ev if e[2] == "4") == 1
    # the message was consumed, not left pending
    left = P.sql("SELECT state FROM outbox WHERE topic = 'dossier' AND subject = '%s'" % code)
    assert left == [["done"]], left
    # the national portal hears 6 then 4
    def synced():
        got = [m["body"]["status"] for m in S.sync_received()["messages"]
               if m["body"]["dossier_code"] == code]
        return got if got[-2:] == [6, 4] else None
    assert H.wait_until(synced, 60), S.sync_received()["messages"][-5:]

    # the same message delivered again (a job killed after applying it)
    # changes nothing
    P.sql("UPDATE outbox SET state = 'pending', next_at = UTC_TIMESTAMP(3), attempts = 0 "
          "WHERE topic = 'dossier' AND subject = '%s'" % code)
    assert H.wait_until(lambda: P.sql("SELECT state FROM outbox WHERE topic = 'dossier' AND "
                                      "subject = '%s'" % code) == [["done"]], 15)
    ev2 = P.sql("SELECT COUNT(*) FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id "
                "WHERE d.code = '%s'" % code)
    assert int(ev2[0][0]) == len(ev) and status_of(code) == 4


def test_paid_message_never_moves_a_dossier_not_at_6():
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[1]
    code = S.file_dossier(c, agency).header("Location").rsplit("/", 1)[1]
    s = S.staff(agency, "desk")
    assert S.move(s, code, 2).status == 303
    # a stray or forged message about a dossier at 2: acknowledged, nothing moves
    P.sql("INSERT INTO outbox (topic, subject, payload, state, attempts, next_at, created_at) "
          "VALUES ('dossier', '%s', '{\"event\":\"obligation.paid\",\"dossier_code\":\"%s\","
          "\"payment_code\":\"000000000000\"}', 'pending', 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"
          % (code, code))
    P.sql("INSERT INTO outbox (topic, subject, payload, state, attempts, next_at, created_at) "
          "VALUES ('dossier', 'rac', 'not json', 'pending', 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))")
    assert H.wait_until(lambda: P.sql("SELECT COUNT(*) FROM outbox WHERE topic = 'dossier' "
                                      "AND state = 'pending'") == [["0"]], 15)
    assert status_of(code) == 2


def test_dev_outbox_in_plain_words():
    c = S.Client()
    contact = S.register(c)
    page = H.get("/dev/outbox", port=H.INTRANET_PORT).text
    assert "Gửi tới: <strong>%s</strong>" % contact in page, page[:800]
    assert "Nội dung:" in page and '{"to"' not in page


def test_an_agency_not_set_up_to_collect_is_told_so_and_nothing_changes():
    """Status 6 at an agency with no beneficiary account (or no receipt
    series) is the agency's set-up, not the officer's input: a 409 that
    says whom to ask, not a refusal of the amount; a fee name of only
    spaces is a 422 naming fee_name.  Neither writes an obligation or
    moves the dossier."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[9]
    P.sql("DELETE FROM pay_beneficiary WHERE agency_code = '%s'" % agency)
    code = S.file_dossier(c, agency).header("Location").rsplit("/", 1)[1]
    s = S.staff(agency, "desk")
    assert S.move(s, code, 2).status == 303
    obligations = "SELECT COUNT(*) FROM obligation WHERE dossier_code = '%s'" % code
    r = S.move(s, code, 6, amount="8.000", fee_name="Lệ phí đăng ký khai sinh")
    assert r.status == 409 and "tài khoản thụ hưởng" in r.text and "quản trị viên" in r.text, \
        (r.status, r.text[:800])
    assert "“amount”" not in r.text
    configure(agency)
    r = S.move(s, code, 6, amount="8.000", fee_name=" \u00a0 ")
    assert r.status == 422 and "“fee_name”" in r.text, (r.status, r.text[:800])
    assert status_of(code) == 2 and P.sql(obligations) == [["0"]]
    r = S.move(s, code, 6, amount="8.000", fee_name="Lệ phí đăng ký khai sinh")
    assert r.status == 303 and status_of(code) == 6 and P.sql(obligations) == [["1"]]


def at_six(commune):
    """A citizen's dossier at status 6 with its fee: (client, desk, code, payment code)."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[commune]
    configure(agency)
    code = S.file_dossier(c, agency).header("Location").rsplit("/", 1)[1]
    s = S.staff(agency, "leader")
    assert S.move(s, code, 2).status == 303
    assert S.move(s, code, 6, amount="8.000", fee_name="Lệ phí đăng ký khai sinh").status == 303
    pay = re.search(r'href="/pay/(\d{12})"', c.get("/dossiers/" + code).text).group(1)
    return c, s, code, pay


def test_a_dossier_that_leaves_6_unpaid_leaves_no_fee_to_pay():
    """Withdrawn, stopped, or paid at the desk (6 -> 4): the fee it asked
    for stops being payable in the same move: /pay/ offers nothing, and a
    payment already under way at the bank that succeeds after is kept as a
    duplicate and refunded, never a receipt for a dossier that needs none."""
    # withdrawn by the citizen
    c, s, code, pay = at_six(11)
    c.get("/dossiers/" + code)
    assert c.post(f"/dossiers/{code}/withdraw", {}).status == 303
    assert P.status_of(pay) == "cancelled"
    page = H.get("/pay/" + pay)
    assert page.status == 200 and 'action="/pay/%s/start"' % pay not in page.text, page.text[-1500:]
    assert "Khoản phải nộp chưa nộp của hồ sơ đã được hủy" in c.get("/dossiers/" + code).text
    # paid at the desk: the officer moves it on by hand
    c, s, code, pay = at_six(11)
    assert S.move(s, code, 4).status == 303
    assert P.status_of(pay) == "cancelled"
    # stopped while the citizen is at the bank's page; the bank then takes the money
    c, s, code, pay = at_six(11)
    loc, q = P.start(pay)
    assert P.status_of(pay) == "being_paid"
    assert S.move(s, code, 8, reason="Hồ sơ không đủ điều kiện").status == 303
    assert P.status_of(pay) == "cancelled"
    P.follow_return(P.bank_pays(loc, "paid"))
    ref = q["vnp_TxnRef"]
    assert H.wait_until(lambda: P.sql("SELECT state FROM payment_attempt WHERE txn_ref = '%s'" % ref)
                        == [["duplicate"]], 15)
    assert P.status_of(pay) == "cancelled" and P.receipts_of(pay) == []
    # the refund job gives the money back (tests/run.sh paces it in seconds)
    assert H.wait_until(lambda: P.sql("SELECT refund_state FROM payment_attempt WHERE txn_ref = '%s'"
                                      % ref) == [["refunded"]], 60), \
        P.sql("SELECT refund_state, refund_error FROM payment_attempt WHERE txn_ref = '%s'" % ref)
    assert status_of(code) == 8
