"""test_chk12.py - defects a checker found walking issue 6 with other
procedures and communes than 1.001193 (khai tử 1.000656, nuôi con nuôi
2.001255 at Phường Tây Hồ):

- a dossier already late when the desk asked for a supplement came back
  due *today* once the supplement arrived: its lateness vanished from the
  queue's "Quá hạn" filter and from the on-time statistics;
- a dossier over nginx's 31 MB upload limit got a page saying the limit
  was 1 MB, while the form says 10 MB a file and 30 MB a dossier.

Needs the stack started by tests/run.sh (or make run) with PORTAL_DEV_OUTBOX=1,
and conf/stack.sh admin to create staff accounts.
"""

import harness as H
import test_payment as P
import test_submission as S
import test_wallet_results as W

PNG = S.PNG
TAY_HO = "000.00.108.H26"      # Ủy ban nhân dân Phường Tây Hồ, Hà Nội
READOPT = "2.001255"           # Đăng ký lại việc nuôi con nuôi trong nước, 5 ngày làm việc


sql = P.sql


def staff(agency, role):
    return S.staff(agency, role)


def walk_in(desk, proc=READOPT):
    """A walk-in's dossier filed at Phường Tây Hồ's desk; its code."""
    return S.walk_in(desk, proc, agency=TAY_HO, applicant_name="Nguyễn Văn Bảy",
                     applicant_id="001055007777")


def move(officer, code, to, **fields):
    r = S.move(officer, code, to, **fields)
    assert r.status == 303, (to, r.status, r.text[-600:])


def test_late_dossier_stays_late_after_a_supplement():
    """Asking for a supplement stops the clock; it must not wipe out the
    working days the agency was already late.  A dossier three working days
    overdue, paused and resumed the same day, is still three days overdue."""
    desk = staff(TAY_HO, "desk")
    code = walk_in(desk)
    move(desk, code, 2)
    # three working days before today: the agency is that late already
    days = sql(f"SELECT d FROM (SELECT {W.VN_TODAY} - INTERVAL n DAY d FROM "
               "(SELECT 1 n UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 "
               "UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9 UNION SELECT 10) k) w "
               "WHERE WEEKDAY(d) < 5 AND d NOT IN (SELECT day FROM holiday) ORDER BY d DESC LIMIT 3")
    late_since = days[-1][0]
    sql(f"UPDATE dossier SET due_day = '{late_since}' WHERE code = '{code}'")
    assert code in desk.get("/desk/?due=late").text
    move(desk, code, 5, reason="Thiếu quyết định cho nhận con nuôi")
    move(desk, code, 4)
    due = sql(f"SELECT due_day FROM dossier WHERE code = '{code}'")[0][0]
    assert due < sql(f"SELECT {W.VN_TODAY}")[0][0], f"a late dossier came back due {due}"
    assert due == late_since, (due, late_since)
    r = desk.get("/desk/?due=late")
    assert code in r.text, "the late dossier left the 'Quá hạn' filter after a supplement"


def test_dossier_not_yet_due_keeps_its_working_days_after_a_supplement():
    """The other side of the same rule: a dossier with days left keeps them."""
    desk = staff(TAY_HO, "desk")
    code = walk_in(desk)
    move(desk, code, 2)
    before = sql(f"SELECT due_day, {W.VN_TODAY} FROM dossier WHERE code = '{code}'")[0]
    assert before[0] > before[1]
    move(desk, code, 5, reason="Thiếu tờ khai có chữ ký người làm chứng")
    left = int(sql(f"SELECT paused_days_left FROM dossier WHERE code = '{code}'")[0][0])
    assert left > 0, left
    move(desk, code, 4)
    after = sql(f"SELECT due_day FROM dossier WHERE code = '{code}'")[0][0]
    assert after == before[0], (after, before)


