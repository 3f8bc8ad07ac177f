"""test_chk20.py - what a review of every page found, walking issues 6 and 7
at 360 px and 1280 px with procedures and agencies the other tests do not
use (trình báo mất giấy thông hành 1.010055, đăng ký lại việc nuôi con nuôi
2.001255, xóa đăng ký tạm trú 1.010028; Phường Văn Miếu - Quốc Tử Giám,
Xã Phúc Sơn, Xã Hồng Sơn, Xã Hương Sơn):

- the slip of a postal filing (channel 3) had a line for the applicant's
  signature, though the applicant was not there, and did not say how the
  papers came in; an online filing's slip had both signature lines;
- the public lookup of a dossier whose result went out by post said only
  "Kết quả đã được trả.": not that it was posted, where to, nor when;
- the filing form (the citizen's and the desk's) listed the documents but
  not the blank form (mẫu đơn, tờ khai) the catalog names for them;
- a catalog item that is a note ("Lưu ý: …") outside the group "Lưu ý"
  was offered as a document to upload, and printed on the slip as a paper
  received;
- the slip's way back was a javascript: link, dead with JavaScript off;
- "Rút hồ sơ" ended a dossier on one tap, with no word of what it does;
- at status 9 and 10 the page did not say how and where the result comes.

Needs the stack started by tests/run.sh (or make run) with PORTAL_DEV_OUTBOX=1,
and conf/stack.sh admin to create staff accounts.
"""

import datetime
import html
import os
import re
import subprocess

import harness as H
import test_submission as S

VAR = os.environ.get("PORTAL_VAR") or os.path.join(S.ROOT, "var", "test")
VAN_MIEU = "000.00.118.H26"     # Ủy ban nhân dân Phường Văn Miếu - Quốc Tử Giám
PHUC_SON = "000.00.224.H26"     # Ủy ban nhân dân Xã Phúc Sơn
HONG_SON = "000.00.225.H26"     # Ủy ban nhân dân Xã Hồng Sơn
HUONG_SON = "000.00.226.H26"    # Ủy ban nhân dân Xã Hương Sơn
LOST_PASS = "1.010055"          # Trình báo mất giấy thông hành (cấp xã): one document has a form
READOPT = "2.001255"            # Đăng ký lại việc nuôi con nuôi: a "Lưu ý:" item, then the tờ khai
UNREGISTER = "1.010028"         # Xóa đăng ký tạm trú: mẫu CT01
ADDRESS = "Thôn Phúc Lâm, xã Phúc Sơn, thành phố Hà Nội"


def sql(query):
    """Rows of the stack's database, read as UTF-8 (catalog texts are Vietnamese)."""
    out = subprocess.run(["mariadb", "--no-defaults", "--default-character-set=utf8mb4",
                          "--socket=" + os.path.join(VAR, "run", "mysqld.sock"),
                          "-uroot", "-N", "-B", "portal", "-e", query],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def catalog_docs(proc):
    """(name, templates) of the procedure's documents, in the catalog's order."""
    return sql("SELECT d.name, d.templates, d.group_name FROM procedure_document d "
               "JOIN `procedure` p ON p.id = d.procedure_id "
               f"WHERE p.code = '{proc}' ORDER BY d.seq")


def source_url(proc):
    return sql(f"SELECT source_url FROM `procedure` WHERE code = '{proc}'")[0][0]


def today_vn():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).strftime("%d/%m/%Y")


def postal(desk, proc=READOPT, **extra):
    """A dossier that came by post, filed by the desk `desk`: its code."""
    fields = {"channel": "3", "result_channel": "post", "applicant_name": "Đinh Văn Phúc",
              "applicant_id": "014190001234", "applicant_address": ADDRESS}
    fields.update(extra)
    return S.walk_in(desk, proc, **fields)


def slip_secret(page):
    return re.search(r'class="secret">([A-Z0-9-]+)<', page).group(1)


def fieldsets(page):
    """{legend text: fieldset html} of the filing form's documents."""
    out = {}
    for m in re.finditer(r"<fieldset><legend>(\d+)\. (.*?)</legend>(.*?)</fieldset>", page, re.S):
        out[int(m.group(1))] = (html.unescape(m.group(2)), m.group(3))
    return out


# --- the appointment slip -----------------------------------------------------

