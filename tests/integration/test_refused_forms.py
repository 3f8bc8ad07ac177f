"""test_refused_forms.py - every form of the submission area answers a
refused POST with its own page again: the form filled in with what the
person typed (never a password or a file), the reason next to the field
it names, under the refusal's own 4xx status, and nothing changed in the
database.  Before, the citizen's supplement form, the desk's status change
and attach forms, and a filing whose field the server refused answered
with the general error page, whose only ways on are a search box and
"Về trang chủ".
"""
import html
import re

import harness as H
import test_payment as P
import test_submission as S
from test_pages_chk10 import refused_in_place, value_of

sql = P.sql


def state(code):
    """Everything a refused move must leave as it was."""
    return sql("SELECT x.status, COALESCE(x.paused_days_left, -1), x.updated_at, x.citizen_id, "
               "(SELECT COUNT(*) FROM dossier_document d WHERE d.dossier_id = x.id), "
               "(SELECT COUNT(*) FROM dossier_event e WHERE e.dossier_id = x.id), "
               "(SELECT COUNT(*) FROM outbox o WHERE o.subject = x.code), "
               "(SELECT COUNT(*) FROM obligation b WHERE b.dossier_code = x.code) "
               f"FROM dossier x WHERE x.code = '{code}'")


def citizen_dossier(i, to=None):
    """A citizen's dossier at agency i, moved by the desk to 2 and then `to`."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[i]
    r = S.file_dossier(c, agency)
    assert r.status == 303, (r.status, r.text[:300])
    code = r.header("Location").rsplit("/", 1)[1]
    desk = S.staff(agency, "desk")
    assert S.move(desk, code, 2).status == 303
    if to == 5:
        r = S.move(desk, code, 5, reason="Thiếu bản sao giấy chứng nhận kết hôn")
        assert r.status == 303, (r.status, r.text[:300])
    return c, desk, code, agency


def status_form(text, code, to):
    """The desk page's form that moves the dossier to `to`."""
    for m in re.finditer(r'<form[^>]*action="/desk/dossiers/%s/status"[^>]*>(.*?)</form>'
                         % re.escape(code), text, re.S):
        if re.search(r'name="to" value="%d"' % to, m.group(1)):
            return m.group(1)
    return None


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 240
HTML_PNG = b"<html><body><script>alert(1)</script></body></html>"
BIG = S.JPEG[:-2] + b"\0" * (11 << 20) + b"\xff\xd9"


# --- the citizen's supplement ------------------------------------------------------------

def test_refused_supplement_shows_the_dossier_with_its_form():
    c, desk, code, _ = citizen_dossier(23, to=5)
    loc = f"/dossiers/{code}"
    assert "Gửi bổ sung" in c.get(loc).text
    before = state(code)
    cases = [
        ({"doc_1": ("trong.pdf", b"", "application/pdf")}, 422, "doc_1", "rỗng"),
        ({"doc_1": ("ket-hon.pdf", EXE, "application/pdf")}, 422, "doc_1",
         "không phải tệp PDF, JPEG hoặc PNG"),
        ({"doc_1": ("anh.png", HTML_PNG, "image/png")}, 422, "doc_1",
         "không phải tệp PDF, JPEG hoặc PNG"),
        ({"doc_1": ("scan.jpg", BIG, "image/jpeg")}, 413, "doc_1", "lớn quá 10 MB"),
        ({}, 422, "doc_1", "Cần ít nhất một tệp bổ sung"),
        ({"doc_1": ("ket-hon.pdf", S.PDF, "application/pdf"),
          "doc_2": ("ket-hon-2.pdf", EXE, "application/pdf")}, 422, "doc_2",
         "không phải tệp PDF, JPEG hoặc PNG"),
    ]
    for files, status, field, words in cases:
        r = c.post_multipart(loc + "/supplement", {}, files)
        form = refused_in_place(r, status, loc + "/supplement", field)
        t = html.unescape(r.text)
        assert words in t, (field, words, t[:2000])
        # it is the dossier's own page: its code, its status, its history
        assert "Yêu cầu bổ sung giấy tờ" in t and code in t
        assert "Thiếu bản sao giấy chứng nhận kết hôn" in t
        # the person is told to choose the files again, the field by its name
        assert "Chưa gửi được bổ sung" in t and "chọn lại" in t, t[:3000]
        assert re.search(r'<input[^>]*name="%s"[^>]*aria-invalid="true"' % field, form), form
        assert 'value="' not in re.search(r'<input[^>]*type="file"[^>]*>', form).group(0)
        assert state(code) == before, (field, state(code), before)
    # the token of the page shown again still works: the right file goes through
    r = c.post_multipart(loc + "/supplement", {"csrf": value_of(form, "csrf")},
                         {"doc_1": ("ket-hon.pdf", S.PDF, "application/pdf")})
    assert r.status == 303, (r.status, r.text[:300])
    assert state(code)[0][0] == "4"


