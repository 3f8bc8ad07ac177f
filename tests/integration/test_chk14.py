"""test_chk14.py - what a checker of the submission area (issue 6) found on
procedures, agencies and channels the earlier rounds did not walk, each a
test that failed before its fix.

It files 1.003930 (Cấp lại Giấy chứng nhận đăng ký phương tiện, a
procedure of both the commune and the province level whose catalog entry
names the Sở Xây dựng), and a postal (channel 3) birth registration at the
Phường Đống Đa desk, followed by code and tracking secret.
"""
import html
import time
import re

import harness as H
import test_payment as P
import test_submission as S

VESSEL = "1.003930"     # implementing agency: "Sở Xây dựng, Uỷ ban Nhân dân cấp xã, …"


def plain(text):
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", text, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def department(name):
    return P.sql("SELECT code FROM agency WHERE province_code = '01' AND kind = 'department'"
                 " AND name = '%s'" % name)[0][0]


def offered(c, proc):
    r = c.get(H.q("/dossiers/new", procedure=proc))
    assert r.status == 200, (r.status, r.text[:300])
    return dict(re.findall(r'<option value="([0-9.]+\.H\d\d)"[^>]*>([^<]*)', r.text))


def count_dossiers():
    return int(P.sql("SELECT COUNT(*) FROM dossier")[0][0])


# --- 1. a province-level procedure goes to the department that handles it ------

def test_province_procedure_is_offered_only_at_the_department_the_catalog_names():
    """The form of 1.003930 offered every commune and then every provincial
    agency (Thanh tra, Sở Tư pháp, Công an, …), and a dossier posted to
    the Inspectorate was accepted: the catalog says the Sở Xây dựng (and the
    communes) handle it.  Now a provincial agency is offered, and accepted,
    only when the catalog's implementing agency names it; a text that names
    none of the province's departments still offers them all."""
    c = S.Client()
    S.register(c, name="Trần Văn Hùng")
    ags = offered(c, VESSEL)
    xay_dung, thanh_tra, tu_phap = (department("Sở Xây dựng"), P.sql(
        "SELECT code FROM agency WHERE province_code = '01' AND name = 'Thanh tra'")[0][0],
        department("Sở Tư pháp"))
    assert xay_dung in ags, ags
    assert thanh_tra not in ags and tu_phap not in ags, [ags.get(thanh_tra), ags.get(tu_phap)]
    assert any(n.startswith("Ủy ban nhân dân Phường") for n in ags.values())

    fields = {"procedure": VESSEL, "applicant_name": "Trần Văn Hùng", "applicant_id": "001085012345",
              "applicant_phone": "0912345678", "result_channel": "post"}
    files = {"doc_1": ("don.jpg", S.JPEG, "image/jpeg"), "doc_2": ("dang-kiem.png", S.PNG, "image/png")}
    before = count_dossiers()
    c.get(H.q("/dossiers/new", procedure=VESSEL))
    r = c.post_multipart("/dossiers", {**fields, "agency": thanh_tra}, files)
    assert r.status == 422 and "agency" in r.text, (r.status, r.text[:300])
    assert count_dossiers() == before
    c.get(H.q("/dossiers/new", procedure=VESSEL))
    r = c.post_multipart("/dossiers", {**fields, "agency": xay_dung}, files)
    assert r.status == 303, (r.status, r.text[:300])
    assert r.header("Location").startswith("/dossiers/%s-" % xay_dung)

    # an officer of the Inspectorate is not offered the form either
    desk = S.staff(thanh_tra, "desk")
    r = desk.get("/desk/dossiers/new?procedure=" + VESSEL)
    assert r.status == 422, r.status
    # and the Sở Xây dựng's is
    assert S.staff(xay_dung, "desk").get("/desk/dossiers/new?procedure=" + VESSEL).status == 200

    # a procedure whose catalog text names no department of the province
    # ("Ủy ban nhân dân cấp tỉnh", "Cơ quan chức năng …") keeps them all
    other = P.sql("SELECT p.code FROM `procedure` p WHERE p.level_province = 1 AND p.level_commune = 0"
                  " AND p.level_ministry = 0 AND p.online_level <> 'none'"
                  " AND p.implementing_agency LIKE 'Cơ quan chức năng do%' ORDER BY p.code LIMIT 1")
    if other:
        ags = offered(c, other[0][0])
        assert thanh_tra in ags and xay_dung in ags and tu_phap in ags, ags


# --- 2. a postal filing is not said to have been handed in at the desk ---------

