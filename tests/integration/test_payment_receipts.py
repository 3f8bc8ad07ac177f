"""test_payment_receipts.py - an e-receipt is never changed: a cancellation
or an adjustment is a new row that refers to it (sql/009).

- A paid obligation refunded on a leader's request: the refund job gives the
  money back through the bank, and at the bank's confirmation the obligation
  is 'refunded' and its receipt cancelled, in that one transaction.
- The intranet page (leaders and administrators of the collecting agency):
  cancel, adjust, refund; refused for other roles, another agency, a forged
  CSRF token, a missing reason, a bad amount: 4xx and nothing changed.
- Adjustments take the next number of the series, interleaved with payments,
  and the series stays gapless; a cancellation takes no number.
- The receipt page, the public verification page and the agency API show
  what was done and by which record; the original row is byte for byte the
  same, and the database refuses UPDATE and DELETE on receipt outright.
"""
import json
import re
import subprocess
import time
import urllib.parse

import test_payment as tp
from harness import INTRANET_PORT, request, wait_until
from test_payment_refund import intranet, staff_session

ORIGINAL_COLS = ("id, series_id, number, kind, refers_to, obligation_id, attempt_id, agency_code,"
                 " unit_name, tax_code, template_symbol, series_symbol, payer_name, payer_id,"
                 " description, amount, method, issued_at, verify_token, reason, issued_by")


def paid(amounts=(120000,)):
    """An obligation paid through the sandbox; its code and receipt token."""
    o = tp.create(amounts)
    loc, _ = tp.start(o["payment_code"])
    tp.bank_pays(loc, "paid", ipn="before_return")
    assert wait_until(lambda: tp.status_of(o["payment_code"]) == "paid", 15)
    token = tp.sql("SELECT r.verify_token FROM receipt r JOIN obligation o ON o.id = r.obligation_id"
                   " WHERE o.payment_code = '%s' AND r.kind = 'receipt'" % o["payment_code"])[0][0]
    return o["payment_code"], token


def original(token):
    return tp.sql("SELECT %s FROM receipt WHERE verify_token = '%s'" % (ORIGINAL_COLS, token))


def rows_of(code):
    return tp.sql("SELECT r.kind, COALESCE(r.number, 'NULL'), r.amount, COALESCE(r.reason, ''),"
                  " COALESCE(r.issued_by, '') FROM receipt r JOIN obligation o ON o.id = r.obligation_id"
                  " WHERE o.payment_code = '%s' ORDER BY r.id" % code)


def audits(action):
    return int(tp.sql("SELECT COUNT(*) FROM audit_log WHERE action = '%s'" % action)[0][0])


def page_and_csrf(staff, code):
    page = intranet("GET", "/payment/admin/receipts?ma=" + code, staff)
    assert page.status == 200, page.status
    cookies = "; ".join(v.split(";")[0] for k, v in page.headers if k.lower() == "set-cookie")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    return page, csrf, cookies


def api_get(code):
    r = tp.api("GET", "/payment/api/obligations/" + code)
    assert r.status == 200, r.status
    return r.json()


def gapless():
    for sid, n, lo, hi, last in tp.sql(
            "SELECT s.id, COUNT(r.number), MIN(r.number), MAX(r.number), s.last_no"
            " FROM receipt_series s JOIN receipt r ON r.series_id = s.id GROUP BY s.id"):
        assert n == hi == last and lo == "1", (sid, n, lo, hi, last)


# --- the tests -------------------------------------------------------------

