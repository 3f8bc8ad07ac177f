"""test_chk16.py - what the checker of issue 6 found in round 16 (the
public lookup of a paused late dossier, the wallet's results, "Hồ sơ của
tôi", postal filings at the desk, double posts), each a test that failed
before its fix, with the probes that passed kept as checks.
"""
import html
import random
import re
import time

import harness as H
import test_payment as P
import test_submission as S
import test_wallet_results as W

sql = P.sql


def plain(text):
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", text, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def code_of(r):
    assert r.status == 303, (r.status, r.text[:400])
    return r.header("Location").rsplit("/", 1)[1]


def secret_of(c, code, desk=False):
    slip = c.get(("/desk/dossiers/%s/receipt" if desk else "/dossiers/%s/receipt") % code)
    assert slip.status == 200, slip.status
    return re.search(r'class="secret">([A-Z0-9-]+)<', slip.text).group(1), slip


def test_lookup_of_paused_late_dossier_with_wrong_secret_shows_nothing():
    c = S.Client()
    S.register(c, name="Hà Thị Mơ")
    agency = S.agencies(c)[6]
    code = code_of(S.file_dossier(c, agency, result_channel="desk", applicant_name="Hà Thị Mơ"))
    other = code_of(S.file_dossier(c, agency, result_channel="desk"))
    s = S.staff(agency)
    assert S.move(s, code, 2).status == 303
    W.late_by(code, 3)
    assert S.move(s, code, 5, reason="Thiếu bản sao giấy chứng sinh").status == 303
    mine, _ = secret_of(c, code)
    theirs, _ = secret_of(c, other)
    src = "127.0.%d.%d" % (random.randint(10, 250), random.randint(2, 250))
    for bad in (theirs, "AAAAA-AAAAA", mine[:-1] + ("A" if mine[-1] != "A" else "B"), ""):
        r = H.get(H.q("/dossiers/lookup", code=code, secret=bad), source=src)
        assert r.status in (404, 422), (bad, r.status)
        t = plain(r.text)
        for leak in ("quá hạn", "Hà Thị Mơ", "bổ sung", "Thiếu bản sao", "Hẹn trả", agency):
            assert leak not in t, (bad, leak, t[-800:])
    n = sql("SELECT COUNT(*) FROM attempt WHERE scope = 'lookup' AND k = 'addr:%s'" % src)[0][0]
    assert n == "3", n     # the empty one is a form error, not a miss
    r = H.get(H.q("/dossiers/lookup", code=code, secret=mine), source=src)
    assert r.status == 200 and "quá hạn" in plain(r.text)


