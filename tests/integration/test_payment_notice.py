"""test_payment_notice.py - the paper a walk-in takes home, and the pay page
that says which dossier it is for.

The payment notice (giấy báo nộp tiền, /payment/admin/obligations/{code}/notice
on the intranet): for a walk-in's dossier filed at the desk (a marriage
registration, 1.000894, at a commune other than the other tests' ones),
after the desk records its fee: what is owed line by line, the total in
figures and in words, the due date, the collecting agency and the account,
the payment code in fours, a QR code and the address of the public /pay/
page (from PORTAL_PUBLIC_URL), how to pay; linked from the desk's dossier
page while open; staff of the collecting agency only (any role; another
agency's staff 403, logged out to the login, not on the public site),
each opening audited, a paid one a 409 with no way to pay on it.  An
obligation an agency's system created through the API, with no dossier,
has its notice too.

The pay page (/pay/{code}): a dossier's obligation names the dossier by its
code to anyone who has the payment code, links to the dossier's page for
its owner signed in, and to nobody else; no other dossier data.
"""
import os
import re

import harness as H
import test_payment as P
import test_submission as S
import test_submission_pay as SP

PUBLIC_URL = os.environ.get("PORTAL_PUBLIC_URL") or "http://%s:%d" % (H.HOST, H.PORT)
MARRIAGE = "1.000894"


def notice_path(pay):
    return "/payment/admin/obligations/%s/notice" % pay


def audits(pay):
    return int(P.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'payment_notice_view' "
                     "AND subject = '%s'" % pay)[0][0])


def commune(i):
    """The i-th commune that takes 1.001193 dossiers, set up to collect."""
    if "communes" not in STATE:
        STATE["communes"] = S.agencies(_citizen())
    agency = STATE["communes"][i]
    SP.configure(agency)
    return agency


def _citizen():
    c = S.Client()
    S.register(c)
    STATE["citizen"] = c
    return c


STATE = {}


def walk_in_at_six():
    """A walk-in's marriage registration filed at the desk, accepted, its fee
    recorded: (desk client, dossier code, payment code, agency)."""
    if "walk_in" not in STATE:
        STATE["walk_in"] = new_walk_in()
    return STATE["walk_in"]


def new_walk_in():
    """Another such dossier, of the same commune, its fee still open."""
    agency = commune(4)
    desk = S.staff(agency, "desk")
    r = desk.get(H.q("/desk/dossiers/new", procedure=MARRIAGE))
    assert r.status == 200, (r.status, r.text[:500])
    fields = {"procedure": MARRIAGE, "agency": agency, "applicant_name": "Lò Văn Pấng",
              "applicant_id": "011085001234", "result_channel": "desk", "channel": "1"}
    r = desk.post_multipart("/desk/dossiers", fields, {"doc_1": ("to-khai.jpg", S.JPEG, "image/jpeg")})
    assert r.status == 303, (r.status, r.text[:800])
    code = r.header("Location").rsplit("/", 1)[1]
    assert S.move(desk, code, 2).status == 303
    r = S.move(desk, code, 6, amount="16.000", fee_name="Phí cấp bản sao trích lục kết hôn (2 bản)")
    assert r.status == 303, (r.status, r.text[:500])
    pay = P.sql("SELECT payment_code FROM obligation WHERE dossier_code = '%s'" % code)[0][0]
    return desk, code, pay, agency


def test_desk_prints_the_notice_for_a_walk_in():
    desk, code, pay, agency = walk_in_at_six()
    page = desk.get("/desk/dossiers/" + code)
    assert page.status == 200
    assert 'href="%s"' % notice_path(pay) in page.text, page.text[-2500:]
    before = audits(pay)
    r = desk.get(notice_path(pay))
    assert r.status == 200, (r.status, r.text[:800])
    t = r.text
    assert "GIẤY BÁO NỘP TIỀN" in t
    assert 'href="/static/notice.css"' in t
    # who owes, for which dossier
    assert "Lò Văn Pấng" in t and "011085001234" in t and code in t
    # line by line, the total in figures and in words, the due date
    assert "Phí cấp bản sao trích lục kết hôn (2 bản)" in t and "16.000" in t
    assert "Mười sáu nghìn đồng" in t
    due = P.sql("SELECT DATE_FORMAT(due_date, '%%d/%%m/%%Y') FROM obligation WHERE payment_code = '%s'"
                % pay)[0][0]
    assert "Hạn nộp: <strong>%s</strong>" % due in t
    # who collects, into which account
    name = P.sql("SELECT name FROM agency WHERE code = '%s'" % agency)[0][0]
    assert name in t and agency in t
    assert "0011004123456" in t and "UBND XA THU NGHIEM" in t
    # the code in fours, large; the QR code and the public address it opens
    shown = "%s %s %s" % (pay[:4], pay[4:8], pay[8:])
    assert '<p class="digits">%s</p>' % shown in t
    assert "<svg" in t and "<path" in t
    assert PUBLIC_URL + "/pay/" + pay in t and PUBLIC_URL + "/pay/" in t
    assert "Nộp trực tuyến" in t and "Nộp tại bộ phận một cửa" in t
    # back to the dossier, and the opening is in the audit log
    assert 'href="/desk/dossiers/%s"' % code in t
    assert audits(pay) == before + 1
    row = P.sql("SELECT staff_login, agency_code, detail FROM audit_log WHERE action = "
                "'payment_notice_view' AND subject = '%s' ORDER BY id DESC LIMIT 1" % pay)[0]
    assert row[1] == agency and code in row[2], row


