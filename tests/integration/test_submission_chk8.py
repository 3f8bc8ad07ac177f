"""test_submission_chk8.py - the submission contract walked with other
procedures and inputs than 1.001193's happy path: a citizen reaches the
filing form from the catalog (logged out first), files procedures whose
catalog lists no documents or more than twenty, rates with a comment of
several lines; a date of birth in the future and a name with no letter in
it are refused and change nothing.

Needs the stack started by tests/run.sh (or make run) with PORTAL_DEV_OUTBOX=1,
and conf/stack.sh admin to create staff accounts.
"""
import html
import os
import random
import re
import subprocess
import urllib.parse

import harness as H

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "tests", "fuzz", "corpus", "filetype")
with open(os.path.join(FIX, "photo.jpg"), "rb") as f:
    JPEG = f.read()
with open(os.path.join(FIX, "scan.pdf"), "rb") as f:
    PDF = f.read()
PASSWORD = "mật-khẩu-dài-chk8"
COMMUNE = "000.00.101.H26"


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
        r = H.request(method, path, body=body, headers=headers, port=self.port, timeout=30)
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
        b = "----chk8%016x" % random.getrandbits(64)
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


def citizen():
    """A citizen registered by phone and signed in (the code from the dev outbox)."""
    c = Browser()
    contact = "09%08d" % random.randrange(10 ** 8)
    c.get("/account/register")
    r = c.post("/account/register", {"contact": contact, "name": "Trần Văn Bình",
                                     "password": PASSWORD})
    assert r.status == 303, (r.status, r.text[:300])
    msgs = H.get(H.q("/dev/outbox.json", to=contact), port=H.INTRANET_PORT).json()
    code = re.search(r"\b(\d{6})\b", msgs[0]["body"]).group(1)
    c.get(r.header("Location"))
    r = c.post("/account/verify", {"contact": contact, "code": code})
    assert r.status == 303, (r.status, r.text[:300])
    c.contact = contact
    return c


_staff = {}


def staff(agency, role="leader"):
    if (agency, role) not in _staff:
        login = "c8%x" % random.getrandbits(40)
        pw = "mật-khẩu-cán-bộ-chk8"
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


def applicant(proc, agency=COMMUNE, **extra):
    fields = {"procedure": proc, "agency": agency, "applicant_name": "Trần Văn Bình",
              "applicant_id": "001085012345", "applicant_phone": "0987654321",
              "result_channel": "online"}
    fields.update(extra)
    return fields


def file_one(c, proc, files=None, **extra):
    r = c.get(H.q("/dossiers/new", procedure=proc))
    assert r.status == 200, (proc, r.status, r.text[:300])
    files = files if files is not None else {"doc_1": ("giay-to.jpg", JPEG, "image/jpeg")}
    return c.post_multipart("/dossiers", applicant(proc, **extra), files)


def dossier_count():
    return int(sql("SELECT COUNT(*) FROM dossier")[0][0])


def refusal(r, field):
    """A 4xx in Vietnamese that names the field."""
    assert 400 <= r.status < 500, (r.status, r.text[:300])
    assert f"“{field}”" in r.text, (field, r.text[:1500])


# --- reaching the form as a person does ----------------------------------------

def test_catalog_page_offers_filing_online():
    r = H.get("/catalog/procedures/1.001193")
    assert r.status == 200
    assert 'href="/dossiers/new?procedure=1.001193"' in r.text, r.text[:3000]


def test_catalog_page_offers_no_filing_where_none_is_possible():
    # a procedure with no online channel, and one only a ministry handles
    code = sql("SELECT code FROM `procedure` WHERE online_level = 'none' ORDER BY code LIMIT 1")[0][0]
    central = sql("SELECT code FROM `procedure` WHERE level_ministry = 1 AND level_province = 0 "
                  "AND level_commune = 0 AND online_level <> 'none' ORDER BY code LIMIT 1")[0][0]
    for c in (code, central):
        r = H.get(f"/catalog/procedures/{c}")
        assert r.status == 200
        assert "/dossiers/new" not in r.text, c


