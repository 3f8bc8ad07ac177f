"""test_payment_chk9.py - the payment area checked the way issue 7's checker
would: from the contract alone.  The agency API signer and the VNPay
signer here are written from the issue's text and VNPay's published spec,
not shared with the portal's C, the sandbox or the other payment tests, so
a misreading common to those cannot hide here.

Each test names a defect a checker found: it failed before its fix.
"""
import hashlib
import hmac
import json
import os
import re
import subprocess
import time
import urllib.parse

from harness import INTRANET_PORT, PORT, raw_exchange, request
from test_payment import sql

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VAR = os.environ.get("PORTAL_VAR", "var")
VAR = VAR if VAR.startswith("/") else os.path.join(ROOT, VAR)
BIN = os.environ.get("PORTAL_BIN", os.path.join(ROOT, "build", "bin"))
DB = os.environ.get("PORTAL_DB_NAME", "portal")
CREATE = "/payment/api/obligations"


def operator(*args):
    """build/bin/payment-admin, the operator's interface of the issue."""
    env = dict(os.environ)
    env.pop("PORTAL_DB_USER", None)
    r = subprocess.run([os.path.join(BIN, "payment-admin")] + list(args),
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


_agency = {}


def agency():
    """A commune of the public data with its beneficiary, receipt series
    and an API key, set up through payment-admin as an operator would."""
    if not _agency:
        code = sql("SELECT code FROM agency WHERE kind = 'commune' ORDER BY code DESC LIMIT 1")[0][0]
        operator("beneficiary-set", "--agency", code, "--bin", "970415",
                 "--account", "1020304050", "--account-name", "UBND KIEM TRA CHK9")
        operator("receipts-set", "--agency", code, "--name", "Ủy ban nhân dân kiểm tra",
                 "--tax-code", "0109999999", "--template", "01BLP0-001", "--series", "C26KTR")
        kid, secret = operator("apikey-add", "--agency", code).split()
        _agency.update(code=code, key=(kid, secret))
    return _agency


# --- the agency API's signature, from the issue: hex HMAC-SHA256(secret,
# timestamp "\n" method "\n" path "\n" body) ----------------------------

_ts_shift = [0]


def signed_headers(method, path, body, key, ts=None):
    if ts is None:
        # Two calls in one second with one body would be one signature
        # replayed; step the timestamp back instead (within 300 s).
        _ts_shift[0] = (_ts_shift[0] + 1) % 200
        ts = str(int(time.time()) - _ts_shift[0])
    mac = hmac.new(key[1].encode(), ts.encode() + b"\n" + method.encode() + b"\n" +
                   path.encode() + b"\n" + body, hashlib.sha256).hexdigest()
    return {"X-Portal-Key": key[0], "X-Portal-Timestamp": ts, "X-Portal-Signature": mac}


def call(method, path, body=b"", content_type="application/json", extra=None):
    h = signed_headers(method, path, body, agency()["key"])
    if content_type is not None:
        h["Content-Type"] = content_type
    h.update(extra or {})
    return request(method, path, body=body if method == "POST" else None, headers=h, port=INTRANET_PORT)


def fine(**over):
    d = {"group": "phat_vphc", "agency": agency()["code"],
         "reference": "QĐ %d/QĐ-XPHC" % (time.time_ns() % 10 ** 10),
         "payer": {"name": "Lê Văn Cường", "id": "001085000123"},
         "lines": [{"name": "Phạt không đội mũ bảo hiểm", "amount": 400000}]}
    d.update(over)
    return d


def body_of(d):
    return json.dumps(d, ensure_ascii=False).encode()


def obligations():
    return int(sql("SELECT COUNT(*) FROM obligation")[0][0])


def json_error(r, status):
    assert r.status == status, (r.status, r.body[:300])
    assert (r.header("Content-Type") or "").startswith("application/json"), r.body[:300]
    e = r.json()["error"]
    assert e["status"] == status, e
    return e


# --- nginx's own refusals on the JSON APIs ------------------------------

def raw_request(port, data):
    out = raw_exchange(data, port)
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return status, headers, body


def test_uri_too_long_on_the_json_apis_is_json():
    """nginx answers a request line longer than its header buffers with 414
    before it picks a location: on /payment/api/ and /catalog/api/ that
    answer must be JSON like every other error there, and stay HTML on the
    pages."""
    long = "1" * 9000
    for port in (PORT, INTRANET_PORT):
        for path in ("/payment/api/obligations/" + long, "/catalog/api/procedures?q=" + long):
            r = request("GET", path, port=port)
            e = json_error(r, 414)
            assert e["message"], e
        r = request("GET", "/pay/" + long, port=port)
        assert r.status == 414
        assert (r.header("Content-Type") or "").startswith("text/html"), r.header("Content-Type")
    # a too long line that is not even a whole request line
    status, headers, body = raw_request(INTRANET_PORT, b"POST /payment/api/obligations?" +
                                        b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 414 and headers.get("Content-Type", "").startswith("application/json"), (status, headers)
    assert json.loads(body)["error"]["status"] == 414


def test_nginx_bad_request_on_the_json_apis_is_json():
    """A path nginx itself refuses (a bad %-escape) and headers too large
    are 400s from nginx: JSON on the APIs too."""
    for port in (PORT, INTRANET_PORT):
        r = request("GET", "/payment/api/obligations/%ZZ", port=port)
        json_error(r, 400)
        r = request("GET", "/catalog/api/procedures?q=x", port=port, headers={"X-Big": "a" * 9000})
        json_error(r, 400)
        r = request("GET", "/catalog/%ZZ", port=port)
        assert r.status == 400 and (r.header("Content-Type") or "").startswith("text/html")
    # a transfer coding nginx does not know (501), an HTTP version it does
    # not speak (505): refused before any location, JSON on the APIs too
    for line in (b"POST /payment/api/obligations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n",
                 b"GET /catalog/api/procedures HTTP/2.5\r\nHost: x\r\n"):
        status, headers, body = raw_request(INTRANET_PORT, line + b"Connection: close\r\n\r\n")
        assert status in (501, 505) and headers.get("Content-Type", "").startswith("application/json"), (status, headers)
        assert json.loads(body)["error"]["status"] == status


# --- the agency API's answers to bad JSON -------------------------------

def test_json_parse_errors_say_where_and_what():
    """A malformed body is answered 400 with the line, column and byte of
    the fault and what is wrong, in Vietnamese; nothing is created and no
    raw byte of the body comes back."""
    good = body_of(fine())
    amount = good.index(b"400000")
    cases = [
        (good.replace(b"400000", b"0400000"), "dòng 1, cột %d (byte %d)" % (len(good[:amount].decode()) + 1, amount),
         "chữ số 0"),
        (b'{\n  "group": "thue",\n  "group": "phat_vphc"\n}', "dòng 3, cột 3", "“group” bị lặp"),
        (b'{"group": "thue",}', "dòng 1, cột 18 (byte 17)", "tên khóa"),
        (b'{"group": \'thue\'}', "‘'’", "không hợp lệ"),
        (b'{"group": "thue"', "cuối nội dung", "cần dấu ',' hoặc '}'"),
        (b'{"a": "\xff\xfe"}', "byte 0xFF", "UTF-8"),
        (good + b"x", "ký tự ‘x’", "thừa"),
        (b"[" * 100, "lồng", "64"),
        (b'{"group": "\x07"}', "byte 0x07", "điều khiển"),
    ]
    n0 = obligations()
    for body, where, what in cases:
        r = call("POST", CREATE, body)
        e = json_error(r, 400)
        assert e["message"].startswith("Nội dung không phải JSON hợp lệ: "), e
        assert where in e["message"] and what in e["message"], (body[:60], e["message"])
        assert "\ufffd" not in e["message"] and "\x07" not in e["message"], e
    e = json_error(call("POST", CREATE, b""), 400)
    assert "trống" in e["message"], e
    for body in (b"[]", b'"x"', b"12", b"null"):
        e = json_error(call("POST", CREATE, body), 400)
        assert "đối tượng JSON" in e["message"], e
    assert obligations() == n0


def test_content_type_of_the_agency_api():
    """The API takes JSON: a media type is case-insensitive and may carry
    parameters; another type is a 415 that names application/json (not a
    web form's type); a cancel has no body and so needs no type."""
    for ct in ("application/json", "Application/JSON", "application/json; charset=utf-8",
               "application/json ; charset=UTF-8"):
        r = call("POST", CREATE, body_of(fine()), content_type=ct)
        assert r.status == 201, (ct, r.status, r.body[:200])
    n0 = obligations()
    for ct in (None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx",
               "multipart/form-data; boundary=x", "application/json-seq"):
        e = json_error(call("POST", CREATE, body_of(fine()), content_type=ct), 415)
        assert "application/json" in e["message"] and "urlencoded" not in e["message"], (ct, e)
        assert e.get("field") == "Content-Type", e
    assert obligations() == n0
    for ct in (None, "application/json"):
        code = call("POST", CREATE, body_of(fine())).json()["payment_code"]
        r = call("POST", CREATE + "/" + code + "/cancel", b"", content_type=ct)
        assert r.status == 200 and r.json()["status"] == "cancelled", (ct, r.status, r.body)


def test_control_characters_in_texts_are_refused():
    """A reference, payer or line name is printed on a legal receipt, a
    page and a webhook: a control character (a bell, an escape, a line
    break, a C1 control) is a 4xx naming the field, as on the web forms,
    and nothing is created."""
    n0 = obligations()
    cases = [
        (fine(reference="QĐ 12\u0007/QĐ-XPHC"), "reference"),
        (fine(reference="QĐ 12\n/QĐ-XPHC"), "reference"),
        (fine(payer={"name": "Lê Văn\u001b[31m Cường", "id": "001085000123"}), "payer.name"),
        (fine(payer={"name": "Lê Văn\tCường", "id": "001085000123"}), "payer.name"),
        (fine(payer={"name": "Lê Văn Cường", "id": "0010850\u0085"}), "payer.id"),
        (fine(lines=[{"name": "Phạt\r\nkhác", "amount": 1000}]), "lines[0].name"),
        # the line among several is named by its index
        (fine(lines=[{"name": "Phạt chính", "amount": 1000}, {"name": "Phạt\u007f", "amount": 1000}]),
         "lines[1].name"),
        # a direction override prints a name in another order than it is stored
        (fine(payer={"name": "Lê Văn \u202eCường", "id": "001085000123"}), "payer.name"),
    ]
    for d, field in cases:
        r = call("POST", CREATE, body_of(d))
        assert 400 <= r.status < 500, (field, r.status, r.body[:200])
        e = r.json()["error"]
        assert field in e["message"] and "điều khiển" in e["message"], (field, e)
    assert obligations() == n0
    # Vietnamese text and ordinary punctuation still pass
    r = call("POST", CREATE, body_of(fine(reference="Số 15/2026/QĐ-XPVPHC (đợt 2) – “khẩn”")))
    assert r.status == 201, r.body[:200]
