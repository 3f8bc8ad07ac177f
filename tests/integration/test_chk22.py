"""test_chk22.py - two gaps of issue 6 between its interface and the pages:

- the supplement.  The interface says `POST /dossiers/{code}/supplement`
  (multipart: files doc_N "as when filing"), and when filing doc_N is the
  procedure's document N in the order the form lists them.  The citizen's
  supplement form offered two anonymous inputs ("Tệp bổ sung số 1/2") and
  stored what came with no document name: the desk read "Giấy tờ bổ sung
  (bổ sung)" and a phone's "image.jpg", the wallet the same, and a doc_99
  went through.  The form now lists the procedure's documents (each an
  optional upload doc_N, with the wallet beside it as reuse_N), the row
  carries the document's name (the desk's page, the citizen's, the wallet,
  the slip and the history say which paper came), a doc_N or reuse_N beyond
  the procedure's list is a 422 naming the field, and a procedure the
  catalog lists no document of keeps its two plain uploads;
- the public lookup.  A walk-in with no account follows his dossier with
  the code and the tracking secret of his slip; when the result was
  returned online (status 10) he could read that it was, and not download
  it: the desk first had to attach the dossier to an account he does not
  have.  The lookup now links the result file, served on the code and the
  secret alone (the lookup's rate limit, nothing else of the dossier,
  never cached, an attachment, not sniffed).

Needs the stack started by tests/run.sh (or make run) with PORTAL_DEV_OUTBOX=1,
and conf/stack.sh admin to create staff accounts.
"""
import html
import random
import re

import harness as H
import test_payment as P
import test_submission as S

sql = P.sql
GENERIC = "1.001521"     # online, but the catalog breaks its papers into no items


def form_docs(c, proc=S.PROC):
    """(n, name) of the documents the filing form lists, in its order."""
    r = c.get(H.q("/dossiers/new", procedure=proc))
    assert r.status == 200, r.status
    return [(int(n), html.unescape(name)) for n, name in
            re.findall(r"<legend>(\d+)\. (.*?)</legend>", r.text, re.S)]


def supplement_form(text, code):
    m = re.search(r'<form[^>]*action="/dossiers/%s/supplement"[^>]*>(.*?)</form>' % re.escape(code),
                  text, re.S)
    assert m, text[-3000:]
    return m.group(1)


def at_supplement(i, proc=S.PROC):
    """A citizen's dossier of `proc` at the i-th agency that takes it, which
    the desk asked to supplement (status 5): (client, leader, code)."""
    c = S.Client()
    S.register(c)
    page = c.get(H.q("/dossiers/new", procedure=proc)).text
    agency = re.findall(r'<option value="([0-9.]+\.H\d\d)">', page)[i]
    c.get(H.q("/dossiers/new", procedure=proc))
    r = c.post_multipart("/dossiers", {"procedure": proc, "agency": agency,
                                       "applicant_name": "Nguyễn Thị Lan", "applicant_id": "001190012345",
                                       "result_channel": "online"},
                         {"doc_1": ("to-khai.jpg", S.JPEG, "image/jpeg")})
    assert r.status == 303, (r.status, r.text[:300])
    code = r.header("Location").rsplit("/", 1)[1]
    lead = S.staff(agency)
    assert S.move(lead, code, 2).status == 303
    assert S.move(lead, code, 5, reason="Thiếu bản sao giấy chứng sinh").status == 303
    return c, lead, code


def rows(code, role="supplement"):
    return sql("SELECT dd.doc_seq, dd.doc_name, dd.original_name, dd.reused_from FROM dossier_document dd "
               f"JOIN dossier x ON x.id = dd.dossier_id WHERE x.code = '{code}' AND dd.role = '{role}' "
               "ORDER BY dd.id")


def state(code):
    return sql("SELECT x.status, (SELECT COUNT(*) FROM dossier_document d WHERE d.dossier_id = x.id), "
               "(SELECT COUNT(*) FROM dossier_event e WHERE e.dossier_id = x.id) "
               f"FROM dossier x WHERE x.code = '{code}'")


def catalog_seq(proc, name):
    seqs = sql("SELECT d.seq FROM procedure_document d JOIN `procedure` p ON p.id = d.procedure_id "
               f"WHERE p.code = '{proc}' AND d.name LIKE CONCAT('%', '{name[-40:]}')")
    assert seqs, name
    return seqs[0][0]


# --- the supplement, as when filing -------------------------------------------------------

