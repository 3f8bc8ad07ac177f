"""test_chk32.py - fault paths of issues 6 and 7 the earlier fault suites
did not check from the outside:

- walk-ins filed at the desk (assisted filing, multipart) while workers are
  killed (kill -9) and MariaDB crashes, then every form posted again whole:
  one dossier per form, the repeat sent to it, no gap in the day's numbers;
- a burst of status changes across a MariaDB crash while the national
  portal first refuses (500), then answers later than PORTAL_SYNC_TIMEOUT_MS,
  then is back: the receiver gets every change exactly once by id, in order
  per dossier, and the day's counter (sub_daily) took each change once.

Runs after the other fault suites (it kills the database).
"""
import random
import re
import time

import harness as H
import test_payment as P
import test_submission as S
import test_submission_faults as F


def walk_in_form(desk, n):
    """n walk-ins' forms as the desk's page gives them (each its own once):
    [(fields, files)]."""
    forms = []
    for i in range(n):
        page = desk.get("/desk/dossiers/new?procedure=" + S.PROC)
        assert page.status == 200, page.status
        once = re.search(r'name="once" value="([0-9a-f]+)"', page.text).group(1)
        forms.append({"procedure": S.PROC, "applicant_name": "Lò Văn Páo",
                      "applicant_id": "0010800%05d" % random.randrange(10 ** 5),
                      "result_channel": "desk", "channel": "1", "once": once,
                      "csrf": desk.csrf})
    return forms


def test_walk_ins_filed_under_kill_9_and_a_database_crash_then_posted_again_file_once():
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[5]
    desk = S.staff(agency, "desk")
    forms = walk_in_form(desk, 24)
    marker = "chk32-%08x" % random.getrandbits(32)
    for i, f in enumerate(forms):
        f["applicant_address"] = f"{marker} {i}"
    bodies = {}
    for i, f in enumerate(forms):
        bodies[i] = S.multipart(f, {"doc_1": ("to.jpg", S.JPEG, "image/jpeg")})
    where = {}

    send, answers, acked, cut = F.staff_posts_under_kills(
        lambda i: "/desk/dossiers", lambda i: bodies[i][0], desk.cookie_header(),
        list(range(len(forms))), ctype=lambda i: bodies[i][1])
    # the officer sends every form again, whole, the one cut off too
    for i in range(len(forms)):
        r = H.request("POST", "/desk/dossiers", port=H.INTRANET_PORT, body=bodies[i][0],
                      headers={"Cookie": desk.cookie_header(), "Content-Type": bodies[i][1]},
                      timeout=60)
        assert r.status == 303, (i, r.status, r.body[:300])
        where[i] = r.header("Location").rsplit("/", 1)[1]
    rows = P.sql("SELECT code, applicant_address FROM dossier WHERE applicant_address LIKE "
                 f"'{marker} %'")
    per_form = {}
    for code, addr in rows:
        per_form.setdefault(int(addr.split()[-1]), []).append(code)
    assert all(len(v) == 1 for v in per_form.values()), per_form
    assert sorted(per_form) == list(range(len(forms))), sorted(per_form)
    for i in range(len(forms)):
        assert per_form[i] == [where[i]], (i, per_form[i], where[i])
    F.assert_gapless(agency, where[0].split("-")[-2])
    assert F.dossier_rows_complete() == []


# Recounts of the whole database: other suites back-date and edit rows
# directly, so the tests below compare deltas; these are for running by hand
# (python3 -c 'import test_chk32 as T; print(T.sub_daily_mismatches())').
def sub_daily_mismatches():
    """Days x agencies x procedures whose counters differ from a recount of
    the dossiers and their events (each counter on the day of its event)."""
    cols = {"received": "e.from_status IS NULL", "accepted": "e.to_status = 2",
            "refused": "e.to_status = 3", "supplement_requested": "e.to_status = 5",
            "obligation_requested": "e.to_status = 6", "withdrawn": "e.to_status = 7",
            "stopped": "e.to_status = 8", "finished": "e.to_status = 9",
            "returned": "e.to_status = 10"}
    counted = ", ".join(f"SUM({c})" for c in cols)
    recount = ", ".join(f"SUM({w})" for w in cols.values())
    have = P.sql(f"SELECT day, agency_code, procedure_code, {counted} FROM sub_daily "
                 "GROUP BY day, agency_code, procedure_code")
    want = P.sql(f"SELECT DATE(e.at + INTERVAL 7 HOUR), d.agency_code, d.procedure_code, {recount} "
                 "FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id "
                 "GROUP BY 1, 2, 3")
    h = {tuple(r[:3]): [int(x) for x in r[3:]] for r in have}
    w = {tuple(r[:3]): [int(x) for x in r[3:]] for r in want}
    zero = [0] * len(cols)
    return {k: (h.get(k, zero), w.get(k, zero)) for k in set(h) | set(w)
            if h.get(k, zero) != w.get(k, zero)}


