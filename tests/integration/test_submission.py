"""test_submission.py - the submission area over HTTP: a citizen registers by
phone, files 1.001193 with two uploads, the desk takes it through to status
10, every move reaches the stand-in national portal; the walk-in's assisted
filing followed by code + secret; access rules, CSRF, bad input, illegal
moves, double posts, concurrent codes.

Needs the stack started by tests/run.sh (or make run) with PORTAL_DEV_OUTBOX=1,
and conf/stack.sh admin to create staff accounts.
"""
import concurrent.futures
import http.client
import html
import json
import os
import random
import re
import subprocess
import time
import urllib.parse

import harness as H

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYNC_PORT = int(os.environ.get("PORTAL_SYNC_RECEIVER_PORT", "18091"))
PROC = "1.001193"
FIX = os.path.join(ROOT, "tests", "fuzz", "corpus", "filetype")


def fixture(name):
    with open(os.path.join(FIX, name), "rb") as f:
        return f.read()


JPEG = fixture("photo.jpg")
PNG = fixture("rgb.png")
PDF = fixture("scan.pdf")


class Client:
    """A browser: cookies, the csrf token of the last form, redirects not followed."""

    def __init__(self, port=None, source=None):
        self.port = port or H.PORT
        self.cookies = {}
        self.csrf = None
        self.source = source

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def send(self, method, path, body=None, ctype=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        if ctype:
            headers["Content-Type"] = ctype
        r = H.request(method, path, body=body, headers=headers, port=self.port,
                      source=self.source, timeout=30)
        pv = self.cookies.get("pv")
        for k, v in r.headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";")[0]
                if "Max-Age=0" in v or value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        if self.cookies.get("pv") != pv:
            self.csrf = None    # a new visitor cookie (a login): its forms' token is new
        if r.status == 200 and r.body[:200].lstrip().startswith(b"<!doctype"):
            m = re.search(rb'name="csrf" value="([0-9a-f]+)"', r.body)
            if m:
                self.csrf = m.group(1).decode()
        return r

    def get(self, path):
        return self.send("GET", path)

    def post(self, path, fields, csrf=True):
        fields = dict(fields)
        if csrf:
            if self.csrf is None:
                self.get(path if not path.startswith("/dossiers/") else "/dossiers/")
            fields.setdefault("csrf", self.csrf)
        return self.send("POST", path, urllib.parse.urlencode(fields).encode(),
                         "application/x-www-form-urlencoded")

    def post_multipart(self, path, fields, files, csrf=True):
        fields = dict(fields)
        if csrf:
            if self.csrf is None:
                self.get("/dossiers/")
            fields.setdefault("csrf", self.csrf)
        body, ctype = multipart(fields, files)
        return self.send("POST", path, body, ctype)


def multipart(fields, files):
    b = "----portaltest%016x" % random.getrandbits(64)
    out = bytearray()
    for k, v in fields.items():
        out += f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n".encode()
        out += str(v).encode() + b"\r\n"
    for k, (fname, data, ctype) in files.items():
        out += (f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{fname}\"\r\n"
                f"Content-Type: {ctype}\r\n\r\n").encode()
        out += data + b"\r\n"
    out += f"--{b}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={b}"


def outbox(to):
    r = H.get(H.q("/dev/outbox.json", to=to), port=H.INTRANET_PORT)
    assert r.status == 200, (r.status, r.body[:200])
    return r.json()


def sync_received():
    c = http.client.HTTPConnection("127.0.0.1", SYNC_PORT, timeout=5)
    c.request("GET", "/received")
    return json.loads(c.getresponse().read())


def sync_control(path):
    c = http.client.HTTPConnection("127.0.0.1", SYNC_PORT, timeout=5)
    c.request("POST", path, body=b"")
    assert c.getresponse().status == 200


def phone():
    return "09" + "".join(random.choice("0123456789") for _ in range(8))