def test_supplement_form_lists_the_procedures_documents():
    c, _, code = at_supplement(60)
    docs = form_docs(c)
    assert len(docs) > 2, docs
    form = supplement_form(c.get(f"/dossiers/{code}").text, code)
    # every document of the filing form, in its order, under its name
    got = [(int(n), html.unescape(name)) for n, name in
           re.findall(r"<legend>(\d+)\. (.*?)</legend>", form, re.S)]
    assert got == docs, (got, docs)
    inputs = re.findall(r'<input type="file" name="(doc_\d+)"', form)
    assert inputs == [f"doc_{n}" for n, _ in docs], inputs
    # the wallet beside each (the first dossier's own papers are in it)
    assert re.findall(r'<select id="(reuse_\d+)"', form) == [f"reuse_{n}" for n, _ in docs]
    assert "Tệp bổ sung số" not in form


def test_supplement_is_kept_under_the_documents_name():
    c, lead, code = at_supplement(61)
    docs = dict(form_docs(c))
    name3 = docs[3]
    c.get(f"/dossiers/{code}")
    r = c.post_multipart(f"/dossiers/{code}/supplement", {}, {"doc_3": ("image.jpg", S.JPEG, "image/jpeg")})
    assert r.status == 303, (r.status, r.text[:500])
    got = rows(code)
    assert got == [[catalog_seq(S.PROC, name3), name3, "image.jpg", "NULL"]], got
    # the desk's page: the document by its name, as a supplement
    desk = html.unescape(lead.get(f"/desk/dossiers/{code}").text)
    assert f"{name3}</a> (bổ sung, jpeg" in desk, desk[desk.find("Giấy tờ"):][:2000]
    # the citizen's page, the slip, the history
    page = html.unescape(c.get(f"/dossiers/{code}").text)
    assert f"{name3}</a> (bổ sung, jpeg" in page
    assert f"Công dân đã bổ sung giấy tờ: {name3}" in page
    slip = html.unescape(c.get(f"/dossiers/{code}/receipt").text)
    assert f"<td>{name3} (bổ sung)</td>" in slip, slip[slip.find("Thành phần"):][:2000]
    # the wallet: the paper by its name, said to be a supplement
    sup = sql("SELECT dd.id FROM dossier_document dd JOIN dossier x ON x.id = dd.dossier_id "
              f"WHERE x.code = '{code}' AND dd.role = 'supplement'")[0][0]
    opts = {k: html.unescape(v) for k, v in
            re.findall(r'<option value="(\d+)">([^<]*)</option>',
                       re.search(r'<select id="reuse_1"[^>]*>(.*?)</select>',
                                 c.get(H.q("/dossiers/new", procedure=S.PROC)).text, re.S).group(1))}
    assert opts[sup] == f"{name3} (bổ sung) ({code})", opts[sup]


def test_supplement_beyond_the_procedures_list_is_refused_naming_the_field():
    c, _, code = at_supplement(62)
    n = len(form_docs(c))
    before = state(code)
    c.get(f"/dossiers/{code}")
    field = f"doc_{n + 1}"
    r = c.post_multipart(f"/dossiers/{code}/supplement", {},
                         {"doc_1": ("a.jpg", S.JPEG, "image/jpeg"), field: ("b.jpg", S.PNG, "image/png")})
    assert r.status == 422, (r.status, r.text[:500])
    t = html.unescape(r.text)
    assert f"trường “{field}”" in t and f"chỉ có {n} loại giấy tờ" in t, t[:3000]
    # shown in the dossier's own page, its supplement form still there
    assert "Chưa gửi được bổ sung" in t and supplement_form(r.text, code)
    assert state(code) == before
    # a wallet document for a place the procedure does not have
    mine = sql("SELECT dd.id FROM dossier_document dd JOIN dossier x ON x.id = dd.dossier_id "
               f"WHERE x.code = '{code}' AND dd.role = 'input'")[0][0]
    r = c.post_multipart(f"/dossiers/{code}/supplement", {f"reuse_{n + 1}": mine}, {})
    assert r.status == 422 and f"trường “reuse_{n + 1}”" in html.unescape(r.text), r.status
    # nothing at all
    r = c.post_multipart(f"/dossiers/{code}/supplement", {}, {})
    assert r.status == 422 and "Cần ít nhất một tệp bổ sung" in html.unescape(r.text), r.status
    assert state(code) == before


