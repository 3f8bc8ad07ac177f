"""test_faults_chk11.py - the fault clauses of issues 6 and 7, checked from
outside: what the other fault suites do not already try.

Each test names a defect a checker found: it failed before its fix.
"""
import json
import os
import time
import uuid

import harness as H
import test_payment as tp

SPOOL = os.path.join(tp.VAR, "spool", "payment")


def spooled():
    return sorted(f for f in os.listdir(SPOOL) if f.endswith(".cb"))


def raw_get(target):
    """GET with the request target exactly as given (bytes no client sends)."""
    out = H.raw_exchange(b"GET " + target + b" HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\r\n")
    head, _, body = out.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def rows_with(marker):
    return tp.sql("SELECT kind, result, HEX(raw), spool_name IS NULL FROM callback_raw"
                  " WHERE raw LIKE '%%%s%%' ORDER BY id" % marker)


def test_callback_with_bytes_that_are_not_utf8_is_stored_byte_for_byte():
    """A callback is stored raw, byte for byte, before it is answered,
    whatever it carries.  A query with a byte that is not UTF-8 (a forged
    or broken callback: nginx passes it as sent) was refused by the
    table's utf8mb4 text column: the worker took that for the database
    being away, answered the return page 503 ("try again later") and put
    both in the spool, whose loader (INSERT IGNORE) then stored them with
    '?' in place of the byte.  With the database up, each is stored at
    once, as received, with the answer given: 99 to the IPN (it cannot be
    read), 97 to the return page, which says the bank's answer could not
    be verified (400) rather than that the database is away."""
    assert H.wait_until(lambda: not spooled(), 15), spooled()
    marker = uuid.uuid4().hex[:12]
    for path, want in ((b"/payment/vnpay/ipn", 200), (b"/payment/vnpay/return", 400)):
        query = b"vnp_TxnRef=" + marker.encode() + b"&vnp_OrderInfo=Thanh\xfftoan\xc3"
        status, body = raw_get(path + b"?" + query)
        assert status == want, (path, status, body[:300])
        if want == 200:
            assert json.loads(body)["RspCode"] == "99", body
        rows = rows_with(marker)
        kind = path.rsplit(b"/", 1)[1].decode()
        mine = [r for r in rows if r[0] == kind]
        # stored by the request itself (not later from the spool), bytes intact
        assert mine and mine[0][2] == query.hex().upper() and mine[0][3] == "1", (kind, rows)
        assert mine[0][1] == ("99" if kind == "ipn" else "97"), mine
    assert not spooled(), spooled()