def register(c, contact=None, name="Nguyễn Thị Lan", password="mật-khẩu-dài-1"):
    contact = contact or phone()
    r = c.get("/account/register")
    assert r.status == 200
    r = c.post("/account/register", {"contact": contact, "name": name, "password": password})
    assert r.status == 303, (r.status, r.text[:500])
    assert r.header("Location").startswith("/account/verify?contact=")
    msgs = outbox(contact)
    assert msgs and msgs[0]["to"] == contact, msgs
    code = re.search(r"\b(\d{6})\b", msgs[0]["body"]).group(1)
    c.get(r.header("Location"))
    r = c.post("/account/verify", {"contact": contact, "code": code})
    assert r.status == 303 and r.header("Location") == "/dossiers/", (r.status, r.text[:300])
    assert "sid" in c.cookies
    return contact


def agencies(c):
    r = c.get(H.q("/dossiers/new", procedure=PROC))
    assert r.status == 200, (r.status, r.text[:300])
    return re.findall(r'<option value="([0-9.]+\.H\d\d)">', r.text)


def file_dossier(c, agency, files=None, **extra):
    c.get(H.q("/dossiers/new", procedure=PROC))
    fields = {"procedure": PROC, "agency": agency, "applicant_name": "Nguyễn Thị Lan",
              "applicant_id": "001190012345", "applicant_phone": "0912345678",
              "result_channel": "online"}
    fields.update(extra)
    if files is None:
        files = {"doc_1": ("to-khai.jpg", JPEG, "image/jpeg"),
                 "doc_2": ("giay-chung-sinh.png", PNG, "image/png")}
    return c.post_multipart("/dossiers", fields, files)


_staff = {}


def staff(agency, role="leader"):
    key = (agency, role)
    if key not in _staff:
        login = f"t{random.getrandbits(40):x}"
        pw = "mật-khẩu-cán-bộ-1"
        p = subprocess.run([os.path.join(ROOT, "conf", "stack.sh"), "admin", "staff-add",
                            "--agency", agency, "--role", role, "--login", login],
                           input=pw + "\n", capture_output=True, text=True, cwd=ROOT)
        assert p.returncode == 0, p.stderr
        _staff[key] = (login, pw)
    login, pw = _staff[key]
    s = Client(port=H.INTRANET_PORT)
    assert s.get("/desk/login").status == 200
    r = s.post("/desk/login", {"login": login, "password": pw})
    assert r.status == 303, (r.status, r.text[:300])
    return s


def walk_in_post(desk, proc=PROC, files=None, **extra):
    """The desk officer `desk` (a staff Client) files a walk-in's dossier
    for `proc`: the answer.  The form's own fields (its `once`, the
    commune it offers) unless `extra` names them."""
    page = desk.get("/desk/dossiers/new?procedure=" + proc)
    fields = {"procedure": proc, "applicant_name": "Lò Văn Páo", "applicant_id": "001080054321",
              "result_channel": "desk", "channel": "1"}
    m = re.search(r'name="once" value="([0-9a-f]+)"', page.text)
    if m:
        fields["once"] = m.group(1)
    fields.update(extra)
    return desk.post_multipart("/desk/dossiers", fields,
                               files or {"doc_1": ("to.jpg", JPEG, "image/jpeg")})


def walk_in(desk, proc=PROC, **extra):
    """The same, filed: the dossier's code."""
    r = walk_in_post(desk, proc, **extra)
    assert r.status == 303, (r.status, r.text[:300])
    return r.header("Location").rsplit("/", 1)[1]


def move(s, code, to, files=None, **fields):
    s.get(f"/desk/dossiers/{code}")
    fields = {"to": str(to), **fields}
    if files:
        return s.post_multipart(f"/desk/dossiers/{code}/status", fields, files)
    return s.post(f"/desk/dossiers/{code}/status", fields)


STATE = {}


