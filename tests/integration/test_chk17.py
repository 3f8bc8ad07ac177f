"""test_chk17.py - what the checker of issue 7 found in round 17, from the
contract alone: its own VNPay 2.1.0 signer and its own agency-API signer
(not shared with the portal, the sandbox or the other suites), agencies,
banks and groups the other suites do not use.  Each test failed before
its fix.
"""
import hashlib
import hmac
import json
import os
import re
import subprocess
import time
import urllib.parse

import harness as H
import test_payment as P

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("PORTAL_BIN", os.path.join(ROOT, "build", "bin"))
CREATE = "/payment/api/obligations"


def sql(q):
    return P.sql(q)


def admin(*args):
    env = dict(os.environ)
    env.pop("PORTAL_DB_USER", None)
    r = subprocess.run([os.path.join(BIN, "payment-admin")] + list(args),
                       capture_output=True, text=True, env=env)
    return r.returncode, r.stdout.strip(), r.stderr.strip()


# --- VNPay 2.1.0 signing, from VNPay's published sample: the vnp_* keys in
# byte order, key and value each urlencode()d the PHP way (space as '+'),
# empty values left out, vnp_SecureHash(Type) not signed ---------------------

def _enc(s):
    return urllib.parse.quote_plus(s, safe="-_.")


def vnp_hash(params, secret=None):
    items = sorted((k, v) for k, v in params.items()
                   if k.startswith("vnp_") and v != "" and k not in ("vnp_SecureHash", "vnp_SecureHashType"))
    data = "&".join(_enc(k) + "=" + _enc(v) for k, v in items)
    return hmac.new((secret or P.SECRET).encode(), data.encode(), hashlib.sha512).hexdigest()


def bank(path, params, sign=True, hash_type="HmacSHA512", extra=""):
    p = dict(params)
    if sign:
        p["vnp_SecureHash"] = vnp_hash(p)
    if hash_type:
        p["vnp_SecureHashType"] = hash_type
    return H.get(path + "?" + urllib.parse.urlencode(p) + extra)


def ipn(params, **kw):
    return bank("/payment/vnpay/ipn", params, **kw)


def ret(params, **kw):
    return bank("/payment/vnpay/return", params, **kw)


def paid(txn, amount_x100, **over):
    p = {"vnp_Amount": amount_x100, "vnp_BankCode": "AGRIBANK", "vnp_BankTranNo": "AGR%d" % (time.time_ns() % 10 ** 8),
         "vnp_CardType": "ATM", "vnp_OrderInfo": "Nop vien phi", "vnp_PayDate": time.strftime("%Y%m%d%H%M%S"),
         "vnp_ResponseCode": "00", "vnp_TmnCode": P.TMN, "vnp_TransactionNo": str(time.time_ns() % 10 ** 8),
         "vnp_TransactionStatus": "00", "vnp_TxnRef": txn}
    p.update(over)
    return p


# --- the agency API's signature, from the issue ------------------------------

_ag = {}
_tick = [0]


def setup():
    if _ag:
        return _ag
    rows = sql("SELECT code FROM agency WHERE kind = 'commune' ORDER BY code LIMIT 2 OFFSET 17")
    banks = (("970405", "1500201234567"), ("970418", "12010000456789"))
    for i, (code,) in enumerate(rows):
        b, acct = banks[i]
        rc, out, err = admin("beneficiary-set", "--agency", code, "--bin", b, "--account", acct,
                             "--account-name", "UBND XA KIEM TRA 17")
        assert rc == 0, err
        rc, out, err = admin("receipts-set", "--agency", code, "--name", "Ủy ban nhân dân xã kiểm tra 17",
                             "--tax-code", P.tax_code(code), "--template", "01BLP0-017",
                             "--series", "C26K%02d" % (17 + i))
        assert rc == 0, err
        rc, out, err = admin("apikey-add", "--agency", code)
        assert rc == 0, err
        _ag[i] = (code, tuple(out.split()))
    return _ag


def api(method, path, body=b"", who=0, extra=None):
    code, (kid, sec) = setup()[who]
    _tick[0] = (_tick[0] + 1) % 250
    ts = str(int(time.time()) - _tick[0])
    mac = hmac.new(sec.encode(), (ts + "\n" + method + "\n" + path + "\n").encode() + body,
                   hashlib.sha256).hexdigest()
    h = {"X-Portal-Key": kid, "X-Portal-Timestamp": ts, "X-Portal-Signature": mac,
         "Content-Type": "application/json"}
    h.update(extra or {})
    return H.request(method, path, body=body if method == "POST" else None, headers=h, port=H.INTRANET_PORT)


