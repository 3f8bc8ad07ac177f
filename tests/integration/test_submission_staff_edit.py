"""test_submission_staff_edit.py - an administrator's changes to existing
staff accounts on /desk/staff (intranet): reopening a locked account,
changing its role, and setting a new initial password for an officer who
forgot theirs (every session of the account ends; the new password logs
in, the old one no more).  Each is refused for other roles, other agencies'
accounts, a missing or forged CSRF token, bad fields, the administrator's
own account, and for the last active administrator of an agency (two
administrators demoting or locking each other at the same moment: one
wins, the other is refused).  A refusal is the staff page again with the
reason, under a 4xx, and changes no row and writes no audit row.
"""
import html
import os
import random
import subprocess
import threading
import time

import harness as H
import test_payment as P
import test_submission as S
import test_submission_staff as T

PW = T.PW
NEW_PW = "mật-khẩu-mới-tinh-2"


def state():
    """Every staff row, every staff session's owner, and the audit log's size."""
    return (P.sql("SELECT id, login, roles, active, password_hash FROM staff ORDER BY id"),
            P.sql("SELECT user_id, id_hash FROM session WHERE kind = 3 ORDER BY id_hash"),
            P.sql("SELECT COUNT(*) FROM audit_log"))


def officer(admin, agency, role="desk"):
    login = T.new_login()
    r = T.add(admin, login=login, name="Phan Thị Thu", agency=agency, role=role, password=PW)
    assert r.status == 303, (r.status, r.text[:300])
    return login


def refused_login(login, pw, source):
    """A login that must fail, sent from its own address: failed logins
    count per address too (5 in 15 minutes), and 127.0.0.1 is everyone's."""
    c = S.Client(port=H.INTRANET_PORT, source=source)
    assert c.get("/desk/login").status == 200
    return c.post("/desk/login", {"login": login, "password": pw}).status


def act(s, login, what, **fields):
    s.get("/desk/staff")
    return s.post(f"/desk/staff/{login}/{what}", fields)


def row(login):
    return T.staff_rows(f"login = '{login}'")[0]


def refused_page(r, field):
    t = html.unescape(r.text)
    return ("Chưa lưu gì" in t and 'role="alert"' in r.text and f"“{field}”" in t
            and 'action="/desk/staff"' in r.text)


def test_reactivate_lets_the_account_log_in_again():
    agency = T.commune(11)
    admin, me = T.admin_of(agency)
    login = officer(admin, agency)
    assert T.deactivate(admin, login).status == 303
    assert refused_login(login, PW, "127.0.0.7") == 422      # locked: refused
    page = admin.get("/desk/staff").text
    assert f'action="/desk/staff/{login}/reactivate"' in page
    r = act(admin, login, "reactivate")
    assert r.status == 303 and r.header("Location") == "/desk/staff", (r.status, r.text[:300])
    assert row(login)[3] == "1"
    rows = T.audits("staff_reactivate", login)
    assert len(rows) == 1 and rows[0][1] == me and rows[0][2] == agency and rows[0][3] != "NULL"
    c, r = T.login_as(login)                     # the password it had
    assert r.status == 303, (r.status, r.text[:300])
    assert c.get("/desk/").status == 200
    # posted again: nothing changes, no second row
    assert act(admin, login, "reactivate").status == 303
    assert len(T.audits("staff_reactivate", login)) == 1


def test_role_change_holds_at_once_and_is_audited():
    agency = T.commune(12)
    admin, me = T.admin_of(agency)
    login = officer(admin, agency, "desk")
    c, r = T.login_as(login)
    assert r.status == 303
    assert c.get(H.q("/desk/dossiers/new", procedure=S.PROC)).status == 200   # a desk officer
    r = act(admin, login, "role", role="processor")
    assert r.status == 303, (r.status, r.text[:300])
    assert row(login)[2] == "2"
    # the same session, its new role from the next page on
    assert c.get(H.q("/desk/dossiers/new", procedure=S.PROC)).status == 403
    rows = T.audits("staff_role", login)
    assert len(rows) == 1 and rows[0][1] == me, rows
    assert "Tiếp nhận và trả kết quả → Xử lý" in rows[0][4], rows
    # the same role again changes nothing
    assert act(admin, login, "role", role="processor").status == 303
    assert len(T.audits("staff_role", login)) == 1
    # made an administrator: the page opens for it
    assert act(admin, login, "role", role="admin").status == 303
    assert c.get("/desk/staff").status == 200
    # and demoted again: another administrator (me) remains
    assert act(admin, login, "role", role="leader").status == 303
    assert row(login)[2] == "4"
    assert c.get("/desk/staff").status == 403