def test_citizen_walk_to_status_10():
    c = Client()
    contact = register(c)
    ags = agencies(c)
    assert ags, "no commune to file 1.001193 with"
    agency = ags[0]
    r = file_dossier(c, agency)
    assert r.status == 303, (r.status, r.text[:500])
    loc = r.header("Location")
    m = re.fullmatch(r"/dossiers/(" + re.escape(agency) + r"-\d{6}-\d{4})", loc)
    assert m, loc
    code = m.group(1)
    r = c.get(loc)
    assert r.status == 200 and "Mới đăng ký" in r.text
    r = c.get(loc + "/receipt")
    assert r.status == 200 and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in r.text
    assert "<svg" in r.text and "Mã tra cứu" in r.text
    assert any(m["subject"].endswith(code) for m in outbox(contact))

    s = staff(agency)
    assert move(s, code, 2).status == 303
    r = move(s, code, 5, reason="Thiếu bản sao giấy chứng nhận kết hôn")
    assert r.status == 303, (r.status, r.text[:300])
    r = c.get(loc)
    assert "Yêu cầu bổ sung giấy tờ" in r.text and "Gửi bổ sung" in r.text
    r = c.post_multipart(loc + "/supplement", {}, {"doc_1": ("ket-hon.pdf", PDF, "application/pdf")})
    assert r.status == 303, (r.status, r.text[:300])
    assert "Đang xử lý" in c.get(loc).text
    assert move(s, code, 9).status == 303
    # returned online: the result file is required
    r = move(s, code, 10)
    assert r.status == 422, r.status
    r = move(s, code, 10, files={"result": ("ket-qua.pdf", PDF, "application/pdf")})
    assert r.status == 303, (r.status, r.text[:300])
    r = c.get(loc)
    assert "Đã trả kết quả" in r.text and "Kết quả:" in r.text
    doc = re.search(r"/dossiers/[^\"]+/documents/(\d+)\">Kết quả", r.text).group(1)
    d = c.get(f"{loc}/documents/{doc}")
    assert d.status == 200 and d.body == PDF and d.header("Content-Type").startswith("application/pdf")
    r = c.post(loc + "/rating", {"score": "5", "comment": "Nhanh"})
    assert r.status == 303
    r = c.post(loc + "/rating", {"score": "1"})
    assert r.status == 409
    STATE.update(code=code, agency=agency, citizen=c, staff=s, contact=contact)


def test_sync_delivered_in_order():
    code = STATE["code"]

    def mine():
        got = [m["body"] for m in sync_received()["messages"] if m["body"]["dossier_code"] == code]
        return got if len(got) >= 6 else None

    assert H.wait_until(mine, 20), sync_received()
    got = mine()
    assert [g["status"] for g in got] == [1, 2, 5, 4, 9, 10], [g["status"] for g in got]
    for g in got:
        assert set(g) == {"id", "dossier_code", "procedure_code", "agency_code", "status", "channel",
                          "received_at", "due_at", "changed_at"}, g
        assert g["procedure_code"] == PROC and g["channel"] == 2
        assert g["received_at"].endswith("+07:00")
    assert len({g["id"] for g in got}) == len(got)


def test_sync_survives_receiver_outage():
    c, s, agency = STATE["citizen"], STATE["staff"], STATE["agency"]
    sync_control("/control/fail?seconds=6")
    r = file_dossier(c, agency)
    assert r.status == 303
    code = r.header("Location").rsplit("/", 1)[1]
    assert move(s, code, 3, reason="Không thuộc thẩm quyền").status == 303
    pending = s.get("/desk/sync")
    assert pending.status == 200 and code in pending.text

    def arrived():
        got = [m["body"]["status"] for m in sync_received()["messages"]
               if m["body"]["dossier_code"] == code]
        return got == [1, 3]

    assert H.wait_until(arrived, 40), sync_received()["messages"][-5:]
    assert sync_received()["failed_attempts"] > 0


