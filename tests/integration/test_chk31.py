"""test_chk31.py - a checker's round with cases earlier rounds did not use:
a province-level banking procedure (1.007956, 30 calendar days, filed just
before the New Year holiday), an Ê Đê name with an apostrophe, a Hà Nội
landline written the way people write it, postal and walk-in filings at the
city's People's Committee.
"""
import re

import harness as H
import test_submission as ts
from test_payment import sql

PROC = "1.007956"       # province level, online channel, 30 calendar days
AGENCY = "000.00.00.H26"


def doc_inputs(page):
    return re.findall(r'name="(doc_\d+)"', page.text)


def test_landline_with_spaces_as_the_form_says():
    """The form says a phone number is 9 to 15 digits with spaces, dots and a
    leading + allowed, but counted the spaces against a 15-character cap: a
    Hà Nội landline in international form, "+84 24 3825 1234" (11 digits,
    16 characters), was refused as too long, and the field's maxlength
    stopped the typing at "+84 24 3825 123"."""
    c = ts.Client()
    ts.register(c, name="H'Hen Niê")
    page = c.get(H.q("/dossiers/new", procedure=PROC))
    assert page.status == 200, page.status
    m = re.search(r'<input id="applicant_phone"[^>]*maxlength="(\d+)"', page.text)
    assert m and int(m.group(1)) >= len("0084 24 3825 1234"), m and m.group(0)
    files = {n: ("don.pdf", ts.PDF, "application/pdf") for n in doc_inputs(page)[:2]}
    mine = ("SELECT COUNT(*) FROM dossier d JOIN citizen c ON c.id = d.citizen_id"
            " WHERE c.contact = '%s'")
    fields = {"procedure": PROC, "agency": AGENCY, "applicant_name": "H'Hen Niê",
              "applicant_id": "066190012345", "result_channel": "post",
              "applicant_address": "Buôn Ako Dhông, phường Tân Lợi, Đắk Lắk"}
    for phone in ("+84 24 3825 1234", "0084 24 3825 1234", "+84.24.3825.1234"):
        c.get(H.q("/dossiers/new", procedure=PROC))
        r = c.post_multipart("/dossiers", dict(fields, applicant_phone=phone), files)
        assert r.status == 303, (phone, r.status, re.findall(r'role="alert"[^>]*>(.*?)</div>', r.text, re.S))
        code = r.header("Location").rsplit("/", 1)[1]
        assert sql("SELECT applicant_phone FROM dossier WHERE code = '%s'" % code) == [[phone]]
        assert phone in c.get("/dossiers/%s/receipt" % code).text
    # more than 15 digits is still no phone number, whatever the separators
    before = sql("SELECT COUNT(*) FROM dossier")
    c.get(H.q("/dossiers/new", procedure=PROC))
    r = c.post_multipart("/dossiers", dict(fields, applicant_phone="+84 24 3825 1234 5678"), files)
    assert r.status == 422 and "applicant_phone" in r.text, r.status
    # nor is a number dialled inside Vietnam with more than 0 + 10 digits
    c.get(H.q("/dossiers/new", procedure=PROC))
    r = c.post_multipart("/dossiers", dict(fields, applicant_phone="0912 345 678 9999"), files)
    assert r.status == 422 and "applicant_phone" in r.text, r.status
    # and past the field's cap: a 4xx naming the field
    c.get(H.q("/dossiers/new", procedure=PROC))
    r = c.post_multipart("/dossiers", dict(fields, applicant_phone="0" + " " * 40 + "912345678"), files)
    assert r.status in (400, 413, 422) and "applicant_phone" in r.text, r.status
    assert sql("SELECT COUNT(*) FROM dossier") == before


def test_desk_files_a_landline_for_a_postal_applicant():
    desk = ts.staff(AGENCY, "desk")
    page = desk.get("/desk/dossiers/new?procedure=" + PROC)
    assert page.status == 200
    files = {n: ("a.png", ts.PNG, "image/png") for n in doc_inputs(page)[:2]}
    r = ts.walk_in_post(desk, PROC, files=files, channel="3", applicant_name="Nguyễn Thị Ánh Nguyệt",
                        applicant_id="001300012345", applicant_dob="2000-02-29",
                        applicant_address="Số 5 ngõ 12/3 phố Đặng Dung, phường Ba Đình",
                        applicant_phone="+84 24 3825 1234", result_channel="post")
    assert r.status == 303, (r.status, re.findall(r'role="alert"[^>]*>(.*?)</div>', r.text, re.S))
    code = r.header("Location").rsplit("/", 1)[1]
    assert "+84 24 3825 1234" in desk.get("/desk/dossiers/%s/receipt" % code).text


def test_a_long_vietnamese_file_name_is_no_reason_to_refuse_the_file():
    """Windows lets a file name have 255 characters (UTF-16), and a scan
    named after the paper it is, in Vietnamese, is 2 to 3 bytes a character
    in UTF-8: 200 characters is ~450 bytes.  The multipart parser refused a
    file name over 255 bytes with the general error page ("Tên tệp không hợp
    lệ hoặc quá dài"), losing the whole form, though the portal keeps only
    the first 40 characters of the name (form.c's field_name_shown)."""
    c = ts.Client()
    ts.register(c, name="Vàng Thị Dợ")
    name = ("Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền "
            "với đất của hộ bà Vàng Thị Dợ thôn Nậm Lầu xã Tả Phìn bản sao có chứng thực "
            "của Ủy ban nhân dân xã ngày 12 tháng 3 năm 2025 trang 1-2.pdf")
    assert 180 < len(name) <= 255 and len(name.encode()) > 255, (len(name), len(name.encode()))
    page = c.get(H.q("/dossiers/new", procedure=PROC))
    doc = doc_inputs(page)[0]
    fields = {"procedure": PROC, "agency": AGENCY, "applicant_name": "Vàng Thị Dợ",
              "applicant_id": "010185012345", "result_channel": "desk"}
    r = c.post_multipart("/dossiers", fields, {doc: (name, ts.PDF, "application/pdf")})
    assert r.status == 303, (r.status, re.sub(r"<[^>]+>", " ", r.text)[:600])
    code = r.header("Location").rsplit("/", 1)[1]
    kept = sql("SELECT HEX(dd.original_name) FROM dossier_document dd JOIN dossier d ON d.id = dd.dossier_id"
               " WHERE d.code = '%s'" % code)
    assert len(kept) == 1, kept
    kept = bytes.fromhex(kept[0][0]).decode()
    assert len(kept) >= 20 and name.startswith(kept), kept
