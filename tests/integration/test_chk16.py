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