def test_illegal_and_repeated_moves():
    c, s, agency = STATE["citizen"], STATE["staff"], STATE["agency"]
    r = file_dossier(c, agency)
    code = r.header("Location").rsplit("/", 1)[1]
    r = move(s, code, 9)
    assert r.status == 409 and "Mới đăng ký" in r.text and "Đã xử lý xong" in r.text, r.text[:500]
    r = move(s, code, 3)
    assert r.status == 422 and "reason" in r.text
    # a well-formed code nobody filed: 404 from the call that begins the
    # transaction, more times than there are workers, and none of them is
    # left inside that transaction (the moves below would wait or fail)
    for _ in range(8):
        assert move(s, agency + "-991231-9999", 2).status == 404
    assert move(s, code, 2).status == 303
    page = s.get(f"/desk/dossiers/{code}").text
    n = page.count("Được tiếp nhận")
    assert move(s, code, 2).status == 303      # the same form posted twice
    assert s.get(f"/desk/dossiers/{code}").text.count("Được tiếp nhận") == n
    for to in (1, 11, "x"):
        assert move(s, code, to).status == 400
    # the citizen withdraws; nothing moves a withdrawn dossier
    c.get(f"/dossiers/{code}")
    assert c.post(f"/dossiers/{code}/withdraw", {}).status == 303
    assert move(s, code, 4).status == 409


def test_roles_decide_moves():
    c, agency = STATE["citizen"], STATE["agency"]
    code = file_dossier(c, agency).header("Location").rsplit("/", 1)[1]
    proc = staff(agency, "processor")
    assert move(proc, code, 2).status == 403     # receiving is the desk's
    desk = staff(agency, "desk")
    assert move(desk, code, 2).status == 303
    assert move(desk, code, 4).status == 303
    assert move(desk, code, 9).status == 403     # finishing is the processor's
    assert move(proc, code, 9).status == 303


def test_obligation_status_6():
    c, s, agency = STATE["citizen"], STATE["staff"], STATE["agency"]
    code = file_dossier(c, agency).header("Location").rsplit("/", 1)[1]
    assert move(s, code, 2).status == 303
    r = move(s, code, 6)
    assert r.status == 422 and "“amount”" in r.text, (r.status, r.text[:300])
    # with the agency set up to collect (test_submission_pay.py has the
    # agency that is not: a 409 naming whom to ask)
    import test_submission_pay
    test_submission_pay.configure(agency)
    r = move(s, code, 6, amount="8.000", fee_name="Lệ phí đăng ký khai sinh")
    assert r.status == 303, (r.status, r.text[:300])


def test_access_rules():
    c, s, code, agency = STATE["citizen"], STATE["staff"], STATE["code"], STATE["agency"]
    other = Client()
    register(other)
    assert other.get(f"/dossiers/{code}").status == 404
    assert other.get(f"/dossiers/{code}/receipt").status == 404
    anon = Client()
    r = anon.get(f"/dossiers/{code}")
    assert r.status == 303 and r.header("Location").startswith("/account/login")
    # staff of another commune
    ags = agencies(c)
    far = staff(next(a for a in ags if a != agency))
    assert far.get(f"/desk/dossiers/{code}").status == 403
    assert move(far, code, 4).status == 403
    # the intranet refuses a citizen's cookie, the public site the desk
    r = H.get(f"/desk/dossiers/{code}", port=H.INTRANET_PORT, headers={"Cookie": c.cookie_header()})
    assert r.status == 303
    assert H.get("/desk/", port=H.PORT).status == 404


def test_csrf_and_logout_replay():
    c, agency = STATE["citizen"], STATE["agency"]
    code = file_dossier(c, agency).header("Location").rsplit("/", 1)[1]
    r = c.post(f"/dossiers/{code}/withdraw", {}, csrf=False)
    assert r.status == 403
    r = c.post(f"/dossiers/{code}/withdraw", {"csrf": "0" * 64})
    assert r.status == 403
    assert "Mới đăng ký" in c.get(f"/dossiers/{code}").text
    old = dict(c.cookies)
    assert c.post("/account/logout", {}).status == 303
    replay = Client()
    replay.cookies = old
    r = replay.get(f"/dossiers/{code}")
    assert r.status == 303 and r.header("Location").startswith("/account/login")