def test_notice_qr_opens_the_public_pay_page():
    """The QR code, decoded, is the public /pay/ address of this obligation,
    and that page answers on the public site without an account."""
    desk, code, pay, agency = walk_in_at_six()
    svg = re.search(r"<svg.*?</svg>", desk.get(notice_path(pay)).text, re.S).group(0)
    url = decode_qr(svg)
    assert url == PUBLIC_URL + "/pay/" + pay, url
    r = H.get("/pay/" + pay)
    assert r.status == 200 and code in r.text


def decode_qr(svg):
    """The text of an SVG QR code drawn as one path of rectangles, decoded with
    zbarimg (Debian's zbar-tools) from a PNG drawn here."""
    import shutil
    import subprocess
    import tempfile
    import zlib
    import struct
    assert shutil.which("zbarimg"), "zbarimg (zbar-tools) is needed to read the QR code"
    n = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    d = re.search(r' d="([^"]+)"', svg).group(1)
    dark = [[False] * n for _ in range(n)]
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)", d):
        for k in range(int(w)):
            dark[int(y)][int(x) + k] = True
    scale = 6
    rows = b""
    for y in range(n * scale):
        line = bytes(0 if dark[y // scale][x // scale] else 255 for x in range(n * scale))
        rows += b"\x00" + line
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", n * scale, n * scale, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        f.write(png)
        f.flush()
        out = subprocess.run(["zbarimg", "--raw", "-q", f.name], capture_output=True, text=True)
    assert out.returncode == 0, (out.returncode, out.stderr, d[:200])
    return out.stdout.strip()


def test_notice_access_rules():
    desk, code, pay, agency = walk_in_at_six()
    before = audits(pay)
    # logged out: to the staff login, and back here after
    r = H.get(notice_path(pay), port=H.INTRANET_PORT)
    assert r.status == 303, r.status
    assert r.header("Location") == "/desk/login?next=" + notice_path(pay).replace("/", "%2F"), \
        r.header("Location")
    # not on the public site at all
    assert H.get(notice_path(pay)).status == 404
    # another commune's desk officer: 403, and nothing audited
    other = S.staff(commune(6), "desk")
    r = other.get(notice_path(pay))
    assert r.status == 403, r.status
    assert "cơ quan khác" in r.text and "Lò Văn Pấng" not in r.text and "011085001234" not in r.text
    # nor is the link on that officer's view of the dossier (which is a 403 too)
    assert other.get("/desk/dossiers/" + code).status == 403
    assert audits(pay) == before
    # any role of the collecting agency: its processing officer, its leader
    for role in ("processor", "leader"):
        r = S.staff(agency, role).get(notice_path(pay))
        assert r.status == 200, (role, r.status)
    assert audits(pay) == before + 2
    # a code no obligation has: 404; one that is not a payment code: 404
    wrong = pay[:-1] + str((int(pay[-1]) + 1) % 10)
    assert desk.get(notice_path(wrong)).status == 404
    assert desk.get(notice_path("12345")).status == 404
    assert audits(pay) == before + 2


def test_pay_page_names_the_dossier_and_links_its_owner_only():
    c, s, code, pay = SP.at_six(8)
    anon = H.get("/pay/" + pay)
    assert anon.status == 200
    assert "Nộp cho hồ sơ" in anon.text and code in anon.text
    assert 'href="/dossiers/%s"' % code not in anon.text
    # no dossier data beyond its code: not the applicant's ID number, nor
    # the procedure, nor its status
    assert "001190012345" not in anon.text and "Thủ tục đăng ký khai sinh" not in anon.text
    assert "Yêu cầu thực hiện nghĩa vụ" not in anon.text
    # the owner, signed in on the public site: a link to the dossier
    mine = c.get("/pay/" + pay)
    assert mine.status == 200
    assert 'href="/dossiers/%s"' % code in mine.text, mine.text[-2000:]
    assert c.get("/dossiers/" + code).status == 200
    # another citizen, signed in: the code, no link (and the dossier is a 404 to them)
    other = S.Client()
    S.register(other, name="Đinh Thị Hoa")
    r = other.get("/pay/" + pay)
    assert r.status == 200 and code in r.text and 'href="/dossiers/%s"' % code not in r.text
    assert other.get("/dossiers/" + code).status == 404
    # a staff member's cookie means nothing on the public site
    r = H.get("/pay/" + pay, headers={"Cookie": s.cookie_header()})
    assert r.status == 200 and 'href="/dossiers/%s"' % code not in r.text
    # after the owner signs out: no link
    c.post("/account/logout", {})
    r = c.get("/pay/" + pay)
    assert r.status == 200 and 'href="/dossiers/%s"' % code not in r.text


def test_walk_in_pay_page_has_no_owner_to_link():
    desk, code, pay, agency = walk_in_at_six()
    r = STATE["citizen"].get("/pay/" + pay)      # a citizen signed in, not his
    assert r.status == 200 and code in r.text and 'href="/dossiers/%s"' % code not in r.text
    assert "011085001234" not in r.text


def test_api_obligation_without_a_dossier():
    made = P.create(amounts=(150000, 25000), group="phat_vphc")
    pay = made["payment_code"]
    ref = P.sql("SELECT reference FROM obligation WHERE payment_code = '%s'" % pay)[0][0]
    # the pay page: its reference, no dossier
    r = H.get("/pay/" + pay)
    assert r.status == 200 and ref in r.text and "Nộp cho hồ sơ" not in r.text
    # the notice: for staff of the agency the key acts for
    s = S.staff(P.AGENCY, "desk")
    r = s.get(notice_path(pay))
    assert r.status == 200, (r.status, r.text[:600])
    t = r.text
    assert "Số tham chiếu" in t and ref in t and "Hồ sơ:" not in t
    assert "Khoản 0" in t and "Khoản 1" in t and "175.000" in t
    assert "Một trăm bảy mươi lăm nghìn đồng" in t
    assert "Nguyễn Văn An" in t and "001090000001" in t
    assert PUBLIC_URL + "/pay/" + pay in t and "<svg" in t
    assert 'href="/payment/admin/obligations/new"' in t
    assert audits(pay) == 1
    # another agency's staff: 403
    other = [a for a in STATE.get("communes") or S.agencies(_citizen()) if a != P.AGENCY][0]
    assert S.staff(other, "leader").get(notice_path(pay)).status == 403
    # cancelled by the agency's system: the notice says so, and is no way to pay
    r = P.api("POST", "/payment/api/obligations/%s/cancel" % pay)
    assert r.status == 200, (r.status, r.body[:300])
    r = s.get(notice_path(pay))
    assert r.status == 409 and "Đã hủy" in r.text and "<svg" not in r.text
    assert "Nộp trực tuyến" not in r.text


def test_paid_notice_is_no_way_to_pay_and_the_link_goes():
    desk, code, pay, agency = walk_in_at_six()
    loc, q = P.start(pay)
    P.follow_return(P.bank_pays(loc, "paid"))
    assert H.wait_until(lambda: P.status_of(pay) == "paid", 15)
    r = desk.get(notice_path(pay))
    assert r.status == 409, r.status
    assert "đã được nộp" in r.text and "<svg" not in r.text and "Nộp trực tuyến" not in r.text
    assert re.search(r'href="/receipts/[0-9a-f]{32}"', r.text), r.text[-1500:]
    page = desk.get("/desk/dossiers/" + code).text
    assert notice_path(pay) not in page
    # the pay page still names the dossier, now paid
    r = H.get("/pay/" + pay)
    assert r.status == 200 and code in r.text and "Đã nộp" in r.text


def signature(text):
    return re.search(r'<div class="sign">(.*?)</div>\s*</div>', text, re.S).group(1)


def named_staff(agency, role, name):
    """An officer made in the shell with --name: (client, login)."""
    import random
    import subprocess
    login = "nv%x" % random.getrandbits(40)
    pw = "mật-khẩu-cán-bộ-2"
    p = subprocess.run([os.path.join(P.ROOT, "conf", "stack.sh"), "admin", "staff-add", "--agency", agency,
                        "--role", role, "--login", login, "--name", name],
                       input=pw + "\n", capture_output=True, text=True, cwd=P.ROOT)
    assert p.returncode == 0, p.stderr
    c = S.Client(port=H.INTRANET_PORT)
    assert c.get("/desk/login").status == 200
    assert c.post("/desk/login", {"login": login, "password": pw}).status == 303
    return c, login


def test_notice_signer_is_a_name_never_a_login():
    """An account made without --name carries its login as its name; the
    paper handed to a citizen then leaves the signer's name to be written
    by hand, and never prints the login.  With a full name, the name."""
    desk, code, pay, agency = new_walk_in()
    login = S._staff[(agency, "desk")][0]
    assert P.sql("SELECT name FROM staff WHERE login = '%s'" % login) == [[login]]
    t = desk.get(notice_path(pay)).text
    sign = signature(t)
    assert "Người lập giấy báo" in sign and "(ký, ghi rõ họ tên)" in sign
    assert login not in t, sign
    assert '<span class="name blank"' in sign, sign
    # the collecting agency's own officer: no other agency named under it
    assert P.sql("SELECT name FROM agency WHERE code = '%s'" % agency)[0][0] not in sign
    named, _ = named_staff(agency, "desk", "Hoàng Thị Mỷ")
    sign = signature(named.get(notice_path(pay)).text)
    assert '<span class="name">Hoàng Thị Mỷ</span>' in sign and "blank" not in sign, sign


def covering(agency, admin=True):
    """An agency other than `agency` whose administrators answer for it
    (lib/scope.h), and one that does not (another province's)."""
    near = P.sql("SELECT s.code FROM agency t JOIN agency s ON s.kind IN ('province', 'office') AND "
                 "IF(s.kind = 'province', s.id, s.parent_id) IN (t.id, t.parent_id) "
                 "WHERE t.code = '%s' AND s.code <> t.code ORDER BY s.kind = 'office' DESC LIMIT 1"
                 % agency)[0][0]
    far = P.sql("SELECT s.code FROM agency t JOIN agency s ON s.kind = 'province' AND s.id <> t.parent_id "
                "WHERE t.code = '%s' ORDER BY s.code LIMIT 1" % agency)[0][0]
    return near, far


def test_province_admin_has_the_link_and_the_page_agrees():
    """An administrator of the province's office sees a commune's dossiers
    (issue 6), and so its notice: the link on the dossier page and the page
    it opens agree, for them and for everyone the rule leaves out."""
    desk, code, pay, agency = new_walk_in()
    near, far = covering(agency)
    before = audits(pay)
    admin, admin_login = named_staff(near, "admin", "Trịnh Văn Quyết")
    page = admin.get("/desk/dossiers/" + code)
    assert page.status == 200, page.status
    assert 'href="%s"' % notice_path(pay) in page.text, page.text[-2000:]
    r = admin.get(notice_path(pay))
    assert r.status == 200, (r.status, r.text[:500])
    # the collecting agency heads the paper; the signer is named with their
    # own agency, not passed off as the commune's
    collector = P.sql("SELECT name FROM agency WHERE code = '%s'" % agency)[0][0]
    office = P.sql("SELECT name FROM agency WHERE code = '%s'" % near)[0][0]
    assert collector in r.text
    sign = signature(r.text)
    assert office in sign and "Trịnh Văn Quyết" in sign, sign
    assert audits(pay) == before + 1
    row = P.sql("SELECT staff_login, agency_code FROM audit_log WHERE action = 'payment_notice_view' "
                "AND subject = '%s' ORDER BY id DESC LIMIT 1" % pay)[0]
    assert row == [admin_login, near], row
    # the same office's desk officer answers for its own agency only:
    # no dossier page, no notice
    other = S.staff(near, "desk")
    assert other.get("/desk/dossiers/" + code).status == 403
    assert other.get(notice_path(pay)).status == 403
    # another province's administrator: neither
    far_admin = S.staff(far, "admin")
    assert far_admin.get("/desk/dossiers/" + code).status == 403
    r = far_admin.get(notice_path(pay))
    assert r.status == 403 and "Lò Văn Pấng" not in r.text
    assert audits(pay) == before + 1