def test_sign_in_from_the_filing_link_lands_on_the_form():
    c = citizen()
    c.post("/account/logout", {})
    c.cookies.pop("sid", None)
    r = c.get("/dossiers/new?procedure=1.001193")
    assert r.status == 303
    loc = r.header("Location")
    assert loc.startswith("/account/login?next="), loc
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)["next"] == [
        "/dossiers/new?procedure=1.001193"], loc
    form = c.get(loc)
    assert form.status == 200
    nxt = html.unescape(re.search(r'name="next" value="([^"]*)"', form.text).group(1))
    r = c.post("/account/login", {"contact": c.contact, "password": PASSWORD, "next": nxt})
    assert r.status == 303 and r.header("Location") == "/dossiers/new?procedure=1.001193", \
        (r.status, r.header("Location"))
    assert c.get(r.header("Location")).status == 200


def test_sign_up_from_the_filing_link_lands_on_the_form():
    """Someone with no account follows a procedure's filing link: the login
    page's "Đăng ký" keeps where they were going, through the code's page,
    and confirming the code signs them in on the form itself.  A `next`
    that leaves the site is dropped on the way."""
    b = Browser()
    r = b.get("/dossiers/new?procedure=1.001193")
    login = b.get(r.header("Location"))
    link = html.unescape(re.search(r'href="(/account/register\?next=[^"]+)"', login.text).group(1))
    form = b.get(link)
    assert form.status == 200, (form.status, form.text[:300])
    nxt = html.unescape(re.search(r'name="next" value="([^"]*)"', form.text).group(1))
    assert nxt == "/dossiers/new?procedure=1.001193", nxt
    contact = "09%08d" % random.randrange(10 ** 8)
    r = b.post("/account/register", {"contact": contact, "name": "Lò Thị Mai",
                                     "password": PASSWORD, "next": nxt})
    assert r.status == 303, (r.status, r.text[:300])
    verify = b.get(r.header("Location"))
    assert html.unescape(re.search(r'name="next" value="([^"]*)"', verify.text).group(1)) == nxt
    msgs = H.get(H.q("/dev/outbox.json", to=contact), port=H.INTRANET_PORT).json()
    code = re.search(r"\b(\d{6})\b", msgs[0]["body"]).group(1)
    r = b.post("/account/verify", {"contact": contact, "code": code, "next": nxt})
    assert r.status == 303 and r.header("Location") == nxt, (r.status, r.header("Location"))
    assert b.get(nxt).status == 200
    # another site is never where sign-up sends anyone
    c = Browser()
    for bad in ("//example.com/x", "https://example.com/", "/\\example.com"):
        page = c.get(H.q("/account/register", next=bad))
        assert page.status == 200 and 'name="next"' not in page.text, bad
    contact = "09%08d" % random.randrange(10 ** 8)
    r = c.post("/account/register", {"contact": contact, "name": "Lò Văn Pấng",
                                     "password": PASSWORD, "next": "//example.com/x"})
    assert r.status == 303 and "next=" not in r.header("Location"), r.header("Location")


# --- procedures other than 1.001193 -------------------------------------------

def test_procedure_without_listed_documents_can_be_filed():
    # 1.001521: online, the catalog's documents list did not parse (empty)
    c = citizen()
    form = c.get("/dossiers/new?procedure=1.001521")
    assert form.status == 200
    assert 'name="doc_1"' in form.text, "no upload offered"
    r = c.post_multipart("/dossiers", applicant("1.001521"),
                         {"doc_1": ("ho-so.pdf", PDF, "application/pdf")})
    assert r.status == 303, (r.status, r.text[:1500])
    code = r.header("Location").rsplit("/", 1)[1]
    assert sql(f"SELECT COUNT(*) FROM dossier_document dd JOIN dossier x ON x.id = dd.dossier_id "
               f"WHERE x.code = '{code}'") == [["1"]]
    # the desk files it too
    s = staff(COMMUNE, "desk")
    assert s.get("/desk/dossiers/new?procedure=1.001521").status == 200
    fields = applicant("1.001521", channel="1")
    r = s.post_multipart("/desk/dossiers", fields, {"doc_1": ("ho-so.pdf", PDF, "application/pdf")})
    assert r.status == 303, (r.status, r.text[:1500])


