"""test_chk30.py - the payment area checked with a bank client of its own
(VNPay 2.1.0 as VNPay's PHP sample signs: the vnp_* parameters sorted by
name, each urlencoded, joined with & and =, HMAC-SHA512 with the hash
secret), agencies outside Hà Nội and Hồ Chí Minh City, banks by BINs the
other tests do not use, amounts whose words are easy to get wrong.
"""
import hashlib
import hmac
import json
import os
import re
import struct
import subprocess
import tempfile
import time
import urllib.parse
import zlib

from harness import HOST, INTRANET_PORT, PORT, get, request
# the database and the operator's tool, as the payment suite reaches them;
# the bank below is this file's own
from test_payment import admin, sql

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VAR = os.environ.get("PORTAL_VAR", "var")
VAR = VAR if VAR.startswith("/") else os.path.join(ROOT, VAR)
TMN = os.environ.get("PORTAL_VNPAY_TMN_CODE", "CONGDVC1")


def _secret():
    v = os.environ.get("PORTAL_VNPAY_HASH_SECRET")
    if v:
        return v
    with open(os.path.join(VAR, "secrets", "vnpay_hash_secret")) as f:
        return f.read().strip()


# --- the bank: VNPay 2.1.0 written again from VNPay's published sample ---

def vnp_query(params):
    """urlencode as PHP's urlencode() does (space as +, all but
    alnum and -_. percent-encoded, upper-case hex)."""
    def enc(s):
        return "".join(c if (c.isascii() and c.isalnum()) or c in "-_." else "+" if c == " " else
                       "".join("%%%02X" % b for b in c.encode("utf-8")) for c in s)
    return "&".join(enc(k) + "=" + enc(v) for k, v in sorted(params.items()) if v != "")


def vnp_hash(params):
    signed = {k: v for k, v in params.items()
              if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType")}
    return hmac.new(_secret().encode(), vnp_query(signed).encode(), hashlib.sha512).hexdigest()


def bank_ipn(txn_ref, amount_vnd, code="00", path="/payment/vnpay/ipn", tamper=None, **over):
    p = {"vnp_Amount": str(amount_vnd * 100), "vnp_BankCode": "CIMB", "vnp_BankTranNo": "CIMB%d" % (time.time_ns() % 10 ** 8),
         "vnp_CardType": "ATM", "vnp_OrderInfo": "Thanh toan khoan phai nop",
         "vnp_PayDate": time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() + 7 * 3600)),
         "vnp_ResponseCode": code, "vnp_TmnCode": TMN, "vnp_TransactionNo": str(14000000 + time.time_ns() % 10 ** 6),
         "vnp_TransactionStatus": code, "vnp_TxnRef": txn_ref}
    p.update(over)
    p["vnp_SecureHashType"] = "HmacSHA512"
    p["vnp_SecureHash"] = vnp_hash(p)
    if tamper:
        p.update(tamper)
    return get(path + "?" + vnp_query(p))


# --- the agency: its signed API --------------------------------------------

def api(key, method, path, body=b"", ts=None, headers=None):
    kid, sec = key
    ts = str(int(time.time())) if ts is None else str(ts)
    sig = hmac.new(sec.encode(), (ts + "\n" + method + "\n" + path + "\n").encode() + body,
                   hashlib.sha256).hexdigest()
    h = {"X-Portal-Key": kid, "X-Portal-Timestamp": ts, "X-Portal-Signature": sig,
         "Content-Type": "application/json"}
    h.update(headers or {})
    return request(method, path, body=body if method == "POST" else None, headers=h, port=INTRANET_PORT)


SETUP = {}


def agency(code, bin_, series):
    """An agency set up as the operator does it; its API key."""
    if code in SETUP:
        return SETUP[code]
    rc, _, err = admin("beneficiary-set", "--agency", code, "--bin", bin_,
                       "--account", "1900%08d" % (int(hashlib.sha1(code.encode()).hexdigest(), 16) % 10 ** 8),
                       "--account-name", "UBND KIEM TRA")
    assert rc == 0, err
    tax = "60%08d" % (int(hashlib.sha256(code.encode()).hexdigest(), 16) % 10 ** 8)
    rc, _, err = admin("receipts-set", "--agency", code, "--name", "Ủy ban nhân dân " + code,
                       "--tax-code", tax, "--template", "01BLP0-001", "--series", series)
    assert rc == 0, err
    rc, out, err = admin("apikey-add", "--agency", code)
    assert rc == 0, err
    SETUP[code] = tuple(out.split())
    return SETUP[code]


