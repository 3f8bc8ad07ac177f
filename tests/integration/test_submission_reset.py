"""test_submission_reset.py - password reset by one-time code, over HTTP:
the code goes through the notifications outbox, the new password works and
the old one does not, every session of the account ends, a code is good
once, an unknown contact gets the same answer and no message, and the
limits of login hold (5 failed codes per account and per address in 15
minutes, then a plain message saying when to try again).
"""
import random
import re

import harness as H
import test_submission as S

OLD = "mật-khẩu-dài-1"
NEW = "mật-khẩu-mới-2"


def src():
    return "127.0.%d.%d" % (random.randint(10, 250), random.randint(2, 250))


def login(c, contact, pw):
    c.get("/account/login")
    return c.post("/account/login", {"contact": contact, "password": pw})


def ask_code(c, contact):
    assert c.get("/account/reset").status == 200
    r = c.post("/account/reset", {"contact": contact})
    assert r.status == 303, (r.status, r.text[:300])
    assert r.header("Location").startswith("/account/reset/confirm?contact="), r.header("Location")
    assert c.get(r.header("Location")).status == 200
    msgs = [m for m in S.outbox(contact) if m["subject"] == "Mã đặt lại mật khẩu"]
    return re.search(r"\b(\d{6})\b", msgs[0]["body"]).group(1) if msgs else None


def confirm(c, contact, code, pw=NEW):
    return c.post("/account/reset/confirm", {"contact": contact, "code": code, "password": pw})


def test_reset_sets_new_password_and_ends_every_session():
    a, b = S.Client(), S.Client()
    contact = S.register(a)
    assert login(b, contact, OLD).status == 303
    assert a.get("/dossiers/").status == 200 and b.get("/dossiers/").status == 200
    # every client that sends a wrong code comes from an address of its
    # own: failed codes count per address, and 127.0.0.1 is every suite's
    c = S.Client(source=src())
    code = ask_code(c, contact)
    assert code, S.outbox(contact)
    wrong = "%06d" % ((int(code) + 1) % 1000000)
    r = confirm(c, contact, wrong)
    assert r.status == 422 and "Còn 4 lần thử" in r.text, (r.status, r.text[:300])
    r = confirm(c, contact, code)
    assert r.status == 303 and r.header("Location") == "/account/login", (r.status, r.text[:300])
    # both browsers that were signed in are signed out
    for x in (a, b):
        r = x.get("/dossiers/")
        assert r.status == 303 and r.header("Location").startswith("/account/login"), r.status
    assert login(S.Client(source=src()), contact, OLD).status == 422
    d = S.Client()
    assert login(d, contact, NEW).status == 303
    assert d.get("/dossiers/").status == 200
    # the code was good once
    r = confirm(S.Client(source=src()), contact, code, "mật-khẩu-thứ-ba")
    assert r.status == 422, r.status
    assert login(S.Client(), contact, NEW).status == 303


def test_unknown_contact_gets_the_same_answer_and_no_message():
    c = S.Client(source=src())
    contact = S.phone()
    assert ask_code(c, contact) is None
    assert S.outbox(contact) == []
    r = confirm(c, contact, "123456")
    assert r.status == 422 and "mã mới" in r.text, (r.status, r.text[:300])


def test_bad_input_names_the_field_and_csrf_is_checked():
    c = S.Client()
    contact = S.register(c)
    code = ask_code(c, contact)
    for fields, name in (({"contact": contact, "code": code, "password": "ngắn"}, "password"),
                         ({"contact": contact, "code": "12ab56", "password": NEW}, "code"),
                         ({"contact": "không-phải-số", "code": code, "password": NEW}, "contact"),
                         ({"contact": contact, "code": "1234567", "password": NEW}, "code")):
        r = c.post("/account/reset/confirm", fields)
        assert 400 <= r.status < 500 and name in r.text, (fields, r.status, r.text[:300])
    r = c.post("/account/reset/confirm", {"contact": contact, "code": code, "password": NEW,
                                          "csrf": "0" * 64})
    assert r.status == 403, r.status
    r = c.post("/account/reset", {"contact": contact}, csrf=False)
    assert r.status == 403, r.status
    # none of that used the code up or changed the password
    assert login(S.Client(), contact, OLD).status == 303
    assert confirm(c, contact, code).status == 303
    assert login(S.Client(), contact, NEW).status == 303