def test_rating_sent_twice_is_the_one_kept():
    """A double tap on "Gửi đánh giá" (or the back button and send again)
    answered the second post with a 409 page headed "Chưa gửi được đánh
    giá": the citizen whose rating was kept was told it was not sent.  The
    same rating again now leads to the dossier's page and changes nothing;
    another score is still refused."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[9]
    code = code_of(S.file_dossier(c, agency, result_channel="desk"))
    s = S.staff(agency)
    for to in (2, 4, 9, 10):
        assert S.move(s, code, to).status == 303, to
    c.get(f"/dossiers/{code}")
    agg = ("SELECT COALESCE(SUM(ratings), 0), COALESCE(SUM(rating_sum), 0) FROM sub_daily "
           f"WHERE agency_code = '{agency}'")
    before = sql(agg)[0]
    r1 = c.post(f"/dossiers/{code}/rating", {"score": "5", "comment": "Nhanh, chu đáo"})
    assert r1.status == 303, r1.status
    r2 = c.post(f"/dossiers/{code}/rating", {"score": "5", "comment": "Nhanh, chu đáo"})
    assert r2.status == 303 and r2.header("Location") == f"/dossiers/{code}", (r2.status, plain(r2.text)[:300])
    assert sql(f"SELECT r.score, r.comment FROM rating r JOIN dossier x ON x.id = r.dossier_id "
               f"WHERE x.code = '{code}'") == [["5", "Nhanh, chu đáo"]]
    after = sql(agg)[0]
    assert [int(a) - int(b) for a, b in zip(after, before)] == [1, 5], (before, after)
    # another rating is a second one: refused, the first kept
    for other in ({"score": "1", "comment": "Nhanh, chu đáo"}, {"score": "5", "comment": "nhanh, chu dao"}):
        r = c.post(f"/dossiers/{code}/rating", other)
        assert r.status == 409 and "đã được đánh giá" in r.text, (other, r.status)
    assert sql(f"SELECT r.score, r.comment FROM rating r JOIN dossier x ON x.id = r.dossier_id "
               f"WHERE x.code = '{code}'") == [["5", "Nhanh, chu đáo"]]


def test_my_dossiers_puts_what_waits_on_me_first():
    """"Hồ sơ của tôi" of a citizen with 26 dossiers listed them newest
    first only: the one where the commune asked for a paper was the 19th
    line, three screens down on a 360 px phone, and refused, withdrawn,
    stopped and returned dossiers still said "hẹn trả …" as if a result
    were coming.  What waits on the citizen (5: papers, 6: a fee) now
    comes first, said above the list, and a closed dossier shows no
    appointment."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[11]
    lead = S.staff(agency)
    import test_submission_pay
    test_submission_pay.configure(agency)     # set up to collect fees (status 6)
    codes = [code_of(S.file_dossier(c, agency, result_channel="desk")) for _ in range(20)]
    plan = {0: [2, 4, 9, 10], 1: [2, 5], 2: [3], 4: [2, 4, 8], 5: [2, 4], 6: [2, 6], 7: [2]}
    for i, steps in plan.items():
        for to in steps:
            extra = {"reason": "Thiếu giấy tờ"} if to in (3, 5, 8) else {}
            if to == 6:
                extra = {"amount": "8.000", "fee_name": "Lệ phí đăng ký khai sinh"}
            assert S.move(lead, codes[i], to, **extra).status == 303, (i, to)
    c.get(f"/dossiers/{codes[3]}")
    assert c.post(f"/dossiers/{codes[3]}/withdraw", {}).status == 303
    W.late_by(codes[7], 3)
    page = c.get("/dossiers/")
    assert page.status == 200
    lines = re.findall(r'<li><a href="/dossiers/([^"]+)">.*?</li>', page.text, re.S)
    assert lines[:2] == [codes[6], codes[1]], lines[:3]
    assert lines[2:] == [x for x in reversed(codes) if x not in (codes[1], codes[6])], lines
    assert "2 hồ sơ cần bạn làm tiếp" in plain(page.text)
    li = {m.group(1): plain(m.group(0)) for m in
          re.finditer(r'<li><a href="/dossiers/([^"]+)">.*?</li>', page.text, re.S)}
    for i in (0, 2, 3, 4):
        assert "hẹn trả" not in li[codes[i]], li[codes[i]]
    for i in (1, 5, 6, 7, 19):
        assert "hẹn trả" in li[codes[i]], li[codes[i]]
    assert "(quá hạn)" in li[codes[7]] and "Bạn cần nộp phí" in li[codes[6]]
    assert "Bạn cần bổ sung giấy tờ" in li[codes[1]]
    # nothing waiting: no such note
    c2 = S.Client()
    S.register(c2)
    code_of(S.file_dossier(c2, agency))
    assert "cần bạn làm tiếp" not in c2.get("/dossiers/").text


