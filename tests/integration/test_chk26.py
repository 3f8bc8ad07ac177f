"""test_chk26.py - what an attacker's review of the portal found (issues 6
and 7: "a leaked dossier is real harm to a real family"), each a test that
failed before its fix:

- the payment finder (/pay/tra-cuu) counts a client's misses and answers
  429 after ten, but the same guesses typed straight into the address bar
  (/pay/{code}) or posted to a Pay button (/pay/{code}/start) were never
  counted: payment codes could be tried at nginx's rate from one address,
  and every hit showed the payer's name, the fine's decision number or
  the dossier code, the lines and the agency.

Needs the stack started by tests/run.sh (or make run).
"""
import random
import re
import urllib.parse

import harness as H
import test_payment as P
import test_submission as S

DAMM = [[0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
        [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
        [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
        [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0]]
FIND_MISSES = 10     # cgi-bin/payment/pay.c


def guessed_code():
    """A well-formed payment code (11 digits and their Damm check digit),
    as an attacker computes it: the route takes it, the database has none."""
    while True:
        body = str(random.randint(10 ** 10, 10 ** 11 - 1))
        i = 0
        for ch in body:
            i = DAMM[i][int(ch)]
        code = body + str(i)
        if not P.sql("SELECT 1 FROM obligation WHERE payment_code = '%s'" % code):
            return code


def fresh_source():
    """A client address of its own (the stack exempts only 127.0.0.1 from
    nginx's rate limit; the programs count misses per address)."""
    return "127.0.%d.%d" % (random.randint(10, 250), random.randint(2, 250))


def obligation(payer="Trần Thị Bích Ngọc"):
    """A traffic fine made through the agency API: its payment code."""
    import json
    P.setup_agency()
    ref = "QĐ %d/QĐ-XPVPHC" % random.getrandbits(30)
    body = json.dumps({"group": "phat_vphc", "agency": P.AGENCY, "reference": ref,
                       "payer": {"name": payer, "id": "001190000777"},
                       "lines": [{"name": "Điều khiển xe khi trong máu có nồng độ cồn", "amount": 6_000_000}]},
                      ensure_ascii=False).encode()
    r = P.api("POST", "/payment/api/obligations", body)
    assert r.status == 201, (r.status, r.body)
    return r.json()["payment_code"], ref


def visitor(code):
    """A visitor's cookie and form token, from the page of a code that
    exists, read from an address of its own (the token is bound to the
    cookie, not to the address)."""
    page = H.get("/pay/" + code, source=fresh_source())
    assert page.status == 200, page.status
    cookies = "; ".join(v.split(";")[0] for k, v in page.headers if k.lower() == "set-cookie")
    return cookies, re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def start(code, src, who):
    """Press Pay for `code` from address src as the visitor `who`: the answer."""
    cookies, token = who
    body = urllib.parse.urlencode({"csrf": token, "gateway": "vnpay"}).encode()
    return H.request("POST", "/pay/%s/start" % code, body=body, source=src,
                     headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})


# --- 1. payment codes guessed outside the finder ------------------------------

def test_payment_codes_guessed_in_the_address_bar_are_counted_as_misses():
    """Ten unknown codes at /pay/{code} from one address, then the right
    one: a 429 in Vietnamese that names nobody, as the finder answers after
    ten misses.  The finder and the address bar share one count, and
    another address is not held back."""
    code, ref = obligation()
    src = fresh_source()
    statuses = [H.get("/pay/" + guessed_code(), source=src).status for _ in range(FIND_MISSES)]
    assert statuses == [404] * FIND_MISSES, statuses
    r = H.get("/pay/" + code, source=src)
    assert r.status == 429, (r.status, "the page of a code found after %d misses" % FIND_MISSES)
    assert "quá nhiều lần" in r.text
    assert "Trần Thị Bích Ngọc" not in r.text and ref not in r.text and "nồng độ cồn" not in r.text
    assert r.header("Retry-After"), r.headers
    r = H.get("/pay/tra-cuu?ma=" + code, source=src)
    assert r.status == 429 and "/pay/" not in (r.header("Location") or ""), r.status
    # someone else, elsewhere, still pays
    r = H.get("/pay/" + code, source=fresh_source())
    assert r.status == 200 and "Trần Thị Bích Ngọc" in r.text


def test_finder_misses_hold_back_the_address_bar_too():
    """The other way round: ten misses in the finder, then the code typed
    into the address bar is a 429 too, not the page the finder refused."""
    code, _ = obligation()
    src = fresh_source()
    for _ in range(FIND_MISSES):
        assert H.get("/pay/tra-cuu?ma=" + guessed_code(), source=src).status == 200
    r = H.get("/pay/" + code, source=src)
    assert r.status == 429 and "Trần Thị Bích Ngọc" not in r.text, r.status


def test_viewing_a_known_page_again_is_not_a_miss():
    """A person reloading her own page while the bank confirms is never
    held back: only codes that find nothing count."""
    code, _ = obligation()
    src = fresh_source()
    for _ in range(FIND_MISSES + 5):
        r = H.get("/pay/" + code, source=src)
        assert r.status == 200, r.status


def test_a_payer_back_from_the_bank_sees_her_page_though_her_network_guessed():
    """The bank sends the payer back to /pay/{code}; someone else on the
    same commune Wi-Fi (one address) had mistyped ten codes meanwhile.
    The page of the payment she started from that address is shown, not
    "too many tries"; a code nobody started there stays held back."""
    code, _ = obligation()
    other, _ = obligation()
    src = fresh_source()
    who = visitor(code)
    r = start(code, src, who)
    assert r.status == 303, (r.status, r.text[:300])
    for _ in range(FIND_MISSES):
        assert H.get("/pay/" + guessed_code(), source=src).status == 404
    r = H.get("/pay/" + code + "?ket_qua=pending", source=src)
    assert r.status == 200 and "Trần Thị Bích Ngọc" in r.text, r.status
    r = H.get("/pay/" + other, source=src)
    assert r.status == 429, r.status


def test_the_page_is_held_back_exactly_while_ten_misses_are_in_the_window():
    """The code's page reads a hold the tenth miss writes (sql/028), not a
    count of the misses: nine misses hold nothing; the tenth holds the
    address until the oldest of the ten is fifteen minutes old (when the
    count falls to nine); once that time has passed the page is shown
    again, and a miss after it holds nothing on its own."""
    code, _ = obligation()
    src = fresh_source()
    key = "addr:" + src
    where = "scope = 'pay_find' AND k = '%s'" % key
    P.sql("DELETE FROM attempt WHERE %s; DELETE FROM limit_hold WHERE %s" % (where, where))
    for _ in range(FIND_MISSES - 1):
        assert H.get("/pay/" + guessed_code(), source=src).status == 404
    assert H.get("/pay/" + code, source=src).status == 200
    assert P.sql("SELECT COUNT(*) FROM limit_hold WHERE " + where) == [["0"]]
    assert H.get("/pay/" + guessed_code(), source=src).status == 404
    held = P.sql("SELECT TIMESTAMPDIFF(MICROSECOND, (SELECT MIN(at) FROM attempt WHERE %s), until)"
                 " FROM limit_hold WHERE %s" % (where, where))
    assert held == [[str(900 * 10 ** 6)]], held
    assert H.get("/pay/" + code, source=src).status == 429
    # fifteen minutes and a second on: the ten misses out of the window
    P.sql("UPDATE attempt SET at = at - INTERVAL 901 SECOND WHERE %s;"
          " UPDATE limit_hold SET until = until - INTERVAL 901 SECOND WHERE %s" % (where, where))
    r = H.get("/pay/" + code, source=src)
    assert r.status == 200 and "Trần Thị Bích Ngọc" in r.text, r.status
    assert H.get("/pay/" + guessed_code(), source=src).status == 404
    assert H.get("/pay/" + code, source=src).status == 200
    assert H.get("/pay/tra-cuu?ma=" + code, source=src).status == 303


def test_pay_button_posted_for_guessed_codes_is_counted_too():
    """POST /pay/{code}/start answered 404 for a code that does not exist
    and 303 to the bank, with the amount and the kind of obligation, for
    one that does: the same guessing through the Pay button.  Its misses
    count with the others; over the limit it starts nothing."""
    code, _ = obligation()
    src, who = fresh_source(), visitor(code)
    statuses = [start(guessed_code(), src, who).status for _ in range(FIND_MISSES)]
    assert statuses == [404] * FIND_MISSES, statuses
    attempts = P.sql("SELECT COUNT(*) FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id"
                     " WHERE o.payment_code = '%s'" % code)[0][0]
    r = start(code, src, who)
    assert r.status == 429, (r.status, r.header("Location"))
    assert "vnp_" not in (r.header("Location") or "")
    assert P.sql("SELECT COUNT(*) FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id"
                 " WHERE o.payment_code = '%s'" % code)[0][0] == attempts
    assert P.status_of(code) == "unpaid"


# --- 2. what one person types, shown to another ---------------------------------

EVIL = "\"'><svg/onload=alert(1)>`"
SHOWN = "&quot;&#39;&gt;&lt;svg/onload=alert(1)&gt;`"     # ClearSilver's html escaping


def shown_safely(page, where):
    """The value is on the page (else the check proves nothing), escaped."""
    assert page.status == 200, (where, page.status)
    assert "<svg/onload" not in page.text, where
    assert SHOWN in page.text, (where, "the typed value is not on the page")


def test_values_typed_by_one_person_are_escaped_where_another_reads_them():
    """A citizen's name, address and rating comment on the desk's pages, a
    desk's reason on the citizen's page and the public lookup, an agency
    system's payer, lines and reference on /pay/, the payment notice and
    the receipt: each shown, none as markup."""
    import test_submission as S
    c = S.Client()
    S.register(c, name="Lan" + EVIL)
    agency = S.agencies(c)[0]
    r = S.file_dossier(c, agency, applicant_name="Lan" + EVIL, applicant_address="Thôn" + EVIL)
    assert r.status == 303, (r.status, r.text[:300])
    code = r.header("Location").rsplit("/", 1)[1]
    desk = S.staff(agency, "leader")
    shown_safely(desk.get("/desk/"), "the desk's queue")
    shown_safely(desk.get("/desk/dossiers/" + code), "the desk's dossier page")
    shown_safely(desk.get("/desk/dossiers/%s/receipt" % code), "the desk's slip")
    assert S.move(desk, code, 2).status == 303
    assert S.move(desk, code, 5, reason="Thiếu" + EVIL).status == 303
    shown_safely(c.get("/dossiers/" + code), "the citizen's dossier page")
    secret = re.search(r'class="secret">([A-Z0-9-]+)<', desk.get("/desk/dossiers/%s/receipt" % code).text).group(1)
    shown_safely(H.get(H.q("/dossiers/lookup", code=code, secret=secret)), "the public lookup")
    for to in (4, 9, 10):
        assert S.move(desk, code, to, files={"result": ("kq.pdf", S.PDF, "application/pdf")}
                      if to == 10 else None).status == 303, to
    c.get("/dossiers/" + code)
    assert c.post("/dossiers/%s/rating" % code, {"score": "2", "comment": "Chậm" + EVIL}).status == 303
    shown_safely(desk.get("/desk/dossiers/" + code), "the desk's page with the rating")

    import json
    P.setup_agency()
    body = json.dumps({"group": "phat_vphc", "agency": P.AGENCY, "reference": "QĐ" + EVIL,
                       "payer": {"name": "An" + EVIL, "id": "001090000001"},
                       "lines": [{"name": "Khoản" + EVIL, "amount": 150000}]}, ensure_ascii=False).encode()
    r = P.api("POST", "/payment/api/obligations", body)
    assert r.status == 201, (r.status, r.body)
    pay = r.json()["payment_code"]
    shown_safely(H.get("/pay/" + pay), "the pay page")
    officer = S.staff(P.AGENCY, "desk")
    shown_safely(officer.get("/payment/admin/obligations/%s/notice" % pay), "the payment notice")
    loc, _ = P.start(pay)
    P.follow_return(P.bank_pays(loc))
    assert H.wait_until(lambda: P.status_of(pay) == "paid")
    token = re.search(r'/receipts/([0-9a-f]{32})', H.get("/pay/" + pay).text).group(1)
    shown_safely(H.get("/receipts/" + token), "the receipt")


# --- registrations from one address (reported by the round, fixed after) ---

def test_registrations_from_one_address_are_counted_before_the_password_is_hashed():
    """Each registration spends ~0.35 s of CPU hashing its password before
    anything can refuse it, and nothing counted them: a few clients posting
    the form in a loop held every process of the submission area.  Ten in
    15 minutes from one address, then a 429 in Vietnamese saying when, and
    no account written; another address registers as before."""
    addr = "127.0.%d.%d" % (random.randint(10, 250), random.randint(2, 250))
    c = S.Client(source=addr)
    c.get("/account/register")
    for i in range(10):
        r = c.post("/account/register", {"contact": S.phone(), "name": "Nguyễn Văn Mười",
                                          "password": "mật-khẩu-dài-1"})
        assert r.status == 303, (i, r.status, r.text[:300])
    citizens = P.sql("SELECT COUNT(*) FROM citizen")
    contact = S.phone()
    r = c.post("/account/register", {"contact": contact, "name": "Nguyễn Văn Mười",
                                      "password": "mật-khẩu-dài-1"})
    assert r.status == 429, (r.status, r.text[:300])
    assert "quá nhiều lượt đăng ký" in r.text and "phút" in r.text, r.text[-1500:]
    assert int(r.header("Retry-After")) > 0
    assert P.sql("SELECT COUNT(*) FROM citizen") == citizens
    assert P.sql("SELECT COUNT(*) FROM citizen WHERE contact = '%s'" % contact) == [["0"]]
    other = S.Client(source="127.0.%d.%d" % (random.randint(10, 250), random.randint(2, 250)))
    other.get("/account/register")
    r = other.post("/account/register", {"contact": contact, "name": "Nguyễn Văn Mười",
                                          "password": "mật-khẩu-dài-1"})
    assert r.status == 303, (r.status, r.text[:300])
