"""test_account_faults.py - citizens' accounts under faults, over HTTP:

- kill -9 of the submission workers in the middle of a burst of
  registrations: every registration that answered 303 has its account, its
  one-time code and its message, each exactly once; no account exists
  without its code (register writes all three in one transaction);
- MariaDB stopped: register, verify, login and the password reset each
  answer 503 with a Vietnamese page and Retry-After (never a 500 or a
  hang), nothing is written, and a code sent before the outage still works
  after it, with the tries spent during the outage not counted;
- the notifications sender killed mid-round: every code still arrives.

Runs after test_submission_faults.py (it stops the database too).
"""
import concurrent.futures
import os
import re
import subprocess
import time

import harness as H
import test_payment as P
import test_submission as S
import test_submission_faults as F

ROOT = S.ROOT
PW = "mật-khẩu-dài-1"


def citizen(contact):
    return P.sql("SELECT id, verified_at IS NOT NULL FROM citizen WHERE contact = '%s'" % contact)


def codes(contact, purpose="register"):
    return P.sql("SELECT COUNT(*) FROM otp_code WHERE contact = '%s' AND purpose = '%s'"
                 % (contact, purpose))[0][0]


def start_register(c, contact):
    c.get("/account/register")
    return c.post("/account/register", {"contact": contact, "name": "Trần Văn Bình",
                                         "password": PW})


def code_of(contact, subject="Mã xác nhận đăng ký"):
    msgs = [m for m in S.outbox(contact) if m["subject"] == subject]
    return [re.search(r"\b(\d{6})\b", m["body"]).group(1) for m in msgs]


def test_workers_killed_mid_registrations_leave_no_half_account():
    n = 16
    contacts = [S.phone() for _ in range(n)]
    results = [None] * n
    browsers = [S.Client() for _ in range(n)]

    def one(i):
        c = browsers[i]
        try:
            results[i] = start_register(c, contacts[i])
        except Exception as e:  # the connection cut by the kill
            results[i] = e

    killed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
        futs = [ex.submit(one, i) for i in range(n)]
        # a registration hashes its password (~0.35 s): the kills land mid-request
        time.sleep(0.5)
        for p in F.children("submission")[:2]:
            if F.kill9(p):
                killed.append(p)
        time.sleep(0.7)
        for p in F.children("submission")[:1]:
            if F.kill9(p):
                killed.append(p)
        for f in futs:
            f.result()
    assert len(killed) >= 2, killed
    ok = [contacts[i] for i, r in enumerate(results)
          if not isinstance(r, Exception) and r.status == 303]
    assert ok, [getattr(r, "status", r) for r in results]
    for i, r in enumerate(results):
        if not isinstance(r, Exception):
            # a request cut by the kill is nginx's 502; the portal never answers 500
            assert r.status in (303, 502), (r.status, r.text[:200])
    for contact in ok:
        assert citizen(contact) == [[citizen(contact)[0][0], "0"]], contact
        assert codes(contact) == "1", contact
        assert len(code_of(contact)) == 1, contact
    # whatever the kills cut: an account is there with its code, or not at all
    for contact in contacts:
        rows = citizen(contact)
        assert rows == [] or codes(contact) != "0", contact
    # the workers came back; the acknowledged registrations can be finished
    # (in the browser that registered: a code confirms only its own sign-up)
    assert H.wait_until(lambda: len(F.children("submission")) >= 2, 10)
    c = browsers[contacts.index(ok[0])]
    c.get("/account/verify?contact=" + ok[0])
    r = c.post("/account/verify", {"contact": ok[0], "code": code_of(ok[0])[0]})
    assert r.status == 303 and r.header("Location") == "/dossiers/", (r.status, r.text[:300])


def refused_while_down(r):
    assert r.status == 503, (r.status, r.text[:300])
    assert r.header("Retry-After"), r.headers
    assert "<!doctype" in r.text[:200].lower() and "thử lại" in r.text.lower(), r.text[:500]


