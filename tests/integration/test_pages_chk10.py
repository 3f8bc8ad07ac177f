"""test_pages_chk10.py - the pages as the people of issues 6 and 7 meet
them on a cheap phone, checked over HTTP: each test names a defect found
walking the portal in Chromium at 360 px with JavaScript off, and fails
without its fix.
"""
import html
import random
import re

import harness as H
import test_submission as S


def elsewhere():
    """A client address of its own: failed logins, codes and lookups count
    per address, and must not lock out the other tests' 127.0.0.1."""
    return "127.0.%d.%d" % (random.randint(10, 250), random.randint(2, 250))


def form_of(text, action):
    """The <form> posting to action, or None."""
    m = re.search(r'<form[^>]*action="%s"[^>]*>(.*?)</form>' % re.escape(action), text, re.S)
    return m.group(1) if m else None


def value_of(form, name):
    m = re.search(r'<input[^>]*\bname="%s"[^>]*>' % re.escape(name), form)
    assert m, (name, form[:600])
    v = re.search(r'\bvalue="([^"]*)"', m.group(0))
    return html.unescape(v.group(1)) if v else None


def refused_in_place(r, status, action, field):
    """The refusal keeps its status and names its field, and shows the
    form again (not the general error page, whose only ways on are a
    search box and "Về trang chủ")."""
    assert r.status == status, (r.status, r.text[:400])
    assert "“%s”" % field in r.text, r.text[:2000]
    assert "Mã lỗi" not in r.text and 'id="q-err"' not in r.text, r.text[:2000]
    assert 'role="alert"' in r.text
    form = form_of(r.text, action)
    assert form is not None, r.text[:2000]
    assert 'aria-invalid="true"' in form, form
    return form


# --- refused forms come back filled in -------------------------------------------

def test_register_refused_keeps_what_was_typed():
    c = S.Client(source=elsewhere())
    c.get("/account/register")
    r = c.post("/account/register", {"contact": "09120", "name": "Nguyễn Thị Lan",
                                     "password": "mật-khẩu-dài-1"})
    form = refused_in_place(r, 422, "/account/register", "contact")
    assert value_of(form, "contact") == "09120"
    assert value_of(form, "name") == "Nguyễn Thị Lan"
    assert value_of(form, "password") is None           # a password is never sent back
    assert "mật-khẩu-dài-1" not in r.text
    # the token on the page shown again still works: fixing the number registers
    r = c.post("/account/register", {"contact": S.phone(), "name": "Nguyễn Thị Lan",
                                     "password": "mật-khẩu-dài-1", "csrf": value_of(form, "csrf")})
    assert r.status == 303, (r.status, r.text[:400])


def test_login_refused_keeps_the_number_and_where_she_was_going():
    c = S.Client(source=elsewhere())
    c.get("/account/login?next=/dossiers/new%3Fprocedure%3D1.001193")
    typed = "0912 345 %03d" % random.randint(0, 999)     # failures count per account too
    r = c.post("/account/login", {"contact": typed, "password": "sai-mat-khau-1",
                                  "next": "/dossiers/new?procedure=1.001193"})
    form = refused_in_place(r, 422, "/account/login", "password")
    assert value_of(form, "contact") == typed
    assert value_of(form, "password") is None and "sai-mat-khau-1" not in r.text
    assert value_of(form, "next") == "/dossiers/new?procedure=1.001193"
    assert "Sai số điện thoại/thư điện tử hoặc mật khẩu." in r.text


def test_wrong_code_shows_the_code_form_again_with_a_way_to_a_new_code():
    c = S.Client(source=elsewhere())
    contact = S.phone()
    c.get("/account/register")
    assert c.post("/account/register", {"contact": contact, "name": "Lò Văn Páo",
                                        "password": "mật-khẩu-dài-1"}).status == 303
    sent = re.search(r"\b(\d{6})\b", S.outbox(contact)[0]["body"]).group(1)
    wrong = "%06d" % ((int(sent) + 1) % 1000000)
    r = c.post("/account/verify", {"contact": contact, "code": wrong})
    form = refused_in_place(r, 422, "/account/verify", "code")
    assert value_of(form, "contact") == contact          # the hidden field she cannot retype
    assert value_of(form, "code") is None
    assert "Còn 4 lần thử" in r.text
    assert 'href="/account/register"' in r.text          # "Hãy đăng ký lại" has its link
    # and the right code, typed in the form shown again, signs her in
    r = c.post("/account/verify", {"contact": contact, "code": sent, "csrf": value_of(form, "csrf")})
    assert r.status == 303 and r.header("Location") == "/dossiers/", (r.status, r.text[:300])