def test_refused_supplement_shows_nothing_of_another_citizens_dossier():
    _, _, code, _ = citizen_dossier(24, to=5)
    other = S.Client()
    S.register(other, name="Trần Văn Bình")
    before = state(code)
    r = other.post_multipart(f"/dossiers/{code}/supplement", {},
                             {"doc_1": ("ket-hon.pdf", EXE, "application/pdf")})
    assert r.status in (404, 422) and r.status == 422, r.status   # the file's refusal, first
    assert "Nguyễn Thị Lan" not in r.text and "001190012345" not in r.text
    assert "/supplement" not in r.text
    r = other.post_multipart(f"/dossiers/{code}/supplement", {},
                             {"doc_1": ("ket-hon.pdf", S.PDF, "application/pdf")})
    assert r.status == 404 and "Nguyễn Thị Lan" not in r.text
    assert state(code) == before


def test_a_supplement_too_late_says_why_on_the_dossier_page():
    """A supplement sent from a page kept open after the dossier was
    withdrawn is a 409 that says so on the dossier's page, naming both
    statuses, not the error page."""
    c, _, code, _ = citizen_dossier(25, to=5)
    loc = f"/dossiers/{code}"
    c.get(loc)
    assert c.post(loc + "/withdraw", {}).status == 303
    before = state(code)
    files = {"doc_1": ("ket-hon.pdf", S.PDF, "application/pdf")}
    r = c.post_multipart(loc + "/supplement", {}, files)
    assert r.status == 409, r.status
    t = html.unescape(r.text)
    assert "Mã lỗi" not in t and 'role="alert"' in r.text, t[:2000]
    assert "Công dân yêu cầu rút hồ sơ" in t and "Đang xử lý" in t, t[:2000]
    assert code in t
    assert state(code) == before


# --- the desk's status change and attach forms ------------------------------------------