def test_mariadb_down_refuses_account_steps_and_writes_nothing():
    # before: one registration waiting for its code, one account to log in,
    # one reset asked for
    pending = S.phone()
    waiting = S.Client()
    assert start_register(waiting, pending).status == 303
    pending_code = code_of(pending)[0]
    known = S.register(S.Client())
    resetter = S.Client()
    resetter.get("/account/reset")
    assert resetter.post("/account/reset", {"contact": known}).status == 303
    reset_code = code_of(known, "Mã đặt lại mật khẩu")[0]
    fresh = S.phone()
    login = S.Client()
    login.get("/account/login")
    fresh_client = S.Client()
    fresh_client.get("/account/register")
    waiting.get("/account/verify?contact=" + pending)
    resetter.get("/account/reset/confirm?contact=" + known)

    pid = F.mariadb_pid()
    os.kill(pid, 15)
    assert H.wait_until(lambda: not os.path.exists(f"/proc/{pid}"), 60)
    try:
        t0 = time.time()
        refused_while_down(fresh_client.post("/account/register", {
            "contact": fresh, "name": "Lê Thị Hoa", "password": PW}))
        # a wrong code, then the right one: neither can be checked
        refused_while_down(waiting.post("/account/verify", {"contact": pending, "code": "000000"}))
        refused_while_down(waiting.post("/account/verify", {"contact": pending,
                                                             "code": pending_code}))
        refused_while_down(login.post("/account/login", {"contact": known, "password": PW}))
        refused_while_down(resetter.post("/account/reset/confirm", {
            "contact": known, "code": reset_code, "password": "mật-khẩu-mới-2"}))
        # bounded: the database's connect timeout, not nginx's
        assert time.time() - t0 < 30, time.time() - t0
    finally:
        out = subprocess.run([os.path.join(ROOT, "conf", "stack.sh"), "db"], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
    assert H.wait_until(lambda: H.get("/dossiers/health").status == 200, 30)
    # nothing was written while it was down
    assert citizen(fresh) == []
    assert P.sql("SELECT tries FROM otp_code WHERE contact = '%s'" % pending) == [["0"]]
    # the code sent before the outage works after it (the outage spent no try)
    r = waiting.post("/account/verify", {"contact": pending, "code": pending_code})
    assert r.status == 303 and r.header("Location") == "/dossiers/", (r.status, r.text[:300])
    assert citizen(pending)[0][1] == "1"
    r = resetter.post("/account/reset/confirm", {"contact": known, "code": reset_code,
                                                  "password": "mật-khẩu-mới-2"})
    assert r.status == 303, (r.status, r.text[:300])
    r = login.post("/account/login", {"contact": known, "password": "mật-khẩu-mới-2"})
    assert r.status == 303, (r.status, r.text[:300])
    # and a new registration goes through
    assert start_register(fresh_client, fresh).status == 303
    assert len(code_of(fresh)) == 1


def test_notify_sender_killed_mid_round_every_code_arrives():
    contacts = [S.phone() for _ in range(8)]
    for contact in contacts:
        assert start_register(S.Client(), contact).status == 303
        for p in F.children("job:notify"):
            F.kill9(p)
    # every code is in the outbox once, and the sender, back, delivers them all
    for contact in contacts:
        assert codes(contact) == "1"
        assert len(code_of(contact)) == 1, contact

    def delivered():
        rows = P.sql("SELECT COUNT(*) FROM outbox WHERE topic = 'notify' AND subject IN (%s) "
                     "AND delivered_at IS NULL" % ",".join("'%s'" % c for c in contacts))
        return rows == [["0"]]
    assert H.wait_until(delivered, 30), P.sql(
        "SELECT subject, attempts, last_error FROM outbox WHERE topic = 'notify' AND "
        "delivered_at IS NULL")
    assert H.wait_until(lambda: len(F.children("job:notify")) == 1, 10)
