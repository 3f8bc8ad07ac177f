"""test_chk12.py - defects a checker found walking issue 6 with other
procedures and communes than 1.001193 (khai tử 1.000656, nuôi con nuôi
2.001255 at Phường Tây Hồ):

- a dossier already late when the desk asked for a supplement came back
  due *today* once the supplement arrived: its lateness vanished from the
  queue's "Quá hạn" filter and from the on-time statistics;
- a dossier over nginx's 31 MB upload limit got a page saying the limit
  was 1 MB, while the form says 10 MB a file and 30 MB a dossier.

Needs the stack started by tests/run.sh (or make run) with PORTAL_DEV_OUTBOX=1,
and conf/stack.sh admin to create staff accounts.
"""
import os
import random
import re
import subprocess
import urllib.parse

import harness as H

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "tests", "fuzz", "corpus", "filetype")
with open(os.path.join(FIX, "rgb.png"), "rb") as f:
    PNG = f.read()
TAY_HO = "000.00.108.H26"      # Ủy ban nhân dân Phường Tây Hồ, Hà Nội
READOPT = "2.001255"           # Đăng ký lại việc nuôi con nuôi trong nước, 5 ngày làm việc


class Browser:
    """Cookies and the last form's csrf token; redirects are not followed."""

    def __init__(self, port=None):
        self.port = port or H.PORT
        self.cookies = {}
        self.csrf = None

    def send(self, method, path, body=None, ctype=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if ctype:
            headers["Content-Type"] = ctype
        r = H.request(method, path, body=body, headers=headers, port=self.port, timeout=60)
        for k, v in r.headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";")[0]
                if "Max-Age=0" in v or not value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        m = re.search(rb'name="csrf" value="([0-9a-f]+)"', r.body)
        if m:
            self.csrf = m.group(1).decode()
        return r

    def get(self, path):
        return self.send("GET", path)

    def post(self, path, fields):
        body = urllib.parse.urlencode(list(fields.items()) + [("csrf", self.csrf)]).encode()
        return self.send("POST", path, body, "application/x-www-form-urlencoded")

    def post_multipart(self, path, fields, files):
        b = "----chk12%016x" % random.getrandbits(64)
        out = bytearray()
        for k, v in list(fields.items()) + [("csrf", self.csrf)]:
            out += f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'.encode()
            out += str(v).encode() + b"\r\n"
        for k, (fname, data, ctype) in files.items():
            out += (f'--{b}\r\nContent-Disposition: form-data; name="{k}"; filename="{fname}"\r\n'
                    f"Content-Type: {ctype}\r\n\r\n").encode()
            out += data + b"\r\n"
        out += f"--{b}--\r\n".encode()
        return self.send("POST", path, bytes(out), f"multipart/form-data; boundary={b}")