def test_five_failed_codes_per_account_then_wait():
    c = S.Client(source=src())
    contact = S.register(c)
    code = ask_code(c, contact)
    wrong = "%06d" % ((int(code) + 7) % 1000000)
    got = [confirm(c, contact, wrong).status for _ in range(5)]
    assert got == [422] * 5, got
    # from another address too: the account is locked for a while
    other = S.Client(source=src())
    other.get("/account/reset")
    r = confirm(other, contact, code)
    assert r.status == 429, r.status
    assert "thử lại sau" in r.text and "phút" in r.text, r.text[:500]
    assert int(r.header("Retry-After")) > 0
    assert login(S.Client(), contact, OLD).status == 303


def test_five_failed_codes_per_address_then_wait():
    addr = src()
    contacts = []
    for _ in range(2):
        c = S.Client()
        contacts.append((S.register(c), c))
    attacker = S.Client(source=addr)
    attacker.get("/account/reset")
    got = [confirm(attacker, contacts[i % 2][0], "000000").status for i in range(5)]
    assert got == [422] * 5, got
    # a third account, never tried, is refused from that address
    c3 = S.Client()
    contact3 = S.register(c3)
    code = ask_code(c3, contact3)
    r = confirm(attacker, contact3, code)
    assert r.status == 429 and "thử lại sau" in r.text, (r.status, r.text[:300])
    # and works from elsewhere
    assert confirm(c3, contact3, code).status == 303


def test_registering_an_unconfirmed_number_again_takes_nothing_from_its_owner():
    """Lan registers her phone; before she types her code, someone else
    registers the same number with a password of their own.  That changes
    nothing of her account: a code confirms only a registration made from
    the same browser, and the account takes the name and password
    registered with the code that confirmed it (sql/017).  Then her
    password opens the account and the other one does not."""
    from test_payment import sql
    contact = S.phone()
    lan, other = S.Client(source=src()), S.Client(source=src())
    code_of = lambda: re.search(r"\b(\d{6})\b", S.outbox(contact)[0]["body"]).group(1)
    lan.get("/account/register")
    r = lan.post("/account/register", {"contact": contact, "name": "Nguyễn Thị Lan", "password": OLD})
    assert r.status == 303, (r.status, r.text[:300])
    code_lan = code_of()
    other.get("/account/register")
    r = other.post("/account/register", {"contact": contact, "name": "Người khác", "password": NEW})
    assert r.status == 303, (r.status, r.text[:300])
    code_other = code_of()
    row = "SELECT name, verified_at IS NULL FROM citizen WHERE contact = '%s'" % contact
    assert sql(row) == [["Nguyễn Thị Lan", "1"]]
    # the other registration's code, typed in Lan's browser, is not hers
    if code_other != code_lan:
        r = lan.post("/account/verify", {"contact": contact, "code": code_other})
        assert r.status == 422, r.status
        assert sql(row) == [["Nguyễn Thị Lan", "1"]]
    # the other browser cannot confirm with Lan's code either
    r = other.post("/account/verify", {"contact": contact, "code": code_lan})
    assert r.status == 422, r.status
    assert sql(row) == [["Nguyễn Thị Lan", "1"]]
    # her own code in her browser: confirmed, with her name and password
    r = lan.post("/account/verify", {"contact": contact, "code": code_lan})
    assert r.status == 303 and r.header("Location") == "/dossiers/", (r.status, r.text[:300])
    assert sql(row) == [["Nguyễn Thị Lan", "0"]]
    assert login(S.Client(source=src()), contact, NEW).status == 422
    r = login(S.Client(source=src()), contact, OLD)
    assert r.status == 303 and r.header("Location") == "/dossiers/", r.status
    # and the other browser's pending code is worthless now: it confirmed a
    # registration the account no longer waits for
    if code_other != code_lan:
        r = other.post("/account/verify", {"contact": contact, "code": code_other})
        assert r.status == 422, r.status
    assert login(S.Client(source=src()), contact, NEW).status == 422