def obligation(key, agency_code, amounts, group="phi_le_phi", name="Nguyễn Văn An", ref=None):
    ref = ref or "REF%d" % (time.time_ns() % 10 ** 10)
    body = json.dumps({"group": group, "agency": agency_code, "reference": ref,
                       "payer": {"name": name, "id": "066190000123"},
                       "lines": [{"name": "Khoản %d" % i, "amount": a} for i, a in enumerate(amounts)]},
                      ensure_ascii=False).encode()
    r = api(key, "POST", "/payment/api/obligations", body)
    assert r.status == 201, (r.status, r.body)
    return r.json()


def start(code, bank=None):
    import re
    page = get("/pay/" + code)
    assert page.status == 200, page.status
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    cookies = "; ".join(v.split(";")[0] for k, v in page.headers if k.lower() == "set-cookie")
    form = {"csrf": token, "gateway": "vnpay"}
    if bank:
        form["bank"] = bank
    r = request("POST", "/pay/%s/start" % code, body=urllib.parse.urlencode(form).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})
    assert r.status == 303, (r.status, r.body[:300])
    loc = r.header("Location")
    return loc, dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query, keep_blank_values=True))


# --- the agencies of this file: outside Hà Nội and Hồ Chí Minh City --------

CAO_BANG = "000.00.00.H14"      # Ủy ban nhân dân Tỉnh Cao Bằng
KOOKMIN_HCM = "970463"          # Kookmin Bank HCM, receive-only in VietQR


def cao_bang():
    return agency(CAO_BANG, KOOKMIN_HCM, "C26TCB")


def find(ref, pid):
    return get("/pay/tra-cuu?" + urllib.parse.urlencode({"tham_chieu": ref, "giay_to": pid}))


def test_grouped_id_and_padded_reference_are_found_as_printed():
    """The API takes an ID number written in groups ("066 190 000 456", the
    dots some cards print) and a reference with a space before it (a
    customer code from a fixed-width export): the obligation was stored so,
    and /pay/'s lookup, which compares the ID's digits and the reference
    without its end spaces, never found it, not even typed exactly as
    printed on the paper the agency sent."""
    key = cao_bang()
    n = time.time_ns() % 10 ** 6
    for pid, ref in (("066 190 %03d 456" % (n % 1000), " PE%06d" % n),
                     ("066.190.%03d.457" % (n % 1000), "PE%06d  " % (n + 1))):
        body = json.dumps({"group": "tien_dien", "agency": CAO_BANG, "reference": ref,
                           "payer": {"name": "Nông Thị Ánh", "id": pid},
                           "lines": [{"name": "Tiền điện tháng 11/2026", "amount": 105}]},
                          ensure_ascii=False).encode()
        r = api(key, "POST", "/payment/api/obligations", body)
        assert r.status == 201, (r.status, r.body)
        code = r.json()["payment_code"]
        for typed_ref, typed_id in ((ref, pid), (ref.strip(), pid.replace(" ", "").replace(".", ""))):
            f = find(typed_ref, typed_id)
            assert f.status == 303 and f.header("Location").endswith("/pay/" + code), \
                (typed_ref, typed_id, f.status, f.header("Location"))
        got = api(key, "GET", "/payment/api/obligations/" + code).json()
        assert got["reference"] == ref.strip(), got


# --- the citizen's page on a phone: 360 px, nothing cut at the right edge ---

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def png_rows(path):
    """RGB(A) rows of a non-interlaced 8-bit PNG (Chromium's screenshots)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat = 8, b""
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
        elif typ == b"IDAT":
            idat += chunk
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, bpp, rows


def text_at_right_edge(path):
    """Rows where dark (text) pixels touch the last 10 px of a 360 px
    screenshot: main's padding is 16 px of white there, so text in it is
    text running off the phone's screen."""
    w, bpp, rows = png_rows(path)
    return [y for y, line in enumerate(rows)
            if any(all(v < 100 for v in line[x * bpp:x * bpp + 3]) for x in range(w - 10, w))]


def screenshot_360(path):
    assert "<script" not in get(path).text, path  # what a phone with JavaScript off gets
    with tempfile.TemporaryDirectory() as tmp:
        shot = os.path.join(tmp, "p.png")
        subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--user-data-dir=" + os.path.join(tmp, "profile"), "--window-size=360,2400",
                        "--screenshot=" + shot, "http://%s:%d%s" % (HOST, PORT, path)],
                       capture_output=True, timeout=90)
        return text_at_right_edge(shot)