def test_supplement_reuses_a_wallet_document_and_only_ones_own():
    c, lead, code = at_supplement(63)
    docs = dict(form_docs(c))
    mine = sql("SELECT dd.id FROM dossier_document dd JOIN dossier x ON x.id = dd.dossier_id "
               f"WHERE x.code = '{code}' AND dd.role = 'input'")[0][0]
    # another citizen's paper is not in this wallet
    other = S.Client()
    S.register(other)
    assert S.file_dossier(other, S.agencies(other)[63]).status == 303
    theirs = sql("SELECT MAX(id) FROM dossier_document WHERE role = 'input'")[0][0]
    before = state(code)
    c.get(f"/dossiers/{code}")
    r = c.post_multipart(f"/dossiers/{code}/supplement", {"reuse_2": theirs}, {})
    assert r.status == 422 and "trường “reuse_2”" in html.unescape(r.text), r.status
    # a new file and the wallet for the same document: one or the other
    r = c.post_multipart(f"/dossiers/{code}/supplement", {"reuse_2": mine},
                         {"doc_2": ("a.jpg", S.JPEG, "image/jpeg")})
    assert r.status == 422 and "chỉ chọn một trong hai" in html.unescape(r.text), r.status
    assert state(code) == before
    r = c.post_multipart(f"/dossiers/{code}/supplement", {"reuse_2": mine}, {})
    assert r.status == 303, (r.status, r.text[:500])
    got = rows(code)
    assert got == [[catalog_seq(S.PROC, docs[2]), docs[2], "to-khai.jpg", mine]], got
    # the same post again (the back button) is the one already kept
    r = c.post_multipart(f"/dossiers/{code}/supplement", {"reuse_2": mine}, {})
    assert r.status == 303, (r.status, r.text[:300])
    assert len(rows(code)) == 1
    # its bytes are the wallet's
    sup = sql("SELECT dd.id FROM dossier_document dd JOIN dossier x ON x.id = dd.dossier_id "
              f"WHERE x.code = '{code}' AND dd.role = 'supplement'")[0][0]
    f = lead.get(f"/desk/dossiers/{code}/documents/{sup}")
    assert f.status == 200 and f.body == S.JPEG


def test_supplement_sent_twice_and_too_late():
    c, lead, code = at_supplement(64)
    c.get(f"/dossiers/{code}")
    files = {"doc_4": ("giay-chung-sinh.pdf", S.PDF, "application/pdf")}
    assert c.post_multipart(f"/dossiers/{code}/supplement", {}, files).status == 303
    after = state(code)
    assert after[0][0] == "4"
    # the same files again: nothing more
    assert c.post_multipart(f"/dossiers/{code}/supplement", {}, files).status == 303
    assert state(code) == after and len(rows(code)) == 1
    # other papers once it is back in processing: 409, not dropped unsaid
    r = c.post_multipart(f"/dossiers/{code}/supplement", {}, {"doc_4": ("b.png", S.PNG, "image/png")})
    assert r.status == 409, r.status
    assert state(code) == after


def test_generic_procedure_keeps_its_plain_uploads():
    """A procedure whose papers the catalog lists as no item has no
    documents to name: its supplement form keeps two plain uploads, and
    what comes is kept as a supplement with no catalog name."""
    c, lead, code = at_supplement(0, proc=GENERIC)
    form = supplement_form(c.get(f"/dossiers/{code}").text, code)
    assert "Tệp bổ sung số 1" in form and "Tệp bổ sung số 2" in form
    assert re.findall(r'name="(doc_\d+)"', form) == ["doc_1", "doc_2"], form
    assert "<legend>" not in form
    r = c.post_multipart(f"/dossiers/{code}/supplement", {}, {"doc_2": ("scan.pdf", S.PDF, "application/pdf")})
    assert r.status == 303, (r.status, r.text[:300])
    assert rows(code) == [["2", "", "scan.pdf", "NULL"]], rows(code)
    assert "Giấy tờ bổ sung</a> (bổ sung, pdf" in html.unescape(c.get(f"/dossiers/{code}").text)


# --- the result for a walk-in, by code and secret -------------------------------------------