def test_refund_of_a_paid_obligation_cancels_its_receipt_when_the_bank_confirms():
    tp.setup_agency()
    code, token = paid((95000, 5000))
    before = original(token)
    leader = staff_session(tp.AGENCY, 4)
    page, csrf, cookies = page_and_csrf(leader, code)
    assert "Hoàn tiền cho người nộp" in page.text
    n_audit = audits("payment_refund_request")
    r = intranet("POST", "/payment/admin/receipts/%s/refund" % code, leader,
                 {"csrf": csrf, "ly_do": "Hồ sơ bị từ chối, trả lại lệ phí"}, cookies)
    assert r.status == 303, (r.status, r.text[:300])
    assert audits("payment_refund_request") == n_audit + 1
    assert wait_until(lambda: tp.status_of(code) == "refunded", 30), tp.status_of(code)
    # the bank gave it back once, in full
    ref = tp.sql("SELECT a.txn_ref FROM payment_attempt a JOIN obligation o ON o.paid_attempt_id = a.id"
                 " WHERE o.payment_code = '%s'" % code)[0][0]
    t = json.loads(tp.sandbox("GET", "/sandbox/transactions?txn_ref=" + ref)[2])[0]
    assert [x["amount"] for x in t["refunds"]] == [100000], t["refunds"]
    rows = rows_of(code)
    assert len(rows) == 2 and rows[0][0] == "receipt" and rows[1][:3] == ["cancellation", "NULL", "100000"], rows
    assert "Hồ sơ bị từ chối, trả lại lệ phí" in rows[1][3] and ref in rows[1][3] and rows[1][4] == "hoan-tien"
    assert original(token) == before
    v = tp.get("/receipts/verify?t=" + token)
    assert v.status == 200 and "đã bị hủy" in v.text and "Biên lai hợp lệ" not in v.text
    assert "Hồ sơ bị từ chối" in v.text
    rc = tp.get("/receipts/" + token)
    assert "Biên lai này đã bị hủy" in rc.text
    cancel_token = re.search(r'href="/receipts/([0-9a-f]{32})">Thông báo hủy', rc.text).group(1)
    notice = tp.get("/receipts/" + cancel_token)
    assert notice.status == 200 and "THÔNG BÁO HỦY BIÊN LAI" in notice.text
    g = api_get(code)
    assert g["status"] == "refunded" and g["receipt"]["cancelled"]["reason"].startswith("Đã hoàn tiền")
    # a second request finds nothing to refund
    assert intranet("POST", "/payment/admin/receipts/%s/refund" % code, leader,
                    {"csrf": csrf, "ly_do": "lần nữa"}, cookies).status == 409
    gapless()


def test_staff_actions_refused_change_nothing():
    tp.setup_agency()
    code, token = paid()
    before = original(token)
    leader = staff_session(tp.AGENCY, 4)
    admin = staff_session(tp.AGENCY, 8)
    desk = staff_session(tp.AGENCY, 1)
    processor = staff_session(tp.AGENCY, 2)
    other_agency = tp.sql("SELECT agency_code FROM pay_receipt_setting WHERE agency_code <> '%s' LIMIT 1"
                          % tp.AGENCY)[0][0]
    other = staff_session(other_agency, 4 | 8)
    _, csrf, cookies = page_and_csrf(leader, code)
    assert intranet("GET", "/payment/admin/receipts?ma=" + code, desk).status == 403
    assert intranet("GET", "/payment/admin/receipts?ma=" + code, processor).status == 403
    assert intranet("GET", "/payment/admin/receipts?ma=" + code, other).status == 404
    assert intranet("GET", "/payment/admin/receipts?ma=12ab", leader).status == 400
    assert request("GET", "/payment/admin/receipts?ma=" + code,
                   headers={"Cookie": leader["cookie"]}).status == 404      # never on the public site
    n_c, n_a = audits("payment_receipt_cancel"), audits("payment_receipt_adjust")
    cancel = "/payment/admin/receipts/%s/cancel" % code
    adjust = "/payment/admin/receipts/%s/adjust" % code
    good_adj = {"csrf": csrf, "so_tien": "-20.000", "noi_dung": "Sai mức phí", "ly_do": "Áp nhầm mức phí"}
    for who, path, body, want in (
            (desk, cancel, {"csrf": csrf, "ly_do": "x"}, 403),
            (processor, adjust, good_adj, 403),
            (leader, cancel, {"csrf": "0" * 64, "ly_do": "x"}, 403),       # forged token
            (leader, cancel, {"ly_do": "x"}, 403),                         # no token
            (leader, adjust, dict(good_adj, csrf="f" * 64), 403),
            (other, cancel, {"csrf": csrf, "ly_do": "x"}, 404),            # another agency's: not found
            (leader, cancel, {"csrf": csrf}, 400),                         # no reason
            (leader, cancel, {"csrf": csrf, "ly_do": ""}, 400),
            (leader, adjust, dict(good_adj, ly_do=""), 400),
            (leader, adjust, dict(good_adj, so_tien="1,5"), 400),
            (leader, adjust, dict(good_adj, so_tien="abc"), 400),
            (leader, adjust, dict(good_adj, so_tien="99999999999999999"), 400),
            (leader, adjust, dict(good_adj, so_tien="0", noi_dung=""), 400),
            (leader, adjust, dict(good_adj, so_tien="-120.001"), 422),     # below what was paid
            (leader, "/payment/admin/receipts/000000000000/cancel", {"csrf": csrf, "ly_do": "x"}, 404),
            (leader, "/payment/admin/receipts/12ab/cancel", {"csrf": csrf, "ly_do": "x"}, 404)):
        r = intranet("POST", path, who, body, cookies)
        assert r.status == want, (path, body, r.status, r.text[:300])
    assert rows_of(code) == [["receipt", before[0][2], "120000", "", ""]]
    assert original(token) == before
    assert (audits("payment_receipt_cancel"), audits("payment_receipt_adjust")) == (n_c, n_a)
    # an administrator may, too
    _, acsrf, acookies = page_and_csrf(admin, code)
    r = intranet("POST", adjust, admin, dict(good_adj, csrf=acsrf), acookies)
    assert r.status == 303 and r.header("Location").endswith("xong=dieu-chinh"), r.status
    assert audits("payment_receipt_adjust") == n_a + 1
    assert original(token) == before


