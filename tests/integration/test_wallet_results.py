"""test_wallet_results.py - two things issue 6 left a citizen without:

- the result the desk returns (status 10, the `result` file: a birth
  certificate extract, a decision) was not in the citizen's document wallet,
  although it is exactly the paper the next procedure asks for.  It is now,
  labelled as a result with its dossier's code and procedure, reusable with
  reuse_N like any wallet document, and only for the dossier's owner (a
  walk-in's dossier the desk attaches to an account later included);
- a dossier that was already late when the desk asked for a supplement
  (status 5) keeps its delay (store.c), but its page and the public lookup
  said only that the clock was paused: they now say how many working days
  it was late and that it stays that late once the papers come.

Needs the stack started by tests/run.sh (or make run) with PORTAL_DEV_OUTBOX=1.
"""
import html
import re

import harness as H
import test_payment as P
import test_submission as S

sql = P.sql
RESULT_PDF = S.PDF


def filed_and_returned(c, agency, result_channel="online"):
    """The citizen `c` files a dossier at `agency`; its leader takes it to
    status 10 with a result file.  (code, result document id)."""
    r = S.file_dossier(c, agency, result_channel=result_channel)
    assert r.status == 303, (r.status, r.text[:300])
    code = r.header("Location").rsplit("/", 1)[1]
    return code, returned(agency, code, "trich-luc-khai-sinh.pdf")


def returned(agency, code, filename):
    """The agency's leader takes `code` to status 10 with a result file
    named `filename`: that document's id."""
    s = S.staff(agency)
    for to in (2, 4, 9):
        assert S.move(s, code, to).status == 303, to
    r = S.move(s, code, 10, files={"result": (filename, RESULT_PDF, "application/pdf")})
    assert r.status == 303, (r.status, r.text[:400])
    rows = sql("SELECT dd.id FROM dossier_document dd JOIN dossier x ON x.id = dd.dossier_id "
               f"WHERE x.code = '{code}' AND dd.role = 'result'")
    assert len(rows) == 1, rows
    return rows[0][0]


def wallet_options(c):
    """The wallet as the filing form offers it: {id: label} of the first select."""
    r = c.get(H.q("/dossiers/new", procedure=S.PROC))
    assert r.status == 200, r.status
    m = re.search(r'<select id="reuse_1"[^>]*>(.*?)</select>', r.text, re.S)
    if not m:
        return {}
    return dict(re.findall(r'<option value="(\d+)">([^<]*)</option>', m.group(1)))


def counts():
    return sql("SELECT (SELECT COUNT(*) FROM dossier), (SELECT COUNT(*) FROM dossier_document), "
               "(SELECT COUNT(*) FROM document_blob)")[0]


def test_result_is_in_its_owners_wallet_and_reusable():
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[5]
    code, doc = filed_and_returned(c, agency)
    pname = sql(f"SELECT name FROM `procedure` WHERE code = '{S.PROC}'")[0][0]
    opts = wallet_options(c)
    assert doc in opts, opts
    # labelled as a result, with the dossier's code and its procedure
    assert opts[doc].startswith(f"Kết quả của hồ sơ {code}"), opts[doc]
    assert pname in html.unescape(opts[doc]), (pname, opts[doc])
    # results come first: the paper the next procedure asks for
    assert list(opts)[0] == doc, list(opts)
    assert "hoặc dùng lại giấy tờ đã nộp hoặc kết quả đã nhận" in c.get(
        H.q("/dossiers/new", procedure=S.PROC)).text
    # reused for the first document of a new dossier, with no upload
    r = S.file_dossier(c, agency, files={}, reuse_1=doc)
    assert r.status == 303, (r.status, r.text[:400])
    new = r.header("Location").rsplit("/", 1)[1]
    rows = sql("SELECT n.role, n.blob_id = o.blob_id, n.sha256 = o.sha256, n.reused_from, n.kind, n.size "
               "FROM dossier_document n JOIN dossier x ON x.id = n.dossier_id "
               f"JOIN dossier_document o ON o.id = {doc} WHERE x.code = '{new}'")
    assert rows == [["input", "1", "1", doc, "pdf", str(len(RESULT_PDF))]], rows
    # the new dossier's page lists it and serves its bytes
    page = c.get(f"/dossiers/{new}").text
    got = re.findall(rf'/dossiers/{re.escape(new)}/documents/(\d+)', page)
    assert len(got) == 1, got
    f = c.get(f"/dossiers/{new}/documents/{got[0]}")
    assert f.status == 200 and f.body == RESULT_PDF, f.status
    # and the desk of the new dossier sees it among the dossier's papers
    desk = S.staff(agency)
    assert "/documents/" in desk.get(f"/desk/dossiers/{new}").text