def test_every_listed_document_can_be_uploaded():
    # 1.011441 lists more than twenty documents (one group per kind of asset)
    n = int(sql("SELECT COUNT(*) FROM procedure_document d JOIN `procedure` p ON p.id = d.procedure_id "
                "WHERE p.code = '1.011441' AND d.group_name <> 'Lưu ý'")[0][0])
    assert n > 20
    c = citizen()
    form = c.get("/dossiers/new?procedure=1.011441")
    assert form.status == 200
    assert len(re.findall(r'type="file" name="doc_\d+"', form.text)) == n
    last = f"doc_{n}"
    r = c.post_multipart("/dossiers", applicant("1.011441"),
                         {"doc_1": ("a.jpg", JPEG, "image/jpeg"), last: ("b.pdf", PDF, "application/pdf")})
    assert r.status == 303, (r.status, r.text[:1500])
    code = r.header("Location").rsplit("/", 1)[1]
    seqs = sql(f"SELECT dd.doc_seq FROM dossier_document dd JOIN dossier x ON x.id = dd.dossier_id "
               f"WHERE x.code = '{code}' ORDER BY dd.doc_seq")
    top = sql("SELECT MAX(d.seq) FROM procedure_document d JOIN `procedure` p ON p.id = d.procedure_id "
              "WHERE p.code = '1.011441' AND d.group_name <> 'Lưu ý'")[0][0]
    assert seqs[-1] == [top], seqs
    # one past the last is still refused, naming it
    r = c.post_multipart("/dossiers", applicant("1.011441"),
                         {f"doc_{n + 1}": ("a.jpg", JPEG, "image/jpeg")})
    refusal(r, f"doc_{n + 1}")


# --- fields ----------------------------------------------------------------------

def test_date_of_birth_in_the_future_is_refused():
    c = citizen()
    before = dossier_count()
    r = file_one(c, "1.001193", applicant_dob="2099-01-01")
    refusal(r, "applicant_dob")
    assert dossier_count() == before


def test_name_without_a_letter_is_refused():
    c = citizen()
    before = dossier_count()
    for name in ("\u200b\u200b", "\u0303\u0303", "\u200e \u2060", "...", "123"):
        r = file_one(c, "1.001193", applicant_name=name)
        refusal(r, "applicant_name")
    assert dossier_count() == before
    # a real name with marks and an apostrophe still files
    r = file_one(c, "1.001193", applicant_name="H'Hen Niê")
    assert r.status == 303, (r.status, r.text[:500])


def test_rating_comment_of_several_lines():
    c = citizen()
    r = file_one(c, "1.001193", result_channel="desk")
    assert r.status == 303
    code = r.header("Location").rsplit("/", 1)[1]
    s = staff(COMMUNE)
    for to in (2, 4, 9, 10):
        s.get(f"/desk/dossiers/{code}")
        r = s.post(f"/desk/dossiers/{code}/status", {"to": str(to)})
        assert r.status == 303, (to, r.status, r.text[:500])
    page = c.get(f"/dossiers/{code}")
    assert 'name="comment"' in page.text
    comment = "Cán bộ hướng dẫn tận tình.\r\nTrả kết quả sớm hơn hẹn."
    r = c.post(f"/dossiers/{code}/rating", {"score": "5", "comment": comment})
    assert r.status == 303, (r.status, r.text[:1500])
    stored = sql(f"SELECT REPLACE(comment, '\\n', '|') FROM rating r JOIN dossier x ON x.id = r.dossier_id "
                 f"WHERE x.code = '{code}'")
    assert stored == [["Cán bộ hướng dẫn tận tình.|Trả kết quả sớm hơn hẹn."]], stored
    # the citizen sees what they wrote, and the desk reads it, lines kept
    shown = "Cán bộ hướng dẫn tận tình.\nTrả kết quả sớm hơn hẹn."
    assert shown in c.get(f"/dossiers/{code}").text
    desk = s.get(f"/desk/dossiers/{code}").text
    assert "Đánh giá của người dân" in desk and "5/5" in desk and shown in desk, desk[-2000:]
    # a control character other than a line break is still refused
    c2 = citizen()
    r = file_one(c2, "1.001193", result_channel="desk")
    code2 = r.header("Location").rsplit("/", 1)[1]
    for to in (2, 4, 9, 10):
        s.get(f"/desk/dossiers/{code2}")
        assert s.post(f"/desk/dossiers/{code2}/status", {"to": str(to)}).status == 303
    c2.get(f"/dossiers/{code2}")
    r = c2.post(f"/dossiers/{code2}/rating", {"score": "4", "comment": "tốt\x07"})
    refusal(r, "comment")
    assert sql(f"SELECT COUNT(*) FROM rating r JOIN dossier x ON x.id = r.dossier_id "
               f"WHERE x.code = '{code2}'") == [["0"]]
    # markup in a comment is shown as text on the desk's page
    c2.get(f"/dossiers/{code2}")
    r = c2.post(f"/dossiers/{code2}/rating", {"score": "2", "comment": "<b>chậm</b> & \"lâu\""})
    assert r.status == 303, (r.status, r.text[:500])
    desk = s.get(f"/desk/dossiers/{code2}").text
    assert "&lt;b&gt;chậm&lt;/b&gt; &amp; &quot;lâu&quot;" in desk and "<b>chậm" not in desk


