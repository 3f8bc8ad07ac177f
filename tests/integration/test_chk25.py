"""test_chk25.py - defects a checker found in issue 6's due dates
(the holiday table of sql/, the working-day count, the desk's filters):

- the 2025 table had Tết Ất Tỵ as a swap (Monday 27/01 off, "made up" on
  Saturday 08/02/2025) that Vietnam never announced: Văn bản
  8726/VPCP-KGVX gave nine days, 25/01-02/02, as five days of Tết and
  four weekend days, with no make-up day.  08/02/2025 is China's make-up
  day (补班), not Vietnam's; the desk counted it as a working day;
- 2027 had no Tết Đinh Mùi at all, so a dossier filed from November 2026
  with a limit reaching February 2027 was promised five working days too
  early (Tết is five days off by law, Điều 112, whatever the year's notice
  chooses), and the page said nothing of it;
- a procedure whose catalog entry gives no time at all (1.115148: "0",
  "Không có thông tin", the province sets it) was due the day it was
  filed, and "late" on the desk from the next morning.

The expected calendar below is written out from the announcements, not
read from the table, so a wrong row in sql/ fails here.

Needs the stack started by tests/run.sh (or make run) with PORTAL_DEV_OUTBOX=1,
and conf/stack.sh admin to create staff accounts.
"""

import datetime
import os
import subprocess

import harness as H
import test_payment as P
import test_submission as S


def sql(query):
    """Rows of a query, as utf8mb4 text (the holidays' names and sources
    are Vietnamese); NULL as None."""
    out = subprocess.run(["mariadb", "--no-defaults", "--default-character-set=utf8mb4",
                          "--socket=" + os.path.join(P.VAR, "run", "mysqld.sock"),
                          "-uroot", "-N", "-B", P.DB, "-e", query],
                         check=True, capture_output=True, text=True).stdout
    return [[None if v == "NULL" else v for v in line.split("\t")] for line in out.splitlines()]

TAY_HO = "000.00.108.H26"      # Ủy ban nhân dân Phường Tây Hồ, Hà Nội
VN = datetime.timezone(datetime.timedelta(hours=7))

# Weekdays that are not worked, 2025-2027.
OFF = [
    # 2025: 8726/VPCP-KGVX (26/11/2024): Tết 25/01-02/02 (5 days of Tết, 4 weekend
    # days); 30/4-1/5 with 02/5 swapped to Saturday 26/4; Quốc khánh 30/8-02/9.
    "2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
    "2025-04-07", "2025-04-30", "2025-05-01", "2025-05-02", "2025-09-01", "2025-09-02",
    # 2026: 12729/VPCP-KGVX (25/12/2025): 01-04/01, 02/01 swapped to Saturday
    # 10/01; the Prime Minister's opinion of 10/2025: Tết 14/02-22/02,
    # Quốc khánh 29/8-02/9 with 31/8 swapped to Saturday 22/8; Giỗ Tổ on
    # Sunday 26/4, nghỉ bù Monday 27/4.
    "2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
    "2026-02-20", "2026-04-27", "2026-04-30", "2026-05-01", "2026-08-31", "2026-09-01",
    "2026-09-02",
    # 2027, no notice yet: the law's days, Tết Đinh Mùi (mùng 1 is Saturday
    # 06/02) as 28-29 tháng Chạp, mùng 1-3 with nghỉ bù for the weekend (as
    # Tết Canh Tý 2020, also a Saturday), the day after Quốc khánh (as 2021,
    # also a Thursday), Giỗ Tổ 16/4, nghỉ bù of 1/5 (a Saturday) on 3/5.
    "2027-01-01", "2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10",
    "2027-04-16", "2027-04-30", "2027-05-03", "2027-09-02", "2027-09-03",
]
# Saturdays worked instead (làm bù).
WORK = ["2025-04-26", "2026-01-10", "2026-08-22"]


def day(s):
    return datetime.date.fromisoformat(s)


def works(d):
    if d.isoformat() in WORK:
        return True
    return d.weekday() < 5 and d.isoformat() not in OFF


def add_working_days(d, n):
    while n > 0:
        d += datetime.timedelta(days=1)
        n -= works(d)
    return d


def vn_today():
    return datetime.datetime.now(VN).date()