def disk_temp_tables():
    return int(sql("SHOW GLOBAL STATUS LIKE 'Created_tmp_disk_tables'")[0][1])


def test_wallet_is_read_without_temporary_tables_on_disk():
    """The filing form reads the wallet on every view.  With the documents'
    names (TEXT) inside its union, each view made MariaDB write two Aria
    temporary tables to disk, and MariaDB 10.11 crashed freeing one under
    load (dossier.c, wallet_show).  The same wallet, in the same order, now
    needs none."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[5]
    code, doc = filed_and_returned(c, agency)
    assert S.file_dossier(c, agency).status == 303
    first = wallet_options(c)
    assert list(first)[0] == doc and len(first) >= 3, first
    before = disk_temp_tables()
    for _ in range(5):
        assert wallet_options(c) == first
    assert disk_temp_tables() == before, disk_temp_tables() - before


def test_another_citizen_cannot_see_or_reuse_a_result():
    owner = S.Client()
    S.register(owner)
    agency = S.agencies(owner)[5]
    code, doc = filed_and_returned(owner, agency)
    other = S.Client()
    S.register(other)
    # the stranger files once so that their own wallet is not empty
    assert S.file_dossier(other, agency).status == 303
    opts = wallet_options(other)
    assert opts and doc not in opts, opts
    assert code not in " ".join(opts.values())
    before = counts()
    r = S.file_dossier(other, agency, files={}, reuse_1=doc)
    assert r.status == 422, (r.status, r.text[:300])
    assert "reuse_1" in r.text and "Không có giấy tờ này trong kho của bạn" in r.text, r.text[-1500:]
    assert counts() == before, (counts(), before)
    # not even beside an upload of their own (the filing is refused whole)
    r = S.file_dossier(other, agency, files={"doc_1": ("a.jpg", S.JPEG, "image/jpeg")}, reuse_2=doc)
    assert r.status == 422 and "reuse_2" in r.text, (r.status, r.text[:300])
    assert counts() == before


def test_walk_in_result_reaches_the_account_the_desk_attaches():
    """A walk-in's dossier has no owner when its result is returned; once
    the desk attaches it to the person's account, the result is theirs."""
    c = S.Client()
    contact = S.register(c)
    agency = S.agencies(c)[5]
    desk = S.staff(agency, "desk")
    code = S.walk_in(desk)
    doc = returned(agency, code, "ket-qua.pdf")
    assert doc not in wallet_options(c)
    desk.get(f"/desk/dossiers/{code}")
    r = desk.post(f"/desk/dossiers/{code}/attach", {"contact": contact})
    assert r.status == 303, (r.status, r.text[:300])
    opts = wallet_options(c)
    assert doc in opts and code in opts[doc], opts


# --- a paused late dossier says it is late ------------------------------------------

# Today in Vietnam (GMT+7), the day the programs count in: the database's
# clock is UTC, and CURDATE() is yesterday there from 17:00 UTC to midnight.
VN_TODAY = "DATE(UTC_TIMESTAMP() + INTERVAL 7 HOUR)"


def past_working_days(n):
    """The n working days before today, newest first (the holiday table's
    days off and swapped working days, as calendar.c reads them)."""
    return [r[0] for r in sql(
        f"SELECT d FROM (SELECT {VN_TODAY} - INTERVAL seq DAY d FROM seq_1_to_40) k "
        "WHERE (WEEKDAY(d) < 5 AND d NOT IN (SELECT day FROM holiday WHERE kind <> 'swap_work')) "
        "OR d IN (SELECT day FROM holiday WHERE kind = 'swap_work' AND WEEKDAY(day) >= 5) "
        f"ORDER BY d DESC LIMIT {n}")]