def test_register_name_without_a_letter_is_refused():
    c = Browser()
    contact = "09%08d" % random.randrange(10 ** 8)
    c.get("/account/register")
    r = c.post("/account/register", {"contact": contact, "name": "\u200b\u200b",
                                     "password": PASSWORD})
    refusal(r, "name")
    assert sql(f"SELECT COUNT(*) FROM citizen WHERE contact = '{contact}'") == [["0"]]


def form_once(page):
    return re.search(r'name="once" value="([0-9a-f]{32})"', page.text).group(1)


def test_filing_posted_twice_files_one_dossier():
    # a double tap on a slow phone, or the back button and send again:
    # the browser sends the same form, hidden fields and all
    c = citizen()
    form = c.get("/dossiers/new?procedure=1.001193")
    fields = applicant("1.001193", applicant_name="Trần Văn Hai Lần", once=form_once(form))
    files = {"doc_1": ("a.jpg", JPEG, "image/jpeg")}
    before = dossier_count()
    r1 = c.post_multipart("/dossiers", fields, files)
    r2 = c.post_multipart("/dossiers", fields, files)
    assert r1.status == 303 and r2.status == 303, (r1.status, r2.status, r2.text[:500])
    assert r1.header("Location") == r2.header("Location"), (r1.header("Location"), r2.header("Location"))
    assert dossier_count() == before + 1
    # a different file is a different dossier
    r3 = c.post_multipart("/dossiers", fields, {"doc_1": ("b.pdf", PDF, "application/pdf")})
    assert r3.status == 303 and r3.header("Location") != r1.header("Location")
    # the desk's assisted filing too
    s = staff(COMMUNE, "desk")
    form = s.get("/desk/dossiers/new?procedure=1.001193")
    fields = applicant("1.001193", applicant_name="Lò Văn Hai Lần", channel="1", once=form_once(form))
    before = dossier_count()
    r1 = s.post_multipart("/desk/dossiers", fields, files)
    r2 = s.post_multipart("/desk/dossiers", fields, files)
    assert r1.status == 303 and r2.status == 303, (r1.status, r2.status)
    assert r1.header("Location") == r2.header("Location")
    assert dossier_count() == before + 1

    # the same papers from a new form (or a program sending no `once`) are
    # a new filing, as asked: a thousand identical filings get a thousand codes
    before = dossier_count()
    form = s.get("/desk/dossiers/new?procedure=1.001193")
    fields["once"] = form_once(form)
    assert s.post_multipart("/desk/dossiers", fields, files).status == 303
    del fields["once"]
    assert s.post_multipart("/desk/dossiers", fields, files).status == 303
    assert s.post_multipart("/desk/dossiers", fields, files).status == 303
    assert dossier_count() == before + 3


def test_nul_in_a_multipart_field_is_refused_naming_it():
    c = citizen()
    before = dossier_count()
    r = file_one(c, "1.001193", applicant_address="Thôn Đông\x00<script>")
    refusal(r, "applicant_address")
    assert dossier_count() == before


def test_direction_overrides_are_refused_in_names():
    """U+202E and its kin make a name read in another order on the desk's
    pages and the slip than it is stored: refused like any control
    character, naming the field, on the citizen's form and at sign-up."""
    c = citizen()
    before = dossier_count()
    for name in ("Trần \u202eLan", "\u2067Bình\u2069"):
        refusal(file_one(c, "1.001193", applicant_name=name), "applicant_name")
    assert dossier_count() == before
    b = Browser()
    contact = "09%08d" % random.randrange(10 ** 8)
    b.get("/account/register")
    r = b.post("/account/register", {"contact": contact, "name": "Lan\u202e", "password": PASSWORD})
    refusal(r, "name")
    assert sql(f"SELECT COUNT(*) FROM citizen WHERE contact = '{contact}'") == [["0"]]
