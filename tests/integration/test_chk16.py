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