def test_refused_status_change_keeps_the_desk_page_and_what_was_typed():
    _, desk, code, agency = citizen_dossier(26)
    page = f"/desk/dossiers/{code}"
    before = state(code)

    # a supplement asked for with no reason: 422, next to the form of 5
    r = S.move(desk, code, 5, reason="   ")
    assert r.status == 422, (r.status, r.text[:300])
    t = html.unescape(r.text)
    assert "Mã lỗi" not in t and 'role="alert"' in r.text and "“reason”" in t, t[:2000]
    form = status_form(r.text, code, 5)
    assert form and 'aria-invalid="true"' in form and 'id="loi"' in form, form
    assert "Hồ sơ " + code in t and "Được tiếp nhận" in t    # the dossier's own page
    assert state(code) == before

    # a fee with an amount that is not money: the route's 400, the fee's
    # name kept in the form of 6, the amount as typed
    r = S.move(desk, code, 6, amount="tám nghìn", fee_name="Lệ phí đăng ký khai sinh")
    assert r.status == 400, (r.status, r.text[:300])
    t = html.unescape(r.text)
    assert "Mã lỗi" not in t and "“amount”" in t, t[:2000]
    form = status_form(r.text, code, 6)
    assert form, r.text[:3000]
    assert value_of(form, "fee_name") == "Lệ phí đăng ký khai sinh"
    assert value_of(form, "amount") == "tám nghìn"
    assert re.search(r'<input[^>]*name="amount"[^>]*aria-invalid="true"', form), form
    assert state(code) == before

    # a fee with no amount: 422, the name kept
    r = S.move(desk, code, 6, fee_name="Lệ phí đăng ký khai sinh")
    assert r.status == 422, (r.status, r.text[:300])
    form = status_form(r.text, code, 6)
    assert form and value_of(form, "fee_name") == "Lệ phí đăng ký khai sinh"
    assert state(code) == before

    # no status chosen: 422 on the page, the reason typed for 5 kept? no
    # form was chosen, so the page says which field at the top
    desk.get(page)
    r = desk.post(f"/desk/dossiers/{code}/status", {"reason": "Thiếu giấy"})
    assert r.status == 422, r.status
    t = html.unescape(r.text)
    assert "Mã lỗi" not in t and "“to”" in t and 'role="alert"' in r.text
    assert state(code) == before

    # a move the table does not allow from here: 409 naming both statuses
    r = S.move(desk, code, 9)
    assert r.status == 409, r.status
    t = html.unescape(r.text)
    assert "Mã lỗi" not in t and "Được tiếp nhận" in t and "Đã xử lý xong" in t, t[:2000]
    assert status_form(r.text, code, 4), "the page's forms are still there"
    assert state(code) == before


def test_refused_status_change_of_another_agency_shows_nothing():
    _, _, code, agency = citizen_dossier(27)
    _, _, _, other = citizen_dossier(28)
    stranger = S.staff(other, "desk")
    stranger.get("/desk/")             # a page, for the form token
    before = state(code)
    r = stranger.post(f"/desk/dossiers/{code}/status", {"to": "6", "amount": "abc",
                                                        "fee_name": "Lệ phí"})
    assert r.status == 400, r.status
    assert "Nguyễn Thị Lan" not in r.text and "001190012345" not in r.text
    assert f"/desk/dossiers/{code}/status" not in r.text
    r = stranger.post(f"/desk/dossiers/{code}/status", {"to": "5", "reason": ""})
    assert r.status == 403 and "Nguyễn Thị Lan" not in r.text
    assert state(code) == before


def test_refused_attach_keeps_the_contact_typed():
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[29]
    desk = S.staff(agency, "desk")
    code = S.walk_in(desk)
    desk.get(f"/desk/dossiers/{code}")
    before = state(code)
    for typed in ("0912 34", "0999999999"):     # not a number; nobody's account
        r = desk.post(f"/desk/dossiers/{code}/attach", {"contact": typed})
        form = refused_in_place(r, 422, f"/desk/dossiers/{code}/attach", "contact")
        assert value_of(form, "contact") == typed
        assert state(code) == before


# --- a filing field the server refuses ---------------------------------------------------