def test_password_reset_ends_sessions_and_the_new_one_works():
    agency = T.commune(13)
    admin, me = T.admin_of(agency)
    login = officer(admin, agency)
    c, r = T.login_as(login)
    assert r.status == 303
    c2, r = T.login_as(login)                    # another device
    assert r.status == 303
    assert c.get("/desk/").status == 200
    # the officer forgot it: failed tries count against the account (from an
    # address of this run's own: they count per address too, for 15 minutes)
    addr = "127.0.%d.%d" % (random.randint(20, 250), random.randint(2, 250))
    for _ in range(3):
        assert refused_login(login, "sai-mật-khẩu-rồi-9", addr) == 422
    before_hash = P.sql(f"SELECT password_hash FROM staff WHERE login = '{login}'")
    r = act(admin, login, "password", password=NEW_PW)
    assert r.status == 303 and r.header("Location") == "/desk/staff", (r.status, r.text[:300])
    assert P.sql(f"SELECT password_hash FROM staff WHERE login = '{login}'") != before_hash
    # every old cookie goes back to the login page
    for cl in (c, c2):
        r = cl.get("/desk/")
        assert r.status == 303 and r.header("Location").startswith("/desk/login"), r.status
    assert P.sql(f"SELECT COUNT(*) FROM session s JOIN staff t ON t.id = s.user_id "
                 f"WHERE s.kind = 3 AND t.login = '{login}'") == [["0"]]
    assert P.sql(f"SELECT COUNT(*) FROM attempt WHERE k = 'staff:{login}'") == [["0"]]
    assert refused_login(login, PW, addr) == 422      # the old password no more
    c3, r = T.login_as(login, NEW_PW)            # the new one
    assert r.status == 303, (r.status, r.text[:300])
    assert c3.get("/desk/").status == 200
    rows = T.audits("staff_password", login)
    assert len(rows) == 1 and rows[0][1] == me and rows[0][4] == agency, rows
    # the password is written nowhere but as its hash
    assert P.sql(f"SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%{NEW_PW}%' "
                 f"OR subject LIKE '%{NEW_PW}%'") == [["0"]]
    for name in ("submission.log", "nginx-access.log"):
        path = os.path.join(P.VAR, "log", name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                assert NEW_PW.encode() not in f.read(), name


def test_refusals_change_nothing():
    a, b = T.commune(14), T.commune(15)
    admin, me = T.admin_of(a)
    login = officer(admin, a)
    _, other = T.admin_of(b)
    other_officer = officer(T.admin_of(b)[0], b)
    office_admin, _ = T.admin_of("000.00.01.H26")
    cases = [
        # (client, login, action, fields, status, field)
        (admin, other, "role", {"role": "desk"}, 403, "login"),
        (admin, other_officer, "password", {"password": NEW_PW}, 403, "login"),
        (admin, other_officer, "reactivate", {}, 403, "login"),
        (admin, "khong-co-" + T.new_login(), "role", {"role": "desk"}, 404, "login"),
        (admin, me, "role", {"role": "desk"}, 409, "login"),
        (admin, me, "password", {"password": NEW_PW}, 409, "login"),
        (admin, login, "role", {"role": "chief"}, 422, "role"),
        (admin, login, "role", {"role": "a" * 300}, 422, "role"),
        (admin, login, "role", {}, 422, "role"),
        (admin, login, "role", {"role": "desk", "roles": "15"}, 422, "roles"),
        (admin, login, "password", {"password": "ngắn-quá-11"}, 422, "password"),
        (admin, login, "password", {"password": "x" * 201}, 422, "password"),
        (admin, login, "password", {"password": "mười-hai\x01-ký"}, 422, "password"),
        (admin, login, "password", {}, 422, "password"),
        (admin, login, "reactivate", {"active": "1"}, 422, "active"),
    ]
    for cl, who, what, fields, status, field in cases:
        before = state()
        r = act(cl, who, what, **fields)
        assert r.status == status, (who, what, fields, r.status, r.text[:300])
        assert refused_page(r, field), (what, fields, r.text[:800])
        if fields.get("password"):
            assert fields["password"] not in html.unescape(r.text)
        assert state() == before, (what, fields)
    # a login that is no login at all: not even a route
    assert act(admin, "..", "role", role="desk").status == 404
    # other roles: 403 on every new route, nothing changes
    for role in ("desk", "processor", "leader"):
        s = S.staff(a, role)
        s.get("/desk/")
        before = state()
        for what, fields in (("reactivate", {}), ("role", {"role": "admin"}),
                             ("password", {"password": NEW_PW})):
            r = s.post(f"/desk/staff/{login}/{what}", fields)
            assert r.status == 403, (role, what, r.status)
        assert state() == before
    # missing and forged CSRF tokens: 403, nothing changes
    before = state()
    for what, fields in (("reactivate", {}), ("role", {"role": "admin"}),
                         ("password", {"password": NEW_PW})):
        assert admin.post(f"/desk/staff/{login}/{what}", fields, csrf=False).status == 403
        assert admin.post(f"/desk/staff/{login}/{what}", dict(fields, csrf="0" * 64),
                          csrf=False).status == 403
    assert state() == before
    # a logged-out administrator is sent to the login page
    anon = S.Client(port=H.INTRANET_PORT)
    anon.get("/desk/login")
    r = anon.post(f"/desk/staff/{login}/role", {"role": "admin"})
    assert r.status == 303 and r.header("Location").startswith("/desk/login")
    assert state() == before
    # the province's office answers for the commune's accounts
    assert act(office_admin, other_officer, "role", role="leader").status == 303
    assert row(other_officer)[2] == "4"


class Locker:
    """A database session that holds rows locked until released."""

    def __init__(self, where):
        self.p = subprocess.Popen(
            ["mariadb", "--no-defaults", "--socket=" + os.path.join(P.VAR, "run", "mysqld.sock"),
             "-uroot", "-N", "-B", "--unbuffered", P.DB], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.p.stdin.write(f"BEGIN; SELECT id FROM staff WHERE {where} FOR UPDATE; SELECT 'held';\n")
        self.p.stdin.flush()
        while self.p.stdout.readline().strip() != "held":
            pass

    def release(self):
        self.p.stdin.write("ROLLBACK;\n")
        self.p.stdin.close()
        self.p.wait(timeout=10)


def waiting():
    return int(P.sql("SELECT COUNT(*) FROM information_schema.innodb_trx "
                     "WHERE trx_state = 'LOCK WAIT'")[0][0])


def race(x, y, x_login, y_login, what, fields):
    """x changes y and y changes x at the same moment; their statuses."""
    x.get("/desk/staff")
    y.get("/desk/staff")
    lock = Locker(f"login IN ('{x_login}', '{y_login}')")
    out = {}

    def go(name, cl, target):
        out[name] = cl.post(f"/desk/staff/{target}/{what}", fields).status

    ts = [threading.Thread(target=go, args=("x", x, y_login)),
          threading.Thread(target=go, args=("y", y, x_login))]
    for t in ts:
        t.start()
    # under the 5 s lock wait; polled no faster than every 100 ms, or
    # InnoDB never refreshes what information_schema.innodb_trx shows
    deadline = time.time() + 2.5
    while waiting() < 2 and time.time() < deadline:
        time.sleep(0.2)
    seen = waiting()
    lock.release()
    for t in ts:
        t.join(30)
    return out, seen


def lonely_commune():
    """A commune no administrator answers for yet: none of its own, and
    none of its province's or the province's office (they answer for every
    commune under the province, so they would be the last one instead)."""
    return P.sql(
        "SELECT a.code FROM agency a JOIN agency p ON p.id = a.parent_id "
        "WHERE a.kind = 'commune' AND p.kind = 'province' AND NOT EXISTS ("
        " SELECT 1 FROM staff w JOIN agency wa ON wa.code = w.agency_code "
        " WHERE w.roles & 8 <> 0 AND (wa.id = a.id OR (wa.kind IN ('province', 'office') "
        " AND p.id IN (wa.id, wa.parent_id)))) ORDER BY RAND() LIMIT 1")[0][0]


def test_the_last_administrator_stays():
    for what, fields in (("role", {"role": "desk"}), ("deactivate", {})):
        agency = lonely_commune()
        x, x_login = T.admin_of(agency)
        y_login = officer(x, agency, "admin")
        y, r = T.login_as(y_login)
        assert r.status == 303
        audit_before = P.sql("SELECT COUNT(*) FROM audit_log")[0][0]
        out, seen = race(x, y, x_login, y_login, what, fields)
        assert seen == 2, seen                   # both were in flight at once
        assert sorted(out.values()) == [303, 409], out
        admins = P.sql(f"SELECT COUNT(*) FROM staff WHERE agency_code = '{agency}' "
                       "AND active = 1 AND roles & 8 <> 0")
        assert admins == [["1"]], (what, out, admins)
        assert int(P.sql("SELECT COUNT(*) FROM audit_log")[0][0]) == int(audit_before) + 1


def test_shell_sets_a_password():
    agency = T.commune(18)
    admin, _ = T.admin_of(agency)
    login = officer(admin, agency)
    c, r = T.login_as(login)
    assert r.status == 303
    p = subprocess.run([os.path.join(S.ROOT, "conf", "stack.sh"), "admin", "staff-password",
                        "--login", login], input=NEW_PW + "\n", capture_output=True, text=True,
                       cwd=S.ROOT)
    assert p.returncode == 0, p.stderr
    assert NEW_PW not in p.stdout + p.stderr
    assert c.get("/desk/").status == 303
    _, r = T.login_as(login, NEW_PW)
    assert r.status == 303
    rows = T.audits("staff_password", login)
    assert len(rows) == 1 and rows[0][0] == "NULL" and rows[0][1].startswith("shell:"), rows
    # a short password, an unknown login: refused, nothing changes
    for pw, who in (("ngắn-quá-11", login), (NEW_PW, "khong-co-" + T.new_login())):
        before = state()
        p = subprocess.run([os.path.join(S.ROOT, "conf", "stack.sh"), "admin", "staff-password",
                            "--login", who], input=pw + "\n", capture_output=True, text=True,
                           cwd=S.ROOT)
        assert p.returncode != 0 and state() == before, p.stderr
