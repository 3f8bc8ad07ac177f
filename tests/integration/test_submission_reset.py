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