def test_postal_slip_has_no_applicant_signature_and_says_it_came_by_post():
    """The applicant who posted the papers was not at the desk: nobody asks
    for his signature; the officer who received them signs, and the slip
    says how they came in."""
    desk = S.staff(PHUC_SON, "desk")
    code = postal(desk)
    slip = desk.get(f"/desk/dossiers/{code}/receipt")
    assert slip.status == 200
    assert "Người nộp hồ sơ</strong>" not in slip.text, "a signature line for an applicant who was not there"
    assert "<strong>Người tiếp nhận hồ sơ</strong>" in slip.text
    assert "Hình thức nộp: qua dịch vụ bưu chính (người nộp không có mặt khi tiếp nhận)" in slip.text


def test_walk_in_slip_keeps_both_signatures():
    desk = S.staff(PHUC_SON, "desk")
    code = S.walk_in(desk, UNREGISTER, applicant_name="Lò Thị Xuân", applicant_id="014190005678")
    slip = desk.get(f"/desk/dossiers/{code}/receipt").text
    assert "<strong>Người nộp hồ sơ</strong>" in slip and "<strong>Người tiếp nhận hồ sơ</strong>" in slip
    assert "Hình thức nộp: trực tiếp tại bộ phận một cửa" in slip


def test_online_slip_needs_no_signature_and_its_way_back_works_without_javascript():
    c = S.Client()
    S.register(c)
    r = S.file_dossier(c, HONG_SON)
    assert r.status == 303, (r.status, r.text[:300])
    code = r.header("Location").rsplit("/", 1)[1]
    slip = c.get(f"/dossiers/{code}/receipt").text
    assert "Người nộp hồ sơ</strong>" not in slip and "Người tiếp nhận hồ sơ</strong>" not in slip
    assert "Giấy này do Cổng dịch vụ công cấp khi hồ sơ được nộp trực tuyến; không cần chữ ký." in slip
    assert "Hình thức nộp: trực tuyến trên Cổng dịch vụ công" in slip
    assert "javascript:" not in slip
    assert f'<a href="/dossiers/{code}">← Về hồ sơ {code}</a>' in slip
    # the desk's copy leads back to the desk's page
    desk = S.staff(HONG_SON, "desk")
    assert f'<a href="/desk/dossiers/{code}">' in desk.get(f"/desk/dossiers/{code}/receipt").text


def test_slip_names_the_form_of_each_paper_in_words():
    desk = S.staff(PHUC_SON, "desk")
    code = postal(desk, UNREGISTER)
    slip = desk.get(f"/desk/dossiers/{code}/receipt").text
    assert "<td>Bản điện tử (ảnh JPEG)</td>" in slip, "the slip's 'Hình thức' column"
    assert "Tệp jpeg" not in slip


# --- the result sent by post ----------------------------------------------------

def test_lookup_says_the_result_was_sent_by_post_and_when():
    desk = S.staff(PHUC_SON, "leader")
    code = postal(desk)
    secret = slip_secret(desk.get(f"/desk/dossiers/{code}/receipt").text)
    for to in (2, 4, 9):
        r = S.move(desk, code, to)
        assert r.status == 303, (to, r.status, r.text[:300])
    # before it goes out: the person is told it will come by post
    r = H.get(H.q("/dossiers/lookup", code=code, secret=secret))
    assert "Đã có kết quả; cơ quan sẽ gửi qua bưu điện tới địa chỉ người nộp ghi trong hồ sơ." in r.text
    r = S.move(desk, code, 10, reason="Bưu gửi số EB123456789VN")
    assert r.status == 303, (r.status, r.text[:300])
    r = H.get(H.q("/dossiers/lookup", code=code, secret=secret))
    assert r.status == 200
    text = r.text
    assert f"Kết quả đã được gửi qua bưu điện ngày {today_vn()} tới địa chỉ người nộp ghi trong hồ sơ." in text, \
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))[:1500]
    assert "Kết quả đã được trả." not in text
    assert "Thôn Phúc Lâm" not in text          # the public lookup shows no personal data
    # the desk's page names the address it went to
    page = desk.get(f"/desk/dossiers/{code}").text
    assert f"Kết quả đã được gửi qua bưu điện ngày {today_vn()} tới địa chỉ {ADDRESS}." in page