def test_login_changes_the_form_token():
    """A form token learned before someone signs in (a visitor cookie
    planted or left on a shared computer) is refused once they have: the
    login gives a new visitor cookie, and with it a new token."""
    c = Client()
    contact = register(c)
    c.get("/dossiers/")
    assert c.post("/account/logout", {}).status == 303
    c.get("/account/login")
    before, pv = c.csrf, c.cookies["pv"]
    assert before
    r = c.post("/account/login", {"contact": contact, "password": "mật-khẩu-dài-1"})
    assert r.status == 303, (r.status, r.text[:300])
    assert c.cookies["pv"] != pv
    ags = agencies(c)
    assert ags
    # the same session with the old token: refused, nothing filed
    from test_payment import sql
    filed = ("SELECT COUNT(*) FROM dossier d JOIN citizen c ON c.id = d.citizen_id "
             "WHERE c.contact = '%s'" % contact)
    r = file_dossier(c, ags[0], csrf=before)
    assert r.status == 403, (r.status, r.text[:300])
    assert sql(filed) == [["0"]]
    # the new one, from a page after the login, works
    assert c.csrf and c.csrf != before
    assert file_dossier(c, ags[0]).status == 303
    assert sql(filed) == [["1"]]


def test_bad_uploads():
    c = Client()
    register(c)
    agency = agencies(c)[0]
    exe = open("/bin/true", "rb").read()
    r = file_dossier(c, agency, files={"doc_1": ("giay.pdf", exe, "application/pdf")})
    assert r.status == 422 and "doc_1" in r.text, (r.status, r.text[:300])
    html = b"<!doctype html><script>alert(1)</script>"
    r = file_dossier(c, agency, files={"doc_1": ("anh.png", html, "image/png")})
    assert r.status == 422
    r = file_dossier(c, agency, files={"doc_1": ("to.jpg", JPEG[:-20], "image/jpeg")})
    assert r.status == 422
    big = JPEG[:-2] + b"\0" * (11 << 20) + b"\xff\xd9"
    r = file_dossier(c, agency, files={"doc_1": ("big.jpg", big, "image/jpeg")})
    assert r.status == 413, r.status
    # a document the procedure does not list: 422 naming it; past the
    # route's 128 document fields, an unknown field: 400
    r = file_dossier(c, agency, files={"doc_99": ("to.jpg", JPEG, "image/jpeg")})
    assert r.status == 422 and "doc_99" in r.text, (r.status, r.text[:300])
    r = file_dossier(c, agency, files={"doc_129": ("to.jpg", JPEG, "image/jpeg")})
    assert r.status == 400 and "doc_129" in r.text, (r.status, r.text[:300])
    r = file_dossier(c, agency, files={})
    assert r.status == 422 and "doc_1" in r.text
    r = file_dossier(c, agency, applicant_id="12345")
    assert r.status == 422 and "applicant_id" in r.text
    r = file_dossier(c, agency, result_channel="pigeon")
    assert r.status == 400 and "result_channel" in r.text
    r = file_dossier(c, "000.00.00.H14")
    assert r.status == 422 and "agency" in r.text
    r = c.send("POST", "/dossiers", b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb",
               "multipart/form-data; boundary=x")
    assert r.status == 400
    # none of it left a dossier behind
    assert "Bạn chưa nộp hồ sơ nào" in c.get("/dossiers/").text


def test_wallet_reuse():
    c = Client()
    register(c)
    assert file_dossier(c, STATE["agency"]).status == 303
    r = c.get(H.q("/dossiers/new", procedure=PROC))
    ids = re.findall(r'<option value="(\d+)">', r.text)
    assert ids, "the wallet is empty"
    r = file_dossier(c, STATE["agency"], files={}, reuse_1=ids[0])
    assert r.status == 303, (r.status, r.text[:300])
    page = c.get(r.header("Location")).text
    assert "/documents/" in page
    other = Client()
    register(other)
    r = file_dossier(other, STATE["agency"], files={}, reuse_1=ids[0])
    assert r.status == 422 and "reuse_1" in r.text