def test_walk_in_papers_reach_the_wallet_the_desk_attaches_and_supplements_say_so():
    """Two gaps in the wallet ("people must not hand in again what they
    already gave"):
    - a walk-in's dossier the desk attached to the person's account brought
      its result into their wallet but not the papers they handed in at the
      desk (owner_citizen_id stayed empty), so the next filing online asked
      for the same identity papers again;
    - a paper sent as a supplement was listed by its file's name alone,
      "image.jpg (code)" on most phones: it is now the name of the document
      it answers, "(bổ sung)" (a supplement of a procedure whose papers the
      catalog lists as no item: "Giấy tờ bổ sung – …").
    Another account still neither sees nor reuses them."""
    c = S.Client()
    contact = S.register(c)
    agency = S.agencies(c)[12]
    desk = S.staff(agency, "desk")
    lead = S.staff(agency)
    code = S.walk_in(desk)
    docs = [r[0] for r in sql("SELECT dd.id FROM dossier_document dd JOIN dossier x ON x.id = dd.dossier_id "
                              f"WHERE x.code = '{code}' AND dd.role = 'input'")]
    assert len(docs) == 1 and docs[0] not in W.wallet_options(c)
    desk.get(f"/desk/dossiers/{code}")
    assert desk.post(f"/desk/dossiers/{code}/attach", {"contact": contact}).status == 303
    opts = W.wallet_options(c)
    assert docs[0] in opts and code in opts[docs[0]], opts
    r = S.file_dossier(c, agency, files={}, reuse_1=docs[0])
    assert r.status == 303, (r.status, r.text[:300])
    # the supplement the citizen then sends online is labelled as one
    assert S.move(lead, code, 2).status == 303
    assert S.move(lead, code, 5, reason="Thiếu giấy chứng sinh").status == 303
    c.get(f"/dossiers/{code}")
    r = c.post_multipart(f"/dossiers/{code}/supplement", {}, {"doc_1": ("image.jpg", S.JPEG, "image/jpeg")})
    assert r.status == 303, r.status
    sup = sql("SELECT dd.id FROM dossier_document dd JOIN dossier x ON x.id = dd.dossier_id "
              f"WHERE x.code = '{code}' AND dd.role = 'supplement'")[0][0]
    opts = W.wallet_options(c)
    # by the name of the document it answers (doc_1: the filing form's
    # first), since supplements are sent "as when filing" (test_chk22)
    first = re.search(r"<legend>1\. (.*?)</legend>", c.get(H.q("/dossiers/new", procedure=S.PROC)).text).group(1)
    assert html.unescape(opts[sup]) == f"{html.unescape(first)} (bổ sung) ({code})", opts[sup]
    # nobody else's
    other = S.Client()
    S.register(other)
    assert S.file_dossier(other, agency).status == 303
    o = W.wallet_options(other)
    assert docs[0] not in o and sup not in o
    for d in (docs[0], sup):
        r = S.file_dossier(other, agency, files={}, reuse_1=d)
        assert r.status == 422 and "reuse_1" in r.text, r.status
    # attaching to a second account is refused and moves nothing
    desk.get(f"/desk/dossiers/{code}")
    other_contact = S.register(S.Client())
    r = desk.post(f"/desk/dossiers/{code}/attach", {"contact": other_contact})
    assert r.status == 409, r.status
    assert sql(f"SELECT COUNT(DISTINCT owner_citizen_id) FROM dossier_document WHERE id IN ({docs[0]}, {sup})") == [["1"]]


def test_result_by_post_with_no_address_is_flagged_to_the_desk():
    """A postal applicant (channel 3) or a walk-in who asked for the result
    by post could be filed with no address, and nothing on the desk's page
    said so: the officer returning the result (status 10) found out only
    with the envelope in hand.  The address stays optional (the interface
    does not require it), but the page now says it is missing and whom to
    ask, and the form says when it is needed."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[13]
    desk = S.staff(agency, "desk")
    warn = "Chưa có địa chỉ để gửi kết quả"
    for ch in ("3", "1"):
        code = S.walk_in(desk, channel=ch, result_channel="post", applicant_phone="0987654321")
        t = plain(desk.get(f"/desk/dossiers/{code}").text)
        assert warn in t and "0987654321" in t, t[:1500]
        code = S.walk_in(desk, channel=ch, result_channel="post",
                         applicant_address="Thôn Nà Hang, xã Tân Lập")
        assert warn not in plain(desk.get(f"/desk/dossiers/{code}").text)
    code = S.walk_in(desk, channel="1", result_channel="desk")
    assert warn not in plain(desk.get(f"/desk/dossiers/{code}").text)
    # the citizen's own filing by post, seen by the desk
    code = code_of(S.file_dossier(c, agency, result_channel="post"))
    assert warn in plain(desk.get(f"/desk/dossiers/{code}").text)
    assert "cần khi nhận kết quả qua bưu điện" in c.get(H.q("/dossiers/new", procedure=S.PROC)).text


def test_what_is_missing_is_said_where_the_papers_are_sent():
    """The desk writes what is missing when it asks for a supplement
    (status 5), but the dossier's page showed it only in the history,
    below the upload form: on a 360 px phone the citizen met "Gửi giấy tờ
    bổ sung" two screens before learning which paper to send.  The latest
    request's reason is now said above the form, and on the public lookup
    for the walk-in who brings the paper to the desk."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[14]
    lead = S.staff(agency)
    code = code_of(S.file_dossier(c, agency, result_channel="desk"))
    assert S.move(lead, code, 2).status == 303
    assert S.move(lead, code, 5, reason="Thiếu tờ khai có chữ ký").status == 303
    c.get(f"/dossiers/{code}")
    assert c.post_multipart(f"/dossiers/{code}/supplement", {},
                            {"doc_1": ("a.png", S.PNG, "image/png")}).status == 303
    assert S.move(lead, code, 5, reason="Thiếu bản sao giấy chứng sinh <có chứng thực>").status == 303
    page = c.get(f"/dossiers/{code}").text
    form_at = page.index('action="/dossiers/%s/supplement"' % code)
    head = page[page.index("<h2>Gửi giấy tờ bổ sung</h2>"):form_at]
    assert "Cơ quan yêu cầu bổ sung:" in head, head
    assert "Thiếu bản sao giấy chứng sinh &lt;có chứng thực&gt;" in head and "tờ khai" not in head, head
    desk = S.staff(agency, "desk")
    w = S.walk_in(desk)
    secret, _ = secret_of(desk, w, desk=True)
    assert S.move(lead, w, 2).status == 303
    assert S.move(lead, w, 5, reason="Thiếu giấy chứng sinh").status == 303
    t = plain(H.get(H.q("/dossiers/lookup", code=w, secret=secret)).text)
    assert "Cơ quan yêu cầu bổ sung: Thiếu giấy chứng sinh" in t, t[:1500]