def test_holiday_table_is_the_announced_calendar():
    """The days the desk does not work, and the Saturdays it does, as the
    calendar reads them from the table (calendar.c: off rows on weekdays,
    swap_work rows on weekends), are the announced ones."""
    off = [r[0] for r in sql(
        "SELECT day FROM holiday WHERE kind <> 'swap_work' AND WEEKDAY(day) < 5 "
        "AND YEAR(day) BETWEEN 2025 AND 2027 ORDER BY day")]
    work = [r[0] for r in sql(
        "SELECT day FROM holiday WHERE kind = 'swap_work' AND WEEKDAY(day) >= 5 "
        "AND YEAR(day) BETWEEN 2025 AND 2027 ORDER BY day")]
    assert work == WORK, work
    assert off == OFF, (sorted(set(off) - set(OFF)), sorted(set(OFF) - set(off)))
    # 27/01/2025 is a day of Tết (28 tháng Chạp), not a working day swapped away
    assert sql("SELECT kind FROM holiday WHERE day = '2025-01-27'") == [["holiday"]]
    # every row names where it comes from; a day no notice has fixed yet says so
    assert sql("SELECT COUNT(*) FROM holiday WHERE source = ''") == [["0"]]
    for (src,) in sql("SELECT source FROM holiday WHERE day BETWEEN '2027-02-04' AND '2027-02-10'"):
        assert "chưa có thông báo" in src, src


def test_a_limit_reaching_tet_2027_skips_its_days_off():
    """A complaint (1.004335, 60 working days) filed at a commune's desk
    today is due on the 60th working day after today of the announced
    calendar: on the slip, the dossier page, and in the national sync's
    due_at.  Filed between November 2026 and early February 2027 the count
    crosses Tết Đinh Mùi, which the table lacked."""
    desk = S.staff(TAY_HO, "desk")
    today = vn_today()
    code = S.walk_in(desk, "1.004335", agency=TAY_HO, applicant_name="Đỗ Thị Hằng",
                     applicant_id="001185002525")
    want = add_working_days(today, 60)
    got = sql(f"SELECT due_day, limit_value, limit_unit FROM dossier WHERE code = '{code}'")[0]
    assert got == [want.isoformat(), "60", "working_day"], (got, want)
    vi = want.strftime("%d/%m/%Y")
    assert vi in desk.get(f"/desk/dossiers/{code}").text
    assert vi in desk.get(f"/desk/dossiers/{code}/receipt").text

    def synced():
        return [m["body"] for m in S.sync_received()["messages"]
                if m["body"]["dossier_code"] == code]
    assert H.wait_until(lambda: synced(), 20), "the filing never reached the sync receiver"
    assert synced()[0]["due_at"] == want.isoformat() + "T23:59:59+07:00", synced()[0]


def test_a_calendar_day_limit_ends_on_a_working_day():
    """A limit in days (ngày: calendar days, Bộ luật Dân sự Điều 147) ends
    that many days after receipt, or on the next working day when that day
    is off (Điều 148): 1.013967, a land dispute, 60 days."""
    desk = S.staff(TAY_HO, "desk")
    today = vn_today()
    code = S.walk_in(desk, "1.013967", agency=TAY_HO, applicant_name="Đỗ Văn Hùng",
                     applicant_id="001085002626")
    want = today + datetime.timedelta(days=60)
    while not works(want):
        want += datetime.timedelta(days=1)
    got = sql(f"SELECT due_day, limit_unit FROM dossier WHERE code = '{code}'")[0]
    assert got == [want.isoformat(), "day"], (got, want)


def test_a_procedure_with_no_time_in_the_catalog_has_no_due_date():
    """1.115148 (tiền sử dụng đất): the catalog gives "0" and no unit, its
    fee line says "Không có thông tin" - the province sets the time.  The
    dossier is not due the day it is filed: it has no due date (the slip
    says "theo thông báo"), and it is never on the desk's late list."""
    desk = S.staff(TAY_HO, "desk")
    r = S.walk_in_post(desk, "1.115148", agency=TAY_HO, applicant_name="Trần Văn Nam",
                       applicant_id="001075002727")
    assert r.status == 303, (r.status, r.text[:400])
    code = r.header("Location").rsplit("/", 1)[1]
    got = sql(f"SELECT due_day, due_at, limit_value FROM dossier WHERE code = '{code}'")[0]
    assert got == [None, None, None], got
    slip = desk.get(f"/desk/dossiers/{code}/receipt").text
    assert "theo thông báo" in slip, slip[:3000]
    # filed three days ago, it is still not late
    sql("UPDATE dossier SET received_day = received_day - INTERVAL 3 DAY, "
        f"due_day = due_day - INTERVAL 3 DAY WHERE code = '{code}'")
    assert code not in desk.get("/desk/?due=late").text
    assert code not in desk.get("/desk/?due=soon").text