def ob(group="vien_phi", amounts=(1_000_001,), who=0, **over):
    d = {"group": group, "agency": setup()[who][0], "reference": "BA-%d" % (time.time_ns() % 10 ** 10),
         "payer": {"name": "Trần Thị Bích", "id": "079185001234"},
         "lines": [{"name": "Khoản %d" % i, "amount": a} for i, a in enumerate(amounts)]}
    d.update(over)
    return d


def create(**kw):
    r = api("POST", CREATE, json.dumps(ob(**kw), ensure_ascii=False).encode(), who=kw.get("who", 0))
    assert r.status == 201, (r.status, r.body[:300])
    return r.json()


def start(code):
    loc, q = P.start(code)
    return q


# --- 1. payment-admin: an account number with letters, symbols in lower case -

def _settings(agency):
    return sql("SELECT CONCAT_WS('|', (SELECT CONCAT_WS(',', bank_bin, account_no) FROM pay_beneficiary"
               " WHERE agency_code = '%s' AND grp = ''), (SELECT CONCAT_WS(',', template_symbol, series_symbol)"
               " FROM pay_receipt_setting WHERE agency_code = '%s'))" % (agency, agency))


def test_admin_refuses_account_numbers_and_symbols_no_bank_would_take():
    """beneficiary-set took "12AB34" and a 29-digit number as a bank
    account (no NAPAS account has letters or more than 19 digits: money
    sent there is returned days later), and receipts-set took the
    registered symbols in lower case ("c26k17"), a second series the tax
    authority never saw, numbered again from 1; both took names with a
    line break or a tab.  Each is now refused with exit code 2 naming the
    option, and nothing is written."""
    code = setup()[0][0]
    before = _settings(code)
    for acct in ("12AB34", "1500 2012 3456", "150020123456789012345", "15-00"):
        rc, out, err = admin("beneficiary-set", "--agency", code, "--bin", "970405", "--account", acct,
                             "--account-name", "UBND XA KIEM TRA 17")
        assert rc == 2 and "--account" in err, (acct, rc, out, err)
    for bin_ in ("999999", "97040", "97040A"):
        rc, out, err = admin("beneficiary-set", "--agency", code, "--bin", bin_, "--account", "1500201234567",
                             "--account-name", "UBND XA KIEM TRA 17")
        assert rc == 2 and "--bin" in err, (bin_, rc, err)
    for tpl, ser, bad in (("01blp0-017", "C26K17", "--template"), ("01BLP0-017", "c26k17", "--series"),
                          ("01BLP0-017", "C26K 17", "--series")):
        rc, out, err = admin("receipts-set", "--agency", code, "--name", "Ủy ban nhân dân xã kiểm tra 17",
                             "--tax-code", P.tax_code(code), "--template", tpl, "--series", ser)
        assert rc == 2 and bad in err, (tpl, ser, rc, out, err)
    # a name pasted with its line break would print across two lines of
    # every pay page and receipt
    rc, out, err = admin("beneficiary-set", "--agency", code, "--bin", "970405", "--account", "1500201234567",
                         "--account-name", "UBND XA\nKIEM TRA 17")
    assert rc == 2 and "--account-name" in err, (rc, out, err)
    rc, out, err = admin("receipts-set", "--agency", code, "--name", "Ủy ban nhân dân\txã kiểm tra 17",
                         "--tax-code", P.tax_code(code), "--template", "01BLP0-017", "--series", "C26K17")
    assert rc == 2 and "--name" in err, (rc, out, err)
    assert _settings(code) == before, (_settings(code), before)
    assert sql("SELECT COUNT(*) FROM pay_beneficiary WHERE account_name LIKE '%%\n%%'"
               " AND agency_code = '%s'" % code) == [["0"]]
    # a treasury account keeps its dotted groups
    rc, out, err = admin("beneficiary-set", "--agency", code, "--group", "thue", "--treasury", "0011",
                         "--account", "7111.1.1058339", "--account-name", "KBNN KIEM TRA")
    assert rc == 0, err


# --- 2. the agency API: a payer ID number of no national length --------------