def test_assisted_walk_in_followed_by_code_and_secret():
    agency = STATE["agency"]
    desk = staff(agency, "desk")
    r = desk.get(H.q("/desk/dossiers/new", procedure=PROC))
    assert r.status == 200
    fields = {"procedure": PROC, "agency": agency, "applicant_name": "Trần Văn Bình",
              "applicant_id": "001080054321", "result_channel": "desk", "channel": "1"}
    r = desk.post_multipart("/desk/dossiers", fields, {"doc_1": ("to.jpg", JPEG, "image/jpeg")})
    assert r.status == 303, (r.status, r.text[:300])
    loc = r.header("Location")
    assert loc.startswith("/desk/dossiers/" + agency)
    code = loc.rsplit("/", 1)[1]
    slip = desk.get(loc + "/receipt")
    assert slip.status == 200
    secret = re.search(r"Mã tra cứu: <span class=\"secret\">([A-Z0-9-]+)</span>", slip.text).group(1)
    r = H.get(H.q("/dossiers/lookup", code=code, secret=secret.lower().replace("-", " ")))
    assert r.status == 200 and "Mới đăng ký" in r.text and code in r.text
    assert "001080054321" not in r.text          # the lookup shows no personal data
    r = H.get(H.q("/dossiers/lookup", code=code, secret="AAAAA-AAAAA"))
    assert r.status == 404
    # the channel is the walk-in's, in the sync message too
    assert H.wait_until(lambda: any(m["body"]["dossier_code"] == code and m["body"]["channel"] == 1
                                    for m in sync_received()["messages"]), 15)


def test_lookup_rate_limited():
    code = STATE["code"]
    src = "127.0.%d.%d" % (random.randint(10, 250), random.randint(2, 250))
    statuses = [H.get(H.q("/dossiers/lookup", code=code, secret="BBBBB-BBBBB"), source=src).status
                for _ in range(12)]
    assert statuses[:10] == [404] * 10 and statuses[-1] == 429, statuses


def test_login_limit():
    c = Client(source="127.0.%d.%d" % (random.randint(10, 250), random.randint(2, 250)))
    contact = register(c)
    c.post("/account/logout", {})
    c.get("/account/login")
    got = [c.post("/account/login", {"contact": contact, "password": "sai-mat-khau"}).status
           for _ in range(6)]
    assert got[:5] == [422] * 5 and got[5] == 429, got


def test_concurrent_codes_have_no_gaps():
    clients = []
    for _ in range(3):
        c = Client()
        register(c)
        clients.append(c)
    agency = agencies(clients[0])[-1]
    n = 30

    def one(i):
        return file_dossier(clients[i % 3], agency)

    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as ex:
        results = list(ex.map(one, range(n)))
    assert all(r.status == 303 for r in results), [r.status for r in results]
    seqs = sorted(int(r.header("Location")[-4:]) for r in results)
    assert seqs == list(range(seqs[0], seqs[0] + n)), seqs


def test_form_uploads_documents_and_shows_notes_apart():
    """The catalog's list mixes its notes ("Lưu ý") in with the documents:
    the form asks for one upload per document, in the catalog's order,
    and shows the notes to read, never as something to upload."""
    c = Client()
    register(c)
    page = c.get(H.q("/dossiers/new", procedure=PROC)).text
    from test_payment import sql
    rows = sql("SELECT d.name, d.group_name = 'Lưu ý' FROM procedure_document d "
                 "JOIN `procedure` p ON p.id = d.procedure_id WHERE p.code = '%s' "
                 "ORDER BY d.seq" % PROC)
    docs = [n for n, note in rows if note == "0"]
    notes = [n for n, note in rows if note == "1"]
    assert docs and notes, rows
    slots = re.findall(r'<legend>(\d+)\. ([^<]*)</legend>\s*<input type="file" name="doc_(\d+)"', page)
    assert len(slots) == min(len(docs), 20), (len(slots), len(docs))
    for i, (n, name, field) in enumerate(slots):
        assert n == field == str(i + 1)
        # the catalog's own bullet ("- ", "+ ") is not part of the name
        want = html.escape(docs[i].lstrip(" -+*"), quote=False)
        assert name.strip() == want.strip(), (name, docs[i])
    assert "Lưu ý khi chuẩn bị giấy tờ" in page
    for note in notes:
        text = html.escape(note.lstrip(" -+*"), quote=False).strip()
        assert text[:60] in page, note
        assert f". {text[:60]}" not in " ".join(x[1] for x in slots)