def test_filing_field_refused_by_the_server_keeps_the_form():
    """A name of 101 characters, a way of getting the result the form
    does not offer: the route's own caps answered 400 with the general
    error page, every field lost.  The status stays 400; the form comes
    back, the field named and the rest as typed."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[30]
    before = sql("SELECT COUNT(*) FROM dossier")
    r = S.file_dossier(c, agency, applicant_name="Nguyễn " + "x" * 100,
                       applicant_address="Thôn Đông, xã Sóc Sơn")
    form = refused_in_place(r, 400, "/dossiers", "applicant_name")
    # the sentence speaks of the box the page marks, not of a parameter
    alert = re.search(r'role="alert".*?</div>', r.text, re.S).group(0)
    assert "Ô này dài quá 100 ký tự" in alert and "Tham số" not in alert, alert
    assert "Họ và tên người nộp" in alert, alert
    assert value_of(form, "applicant_id") == "001190012345"
    assert value_of(form, "applicant_address") == "Thôn Đông, xã Sóc Sơn"
    assert '<option value="%s" selected>' % agency in form
    r = S.file_dossier(c, agency, result_channel="pigeon", applicant_address="Thôn Đoài")
    form = refused_in_place(r, 400, "/dossiers", "result_channel")
    assert value_of(form, "applicant_address") == "Thôn Đoài"
    # the desk's walk-in form, the same
    desk = S.staff(agency, "desk")
    desk.get("/desk/dossiers/new?procedure=" + S.PROC)
    fields = {"procedure": S.PROC, "applicant_name": "Lò Văn Páo", "applicant_id": "001080054321",
              "applicant_phone": "0912 345 678 9999 9999 9999", "result_channel": "desk", "channel": "3"}
    r = desk.post_multipart("/desk/dossiers", fields, {"doc_1": ("to.jpg", S.JPEG, "image/jpeg")})
    form = refused_in_place(r, 400, "/desk/dossiers", "applicant_phone")
    assert value_of(form, "applicant_name") == "Lò Văn Páo"
    assert '<option value="3" selected>' in form
    assert sql("SELECT COUNT(*) FROM dossier") == before


def test_account_field_refused_by_the_server_keeps_the_form():
    """A contact longer than any phone number or address (the route
    table's cap, 254), a login name over 64, a code of 7 digits: the
    account forms answered 400 with the general error page and lost what
    was typed (and the page a person came from).  Now each shows its own
    form again, the field named, the rest kept, under the same 400, and
    no account, code or session is written."""
    from test_pages_chk10 import elsewhere
    sessions = sql("SELECT COUNT(*) FROM session")
    long_contact = "0912" + "3" * 260
    before = sql("SELECT (SELECT COUNT(*) FROM citizen), (SELECT COUNT(*) FROM otp_code), "
                 "(SELECT COUNT(*) FROM session)")
    c = S.Client(source=elsewhere())
    c.get("/account/register?next=/dossiers/new%3Fprocedure%3D1.001193")
    r = c.post("/account/register", {"contact": long_contact, "name": "Nguyễn Thị Lan",
                                     "password": "mật-khẩu-dài-1",
                                     "next": "/dossiers/new?procedure=1.001193"})
    form = refused_in_place(r, 400, "/account/register", "contact")
    assert value_of(form, "name") == "Nguyễn Thị Lan"
    assert value_of(form, "next") == "/dossiers/new?procedure=1.001193"
    assert value_of(form, "password") in (None, "")
    r = c.post("/account/login", {"contact": long_contact, "password": "x" * 10,
                                  "next": "/dossiers/"})
    form = refused_in_place(r, 400, "/account/login", "contact")
    assert value_of(form, "next") == "/dossiers/"
    r = c.post("/account/verify", {"contact": "0912345678", "code": "1234567"})
    form = refused_in_place(r, 400, "/account/verify", "code")
    assert value_of(form, "contact") == "0912345678"
    r = c.post("/account/reset", {"contact": long_contact})
    refused_in_place(r, 400, "/account/reset", "contact")
    r = c.post("/account/reset/confirm", {"contact": "0912345678", "code": "1234567",
                                          "password": "mật-khẩu-dài-2"})
    form = refused_in_place(r, 400, "/account/reset/confirm", "code")
    assert value_of(form, "contact") == "0912345678"
    # an unsafe page to go back to is not carried
    r = c.post("/account/login", {"contact": long_contact, "password": "x" * 10,
                                  "next": "https://example.com/"})
    assert "example.com" not in refused_in_place(r, 400, "/account/login", "contact")
    assert sql("SELECT (SELECT COUNT(*) FROM citizen), (SELECT COUNT(*) FROM otp_code), "
               "(SELECT COUNT(*) FROM session)") == before
    # the desk's login the same, on the intranet
    d = S.Client(port=H.INTRANET_PORT)
    d.get("/desk/login")
    r = d.post("/desk/login", {"login": "l" * 65, "password": "x" * 12, "next": "/desk/"})
    form = refused_in_place(r, 400, "/desk/login", "login")
    assert value_of(form, "login") == "l" * 65
    assert value_of(form, "password") in (None, "")
    assert sql("SELECT COUNT(*) FROM session") == sessions
