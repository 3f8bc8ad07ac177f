"""test_submission_staff.py - the administrator's page of staff accounts
(/desk/staff, intranet): an administrator lists the accounts of the
agencies they answer for (their own; for one of a province's office, the
agencies under the province too), adds one that then logs in with exactly
its role, and deactivates one, which ends its sessions at once.  Anyone
else gets 403; bad input, a missing CSRF token and accounts out of scope
change nothing; every change, and the shell's staff-add, writes exactly
one audit row.
"""
import html
import os
import random
import subprocess

import harness as H
import test_payment as P
import test_submission as S

PW = "mật-khẩu-ban-đầu-1"        # 18 characters


def commune(i):
    """The i-th commune of Hà Nội (H26), whose office is 000.00.01.H26."""
    rows = P.sql("SELECT a.code FROM agency a JOIN agency p ON p.id = a.parent_id "
                 "WHERE p.code = '000.00.00.H26' AND a.kind = 'commune' ORDER BY a.code "
                 f"LIMIT 1 OFFSET {i}")
    return rows[0][0]


def admin_of(agency):
    """A new administrator of the agency: (client, login)."""
    s = S.staff(agency, "admin")
    return s, S._staff[(agency, "admin")][0]


def new_login():
    return f"cb{random.getrandbits(40):x}"


def staff_rows(where):
    return P.sql(f"SELECT login, agency_code, roles, active FROM staff WHERE {where}")


def audits(action, subject):
    return P.sql("SELECT staff_id, staff_login, agency_code, remote_addr, detail FROM audit_log "
                 f"WHERE action = '{action}' AND subject = '{subject}'")


def counts():
    return P.sql("SELECT (SELECT COUNT(*) FROM staff), (SELECT COUNT(*) FROM audit_log)")


def add(s, **fields):
    s.get("/desk/staff")
    return s.post("/desk/staff", fields)


def deactivate(s, login, **kw):
    s.get("/desk/staff")
    return s.post(f"/desk/staff/{login}/deactivate", {}, **kw)


def login_as(login, pw=PW):
    c = S.Client(port=H.INTRANET_PORT)
    assert c.get("/desk/login").status == 200
    return c, c.post("/desk/login", {"login": login, "password": pw})


def names_field(r, field):
    return f"“{field}”" in html.unescape(r.text)


def test_admin_lists_and_adds_and_the_account_has_its_role():
    agency = commune(3)
    admin, me = admin_of(agency)
    assert 'href="/desk/staff"' in admin.get("/desk/").text
    r = admin.get("/desk/staff")
    assert r.status == 200, (r.status, r.text[:300])
    assert me in r.text and "Quản trị" in r.text and "Đang hoạt động" in r.text
    assert 'name="csrf"' in r.text and "<script" not in r.text
    assert 'name="viewport"' in r.text
    login = new_login()
    r = add(admin, login=login, name="Lê Thị Hoa", agency=agency, role="processor", password=PW)
    assert r.status == 303 and r.header("Location") == "/desk/staff", (r.status, r.text[:300])
    assert staff_rows(f"login = '{login}'") == [[login, agency, "2", "1"]]
    page = admin.get("/desk/staff").text
    assert login in page and "Lê Thị Hoa" in page and "Xử lý" in page
    rows = audits("staff_add", login)
    assert len(rows) == 1, rows
    assert rows[0][1] == me and rows[0][2] == agency and rows[0][3] != "NULL", rows
    # the new account logs in at /desk/login, as a processing officer only
    c, r = login_as(login)
    assert r.status == 303, (r.status, r.text[:300])
    q = c.get("/desk/")
    assert q.status == 200 and 'href="/desk/staff"' not in q.text
    assert c.get("/desk/staff").status == 403                                  # not an admin
    assert c.get(H.q("/desk/dossiers/new", procedure=S.PROC)).status == 403     # not the desk