def test_pay_page_at_360_px_keeps_long_references_and_line_names_on_screen():
    """A reference of one long word (an agency's contract number, 60 of the
    100 characters it may have) and a line name without spaces widened the
    whole list of facts and the table of lines past 360 px: the payer's
    name, the account the money goes to and the amounts ran off the right
    edge of a phone's screen, before and after paying."""
    key = cao_bang()
    body = json.dumps({"group": "hoc_phi", "agency": CAO_BANG,
                       "reference": "HĐ/2026/TRƯỜNGTHPTCHUYÊNCAOBẰNG/HỌCPHÍ/HK1/%07d" % (time.time_ns() % 10 ** 7),
                       "payer": {"name": "Nguyễn Hoàng Thị Khánh Ngọc Quỳnh Anh", "id": "004306000789"},
                       "lines": [{"name": "Họcphíhọckỳ1nămhọc20262027lớp12chuyênToánTinhọcvàTiếngAnh",
                                  "amount": 1005000},
                                 {"name": "Bảo hiểm y tế học sinh", "amount": 1000001}]},
                      ensure_ascii=False).encode()
    r = api(key, "POST", "/payment/api/obligations", body)
    assert r.status == 201, (r.status, r.body)
    code = r.json()["payment_code"]
    spill = screenshot_360("/pay/" + code)
    assert spill == [], "text past 360 px on the unpaid page, rows %s" % spill[:10]
    q = start(code)[1]
    assert bank_ipn(q["vnp_TxnRef"], 2005001).json()["RspCode"] == "00"
    page = get("/pay/" + code)
    assert "Đã nộp" in page.text and re.search(r'href="/receipts/[0-9a-f]{32}"', page.text), page.text[:2000]
    spill = screenshot_360("/pay/" + code)
    assert spill == [], "text past 360 px on the paid page, rows %s" % spill[:10]


# --- decomposed Vietnamese from an agency's program --------------------------

def test_decomposed_vietnamese_is_stored_composed():
    """An agency's program on a Mac or in a browser may send "Nguyễn" as
    e + U+0302 + U+0303 (NFD).  It was stored so: printed on the legal
    receipt mark by mark, and counted as more characters than it has, so a
    payer's name of 200 letters was refused as longer than 200.  Stored in
    composed form (NFC, as TCVN 6909 writes Vietnamese), as Python's
    unicodedata composes it, marks in any order included."""
    import random
    import unicodedata
    key = cao_bang()
    rnd = random.Random(30)
    words = ["Nguyễn", "Thị", "Hường", "Đặng", "Quỳnh", "Ngọc", "Ấn", "Ỷ", "Vượng", "Trưởng", "Lý", "Ộc",
             "Huỳnh", "Khuê", "Ngữ", "Dương", "Ẩm", "Ừ", "Thuở", "Đoàn", "Ặc", "ỵ", "ẫ", "Ổi", "Ợ"]
    names = []
    for i in range(12):
        w = " ".join(rnd.choice(words) for _ in range(4))
        d = unicodedata.normalize("NFD", w)
        if i % 3 == 0:  # the tone before the vowel's own mark, as some keyboards send it
            d = d.replace("\u0302\u0301", "\u0301\u0302").replace("\u031b\u0300", "\u0300\u031b")
        names.append((w, d))
    ref = "Số %d/QĐ-XPHC Thạch Ân" % (time.time_ns() % 10 ** 6)
    payer = "Hoàng Thị Phượng Ánh"
    body = json.dumps({"group": "phat_vphc", "agency": CAO_BANG, "reference": unicodedata.normalize("NFD", ref),
                       "payer": {"name": unicodedata.normalize("NFD", payer), "id": "004199000555"},
                       "lines": [{"name": d, "amount": 21} for _, d in names]}, ensure_ascii=False).encode()
    r = api(key, "POST", "/payment/api/obligations", body)
    assert r.status == 201, (r.status, r.body)
    code = r.json()["payment_code"]
    got = api(key, "GET", "/payment/api/obligations/" + code).json()
    assert got["reference"] == ref and got["payer"]["name"] == payer, got
    stored = [x[0] for x in sql("SELECT l.name FROM obligation_line l JOIN obligation o ON o.id = l.obligation_id"
                                " WHERE o.payment_code = '%s' ORDER BY l.line_no" % code)]
    want = [unicodedata.normalize("NFC", d) for _, d in names]
    assert stored == want, [(s, w) for s, w in zip(stored, want) if s != w]
    # two hundred letters are two hundred characters, however they were typed
    long_name = unicodedata.normalize("NFD", "Ậ" * 200)
    body = json.dumps({"group": "phat_vphc", "agency": CAO_BANG, "reference": "L" + code,
                       "payer": {"name": long_name, "id": "004199000556"},
                       "lines": [{"name": "Phạt", "amount": 1}]}, ensure_ascii=False).encode()
    r = api(key, "POST", "/payment/api/obligations", body)
    assert r.status == 201, (r.status, r.body)
    q = start(code)[1]
    assert bank_ipn(q["vnp_TxnRef"], 21 * len(names)).json()["RspCode"] == "00"
    receipt = re.search(r'href="(/receipts/[0-9a-f]{32})"', get("/pay/" + code).text).group(1)
    text = get(receipt).text
    assert payer in text and "\u0302" not in text and "\u0303" not in text and "\u0323" not in text, text[:1500]