def walk_in_returned(i, result_channel="online", to=10):
    """A walk-in's dossier at the i-th commune of 1.001193, filed by its
    desk, taken by its leader through 2, 4, 9 up to `to` (with a result
    file at 10): (code, secret of the slip)."""
    agency = S.agencies(c_registered())[i]
    desk = S.staff(agency, "desk")
    code = S.walk_in(desk, result_channel=result_channel)
    slip = desk.get(f"/desk/dossiers/{code}/receipt").text
    secret = re.search(r'class="secret">([A-Z0-9-]+)<', slip).group(1)
    lead = S.staff(agency)
    for st in (2, 4, 9, 10):
        if st > to:
            break
        files = {"result": ("trich-luc.pdf", S.PDF, "application/pdf")} if st == 10 else None
        r = S.move(lead, code, st, files=files)
        assert r.status == 303, (st, r.status, r.text[:300])
    return code, secret


_registered = []


def c_registered():
    """A signed-in citizen, only to read the communes the filing form offers."""
    if not _registered:
        c = S.Client()
        S.register(c)
        _registered.append(c)
    return _registered[0]


def result_url(code, secret):
    return H.q("/dossiers/lookup/result", code=code, secret=secret)


def src():
    """An address of its own to miss from: 127.22.x.y, a range no other test
    draws from, so the addresses this file locks out lock out no one else."""
    return "127.22.%d.%d" % (random.randint(1, 250), random.randint(2, 250))


def test_walk_in_downloads_the_result_with_code_and_secret():
    code, secret = walk_in_returned(65)
    # the lookup page links it
    page = H.get(H.q("/dossiers/lookup", code=code, secret=secret.lower().replace("-", " ")))
    assert page.status == 200, page.status
    link = html.unescape(re.search(r'<a href="(/dossiers/lookup/result\?[^"]+)"', page.text).group(1))
    assert ">Tải tệp kết quả</a>" in page.text
    r = H.get(link)
    assert r.status == 200, (r.status, r.text[:300])
    assert r.body == S.PDF
    assert r.header("Content-Type").startswith("application/pdf"), r.header("Content-Type")
    assert r.header("Content-Disposition").startswith("attachment;"), r.header("Content-Disposition")
    assert r.header("X-Content-Type-Options") == "nosniff"
    cc = r.header("Cache-Control")
    assert "private" in cc and "no-store" in cc, cc
    # typed as from the slip, in small letters and with spaces
    r = H.get(result_url(code.lower(), secret.lower().replace("-", " ")))
    assert r.status == 200 and r.body == S.PDF, r.status


def test_result_download_refused_without_the_secret_or_a_result_online():
    code, secret = walk_in_returned(66)
    wrong = "AAAAA-AAAAA" if secret != "AAAAA-AAAAA" else "BBBBB-BBBBB"
    r = H.get(result_url(code, wrong), source=src())
    assert r.status == 404 and S.PDF not in r.body, r.status
    assert "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này" in html.unescape(r.text)
    r = H.get(result_url(code, ""), source=src())
    assert r.status == 422 and S.PDF not in r.body, r.status
    # a dossier returned at the desk has no file to give; one not yet at 10 neither
    for i, channel, to in ((67, "desk", 10), (68, "online", 9)):
        other, osecret = walk_in_returned(i, result_channel=channel, to=to)
        page = H.get(H.q("/dossiers/lookup", code=other, secret=osecret))
        assert page.status == 200 and "/dossiers/lookup/result" not in page.text
        r = H.get(result_url(other, osecret))
        assert r.status == 404 and S.PDF not in r.body, (channel, to, r.status)
        assert "không có kết quả trả trực tuyến" in html.unescape(r.text)


def test_result_download_is_rate_limited_with_the_lookup():
    code, secret = walk_in_returned(69)
    ip = src()
    wrong = "AAAAA-AAAAA" if secret != "AAAAA-AAAAA" else "BBBBB-BBBBB"
    got = [H.get(result_url(code, wrong), source=ip).status for _ in range(10)]
    assert got == [404] * 10, got
    # then even the right secret waits, here and on the lookup page
    r = H.get(result_url(code, secret), source=ip)
    assert r.status == 429 and S.PDF not in r.body, r.status
    assert H.get(H.q("/dossiers/lookup", code=code, secret=secret), source=ip).status == 429
    # misses on the lookup page count here too
    ip2 = src()
    for _ in range(10):
        H.get(H.q("/dossiers/lookup", code=code, secret=wrong), source=ip2)
    assert H.get(result_url(code, secret), source=ip2).status == 429
    # another address is not held up
    r = H.get(result_url(code, secret), source=src())
    assert r.status == 200 and r.body == S.PDF, r.status