def test_reset_refused_keeps_the_contact():
    c = S.Client(source=elsewhere())
    c.get("/account/reset")
    r = c.post("/account/reset", {"contact": "abc"})
    form = refused_in_place(r, 422, "/account/reset", "contact")
    assert value_of(form, "contact") == "abc"


def test_lookup_with_a_mistyped_secret_keeps_the_code():
    """The neighbour with no phone copies the code and the secret from his
    slip; one letter wrong must not lose the 25-character code."""
    code = "000.00.134.H26-261202-0001"
    src = elsewhere()
    r = H.get(H.q("/dossiers/lookup", code=code, secret="AAAAA-AAAAB"), source=src)
    form = refused_in_place(r, 404, "/dossiers/lookup", "secret")
    assert value_of(form, "code") == code and value_of(form, "secret") == "AAAAA-AAAAB"
    assert "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này." in r.text
    r = H.get(H.q("/dossiers/lookup", code=code), source=src)
    form = refused_in_place(r, 422, "/dossiers/lookup", "secret")
    assert value_of(form, "code") == code


def test_desk_login_refused_keeps_the_login():
    s = S.Client(port=H.INTRANET_PORT, source=elsewhere())
    s.get("/desk/login")
    login = "can-bo-%06d" % random.randint(0, 999999)
    r = s.post("/desk/login", {"login": login, "password": "sai-mat-khau-12"})
    form = refused_in_place(r, 422, "/desk/login", "password")
    assert value_of(form, "login") == login
    assert "sai-mat-khau-12" not in r.text


# --- the desk's queue with forty people in it -------------------------------------

def sql(q):
    import test_payment as P
    return P.sql(q)