def test_adjust_and_cancel_numbers_gapless_pages_and_api():
    tp.setup_agency()
    leader = staff_session(tp.AGENCY, 4)
    a_code, a_token = paid((200000,))
    before = original(a_token)
    a_no = int(before[0][2])
    _, csrf, cookies = page_and_csrf(leader, a_code)
    adjust = "/payment/admin/receipts/%s/adjust" % a_code

    def adj(amount, what, why):
        r = intranet("POST", adjust, leader, {"csrf": csrf, "so_tien": amount, "noi_dung": what,
                                              "ly_do": why}, cookies)
        assert r.status == 303, (r.status, r.text[:300])

    adj("-50.000", "Giảm theo quyết định miễn giảm", "Người nộp thuộc diện giảm 25%")
    b_code, _ = paid((30000,))                      # a payment between two adjustments
    adj("0", "Sửa tên người nộp: Nguyễn Văn Ân", "Ghi sai dấu tên")
    rows = rows_of(a_code)
    nums = [int(x[1]) for x in rows]
    b_no = int(tp.receipts_of(b_code)[0][0])
    assert [x[0] for x in rows] == ["receipt", "adjustment", "adjustment"], rows
    assert nums[0] == a_no and nums[1] > a_no and b_no > nums[1] and nums[2] > b_no, (nums, b_no)
    assert rows[1][2] == "-50000" and rows[2][2] == "0"
    audit = tp.sql("SELECT staff_login, subject FROM audit_log WHERE action = 'payment_receipt_adjust'"
                   " ORDER BY id DESC LIMIT 1")
    assert audit == [[leader["login"], a_code]], audit
    gapless()
    tp.check_invariants()
    # the adjustment is a receipt of its own, naming the one it adjusts
    adj_token = tp.sql("SELECT verify_token FROM receipt WHERE kind = 'adjustment' AND number = %d"
                       " AND agency_code = '%s' ORDER BY id DESC LIMIT 1" % (nums[1], tp.AGENCY))[0][0]
    p = tp.get("/receipts/" + adj_token)
    assert p.status == 200 and "Điều chỉnh cho biên lai mẫu số 01BLP0-001" in p.text, p.text[:2000]
    assert "số %d" % a_no in p.text and "-50.000" in p.text and "Giảm Năm mươi nghìn đồng" in p.text
    v = tp.get("/receipts/verify?t=" + adj_token)
    assert "Biên lai hợp lệ" in v.text and "biên lai điều chỉnh cho biên lai" in v.text
    v = tp.get("/receipts/verify?t=" + a_token)
    assert "Biên lai hợp lệ" in v.text and "Đã được điều chỉnh bởi biên lai số %d" % nums[1] in v.text
    assert "biên lai số %d" % nums[2] in v.text
    # cancelled: a notice without a number; nothing more after it
    cancel = "/payment/admin/receipts/%s/cancel" % a_code
    r = intranet("POST", cancel, leader, {"csrf": csrf, "ly_do": "Thu nhầm khoản của người khác"}, cookies)
    assert r.status == 303 and r.header("Location").endswith("xong=huy"), r.status
    last = tp.sql("SELECT last_no FROM receipt_series WHERE id = %s" % before[0][1])[0][0]
    assert intranet("POST", cancel, leader, {"csrf": csrf, "ly_do": "lần nữa"}, cookies).status == 409
    r = intranet("POST", adjust, leader, {"csrf": csrf, "so_tien": "1000", "noi_dung": "x", "ly_do": "y"},
                 cookies)
    assert r.status == 409
    assert tp.sql("SELECT last_no FROM receipt_series WHERE id = %s" % before[0][1])[0][0] == last
    rows = rows_of(a_code)
    assert rows[-1][:2] == ["cancellation", "NULL"] and rows[-1][4] == leader["login"], rows
    assert len(rows) == 4
    v = tp.get("/receipts/verify?t=" + a_token)
    assert "đã bị hủy" in v.text and "Thu nhầm khoản của người khác" in v.text
    assert "Biên lai hợp lệ" not in v.text
    page = intranet("GET", "/payment/admin/receipts?ma=" + a_code, leader)
    assert page.text.count('data-kind="adjustment"') == 2 and 'data-kind="cancellation"' in page.text
    assert "/cancel" not in page.text       # no more forms once cancelled
    g = api_get(a_code)
    assert g["status"] == "paid" and g["receipt"]["number"] == a_no and g["receipt"]["amount"] == 200000
    assert [(x["number"], x["amount"]) for x in g["receipt"]["adjustments"]] == [(nums[1], -50000),
                                                                                (nums[2], 0)]
    assert g["receipt"]["cancelled"]["reason"] == "Thu nhầm khoản của người khác"
    assert api_get(b_code)["receipt"]["cancelled"] is None
    assert original(a_token) == before
    gapless()