def test_upload_over_nginx_limit_names_the_upload_limits():
    """A dossier over nginx's upload limit (31 MB) is refused by nginx
    itself; its page must give the limits the form gives (10 MB a file,
    30 MB a dossier), not the 1 MB of the other routes."""
    body = b"--q\r\nContent-Disposition: form-data; name=\"doc_1\"; filename=\"a.pdf\"\r\n\r\n"
    body += b"a" * (32 * 1024 * 1024) + b"\r\n--q--\r\n"
    for port, path in ((H.PORT, "/dossiers"), (H.INTRANET_PORT, "/desk/dossiers"),
                       (H.PORT, "/dossiers/%s-261202-0001/supplement" % TAY_HO),
                       (H.INTRANET_PORT, "/desk/dossiers/%s-261202-0001/status" % TAY_HO)):
        r = H.request("POST", path, body=body, port=port, timeout=60,
                      headers={"Content-Type": "multipart/form-data; boundary=q"})
        assert r.status == 413, (path, r.status)
        assert "1 MB" not in r.text, (path, r.text)
        assert "30 MB" in r.text and "10 MB" in r.text, (path, r.text)
    # the other routes keep their own page and limit
    r = H.request("POST", "/account/login", body=b"contact=" + b"a" * (2 * 1024 * 1024),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 413 and "1 MB" in r.text, (r.status, r.text[:300])


def file_at_desk(desk, **over):
    fields = {"agency": TAY_HO, "applicant_name": "Lò Thị Mai", "applicant_id": "001190012345"}
    fields.update(over)
    return S.walk_in_post(desk, READOPT, {"doc_1": ("to-khai.png", PNG, "image/png")}, **fields)


def test_personal_id_that_breaks_its_own_structure_is_refused():
    """Digits 1-3 of the 12-digit number are a province code (001-096),
    digit 4 the century and digits 5-6 the year of birth: a number with a
    province 999, or that says 1990 beside a date of birth in 1985, was
    mistyped, and the desk could not find the person by it."""
    desk = staff(TAY_HO, "desk")
    count = sql("SELECT COUNT(*) FROM dossier")[0][0]
    for over in ({"applicant_id": "999090054321"},
                 {"applicant_id": "000090054321"},
                 {"applicant_id": "001090054321", "applicant_dob": "1985-01-01"},
                 {"applicant_id": "001290054321", "applicant_dob": "1990-01-01"}):
        r = file_at_desk(desk, **over)
        assert r.status == 422, (over, r.status, r.text[-400:])
        assert "applicant_id" in r.text and "Số định danh cá nhân" in r.text, (over, r.text[-600:])
    assert sql("SELECT COUNT(*) FROM dossier")[0][0] == count
    # numbers that keep the structure are taken, with or without a date of birth
    for over in ({"applicant_id": "001190012345", "applicant_dob": "1990-04-12"},
                 {"applicant_id": "079305001234", "applicant_dob": "2005-02-28"},
                 {"applicant_id": "096080054321"}):
        r = file_at_desk(desk, **over)
        assert r.status == 303, (over, r.status, r.text[-400:])


def test_desk_queue_and_refusals_read_as_a_person_would_say_them():
    """The queue's heading named the agency by its code (000.00.108.H26),
    its filter line read "nộp Bưu chính"; an expired form token's page
    said both "reload the form" and "you may not see this page"; a fee of
    0 đồng was refused with "phải từ 0 đến …"."""
    desk = staff(TAY_HO, "desk")
    name = sql(f"SELECT name FROM agency WHERE code = '{TAY_HO}'")[0][0]
    r = desk.get("/desk/")
    assert r.status == 200
    assert f"<h1>Hồ sơ của {name}</h1>" in r.text, r.text[:1500]
    r = desk.get("/desk/?channel=3")
    assert "nộp qua bưu chính" in r.text and "nộp Bưu chính" not in r.text, r.text[:2000]
    # a form token that is not this page's: what to do, and nothing that contradicts it
    code = walk_in(desk)
    desk.get("/desk/dossiers/" + code)
    desk.csrf = "0" * 64
    r = desk.post(f"/desk/dossiers/{code}/status", {"to": "2"})
    assert r.status == 403, r.status
    assert "Biểu mẫu đã hết hạn" in r.text and "không có quyền xem trang này" not in r.text, r.text
    # a page one may not see still says so
    other = staff("000.00.147.H26", "desk")
    r = other.get("/desk/dossiers/" + code)
    assert r.status == 403 and "không có quyền" in r.text, (r.status, r.text[:600])
    # a fee of 0 đồng: the smallest amount the form takes is 1
    move(desk, code, 2)
    r = S.move(desk, code, 6, amount="0", fee_name="Lệ phí")
    assert r.status == 400 and "từ 1 đến" in r.text and "từ 0" not in r.text, (r.status, r.text[-800:])
    assert sql(f"SELECT status FROM dossier WHERE code = '{code}'")[0][0] == "2"