def test_day_counters_match_the_events():
    """The statistics' per-day counters, kept by each change's own
    transaction (one call: sql/010), add up to what the events and ratings
    hold, for every status the walks above reached: one filing, acceptance,
    supplement, processing, finished on time, returned online, refusal,
    withdrawal, rating."""
    from test_payment import sql
    agency = STATE["agency"]
    where = "agency_code = '%s' AND procedure_code = '%s'" % (agency, PROC)
    cols = ["received", "received_online", "accepted", "refused", "supplement_requested",
            "withdrawn", "finished", "finished_on_time", "finished_late", "returned",
            "returned_online", "ratings", "rating_sum", "rating_satisfied"]
    # the counters are kept per Vietnamese day, events in UTC
    ev = ("SELECT DATE(e.at + INTERVAL 7 HOUR) day, e.from_status, e.to_status, d.channel, "
          "d.result_channel FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id "
          "WHERE d.agency_code = '%s' AND d.procedure_code = '%s'" % (agency, PROC))
    want = {}
    for day, frm, to, channel, result in sql(ev):
        w = want.setdefault(day, dict.fromkeys(cols, 0))
        if frm == "NULL":
            w["received"] += 1
            w["received_online"] += channel == "2"
            continue
        name = {"2": "accepted", "3": "refused", "5": "supplement_requested", "7": "withdrawn",
                "9": "finished", "10": "returned"}.get(to)
        if name:
            w[name] += 1
        w["returned_online"] += to == "10" and result == "online"
    for day, score in sql("SELECT DATE(r.created_at + INTERVAL 7 HOUR), r.score FROM rating r "
                          "JOIN dossier d ON d.id = r.dossier_id WHERE d.agency_code = '%s' "
                          "AND d.procedure_code = '%s'" % (agency, PROC)):
        w = want.setdefault(day, dict.fromkeys(cols, 0))
        w["ratings"] += 1
        w["rating_sum"] += int(score)
        w["rating_satisfied"] += int(score) >= 4
    got = {}
    for row in sql("SELECT day, %s FROM sub_daily WHERE %s GROUP BY day"
                   % (", ".join("SUM(%s)" % c for c in cols), where)):
        got[row[0]] = dict(zip(cols, map(int, row[1:])))
    for day, w in want.items():
        g = got.get(day)
        assert g, (day, got)
        # every finished dossier is counted on time or late, never both
        assert g["finished_on_time"] + g["finished_late"] == g["finished"], g
        for c in cols:
            if c not in ("finished_on_time", "finished_late"):
                assert g[c] == w[c], (day, c, g[c], w[c])
    assert any(w["finished"] and w["returned_online"] and w["ratings"] and w["refused"]
               for w in want.values()), want


def test_blank_names_reasons_and_implausible_phones_are_refused():
    """A name or a reason of nothing but spaces (or a phone keyboard's
    no-break space) is missing, and "+++++++++" is no phone number: each is
    a 422 naming the field, and no account, dossier or event is written."""
    from test_payment import sql
    c = Client()
    contact = phone()
    c.get("/account/register")
    r = c.post("/account/register", {"contact": contact, "name": "   ", "password": "mật-khẩu-dài-1"})
    assert r.status == 422 and "name" in r.text, (r.status, r.text[:300])
    assert sql("SELECT COUNT(*) FROM citizen WHERE contact = '%s'" % contact) == [["0"]]
    register(c)
    agency = agencies(c)[7]
    for field, value in (("applicant_name", "  \u00a0 "), ("applicant_phone", "+++++++++"),
                         ("applicant_phone", "........."), ("applicant_phone", "0912+345678")):
        r = file_dossier(c, agency, **{field: value})
        assert r.status == 422 and field in r.text, (field, value, r.status, r.text[:300])
    assert "Bạn chưa nộp hồ sơ nào" in c.get("/dossiers/").text
    # a number as people write it still goes through
    r = file_dossier(c, agency, applicant_phone="+84 912.345.678")
    assert r.status == 303, (r.status, r.text[:300])
    code = r.header("Location").rsplit("/", 1)[1]
    s = staff(agency)
    for to in (3, 5):
        r = move(s, code, to, reason=" \u00a0 ")
        assert r.status == 422 and "reason" in r.text, (to, r.status, r.text[:300])
    assert sql("SELECT d.status, COUNT(e.id) FROM dossier d JOIN dossier_event e ON e.dossier_id = d.id "
               "WHERE d.code = '%s' GROUP BY d.id" % code) == [["1", "1"]]