def sql(query):
    p = subprocess.run(["mariadb", "--no-defaults", "--socket=" + os.path.join(
        ROOT, os.environ.get("PORTAL_VAR", "var/test"), "run", "mysqld.sock"),
        "-uroot", "portal", "-N", "-B", "-e", query], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return [line.split("\t") for line in p.stdout.splitlines()]


_staff = {}


def staff(agency, role):
    if (agency, role) not in _staff:
        login = "c12%x" % random.getrandbits(40)
        pw = "mật-khẩu-cán-bộ-chk12"
        p = subprocess.run([os.path.join(ROOT, "conf", "stack.sh"), "admin", "staff-add",
                            "--agency", agency, "--role", role, "--login", login],
                           input=pw + "\n", capture_output=True, text=True, cwd=ROOT)
        assert p.returncode == 0, p.stderr
        _staff[(agency, role)] = (login, pw)
    login, pw = _staff[(agency, role)]
    s = Browser(port=H.INTRANET_PORT)
    s.get("/desk/login")
    r = s.post("/desk/login", {"login": login, "password": pw})
    assert r.status == 303, (r.status, r.text[:300])
    return s


def walk_in(desk, proc=READOPT):
    """A walk-in's dossier filed at the desk; its code."""
    r = desk.get(H.q("/desk/dossiers/new", procedure=proc))
    assert r.status == 200, (r.status, r.text[:300])
    fields = {"procedure": proc, "agency": TAY_HO, "applicant_name": "Nguyễn Văn Bảy",
              "applicant_id": "001055007777", "result_channel": "desk", "channel": "1"}
    m = re.search(r'name="once" value="([0-9a-f]+)"', r.text)
    if m:
        fields["once"] = m.group(1)
    r = desk.post_multipart("/desk/dossiers", fields, {"doc_1": ("to-khai.png", PNG, "image/png")})
    assert r.status == 303, (r.status, r.text[:500])
    return r.header("Location").rsplit("/", 1)[1]


def move(officer, code, to, **fields):
    page = "/desk/dossiers/" + code
    officer.get(page)
    fields["to"] = str(to)
    r = officer.post(page + "/status", fields)
    assert r.status == 303, (to, r.status, r.text[-600:])


def test_late_dossier_stays_late_after_a_supplement():
    """Asking for a supplement stops the clock; it must not wipe out the
    working days the agency was already late.  A dossier three working days
    overdue, paused and resumed the same day, is still three days overdue."""
    desk = staff(TAY_HO, "desk")
    code = walk_in(desk)
    move(desk, code, 2)
    # three working days before today: the agency is that late already
    days = sql("SELECT d FROM (SELECT CURDATE() - INTERVAL n DAY d FROM "
               "(SELECT 1 n UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 "
               "UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9 UNION SELECT 10) k) w "
               "WHERE WEEKDAY(d) < 5 AND d NOT IN (SELECT day FROM holiday) ORDER BY d DESC LIMIT 3")
    late_since = days[-1][0]
    sql(f"UPDATE dossier SET due_day = '{late_since}' WHERE code = '{code}'")
    assert code in desk.get("/desk/?due=late").text
    move(desk, code, 5, reason="Thiếu quyết định cho nhận con nuôi")
    move(desk, code, 4)
    due = sql(f"SELECT due_day FROM dossier WHERE code = '{code}'")[0][0]
    assert due < sql("SELECT CURDATE()")[0][0], f"a late dossier came back due {due}"
    assert due == late_since, (due, late_since)
    r = desk.get("/desk/?due=late")
    assert code in r.text, "the late dossier left the 'Quá hạn' filter after a supplement"


def test_dossier_not_yet_due_keeps_its_working_days_after_a_supplement():
    """The other side of the same rule: a dossier with days left keeps them."""
    desk = staff(TAY_HO, "desk")
    code = walk_in(desk)
    move(desk, code, 2)
    before = sql(f"SELECT due_day, CURDATE() FROM dossier WHERE code = '{code}'")[0]
    assert before[0] > before[1]
    move(desk, code, 5, reason="Thiếu tờ khai có chữ ký người làm chứng")
    left = int(sql(f"SELECT paused_days_left FROM dossier WHERE code = '{code}'")[0][0])
    assert left > 0, left
    move(desk, code, 4)
    after = sql(f"SELECT due_day FROM dossier WHERE code = '{code}'")[0][0]
    assert after == before[0], (after, before)


def test_upload_over_nginx_limit_names_the_upload_limits():
    """A dossier over nginx's upload limit (31 MB) is refused by nginx
    itself; its page must give the limits the form gives (10 MB a file,
    30 MB a dossier), not the 1 MB of the other routes."""
    body = b"--q\r\nContent-Disposition: form-data; name=\"doc_1\"; filename=\"a.pdf\"\r\n\r\n"
    body += b"a" * (32 * 1024 * 1024) + b"\r\n--q--\r\n"
    for port, path in ((H.PORT, "/dossiers"), (H.INTRANET_PORT, "/desk/dossiers"),
                       (H.PORT, "/dossiers/%s-261202-0001/supplement" % TAY_HO),
                       (H.INTRANET_PORT, "/desk/dossiers/%s-261202-0001/status" % TAY_HO)):
        r = H.request("POST", path, body=body, port=port, timeout=60,
                      headers={"Content-Type": "multipart/form-data; boundary=q"})
        assert r.status == 413, (path, r.status)
        assert "1 MB" not in r.text, (path, r.text)
        assert "30 MB" in r.text and "10 MB" in r.text, (path, r.text)
    # the other routes keep their own page and limit
    r = H.request("POST", "/account/login", body=b"contact=" + b"a" * (2 * 1024 * 1024),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 413 and "1 MB" in r.text, (r.status, r.text[:300])


def file_at_desk(desk, **over):
    r = desk.get(H.q("/desk/dossiers/new", procedure=READOPT))
    fields = {"procedure": READOPT, "agency": TAY_HO, "applicant_name": "Lò Thị Mai",
              "applicant_id": "001190012345", "result_channel": "desk", "channel": "1"}
    m = re.search(r'name="once" value="([0-9a-f]+)"', r.text)
    if m:
        fields["once"] = m.group(1)
    fields.update(over)
    return desk.post_multipart("/desk/dossiers", fields, {"doc_1": ("to-khai.png", PNG, "image/png")})


def test_personal_id_that_breaks_its_own_structure_is_refused():
    """Digits 1-3 of the 12-digit number are a province code (001-096),
    digit 4 the century and digits 5-6 the year of birth: a number with a
    province 999, or that says 1990 beside a date of birth in 1985, was
    mistyped, and the desk could not find the person by it."""
    desk = staff(TAY_HO, "desk")
    count = sql("SELECT COUNT(*) FROM dossier")[0][0]
    for over in ({"applicant_id": "999090054321"},
                 {"applicant_id": "000090054321"},
                 {"applicant_id": "001090054321", "applicant_dob": "1985-01-01"},
                 {"applicant_id": "001290054321", "applicant_dob": "1990-01-01"}):
        r = file_at_desk(desk, **over)
        assert r.status == 422, (over, r.status, r.text[-400:])
        assert "applicant_id" in r.text and "Số định danh cá nhân" in r.text, (over, r.text[-600:])
    assert sql("SELECT COUNT(*) FROM dossier")[0][0] == count
    # numbers that keep the structure are taken, with or without a date of birth
    for over in ({"applicant_id": "001190012345", "applicant_dob": "1990-04-12"},
                 {"applicant_id": "079305001234", "applicant_dob": "2005-02-28"},
                 {"applicant_id": "096080054321"}):
        r = file_at_desk(desk, **over)
        assert r.status == 303, (over, r.status, r.text[-400:])