def late_by(code, n):
    """Make the dossier's due day the n-th working day before today: n
    working days late (today being one, as the check runs on working days)."""
    due = past_working_days(n)[-1]
    sql(f"UPDATE dossier SET due_day = '{due}', due_at = '{due} 16:59:59' WHERE code = '{code}'")
    return due


def today_works():
    return sql(f"SELECT (WEEKDAY({VN_TODAY}) < 5 AND {VN_TODAY} NOT IN (SELECT day FROM holiday "
               f"WHERE kind <> 'swap_work')) OR {VN_TODAY} IN (SELECT day FROM holiday "
               "WHERE kind = 'swap_work')")[0][0] == "1"


NOTE = "Hồ sơ đã quá hạn %d ngày làm việc"


def test_paused_late_dossier_tells_the_citizen_how_late_it_is():
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[5]
    r = S.file_dossier(c, agency, result_channel="desk")
    assert r.status == 303
    code = r.header("Location").rsplit("/", 1)[1]
    s = S.staff(agency)
    assert S.move(s, code, 2).status == 303
    n = 3 if today_works() else 2
    due = late_by(code, 3)
    assert S.move(s, code, 5, reason="Thiếu bản sao giấy chứng sinh").status == 303
    left = int(sql(f"SELECT paused_days_left FROM dossier WHERE code = '{code}'")[0][0])
    assert left == -n, (left, n)
    page = c.get(f"/dossiers/{code}")
    assert page.status == 200
    assert NOTE % n in page.text, page.text[:3000]
    assert "thời hạn tính tiếp" in page.text and f"vẫn chậm {n} ngày làm việc" in page.text
    assert "còn " not in re.search(r"Hẹn trả kết quả</th><td>(.*?)</td>", page.text, re.S).group(1)
    # "Hồ sơ của tôi" says it in short on the dossier's line
    mine = c.get("/dossiers/").text
    line = re.search(r'<li><a href="/dossiers/%s">.*?</li>' % re.escape(code), mine, re.S).group(0)
    assert "Đã quá hạn %d ngày làm việc khi cơ quan yêu cầu bổ sung" % n in line, line
    # the public lookup with code and secret says the same
    slip = c.get(f"/dossiers/{code}/receipt").text
    secret = re.search(r'class="secret">([A-Z0-9-]+)<', slip).group(1)
    look = H.get(H.q("/dossiers/lookup", code=code, secret=secret))
    assert look.status == 200 and NOTE % n in look.text, look.text[:3000]
    # the papers come: the clock runs again, as late as it was, and the
    # note of the pause gives way to the plain "quá hạn"
    r = c.post_multipart(f"/dossiers/{code}/supplement", {},
                         {"doc_1": ("bo-sung.png", S.PNG, "image/png")})
    assert r.status == 303, (r.status, r.text[:300])
    assert sql(f"SELECT due_day FROM dossier WHERE code = '{code}'")[0][0] == due or not today_works()
    page = c.get(f"/dossiers/{code}").text
    assert "ngày làm việc</strong> khi cơ quan yêu cầu bổ sung" not in page
    assert "(quá hạn)" in page


def test_paused_dossier_with_days_left_says_no_delay():
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[5]
    r = S.file_dossier(c, agency, result_channel="desk")
    code = r.header("Location").rsplit("/", 1)[1]
    s = S.staff(agency)
    assert S.move(s, code, 2).status == 303
    assert S.move(s, code, 5, reason="Thiếu tờ khai").status == 303
    left = int(sql(f"SELECT paused_days_left FROM dossier WHERE code = '{code}'")[0][0])
    assert left > 0, left
    page = c.get(f"/dossiers/{code}").text
    assert f"còn {left} ngày làm việc" in page
    assert "quá hạn" not in page, page[:3000]
    assert "quá hạn" not in c.get("/dossiers/").text
