"""test_submission_desk.py - the desk attaches a walk-in's dossier to a
citizen's account (audited; the dossier then shows in the citizen's "Hồ sơ
của tôi"), and an administrator of the province's office sees and acts on
the dossiers of the agencies under the province, while other agencies'
staff, and the office's staff who are not administrators, still get 403.
"""
import re

import harness as H
import test_payment as P
import test_submission as S


def walk_in(agency):
    desk = S.staff(agency, "desk")
    r = desk.get(H.q("/desk/dossiers/new", procedure=S.PROC))
    assert r.status == 200
    fields = {"procedure": S.PROC, "agency": agency, "applicant_name": "Trần Văn Bình",
              "applicant_id": "001080054321", "result_channel": "desk", "channel": "1"}
    r = desk.post_multipart("/desk/dossiers", fields, {"doc_1": ("to.jpg", S.JPEG, "image/jpeg")})
    assert r.status == 303, (r.status, r.text[:300])
    return desk, r.header("Location").rsplit("/", 1)[1]


def attach(s, code, contact, **kw):
    s.get(f"/desk/dossiers/{code}")
    return s.post(f"/desk/dossiers/{code}/attach", {"contact": contact}, **kw)


def audit_rows(code):
    return P.sql("SELECT staff_login, action, detail FROM audit_log WHERE action = 'dossier_attach' "
                 f"AND subject = '{code}'")


def test_desk_attaches_walk_in_dossier_to_citizen():
    c = S.Client()
    contact = S.register(c)
    agency = S.agencies(c)[4]
    desk, code = walk_in(agency)
    assert code not in c.get("/dossiers/").text
    assert c.get(f"/dossiers/{code}").status == 404
    page = desk.get(f"/desk/dossiers/{code}")
    assert f'action="/desk/dossiers/{code}/attach"' in page.text
    # the contact as a person types it: spaces, +84
    typed = "+84 " + contact[1:4] + " " + contact[4:]
    r = attach(desk, code, typed)
    assert r.status == 303 and r.header("Location") == f"/desk/dossiers/{code}", (r.status, r.text[:300])
    mine = c.get("/dossiers/")
    assert mine.status == 200 and code in mine.text
    r = c.get(f"/dossiers/{code}")
    assert r.status == 200 and "Mới đăng ký" in r.text
    assert any(m["subject"] == f"Hồ sơ {code}" for m in S.outbox(contact))
    rows = audit_rows(code)
    assert len(rows) == 1 and rows[0][2] == contact, rows
    # posted twice: nothing changes, no second audit row
    assert attach(desk, code, contact).status == 303
    assert len(audit_rows(code)) == 1
    assert 'action="/desk/dossiers/%s/attach"' % code not in desk.get(f"/desk/dossiers/{code}").text
    # another account cannot take it over
    other = S.Client()
    contact2 = S.register(other)
    r = attach(desk, code, contact2)
    assert r.status == 409, r.status
    assert code not in other.get("/dossiers/").text


def test_attach_refuses_bad_input_and_other_agencies():
    c = S.Client()
    contact = S.register(c)
    ags = S.agencies(c)
    agency = ags[5]
    desk, code = walk_in(agency)
    for bad in ("", "abc", "0912"):
        r = attach(desk, code, bad)
        assert r.status == 422 and "contact" in r.text, (bad, r.status, r.text[:300])
    r = attach(desk, code, S.phone())  # nobody registered it
    assert r.status == 422 and "contact" in r.text, (r.status, r.text[:300])
    r = attach(desk, code, contact, csrf=False)
    assert r.status == 403
    far = S.staff(ags[6], "desk")
    assert attach(far, code, contact).status == 403
    # a processing officer has no attach button to press
    proc = S.staff(agency, "processor")
    assert attach(proc, code, contact).status == 403
    assert audit_rows(code) == []
    assert code not in c.get("/dossiers/").text


def province_of(agency):
    return re.search(r"\.(H\d\d)$", agency).group(1)


def test_province_office_admin_sees_and_acts_on_agencies_under_it():
    c = S.Client()
    S.register(c)
    ags = S.agencies(c)
    agency = ags[7]
    prov = province_of(agency)
    r = S.file_dossier(c, agency)
    assert r.status == 303
    code = r.header("Location").rsplit("/", 1)[1]
    office = f"000.00.01.{prov}"   # Văn phòng UBND tỉnh, under the province
    admin = S.staff(office, "admin")
    assert admin.get(f"/desk/dossiers/{code}").status == 200
    # the queue holds the agencies under the province (the oldest 200 first)
    queue = admin.get(H.q("/desk/", status="1")).text
    listed = set(re.findall(r"([0-9.]+\.%s)-\d{6}-\d{4}" % prov, queue))
    assert listed - {office}, listed
    assert admin.get(f"/desk/dossiers/{code}/receipt").status == 200
    r = S.move(admin, code, 2)
    assert r.status == 303, (r.status, r.text[:300])
    assert "Được tiếp nhận" in c.get(f"/dossiers/{code}").text
    # the province's own administrator too
    top = S.staff(f"000.00.00.{prov}", "admin")
    assert top.get(f"/desk/dossiers/{code}").status == 200
    # the office's staff who are not administrators: their own agency only
    office_desk = S.staff(office, "desk")
    assert office_desk.get(f"/desk/dossiers/{code}").status == 403
    assert S.move(office_desk, code, 4).status == 403
    assert code not in office_desk.get("/desk/").text
    # an administrator of a commune is not one of the province
    commune_admin = S.staff(ags[8], "admin")
    assert commune_admin.get(f"/desk/dossiers/{code}").status == 403
    assert S.move(commune_admin, code, 4).status == 403
    assert code not in commune_admin.get("/desk/").text
    # another province's administrator
    other = next(p for p in ("H01", "H79", "H48", "H31") if p != prov)
    far = S.staff(f"000.00.00.{other}", "admin")
    assert far.get(f"/desk/dossiers/{code}").status == 403
    assert S.move(far, code, 4).status == 403
    # a commune's leader still gets 403 on its neighbour's dossier
    assert S.staff(ags[8]).get(f"/desk/dossiers/{code}").status == 403


