"""test_submission_load.py - the issue's size and concurrency checks on the
submission area: a 31 MB dossier is a 413, 500 parts a 4xx, and 1,000
dossiers filed at once (32 at a time) to one commune on one day get the
codes 0001-1000 of a fresh agency-day, none twice and none missing.
Nothing refused leaves a row.
"""
import concurrent.futures

import harness as H
import test_payment as P
import test_submission as S


def count_dossiers():
    return int(P.sql("SELECT COUNT(*) FROM dossier")[0][0])


def test_31_mb_dossier_is_413_and_leaves_nothing():
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[0]
    before = count_dossiers()
    # four files under the 10 MB file cap, 31 MB together
    part = S.JPEG[:-2] + b"\0" * (int(7.75 * (1 << 20)) - len(S.JPEG)) + b"\xff\xd9"
    files = {f"doc_{i}": (f"anh{i}.jpg", part, "image/jpeg") for i in range(1, 5)}
    r = S.file_dossier(c, agency, files=files)
    assert r.status == 413, (r.status, r.text[:300])
    assert count_dossiers() == before


def test_500_parts_is_refused_and_leaves_nothing():
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[0]
    before = count_dossiers()
    fields = {"procedure": S.PROC, "agency": agency, "applicant_name": "Nguyễn Thị Lan",
              "applicant_id": "001190012345", "result_channel": "desk", "csrf": c.csrf}
    body, ctype = S.multipart(fields, {f"doc_{i}": ("a.jpg", S.JPEG, "image/jpeg")
                                       for i in range(1, 495)})
    r = c.send("POST", "/dossiers", body, ctype)
    assert 400 <= r.status < 500, r.status
    assert "doc_" in r.text or "phần" in r.text, r.text[:300]
    assert count_dossiers() == before


def test_thousand_dossiers_at_once_get_0001_to_1000():
    clients = []
    for _ in range(8):
        c = S.Client()
        S.register(c)
        clients.append(c)
    # a commune nobody else files with in this run: a fresh agency-day
    ags = S.agencies(clients[0])
    used = {r[0] for r in P.sql("SELECT DISTINCT agency_code FROM dossier")}
    agency = next(a for a in reversed(ags) if a not in used)
    for c in clients:
        c.get(H.q("/dossiers/new", procedure=S.PROC))
    n = 1000

    def one(i):
        c = clients[i % len(clients)]
        fields = {"procedure": S.PROC, "agency": agency, "applicant_name": "Nguyễn Thị Lan",
                  "applicant_id": "001190012345", "result_channel": "desk", "csrf": c.csrf}
        body, ctype = S.multipart(fields, {"doc_1": ("to.jpg", S.JPEG, "image/jpeg")})
        return c.send("POST", "/dossiers", body, ctype)

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as ex:
        results = list(ex.map(one, range(n)))
    assert all(r.status == 303 for r in results), sorted({r.status for r in results})
    seqs = sorted(int(r.header("Location")[-4:]) for r in results)
    assert seqs == list(range(1, n + 1)), (seqs[:5], seqs[-5:])
    rows = P.sql("SELECT COUNT(*), COUNT(DISTINCT code) FROM dossier WHERE agency_code = '%s'" % agency)
    assert rows == [[str(n), str(n)]], rows
    # the day's counters, kept in the filings' own transactions across
    # shard rows, add up to what the raw table holds (the statistics' check)
    rows = P.sql("SELECT SUM(received), COUNT(*) FROM sub_daily WHERE agency_code = '%s'" % agency)
    assert rows[0][0] == str(n) and int(rows[0][1]) >= 1, rows