def test_the_database_refuses_to_change_a_receipt():
    tp.setup_agency()
    code, token = paid()
    before = original(token)
    for q in ("UPDATE receipt SET amount = 1 WHERE verify_token = '%s'" % token,
              "DELETE FROM receipt WHERE verify_token = '%s'" % token):
        try:
            tp.sql(q)
            raise AssertionError("accepted: " + q)
        except subprocess.CalledProcessError as e:
            assert "never" in e.stderr, e.stderr
    # a reference to something that is not a receipt of the same obligation
    rid, oid = tp.sql("SELECT id, obligation_id FROM receipt WHERE verify_token = '%s'" % token)[0]
    other = tp.sql("SELECT id FROM obligation WHERE id <> %s LIMIT 1" % oid)[0][0]
    try:
        tp.sql("INSERT INTO receipt (series_id, number, kind, refers_to, obligation_id, agency_code,"
               " unit_name, tax_code, template_symbol, series_symbol, payer_name, description, amount,"
               " method, issued_at, verify_token, reason) SELECT series_id, NULL, 'cancellation', id, %s,"
               " agency_code, unit_name, tax_code, template_symbol, series_symbol, payer_name, 'x', amount,"
               " method, UTC_TIMESTAMP(3), '%s', 'x' FROM receipt WHERE id = %s" % (other, "e" * 32, rid))
        raise AssertionError("a cancellation of another obligation's receipt was accepted")
    except subprocess.CalledProcessError as e:
        assert "same obligation" in e.stderr, e.stderr
    # the payment programs' user may only read and add
    grants = "\n".join(x[0] for x in tp.sql("SHOW GRANTS FOR 'portal_payment'@'localhost'"))
    line = [g for g in grants.splitlines() if "`receipt`" in g]
    assert line and all("UPDATE" not in g and "DELETE" not in g for g in line), line
    assert original(token) == before