def test_the_confirming_registration_sets_the_password_when_it_came_second():
    """The other order: a stranger registers Lan's number first; Lan
    registers it too and confirms with her code.  The account is hers: her
    name and password, not the first registration's."""
    from test_payment import sql
    contact = S.phone()
    first, lan = S.Client(source=src()), S.Client(source=src())
    first.get("/account/register")
    assert first.post("/account/register", {"contact": contact, "name": "Người khác",
                                            "password": NEW}).status == 303
    lan.get("/account/register")
    assert lan.post("/account/register", {"contact": contact, "name": "Nguyễn Thị Lan",
                                          "password": OLD}).status == 303
    code = re.search(r"\b(\d{6})\b", S.outbox(contact)[0]["body"]).group(1)
    r = lan.post("/account/verify", {"contact": contact, "code": code})
    assert r.status == 303 and r.header("Location") == "/dossiers/", (r.status, r.text[:300])
    assert sql("SELECT name FROM citizen WHERE contact = '%s'" % contact) == [["Nguyễn Thị Lan"]]
    assert login(S.Client(source=src()), contact, NEW).status == 422
    assert login(S.Client(source=src()), contact, OLD).status == 303


def test_registering_a_confirmed_number_tells_the_page_nothing_and_the_owner_everything():
    """A 409 "this number already has an account" told anyone who typed a
    number whether its owner uses the portal (the reset form already
    answers the same either way).  Now the page answers as for a new
    number, the same 303 to the code page, and the owner gets a message
    saying someone tried and what to do; no code is sent, and the account
    keeps its name and password."""
    from test_payment import sql
    lan = S.Client(source=src())
    contact = S.register(lan, name="Nguyễn Thị Lan", password=OLD)
    fresh = S.phone()
    stranger = S.Client(source=src())
    stranger.get("/account/register")
    r_new = stranger.post("/account/register", {"contact": fresh, "name": "Người khác", "password": NEW})
    before = len(S.outbox(contact))
    r = stranger.post("/account/register", {"contact": contact, "name": "Người khác", "password": NEW})
    assert r.status == r_new.status == 303, (r.status, r.text[:300])
    loc, loc_new = r.header("Location"), r_new.header("Location")
    assert loc.split("?")[0] == loc_new.split("?")[0], (loc, loc_new)
    page, page_new = stranger.get(loc), stranger.get(loc_new)
    assert page.status == page_new.status == 200
    assert "đã có tài khoản" not in page.text
    sent = S.outbox(contact)
    assert len(sent) == before + 1, sent[:2]
    assert "đã có tài khoản" in sent[0]["body"] and "Quên mật khẩu" in sent[0]["body"], sent[0]
    assert not re.search(r"\b\d{6}\b", sent[0]["body"]), sent[0]
    # the code page does not tell either: a wrong code is answered as for a
    # new number (the stranger's browser has a code row, one no code matches,
    # carrying no name or password)
    wrong = stranger.post("/account/verify", {"contact": contact, "code": "123456"})
    wrong_new = stranger.post("/account/verify", {"contact": fresh, "code": "123456"})
    assert wrong.status == wrong_new.status == 422, (wrong.status, wrong_new.status)
    assert "Còn 4 lần thử" in wrong.text and "Còn 4 lần thử" in wrong_new.text, wrong.text[-1500:]
    assert sql("SELECT pending_name IS NULL, pending_hash IS NULL FROM otp_code WHERE contact = '%s' "
               "AND used_at IS NULL AND expires_at > UTC_TIMESTAMP(3)" % contact) == [["1", "1"]]
    assert sql("SELECT name FROM citizen WHERE contact = '%s'" % contact) == [["Nguyễn Thị Lan"]]
    assert login(S.Client(source=src()), contact, NEW).status == 422
    assert login(S.Client(source=src()), contact, OLD).status == 303
