"""test_chk15.py - what the checker of issues 6 and 7 found in what was
merged in the last round (the /pay/ finder's list, the department that
handles a province-level procedure), each a test that failed before its
fix.
"""
import html
import random
import re
import time
import urllib.parse

import harness as H
import test_payment as P
import test_submission as S


def plain(text):
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", text, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def find(ref, pid, **kw):
    return H.get("/pay/tra-cuu?" + urllib.parse.urlencode({"tham_chieu": ref, "giay_to": pid}), **kw)


def links(r):
    return re.findall(r'href="/pay/(\d{12})"', r.text)


# --- 1. the finder's list of one reference -----------------------------------

def test_pay_finder_says_when_a_reference_has_more_than_it_lists():
    """A household's electricity customer code with 21 monthly bills still
    open: the finder listed 20 and said nothing of the 21st (the oldest,
    the one to pay first), which no search by reference could reach.  The
    page now says that it lists 20 and how to find the others."""
    ref = "PD%010d" % random.getrandbits(32)
    codes = []
    for i in range(21):
        codes.append(P.create((200_000 + i,), group="tien_dien", ref=ref)["payment_code"])
        time.sleep(1.05)   # two identical signed requests in one second are one replayed
    r = find(ref, "001090000001")
    assert r.status == 200, r.status
    shown = links(r)
    assert len(shown) == 20 and shown == codes[:0:-1], shown
    t = plain(r.text)
    assert "Chỉ hiện 20 khoản" in t and "mã thanh toán" in t, t[-500:]
    # twenty exactly: no such note
    P.api("POST", "/payment/api/obligations/%s/cancel" % codes[0], b"")
    ref2 = "PD%010d" % random.getrandbits(32)
    for i in range(2):
        P.create((1000 + i,), group="tien_dien", ref=ref2)
        time.sleep(1.05)
    r = find(ref2, "001090000001")
    assert r.status == 200 and len(links(r)) == 2 and "Chỉ hiện 20 khoản" not in plain(r.text)


def test_pay_finder_takes_the_pair_as_people_type_it():
    """A reference pasted with a space before it, an ID number typed in
    groups of three or with the dots some cards print: each was "not
    found" (and counted as a miss towards the 429) for an obligation that
    exists.  The finder now looks the pair up as stored."""
    ref = "PE%010d" % random.getrandbits(32)
    code = P.create((95_000,), group="tien_dien", ref=ref)["payment_code"]
    src = "127.0.%d.%d" % (random.randint(10, 250), random.randint(2, 250))
    for r_, pid in ((" " + ref, "001090000001"), (ref + "\u00a0", "001090000001"),
                    ("  " + ref + " ", "001 090 000 001"), (ref.lower(), "001.090.000.001")):
        r = find(r_, pid, source=src)
        assert r.status == 303 and r.header("Location") == "/pay/" + code, (repr(r_), pid, r.status)
    # none of them counted as a miss
    assert P.sql("SELECT COUNT(*) FROM attempt WHERE scope = 'pay_find' AND k = 'addr:%s'"
                 % src) == [["0"]], "misses counted"
    # what is really another pair still misses
    r = find(ref, "001090000002", source=src)
    assert r.status == 200 and not links(r)


# --- 2. a department named by its name before the 2025 mergers -------------

def offered(c, proc):
    r = c.get(H.q("/dossiers/new", procedure=proc))
    assert r.status == 200, (r.status, r.text[:300])
    return dict(re.findall(r'<option value="([0-9.]+\.H\d\d)"[^>]*>([^<]*)', r.text))


def test_department_named_by_its_pre_2025_name_is_offered():
    """1.013239's catalog entry names "Sở Công thương, Sở Nông nghiệp và
    Phát triển nông thôn, Sở Xây dựng": the form offered the first and the
    last but not the Sở Nông nghiệp và Môi trường, into which the second
    was merged in 2025 (Nghị định 45/2025/NĐ-CP), and a dossier posted
    there was refused.  A department is now named by its former names."""
    proc = "1.013239"
    text = P.sql("SELECT implementing_agency FROM `procedure` WHERE code = '%s'" % proc)[0][0]
    assert "Sở Nông nghiệp và Phát triển nông thôn" in text, text
    c = S.Client()
    S.register(c, name="Đinh Văn Lâm")
    ags = offered(c, proc)
    dept = {n: P.sql("SELECT code FROM agency WHERE province_code = '01' AND name = '%s'" % n)[0][0]
            for n in ("Sở Nông nghiệp và Môi trường", "Sở Xây dựng", "Sở Công Thương", "Sở Tư pháp")}
    assert dept["Sở Nông nghiệp và Môi trường"] in ags, ags
    assert dept["Sở Xây dựng"] in ags and dept["Sở Công Thương"] in ags, ags
    assert dept["Sở Tư pháp"] not in ags, ags
    # the desk of that department may file it for a walk-in
    assert S.staff(dept["Sở Nông nghiệp và Môi trường"], "desk").get(
        "/desk/dossiers/new?procedure=" + proc).status == 200


def test_text_the_migrations_write_is_stored_as_written():
    """The stack ran the migrations through the mariadb client in the
    locale's character set: under none (a fresh machine's root shell, CI's
    env -i) that is latin1, and the holidays' names and 023's former
    department names were stored double-encoded ("Táº¿t DÆ°Æ¡ng lá»‹ch"),
    so no catalog text matched a former name.  The client now speaks
    utf8mb4 and 024 repairs what was stored; this reads them back."""
    assert P.sql("SELECT name FROM holiday WHERE day = '2025-01-01'") == [["Tết Dương lịch"]]
    assert P.sql("SELECT COUNT(*) FROM agency_former_name WHERE former_name = "
                 "'Sở Nông nghiệp và Phát triển nông thôn'") == [["1"]]
    bad = P.sql("SELECT COUNT(*) FROM holiday WHERE CONCAT(name, source) COLLATE utf8mb4_bin "
                "REGEXP 'Ã|Æ|á»|áº'")
    assert bad == [["0"]], bad