def test_non_admins_get_403_on_every_route():
    agency = commune(4)
    _, _ = admin_of(agency)
    victim = S._staff[(agency, "admin")][0]
    for role in ("desk", "processor", "leader"):
        s = S.staff(agency, role)
        s.get("/desk/")      # a valid form token, so only the role can refuse
        assert s.csrf
        before = counts()
        assert s.get("/desk/staff").status == 403
        r = s.post("/desk/staff", {"login": new_login(), "name": "Ai Đó", "agency": agency,
                                   "role": "admin", "password": PW})
        assert r.status == 403, (role, r.status)
        assert s.post(f"/desk/staff/{victim}/deactivate", {}).status == 403
        assert counts() == before
        assert staff_rows(f"login = '{victim}'")[0][3] == "1"


def test_other_agencies_are_out_of_scope():
    a, b = commune(5), commune(6)
    admin_a, _ = admin_of(a)
    _, login_b = admin_of(b)
    page = admin_a.get("/desk/staff").text
    assert login_b not in page
    before = counts()
    assert deactivate(admin_a, login_b).status == 403
    r = add(admin_a, login=new_login(), name="Phạm Văn Nam", agency=b, role="desk", password=PW)
    assert r.status == 403 and names_field(r, "agency"), (r.status, r.text[:300])
    assert counts() == before
    assert staff_rows(f"login = '{login_b}'")[0][3] == "1"
    # unknown: 404
    assert deactivate(admin_a, "khong-co-ai-" + new_login()).status == 404
    # the province's office answers for the communes under it, as for dossiers
    office, _ = admin_of("000.00.01.H26")
    assert login_b in office.get("/desk/staff").text
    login = new_login()
    r = add(office, login=login, name="Đỗ Minh Tâm", agency=b, role="leader", password=PW)
    assert r.status == 303, (r.status, r.text[:300])
    assert staff_rows(f"login = '{login}'") == [[login, b, "4", "1"]]
    assert deactivate(office, login).status == 303
    assert staff_rows(f"login = '{login}'")[0][3] == "0"
    # ... but not for another province's
    far = P.sql("SELECT code FROM agency WHERE kind = 'province' AND code <> '000.00.00.H26' "
                "ORDER BY code LIMIT 1")[0][0]
    far_login = new_login()
    r = add(office, login=far_login, name="Vũ Văn Hải", agency=far, role="desk",
            password=PW)
    assert r.status == 403 and not staff_rows(f"login = '{far_login}'")
    _, far_admin = admin_of(far)
    assert deactivate(office, far_admin).status == 403


def test_bad_input_changes_nothing():
    agency = commune(7)
    admin, _ = admin_of(agency)
    taken = new_login()
    assert add(admin, login=taken, name="Hoàng Văn An", agency=agency, role="desk",
               password=PW).status == 303
    good = {"login": new_login(), "name": "Ngô Thị Bích", "agency": agency, "role": "desk",
            "password": PW}
    # every refusal is the staff page again (not the error page), the
    # reason next to the form naming the field, what was typed kept but
    # the password: 422 for a field, 409 for a taken login, 403 out of scope
    cases = [
        ("login", {"login": ""}, 422),
        ("login", {"login": None}, 422),
        ("login", {"login": "a" * 65}, 422),
        ("login", {"login": "cán-bộ"}, 422),
        ("login", {"login": ".."}, 422),
        ("login", {"login": taken}, 409),
        ("name", {"name": "   "}, 422),
        ("name", {"name": "x" * 201}, 422),
        ("password", {"password": "ngắn-quá-11"}, 422),
        ("password", {"password": "x" * 201}, 422),
        ("role", {"role": "chief"}, 422),
        ("role", {"role": None}, 422),
        ("agency", {"agency": "000.00.00.H01"}, 403),
        ("agency", {"agency": "H26"}, 422),
        ("agency", {"agency": None}, 422),
        ("email", {"email": "a@b.vn"}, 422),     # unknown field
    ]
    for field, change, status in cases:
        fields = dict(good)
        fields["login"] = new_login()
        for k, v in change.items():
            if v is None:
                fields.pop(k)
            else:
                fields[k] = v
        before = counts()
        r = add(admin, **fields)
        assert r.status == status, (field, change, r.status, r.text[:300])
        assert names_field(r, field), (field, r.text[:500])
        t = html.unescape(r.text)
        assert 'action="/desk/staff"' in r.text and "Chưa lưu gì" in t, (field, r.text[:500])
        assert 'role="alert"' in r.text
        if field != "name":
            assert 'value="Ngô Thị Bích"' in t, field          # what was typed stays
        if fields.get("password"):
            assert fields["password"] not in t, field        # ... but not a password
        assert counts() == before, field
    assert len(audits("staff_add", taken)) == 1