def test_postal_filing_is_followed_as_received_by_post():
    """A dossier the desk records as received by post (channel 3) showed,
    on the public tracking page its applicant opens with code and secret,
    "Mới đăng ký (Cán bộ) Nộp tại bộ phận một cửa": the person who posted
    the papers read that they handed them in at the desk.  The first event
    now says they came by the public postal service."""
    desk_agency = P.sql("SELECT code FROM agency WHERE province_code = '01' AND kind = 'commune'"
                        " AND name = 'Ủy ban nhân dân Phường Đống Đa'")[0][0]
    desk = S.staff(desk_agency, "desk")
    r = S.walk_in_post(desk, channel="3", result_channel="post", applicant_name="Lò Thị Mai")
    assert r.status == 303, (r.status, r.text[:300])
    code = r.header("Location").rsplit("/", 1)[1]
    slip = plain(desk.get("/desk/dossiers/%s/receipt" % code).text)
    secret = re.search(r"Mã tra cứu:? ([A-Z0-9-]+)", slip).group(1)
    page = H.get(H.q("/dossiers/lookup", code=code, secret=secret))
    assert page.status == 200, page.status
    t = plain(page.text)
    assert "bưu chính" in t, t
    assert "Nộp tại bộ phận một cửa" not in t, t
    # a walk-in's still says the desk
    r = S.walk_in_post(desk, channel="1")
    code = r.header("Location").rsplit("/", 1)[1]
    assert P.sql("SELECT e.reason FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id"
                 " WHERE d.code = '%s'" % code) == [["Nộp tại bộ phận một cửa"]]


# --- 3. the /pay/ finder counts misses ----------------------------------------

def test_pay_finder_by_reference_and_id_is_rate_limited():
    """/pay/tra-cuu?tham_chieu=…&giay_to=… answered any number of guesses:
    with a reference people know (a fine's decision number, an electricity
    customer code) and ID numbers guessed in turn, the one redirect to
    /pay/{code} tells whose ID number goes with it, and that page the
    name.  Misses are now counted per client address like the dossier
    lookup's: after ten, a 429 in Vietnamese, even for the right pair."""
    import random
    import urllib.parse
    r = P.create((120_000,), group="tien_dien", ref="PE09%08d" % random.getrandbits(26))
    code = r["payment_code"]
    ref = P.sql("SELECT reference FROM obligation WHERE payment_code = '%s'" % code)[0][0]
    src = "127.0.%d.%d" % (random.randint(10, 250), random.randint(2, 250))

    def find(pid):
        return H.get("/pay/tra-cuu?" + urllib.parse.urlencode({"tham_chieu": ref, "giay_to": pid}),
                     source=src)

    assert find("001090000001").status == 303          # the right pair, before any miss
    statuses = [find("0010900%05d" % (i + 2)).status for i in range(10)]
    assert statuses == [200] * 10, statuses
    r = find("001090000001")
    assert r.status == 429, r.status
    assert "quá nhiều lần" in r.text and "/pay/" + code not in (r.header("Location") or "")
    # another address is not held back
    assert H.get("/pay/tra-cuu?" + urllib.parse.urlencode({"tham_chieu": ref, "giay_to": "001090000001"})
                 ).status == 303


def test_pay_finder_lists_every_obligation_of_a_reference():
    """Two terms' học phí under one student code, and the same payer: the
    finder redirected to the newest and the older one could not be found
    this way.  With more than one match it lists them all, those still to
    pay first, each linking to its page; with one it still goes straight
    to it."""
    import random
    import urllib.parse
    ref = "SV%010d" % random.getrandbits(32)
    first = P.create((4_500_000,), group="hoc_phi", ref=ref)["payment_code"]
    time.sleep(1.1)    # two identical signed requests in one second are one request replayed
    cancelled = P.create((300_000,), group="hoc_phi", ref=ref)["payment_code"]
    r = P.api("POST", "/payment/api/obligations/%s/cancel" % cancelled, b"")
    assert r.status == 200, (r.status, r.body)
    time.sleep(1.1)
    second = P.create((5_250_000,), group="hoc_phi", ref=ref)["payment_code"]
    r = H.get("/pay/tra-cuu?" + urllib.parse.urlencode({"tham_chieu": ref, "giay_to": "001090000001"}))
    assert r.status == 200, (r.status, r.header("Location"))
    links = re.findall(r'href="/pay/(\d{12})"', r.text)
    assert links == [second, first, cancelled], links     # to pay first, newest first
    text = plain(r.text)
    assert "5.250.000 đồng" in text and "4.500.000 đồng" in text and "Đã hủy" in text, text
    assert "Học phí" in text, text
    # the wrong ID number finds none of them
    r = H.get("/pay/tra-cuu?" + urllib.parse.urlencode({"tham_chieu": ref, "giay_to": "001090000002"}))
    assert r.status == 200 and not re.findall(r'href="/pay/(\d{12})"', r.text)