def test_result_returned_at_the_desk_or_online_says_so():
    desk = S.staff(HUONG_SON, "leader")
    code = S.walk_in(desk, UNREGISTER, applicant_name="Lò Thị Xuân", applicant_id="014190005678")
    secret = slip_secret(desk.get(f"/desk/dossiers/{code}/receipt").text)
    for to in (2, 4, 9):
        assert S.move(desk, code, to).status == 303
    r = H.get(H.q("/dossiers/lookup", code=code, secret=secret))
    assert "Mang giấy tiếp nhận và hẹn trả kết quả cùng giấy tờ tùy thân tới bộ phận một cửa của " \
           "Ủy ban nhân dân Xã Hương Sơn để nhận." in r.text
    assert S.move(desk, code, 10).status == 303
    r = H.get(H.q("/dossiers/lookup", code=code, secret=secret))
    assert f"Kết quả đã được trả tại bộ phận một cửa ngày {today_vn()}." in r.text


# --- the filing form: blank forms and notes -------------------------------------

def test_filing_form_links_the_blank_form_of_a_document():
    docs = [d for d in catalog_docs(LOST_PASS) if d[2] != "Lưu ý"]
    with_tpl = [i + 1 for i, d in enumerate(docs) if d[1]]
    assert with_tpl, "the catalog names a form for one of 1.010055's documents"
    url = source_url(LOST_PASS)
    c = S.Client()
    S.register(c)
    page = c.get(H.q("/dossiers/new", procedure=LOST_PASS)).text
    sets = fieldsets(page)
    for n, (legend, body) in sets.items():
        tpl = docs[n - 1][1]
        if tpl:
            link = (f'Mẫu đơn, tờ khai: <a href="{html.escape(url)}" target="_blank" rel="external noopener">'
                    f'{html.escape(tpl, quote=False)}</a>')
            assert link in body, (n, legend, body[:400])
        else:
            assert "Mẫu đơn, tờ khai" not in body, (n, legend)
    assert "Mẫu M02 trình báo mất giấy thông hành - BCA.docx" in page


def test_desk_form_links_the_blank_form_too():
    desk = S.staff(PHUC_SON, "desk")
    page = desk.get(H.q("/desk/dossiers/new", procedure=UNREGISTER)).text
    tpl = [d[1] for d in catalog_docs(UNREGISTER) if d[1]][0]
    assert f'{html.escape(tpl, quote=False)}</a>' in page
    assert f'<a href="{html.escape(source_url(UNREGISTER))}" target="_blank"' in page


def test_a_note_item_is_read_not_uploaded_nor_printed_on_the_slip():
    """2.001255 lists "Lưu ý: Khi nộp hồ sơ, …" as its first item outside the
    group "Lưu ý": it is shown with the notes, the tờ khai is document 1, and
    the slip lists only the papers received."""
    first = catalog_docs(READOPT)[0][0]
    assert first.startswith("Lưu ý"), first
    desk = S.staff(PHUC_SON, "desk")
    page = desk.get(H.q("/desk/dossiers/new", procedure=READOPT)).text
    sets = fieldsets(page)
    assert all(not legend.startswith("Lưu ý") for legend, _ in sets.values()), sets.keys()
    assert sets[1][0].startswith("Tờ khai đăng ký"), sets[1][0]
    assert "<summary>Lưu ý khi chuẩn bị giấy tờ</summary>" in page and "Lưu ý: Khi nộp hồ sơ" in page
    code = postal(desk)
    slip = desk.get(f"/desk/dossiers/{code}/receipt").text
    rows = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td>", slip)
    assert [n for n, _ in rows] == ["1"] and rows[0][1].startswith("Tờ khai đăng ký"), rows


# --- withdrawing ---------------------------------------------------------------

def test_withdraw_asks_for_a_tick_and_says_what_it_does():
    c = S.Client()
    S.register(c)
    r = S.file_dossier(c, HONG_SON)
    code = r.header("Location").rsplit("/", 1)[1]
    page = c.get(f"/dossiers/{code}").text
    form = re.search(r'<form method="post" action="/dossiers/[^"]+/withdraw".*?</form>', page, re.S).group(0)
    assert f'<input type="checkbox" name="confirm" value="1" required> Tôi muốn rút hồ sơ {code}' in form
    assert "không mở lại được" in page
    r = c.post(f"/dossiers/{code}/withdraw", {"confirm": "1"})
    assert r.status == 303, (r.status, r.text[:300])
    assert sql(f"SELECT status FROM dossier WHERE code = '{code}'") == [["7"]]