def test_result_file_only_when_returning_the_result():
    """A result file posted with another move (accepting, say) is refused
    naming "result": stored, it would be the citizen's result before the
    agency had finished."""
    from test_payment import sql
    c = Client()
    register(c)
    agency = agencies(c)[7]
    code = file_dossier(c, agency).header("Location").rsplit("/", 1)[1]
    s = staff(agency)
    result = {"result": ("ket-qua.pdf", PDF, "application/pdf")}
    for to in (2, 3):
        r = move(s, code, to, files=result, reason="thiếu giấy tờ")
        assert r.status == 422 and "result" in r.text, (to, r.status, r.text[:300])
    docs = ("SELECT dd.role FROM dossier_document dd JOIN dossier d ON d.id = dd.dossier_id "
            "WHERE d.code = '%s' AND dd.role = 'result'" % code)
    assert sql(docs) == []
    assert sql("SELECT status FROM dossier WHERE code = '%s'" % code) == [["1"]]
    assert "ket-qua" not in c.get(f"/dossiers/{code}").text
    for to in (2, 4, 9):
        assert move(s, code, to).status == 303
    assert move(s, code, 10, files=result).status == 303
    assert sql(docs) == [["result"]]


def test_documents_with_long_catalog_names_can_be_filed():
    """The national catalog describes many documents in a paragraph (1,110
    names over 500 characters, up to ~7,000): a dossier keeps its
    document's catalog name whole, so such a procedure is filed online, at
    the desk and again from the wallet, never a 500 (sql/018)."""
    from test_payment import sql
    pc, name = sql("SELECT p.code, d.name FROM `procedure` p JOIN procedure_document d "
                   "ON d.procedure_id = p.id WHERE p.online_level <> 'none' AND p.level_commune = 1 "
                   "AND d.group_name <> 'Lưu ý' AND d.seq = (SELECT MIN(seq) FROM procedure_document "
                   "WHERE procedure_id = p.id AND group_name <> 'Lưu ý') "
                   "AND CHAR_LENGTH(d.name) > 1000 ORDER BY p.code LIMIT 1")[0]
    c = Client()
    register(c)
    page = c.get(H.q("/dossiers/new", procedure=pc))
    assert page.status == 200, (pc, page.status)
    agency = re.findall(r'<option value="([0-9.]+\.H\d\d)">', page.text)[3]
    fields = {"procedure": pc, "agency": agency, "applicant_name": "Lê Văn Hùng",
              "applicant_id": "001190012345", "result_channel": "online"}
    r = c.post_multipart("/dossiers", fields, {"doc_1": ("de-nghi.jpg", JPEG, "image/jpeg")})
    assert r.status == 303, (pc, r.status, r.text[:300])
    code = r.header("Location").rsplit("/", 1)[1]
    stored = sql("SELECT CHAR_LENGTH(dd.doc_name), dd.id FROM dossier_document dd JOIN dossier x "
                 "ON x.id = dd.dossier_id WHERE x.code = '%s'" % code)
    assert len(stored) == 1 and int(stored[0][0]) == len(name.lstrip(" -+*")), (stored, len(name))
    # again, from the wallet
    c.get(H.q("/dossiers/new", procedure=pc))
    r = c.post_multipart("/dossiers", {**fields, "reuse_1": stored[0][1]}, {})
    assert r.status == 303, (r.status, r.text[:300])
    # and a walk-in's, at that commune's desk
    desk = staff(agency, "desk")
    desk.get(H.q("/desk/dossiers/new", procedure=pc))
    r = desk.post_multipart("/desk/dossiers", {**fields, "result_channel": "desk", "channel": "1"},
                            {"doc_1": ("de-nghi.pdf", PDF, "application/pdf")})
    assert r.status == 303, (r.status, r.text[:300])