def test_api_refuses_payer_id_of_no_national_length():
    """payer.id "07918500123" (a CCCD with a digit missing), 13 or 8 digits
    were taken: the person could never find the obligation by that number
    at /pay/ and the receipt named a number nobody has.  A 422 naming
    payer.id now; CCCD, CMND, a tax code (and a branch's) and a passport
    are taken."""
    n0 = int(sql("SELECT COUNT(*) FROM obligation")[0][0])
    for pid in ("07918500123", "0791850012345", "07918500", "0791 8500 123", "0101234567-01"):
        r = api("POST", CREATE, json.dumps(ob(payer={"name": "Trần Thị Bích", "id": pid}),
                                           ensure_ascii=False).encode())
        assert r.status == 422, (pid, r.status, r.body[:200])
        assert "payer.id" in r.json()["error"]["message"], r.body
    assert int(sql("SELECT COUNT(*) FROM obligation")[0][0]) == n0
    for pid in ("079185001234", "012345678", "0101234567", "0101234567-001", "B1234567", "079 185 001 234"):
        r = api("POST", CREATE, json.dumps(ob(payer={"name": "Trần Thị Bích", "id": pid}),
                                           ensure_ascii=False).encode())
        assert r.status == 201, (pid, r.status, r.body[:200])


# --- 3. the verification page: a genuine receipt is never called forged -----

def _paid_receipt_token(amount):
    o = create(group="an_phi", amounts=(amount,))
    q = start(o["payment_code"])
    r = ipn(paid(q["vnp_TxnRef"], q["vnp_Amount"]))
    assert r.json() == {"RspCode": "00", "Message": "Confirm Success"}, r.body
    page = H.get("/pay/" + o["payment_code"])
    return re.search(r'href="/receipts/([0-9a-f]{32})"', page.text).group(1)


def test_verify_page_does_not_call_a_genuine_receipt_forged():
    """The code printed under the QR code typed in capitals (it is hex: the
    same code) answered "Biên lai có thể bị làm giả" for a genuine receipt,
    and so did the address typed without its "?t=…" part, which names no
    receipt at all.  The first is now found; the second is a 400 that says
    the code is missing, naming the field."""
    # the most VNPay carries in one payment (vnp_Amount: 12 digits)
    token = _paid_receipt_token(9_999_999_999)
    r = H.get("/receipts/verify?t=" + token.upper())
    assert r.status == 200 and "Biên lai hợp lệ" in r.text, r.status
    assert "Chín tỷ chín trăm chín mươi chín triệu" in r.text
    for path in ("/receipts/verify", "/receipts/verify?t="):
        r = H.get(path)
        assert r.status == 400, (path, r.status)
        assert "làm giả" not in r.text and "Thiếu mã kiểm tra" in r.text and "“t”" in r.text, r.text[-800:]
    # a code no receipt has is still a 404 that says so
    r = H.get("/receipts/verify?t=" + ("0" * 31 + "1"))
    assert r.status == 404 and "làm giả" in r.text
    r = H.get("/receipts/verify?t=" + token[:-1] + "G")
    assert r.status == 404


# --- 4. Idempotency-Key: white space around it is no second key ---------------

def test_idempotency_key_with_a_tab_is_not_a_second_key():
    """A retry sent with "KEY<TAB>" (HTTP strips the white space around a
    header value, nginx only the spaces) reached the portal as another
    key: a second obligation for one request.  A key with control
    characters is now a 400 naming the header, and nothing is created."""
    k = "chk17-%d" % time.time_ns()
    body = json.dumps(ob(), ensure_ascii=False).encode()
    first = api("POST", CREATE, body, extra={"Idempotency-Key": k})
    assert first.status == 201, first.body
    n0 = int(sql("SELECT COUNT(*) FROM obligation")[0][0])
    for bad in (k + "\t", "\t" + k, k[:3] + "\x01" + k[3:]):
        r = api("POST", CREATE, body, extra={"Idempotency-Key": bad})
        assert r.status == 400 and "Idempotency-Key" in r.json()["error"]["message"], (repr(bad), r.status, r.body)
    assert int(sql("SELECT COUNT(*) FROM obligation")[0][0]) == n0
    again = api("POST", CREATE, body, extra={"Idempotency-Key": k})
    assert again.status == 201 and again.json() == first.json(), again.body
