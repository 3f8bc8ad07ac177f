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

import test_payment as tp
from harness import INTRANET_PORT, request, wait_until
from test_payment_refund import intranet, staff_session


def third_agency(nth):
    """A commune of its own (not test_payment's two), set up by the operator's
    commands as a fresh agency is: beneficiary, receipts, an API key."""
    code = tp.sql("SELECT code FROM agency WHERE kind = 'commune' ORDER BY code LIMIT %d, 1" % nth)[0][0]
    rc, _, err = tp.admin("beneficiary-set", "--agency", code, "--bin", "970436",
                          "--account", "0011004999999", "--account-name", "UBND XA KIEM TRA")
    assert rc == 0, err
    rc, _, err = tp.admin("receipts-set", "--agency", code, "--name", "Ủy ban nhân dân xã kiểm tra",
                          "--tax-code", tp.tax_code(code), "--template", "01BLP0-001",
                          "--series", "C26K%02d" % nth)
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
    agency, key = third_agency(10)
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
    assert "Chỉ hiện 200" not in text
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