def test_queue_counts_late_and_due_soon_filters_combine_and_closed_go_last():
    """The queue said "Quá hạn" and "Sắp đến hạn" with no number, had no
    way to narrow by procedure or channel though the route takes them, did
    not say which filter was on, and listed refused and returned dossiers
    among the ones still to do."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[20]
    codes = [S.file_dossier(c, agency).header("Location").rsplit("/", 1)[1] for _ in range(3)]
    late, refused, fresh = codes
    desk = S.staff(agency, "desk")
    assert S.move(desk, refused, 3, reason="Không đúng thẩm quyền").status == 303
    sql("UPDATE dossier SET due_day = due_day - INTERVAL 20 DAY, due_at = due_at - INTERVAL 20 DAY "
        "WHERE code = '%s'" % late)
    # the count is the number of rows the late filter lists (the portal's
    # day, not the database's UTC one)
    n_late = desk.get("/desk/?due=late").text.count('<tr class="late">')
    assert n_late >= 1

    page = desk.get("/desk/").text
    assert "Đang xem: <strong>tất cả hồ sơ</strong>" in page, page[:3000]
    m = re.search(r'<a class="late" href="/desk/\?due=late">Quá hạn: <strong>(\d+)</strong></a>', page)
    assert m and int(m.group(1)) == n_late, page[:3000]
    assert re.search(r'href="/desk/\?due=soon"[^>]*>Sắp đến hạn: <strong>\d+</strong>', page)
    assert 'href="/desk/?procedure=1.001193">Thủ tục đăng ký khai sinh: <strong>' in page
    assert 'href="/desk/?channel=2">Trực tuyến: <strong>' in page
    # the refused one after every one still to do, the late one first
    assert page.index(late) < page.index(fresh) < page.index(refused)
    assert 'data-label="Hẹn trả"' in page                # each card line says what it is

    page = desk.get("/desk/?due=late").text
    assert "Đang xem: <strong>Quá hạn</strong>" in page and 'aria-current="page">Quá hạn' in page
    assert late in page and fresh not in page and 'href="/desk/">Bỏ lọc</a>' in page
    # a procedure's link keeps the late filter
    assert 'href="/desk/?procedure=1.001193&amp;due=late"' in page, page[:3000]
    page = desk.get("/desk/?procedure=1.001193&due=late").text
    assert "Quá hạn · Thủ tục đăng ký khai sinh</strong>" in page and late in page
    page = desk.get("/desk/?status=7&channel=3").text
    assert "Không có hồ sơ nào trong bộ lọc này." in page


# --- the auditor: the receipt register and corrections -----------------------------

def paid_obligation():
    import test_payment as P
    ob = P.create((120000, 30000))
    loc, _ = P.start(ob["payment_code"])
    P.follow_return(P.bank_pays(loc, "paid"))
    assert H.wait_until(lambda: P.status_of(ob["payment_code"]) == "paid", 15)
    return P.AGENCY, ob["payment_code"]


def test_receipt_register_and_refund_state_in_words():
    """The corrections page was a search box for a payment code: an
    auditor reconciling the day had no list of the receipts issued to
    start from.  And a refund's state was shown as the database's word
    ("hoàn tiền: due")."""
    agency, code = paid_obligation()
    token, number = sql("SELECT r.verify_token, r.number FROM receipt r JOIN obligation o "
                        "ON o.id = r.obligation_id WHERE o.payment_code = '%s'" % code)[0]
    lead = S.staff(agency, "leader")
    page = lead.get("/payment/admin/receipts")
    assert page.status == 200
    assert "Biên lai đã lập gần đây" in page.text, page.text[:2000]
    row = re.search(r'<tr data-kind="receipt">(?:(?!</tr>).)*href="/payment/admin/receipts\?ma=%s"' % code,
                    page.text, re.S)
    assert row, page.text[:4000]
    assert 'href="/receipts/%s">Biên lai số %s</a>' % (token, number) in row.group(0)
    assert "150.000" in row.group(0) and 'data-label="Ngày lập"' in row.group(0)
    # another agency's receipts are not in this register
    other = sql("SELECT o.payment_code FROM receipt r JOIN obligation o ON o.id = r.obligation_id "
                "WHERE r.agency_code <> '%s' LIMIT 1" % agency)
    if other:
        assert "ma=%s" % other[0][0] not in page.text

    # the obligation's page leads back to the register
    page = lead.get("/payment/admin/receipts?ma=" + code).text
    assert 'href="/payment/admin/receipts">' in page
    r = lead.post("/payment/admin/receipts/%s/refund" % code, {"ly_do": "Nộp nhầm khoản"})
    assert r.status == 303, (r.status, r.text[:500])
    page = lead.get("/payment/admin/receipts?ma=" + code).text
    m = re.search(r"\(hoàn tiền: ([^<,)]+)", page)
    assert m and m.group(1) in ("Chờ hoàn tiền", "Đang gửi yêu cầu hoàn tiền", "Đã hoàn tiền"), \
        (m and m.group(1), page[:3000])


def test_payment_staff_pages_link_to_each_other_by_role():
    """The receipts register and corrections were linked from nowhere (the
    intranet's "Thanh toán" opens the refunds of second payments), and no
    payment staff page led to another."""
    import test_payment as P
    P.setup_agency()
    lead = S.staff(P.AGENCY, "leader")
    menu = lambda text: re.search(r'<nav class="subnav".*?</nav>', text, re.S).group(0)
    page = menu(lead.get("/payment/admin/flagged").text)
    for href in ("/payment/admin/receipts", "/payment/admin/obligations/new", "/payment/admin/deliveries"):
        assert 'href="%s"' % href in page, (href, page[:2000])
    desk = S.staff(P.AGENCY, "desk")
    page = menu(desk.get("/payment/admin/obligations/new").text)
    assert 'href="/payment/admin/deliveries"' in page
    # only what the desk officer's role opens: no link to a 403
    assert 'href="/payment/admin/receipts"' not in page and 'href="/payment/admin/flagged"' not in page


# --- "Hồ sơ của tôi": what to do next, and what is late ------------------------------

def test_my_dossiers_say_what_to_do_and_what_is_late():
    """The list showed a status and a date only: a dossier waiting for her
    fee or her papers looked like one waiting for the agency, a date past
    was not marked, and there was no way from the list to file another.
    A refused dossier was marked late on its page (the agency is not late
    on a dossier it has closed, nor while it waits for a supplement)."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[21]
    import test_submission_pay as SP
    SP.configure(agency)
    fee, late, refused, supp = [S.file_dossier(c, agency).header("Location").rsplit("/", 1)[1]
                                for _ in range(4)]
    desk = S.staff(agency, "desk")
    for code in (fee, supp):
        assert S.move(desk, code, 2).status == 303
    assert S.move(desk, fee, 6, amount="8.000", fee_name="Lệ phí đăng ký khai sinh").status == 303
    assert S.move(desk, supp, 5, reason="Thiếu giấy chứng sinh").status == 303
    assert S.move(desk, refused, 3, reason="Không đúng thẩm quyền").status == 303
    sql("UPDATE dossier SET due_day = due_day - INTERVAL 20 DAY, due_at = due_at - INTERVAL 20 DAY "
        "WHERE code IN ('%s', '%s')" % (late, refused))

    page = c.get("/dossiers/").text
    item = lambda code: re.search(r'<li><a href="/dossiers/%s">.*?</li>' % re.escape(code), page, re.S).group(0)
    assert 'href="/catalog/"' in page and "Nộp hồ sơ mới" in page
    assert '<a class="next-step" href="/dossiers/%s">Bạn cần nộp phí, lệ phí</a>' % fee in item(fee)
    assert '<a class="next-step" href="/dossiers/%s">Bạn cần bổ sung giấy tờ</a>' % supp in item(supp)
    assert "(quá hạn)" in item(late) and "(quá hạn)" not in item(fee)
    assert "(quá hạn)" not in item(refused) and "next-step" not in item(refused)
    assert "(quá hạn)" in c.get("/dossiers/" + late).text
    assert "(quá hạn)" not in c.get("/dossiers/" + refused).text


# --- a refused filing keeps the form ------------------------------------------------

def test_refused_filing_comes_back_filled_in():
    """A filing refused by the handler (a name with no letter, an ID of 11
    digits) showed the general error page and lost the whole form; it
    comes back with what was typed, the agency and the way to get the
    result still chosen, and says to choose the files again."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[3]
    r = S.file_dossier(c, agency, applicant_name="...", applicant_address="Thôn Đông, xã Sóc Sơn",
                       result_channel="post")
    form = refused_in_place(r, 422, "/dossiers", "applicant_name")
    assert value_of(form, "applicant_name") == "..."
    assert value_of(form, "applicant_id") == "001190012345"
    assert value_of(form, "applicant_address") == "Thôn Đông, xã Sóc Sơn"
    assert '<option value="%s" selected>' % agency in form
    assert re.search(r'name="result_channel" value="post" checked', form)
    assert "Hãy chọn lại các tệp" in r.text
    assert 'name="doc_1"' in form and 'name="once"' in form

    # the walk-in at the desk, the same
    desk = S.staff(agency, "desk")
    desk.get("/desk/dossiers/new?procedure=" + S.PROC)
    fields = {"procedure": S.PROC, "applicant_name": "Lò Văn Páo", "applicant_id": "00108005432",
              "result_channel": "desk", "channel": "3"}
    r = desk.post_multipart("/desk/dossiers", fields, {"doc_1": ("to.jpg", S.JPEG, "image/jpeg")})
    form = refused_in_place(r, 422, "/desk/dossiers", "applicant_id")
    assert value_of(form, "applicant_name") == "Lò Văn Páo"
    assert '<option value="3" selected>' in form


def test_lookup_tells_the_walk_in_how_to_supplement():
    """The neighbour with no account follows by code + secret: at 'Yêu cầu
    bổ sung giấy tờ' the page said papers were needed but not where to
    take them (he cannot upload without an account), and it had no way
    on to another lookup."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[4]
    desk = S.staff(agency, "desk")
    code = S.walk_in(desk)
    slip = desk.get("/desk/dossiers/%s/receipt" % code).text
    secret = re.search(r'class="secret">([A-Z0-9-]+)<', slip).group(1)
    assert S.move(desk, code, 2).status == 303
    assert S.move(desk, code, 5, reason="Thiếu giấy chứng sinh").status == 303
    page = H.get(H.q("/dossiers/lookup", code=code, secret=secret)).text
    assert "Cách bổ sung:" in page and "bộ phận một cửa của" in page, page[:3000]
    assert "Thiếu giấy chứng sinh" in page
    assert 'href="/dossiers/lookup">Tra cứu hồ sơ khác</a>' in page


def test_a_file_of_the_wrong_kind_keeps_the_filing_form():
    """A phone's HEIC photo or a text file named .pdf was refused by the
    server before the form's page could answer: the general error page,
    every typed field lost.  The refusal still names the file and is a 422,
    no dossier is made, and the form comes back filled in."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[3]
    before = int(sql("SELECT COUNT(*) FROM dossier")[0][0])
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    r = S.file_dossier(c, agency, files={"doc_1": ("IMG_0001.HEIC", heic, "image/heic"),
                                         "doc_2": ("giay.png", S.PNG, "image/png")},
                       applicant_address="Thôn Đông, xã Sóc Sơn")
    form = refused_in_place(r, 422, "/dossiers", "doc_1")
    assert "không phải tệp PDF, JPEG hoặc PNG" in r.text
    assert value_of(form, "applicant_address") == "Thôn Đông, xã Sóc Sơn"
    assert "Hãy chọn lại các tệp" in r.text and "Giấy tờ số 1" in r.text
    assert int(sql("SELECT COUNT(*) FROM dossier")[0][0]) == before
    # a scan over 10 MB: 413 naming it, and the form kept as well
    big = S.JPEG[:-2] + b"\0" * (11 << 20) + b"\xff\xd9"
    r = S.file_dossier(c, agency, files={"doc_1": ("scan.jpg", big, "image/jpeg")},
                       applicant_address="Thôn Đông, xã Sóc Sơn")
    form = refused_in_place(r, 413, "/dossiers", "doc_1")
    assert "lớn quá 10 MB" in r.text and value_of(form, "applicant_address") == "Thôn Đông, xã Sóc Sơn"
    assert int(sql("SELECT COUNT(*) FROM dossier")[0][0]) == before
    # a forged token with the same file is still refused as forged, first
    r = c.post_multipart("/dossiers", {"procedure": S.PROC, "agency": agency, "csrf": "0" * 64},
                         {"doc_1": ("IMG_0001.HEIC", heic, "image/heic")})
    assert r.status == 403, (r.status, r.text[:300])


def test_queue_views_write_no_temporary_table_to_disk():
    """A desk officer with a queue of forty people reloads the queue all
    day.  Its list and its per-procedure counts were sorted and grouped with
    the procedures' names (TEXT) in the rows, so each view wrote Aria
    temporary tables to disk (see test_wallet_results for why that matters).
    The same page, in the same order, now writes none."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[21]
    codes = [S.file_dossier(c, agency).header("Location").rsplit("/", 1)[1] for _ in range(3)]
    desk = S.staff(agency, "desk")
    assert S.move(desk, codes[2], 3, reason="Không đúng thẩm quyền").status == 303
    first = desk.get("/desk/").text
    assert first.index(codes[0]) < first.index(codes[1]) < first.index(codes[2])
    m = re.search(r'href="/desk/\?procedure=1\.001193">Thủ tục đăng ký khai sinh: <strong>(\d+)</strong>', first)
    assert m and int(m.group(1)) >= 3, first[:3000]
    disk = "SHOW GLOBAL STATUS LIKE 'Created_tmp_disk_tables'"
    before = int(sql(disk)[0][1])
    for path in ("/desk/", "/desk/?due=late", "/desk/?procedure=1.001193", "/desk/?status=1&channel=2"):
        assert desk.get(path).status == 200, path
    assert int(sql(disk)[0][1]) == before, int(sql(disk)[0][1]) - before