def test_deactivate_ends_sessions_and_refuses_login():
    agency = commune(8)
    admin, me = admin_of(agency)
    login = new_login()
    assert add(admin, login=login, name="Trịnh Văn Khoa", agency=agency, role="desk",
               password=PW).status == 303
    c, r = login_as(login)
    assert r.status == 303
    c2, r = login_as(login)        # a second session, another device
    assert r.status == 303
    old = dict(c.cookies)
    assert c.get("/desk/").status == 200
    r = deactivate(admin, login)
    assert r.status == 303 and r.header("Location") == "/desk/staff", (r.status, r.text[:300])
    assert staff_rows(f"login = '{login}'")[0][3] == "0"
    assert "Đã khóa" in admin.get("/desk/staff").text
    # the old cookies open nothing
    for cl in (c, c2):
        r = cl.get("/desk/")
        assert r.status == 303 and r.header("Location").startswith("/desk/login"), r.status
    c.cookies = old
    assert c.get("/desk/").status == 303
    assert P.sql(f"SELECT COUNT(*) FROM session s JOIN staff t ON t.id = s.user_id "
                 f"WHERE s.kind = 3 AND t.login = '{login}'") == [["0"]]
    # and the login is refused
    _, r = login_as(login)
    assert r.status == 422, r.status
    rows = audits("staff_deactivate", login)
    assert len(rows) == 1 and rows[0][1] == me, rows
    # posted again: nothing changes, no second row
    assert deactivate(admin, login).status == 303
    assert len(audits("staff_deactivate", login)) == 1
    # an administrator cannot lock themselves out
    before = counts()
    r = deactivate(admin, me)
    assert r.status == 409 and names_field(r, "login"), (r.status, r.text[:300])
    assert counts() == before and staff_rows(f"login = '{me}'")[0][3] == "1"
    assert admin.get("/desk/staff").status == 200


def test_csrf_missing_or_forged_is_403():
    agency = commune(9)
    admin, _ = admin_of(agency)
    login = new_login()
    assert add(admin, login=login, name="Mai Văn Lộc", agency=agency, role="desk",
               password=PW).status == 303
    before = counts()
    fields = {"login": new_login(), "name": "Ai Đó", "agency": agency, "role": "desk",
              "password": PW}
    assert admin.post("/desk/staff", fields, csrf=False).status == 403
    assert admin.post("/desk/staff", dict(fields, csrf="0" * 64), csrf=False).status == 403
    assert admin.post(f"/desk/staff/{login}/deactivate", {}, csrf=False).status == 403
    assert admin.post(f"/desk/staff/{login}/deactivate", {"csrf": "0" * 64},
                      csrf=False).status == 403
    assert counts() == before
    assert staff_rows(f"login = '{login}'")[0][3] == "1"


def test_shell_staff_add_writes_one_audit_row():
    login = new_login()
    p = subprocess.run([os.path.join(S.ROOT, "conf", "stack.sh"), "admin", "staff-add",
                        "--agency", commune(10), "--role", "desk", "--login", login],
                       input=PW + "\n", capture_output=True, text=True, cwd=S.ROOT)
    assert p.returncode == 0, p.stderr
    rows = audits("staff_add", login)
    assert len(rows) == 1, rows
    assert rows[0][0] == "NULL" and rows[0][1].startswith("shell:") and rows[0][2] == commune(10)
    # the same rules as the page: a short password, a taken login
    for pw, who in (("ngắn-quá-11", new_login()), (PW, login)):
        before = counts()
        p = subprocess.run([os.path.join(S.ROOT, "conf", "stack.sh"), "admin", "staff-add",
                            "--agency", commune(10), "--role", "desk", "--login", who],
                           input=pw + "\n", capture_output=True, text=True, cwd=S.ROOT)
        assert p.returncode != 0 and counts() == before, p.stderr