def test_lookup_takes_the_code_as_typed_on_a_phone():
    """The tracking secret was taken in small letters and with spaces, but
    the dossier code beside it was not: "000.00.12.h26-…" (a phone keyboard
    types the H small), a space pasted before or after it, or one around a
    dash, and the lookup answered a bare 400 page with no form, to a walk-in
    holding the right slip.  The code is now read as the secret is, and
    what is still not a code is a 422 in the form naming the field, not
    counted as a miss."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[15]
    desk = S.staff(agency, "desk")
    w = S.walk_in(desk)
    secret, _ = secret_of(desk, w, desk=True)
    src = "127.0.%d.%d" % (random.randint(10, 250), random.randint(2, 250))
    for typed in (w.lower(), " " + w + " ", w.replace("-", " - ", 1), w + "\u00a0",
                  w.replace(".H", ".h")):
        r = H.get(H.q("/dossiers/lookup", code=typed, secret=secret), source=src)
        assert r.status == 200 and w in r.text and "Mới đăng ký" in r.text, (repr(typed), r.status)
    for bad in ("000.00.12.H26", "không biết", w + "9"):
        r = H.get(H.q("/dossiers/lookup", code=bad, secret=secret), source=src)
        assert r.status == 422, (bad, r.status)
        assert 'id="code"' in r.text and "Mã hồ sơ không đúng dạng" in r.text, r.text[:500]
    assert sql("SELECT COUNT(*) FROM attempt WHERE scope = 'lookup' AND k = 'addr:%s'" % src) == [["0"]]
    # a real code with a wrong secret is still a miss
    r = H.get(H.q("/dossiers/lookup", code=w.lower(), secret="AAAAA-AAAAA"), source=src)
    assert r.status == 404
    assert 'autocapitalize="characters"' in H.get("/dossiers/lookup").text.split('id="code"')[1].split(">")[0]


def test_my_dossiers_says_when_the_list_stops():
    """The list shows 200 dossiers; the 201st and older were dropped
    without a word.  It now says the list stops and how to find the rest.
    (The 200 copies are written in SQL: 200 filings over HTTP would take a
    minute of the suite for one sentence.)"""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[11]
    first = code_of(S.file_dossier(c, agency))
    assert "chỉ hiện 200 hồ sơ" not in c.get("/dossiers/").text
    cols = ("procedure_code, agency_code, citizen_id, filed_by_staff_id, applicant_name, applicant_id, "
            "applicant_dob, applicant_address, applicant_phone, channel, result_channel, status, "
            "tracking_secret_hash, limit_value, limit_unit, received_at, received_day, due_day, due_at, "
            "updated_at")
    P.sql("INSERT INTO dossier (code, %s) SELECT CONCAT(code, '-', s.seq), %s FROM dossier "
          "JOIN seq_1_to_200 s WHERE code = '%s'" % (cols, cols, first))
    page = c.get("/dossiers/")
    assert page.status == 200
    assert len(re.findall(r'<li><a href="/dossiers/', page.text)) == 200
    assert "chỉ hiện 200 hồ sơ" in plain(page.text) and "/dossiers/lookup" in page.text
    P.sql("DELETE FROM dossier WHERE code LIKE '%s-%%'" % first)