def test_desk_files_only_procedures_its_agency_receives():
    """A commune's desk files a walk-in's dossier at its own commune, so only
    for a procedure communes receive, as a citizen can only pick an agency
    that handles the procedure at its level: a province-only procedure is a
    422 naming "procedure", and nothing is filed."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[8]
    province_only = P.sql("SELECT p.code FROM `procedure` p WHERE p.level_province = 1 "
                          "AND p.level_commune = 0 AND EXISTS (SELECT 1 FROM procedure_document d "
                          "WHERE d.procedure_id = p.id) ORDER BY p.code LIMIT 1")[0][0]
    filed = ("SELECT COUNT(*) FROM dossier WHERE agency_code = '%s' AND procedure_code = '%s'"
             % (agency, province_only))
    before = P.sql(filed)
    desk = S.staff(agency, "desk")
    desk.get(H.q("/desk/dossiers/new", procedure=S.PROC))
    fields = {"procedure": province_only, "agency": agency, "applicant_name": "Trần Văn Bình",
              "applicant_id": "001080054321", "result_channel": "desk", "channel": "1"}
    r = desk.post_multipart("/desk/dossiers", fields, {"doc_1": ("to.jpg", S.JPEG, "image/jpeg")})
    assert r.status == 422 and "procedure" in r.text, (r.status, r.text[:300])
    assert P.sql(filed) == before
    # its own procedures still go through
    desk2, code = walk_in(agency)
    assert code.startswith(agency + "-")
    # nor is the form offered for it: the page says why instead
    r = desk.get(H.q("/desk/dossiers/new", procedure=province_only))
    assert r.status == 422 and "không tiếp nhận thủ tục này" in r.text, (r.status, r.text[:300])
    assert desk.get(H.q("/desk/dossiers/new", procedure=S.PROC)).status == 200


def test_procedures_only_central_agencies_handle_are_not_filed_here():
    """A procedure of the catalog's ministry level alone (a ministry or a
    central agency such as the Vietnam ship registry handles it) is received
    by no agency of the province: the form and the filing are a 422 naming
    "procedure", online and at a commune's desk, and nothing is filed,
    where before every commune and department of the province was offered."""
    central = P.sql("SELECT p.code FROM `procedure` p WHERE p.level_ministry = 1 "
                    "AND p.level_province = 0 AND p.level_commune = 0 AND p.online_level <> 'none' "
                    "AND EXISTS (SELECT 1 FROM procedure_document d WHERE d.procedure_id = p.id "
                    "AND d.group_name <> 'Lưu ý') ORDER BY p.code LIMIT 1")[0][0]
    filed = "SELECT COUNT(*) FROM dossier WHERE procedure_code = '%s'" % central
    before = P.sql(filed)
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[3]
    r = c.get(H.q("/dossiers/new", procedure=central))
    assert r.status == 422 and "procedure" in r.text and "trung ương" in r.text, (r.status, r.text[:300])
    fields = {"procedure": central, "agency": agency, "applicant_name": "Lê Văn Hùng",
              "applicant_id": "001190012345", "result_channel": "online"}
    c.get("/dossiers/")
    r = c.post_multipart("/dossiers", fields, {"doc_1": ("to.jpg", S.JPEG, "image/jpeg")})
    assert r.status == 422 and "procedure" in r.text, (r.status, r.text[:300])
    desk = S.staff(agency, "desk")
    assert desk.get(H.q("/desk/dossiers/new", procedure=central)).status == 422
    desk.get(H.q("/desk/dossiers/new", procedure=S.PROC))
    r = desk.post_multipart("/desk/dossiers", {**fields, "result_channel": "desk", "channel": "1"},
                            {"doc_1": ("to.jpg", S.JPEG, "image/jpeg")})
    assert r.status == 422 and "procedure" in r.text, (r.status, r.text[:300])
    assert P.sql(filed) == before


def test_staff_opening_a_citizens_document_is_audited():
    """Personal papers seen by staff are a staff action: each opening leaves
    one audit row (who, which dossier, which document, from where); another
    agency's officer is refused and leaves none."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[5]
    desk, code = walk_in(agency)
    page = desk.get(f"/desk/dossiers/{code}").text
    doc = re.search(r"/desk/dossiers/[^\"/]+/documents/(\d+)", page).group(1)
    rows = ("SELECT staff_login, detail, remote_addr FROM audit_log WHERE action = 'document_view' "
            f"AND subject = '{code}'")
    assert P.sql(rows) == []
    r = desk.get(f"/desk/dossiers/{code}/documents/{doc}")
    assert r.status == 200 and r.body[:3] == b"\xff\xd8\xff", r.status
    got = P.sql(rows)
    assert len(got) == 1 and got[0][1] == "tài liệu " + doc and got[0][2], got
    other = S.staff(S.agencies(c)[6], "leader")
    assert other.get(f"/desk/dossiers/{code}/documents/{doc}").status == 403
    # a document that is not this dossier's: 404, and nothing written
    assert desk.get(f"/desk/dossiers/{code}/documents/{int(doc) + 10 ** 9}").status == 404
    assert desk.get(f"/desk/dossiers/{code}/documents/abc").status == 404
    assert len(P.sql(rows)) == 1