def pay_daily_mismatches():
    have = P.sql("SELECT day, agency_code, grp, SUM(paid_count), SUM(paid_amount) FROM pay_daily "
                 "GROUP BY day, agency_code, grp")
    want = P.sql("SELECT DATE(paid_at + INTERVAL 7 HOUR), agency_code, grp, COUNT(*), SUM(total) "
                 "FROM obligation WHERE paid_at IS NOT NULL GROUP BY 1, 2, 3")
    h = {tuple(r[:3]): (int(r[3]), int(r[4])) for r in have}
    w = {tuple(r[:3]): (int(r[3]), int(r[4])) for r in want}
    return {k: (h.get(k), w.get(k)) for k in set(h) | set(w)
            if h.get(k, (0, 0)) != w.get(k, (0, 0))}


def accepted_today(agency, yymmdd):
    """The agency's 'accepted' counter on the day (all its shards)."""
    rows = P.sql("SELECT COALESCE(SUM(accepted), 0) FROM sub_daily WHERE agency_code = "
                 f"'{agency}' AND day = '20{yymmdd[:2]}-{yymmdd[2:4]}-{yymmdd[4:]}'")
    return int(rows[0][0])


def test_status_burst_across_a_crash_and_a_failing_then_slow_portal_arrives_once_in_order():
    c, agency, codes = F.filed_at_desk(6, 30)
    day = codes[0].split("-")[-2]
    before = accepted_today(agency, day)
    s = S.staff(agency)
    s.get(f"/desk/dossiers/{codes[0]}")
    # the portal refuses for a while; then it is slower than the sender waits
    S.sync_control("/control/fail?seconds=6")
    try:
        move, answers, acked, cut = F.staff_posts_under_kills(
            lambda code: f"/desk/dossiers/{code}/status", lambda code: f"to=2&csrf={s.csrf}",
            s.cookie_header(), codes)
        S.sync_control("/control/delay?ms=%d" % (int(F.os.environ.get("PORTAL_SYNC_TIMEOUT_MS",
                                                                        "4000")) + 1500))
        time.sleep(8)
        S.sync_control("/control/delay?ms=0")
        # the officer sends what failed again, then takes each on to processing
        for code in cut:
            move(code)
        assert all(answers[k] == 303 for k in codes), answers
        for code in codes:
            r = s.post(f"/desk/dossiers/{code}/status", {"to": "4"})
            assert r.status == 303, (code, r.status, r.text[:200])
    finally:
        S.sync_control("/control/ok")
        S.sync_control("/control/delay?ms=0")
    want = {code: ["1", "2", "4"] for code in codes}

    def arrived():
        got = F.sync_mine(set(codes))
        return {k: [str(m["status"]) for m in v] for k, v in got.items()} == want
    assert H.wait_until(arrived, 60, 0.5), \
        {k: [m["status"] for m in v] for k, v in F.sync_mine(set(codes)).items()}
    # each message once by id, the ids the outbox holds, and in their order
    got = F.sync_mine(set(codes))
    for code in codes:
        ids = [m["id"] for m in got[code]]
        rows = P.sql("SELECT JSON_VALUE(payload, '$.id') FROM outbox WHERE topic = 'sync' "
                     f"AND subject = '{code}' ORDER BY id")
        assert ids == [r[0] for r in rows], (code, ids, rows)
    # the day's counter took each acknowledged move once, the cut ones
    # that had happened too, none twice (the statistics area reads it)
    assert accepted_today(agency, day) - before == len(codes), \
        (accepted_today(agency, day), before, len(codes))
