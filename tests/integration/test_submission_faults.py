"""test_submission_faults.py - the submission area under faults, over HTTP:

- kill -9 of the outbox's sync sender (the supervisor's child named
  "job:sync") again and again while the desk moves dossiers and a slow
  national portal acknowledges: every change arrives, in order per dossier,
  none lost (the receiver deduplicates on the message id);
- kill -9 of workers in the middle of a burst of filings: every filing that
  got its 303 exists with its documents and its event, and the codes of the
  agency-day have no gap;
- MariaDB stopped and started again during filings: nothing acknowledged is
  lost, no dossier is half-written, and the area serves again without a
  restart of its programs;
- the desk's status changes while workers are killed and MariaDB crashes:
  each acknowledged change is there once (event, sync message, audit row),
  and sending them all again changes nothing.

Runs after the other submission suites (it stops the database).
"""
import concurrent.futures
import os
import re
import subprocess
import threading
import time
import urllib.parse

import harness as H
import test_payment as P
import test_submission as S

ROOT = S.ROOT
VAR = os.environ.get("PORTAL_VAR", "var/test")
if not os.path.isabs(VAR):
    VAR = os.path.join(ROOT, VAR)


def supervisor():
    with open(os.path.join(VAR, "run", "submission.pid")) as f:
        return int(f.read().split()[0])


def children(name=None):
    """The supervisor's children, or those whose process name is `name`
    (workers are "submission", jobs "job:sync", "job:notify", …)."""
    out = subprocess.run(["pgrep", "-P", str(supervisor())], capture_output=True, text=True)
    kids = []
    for p in out.stdout.split():
        try:
            with open(f"/proc/{p}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if name is None or comm == name:
            kids.append(int(p))
    return kids


def kill9(pid):
    try:
        os.kill(pid, 9)
        return True
    except ProcessLookupError:
        return False


def sync_mine(codes):
    """The receiver's messages for these dossiers, in arrival order."""
    got = {}
    for m in S.sync_received()["messages"]:
        c = m["body"]["dossier_code"]
        if c in codes:
            got.setdefault(c, []).append(m["body"])
    return got


def dossier_rows_complete():
    """Dossiers that lack their input documents or their first event: none may exist."""
    return P.sql("SELECT d.code FROM dossier d WHERE d.channel IN (1, 2, 3) AND ("
                 " NOT EXISTS (SELECT 1 FROM dossier_event e WHERE e.dossier_id = d.id"
                 "             AND e.from_status IS NULL)"
                 " OR NOT EXISTS (SELECT 1 FROM dossier_document x WHERE x.dossier_id = d.id"
                 "                AND x.role = 'input')"
                 " OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.topic = 'sync'"
                 "                AND o.subject = d.code))")


def assert_gapless(agency, day):
    prefix = f"{agency}-{day}-"
    rows = P.sql(f"SELECT code FROM dossier WHERE code LIKE '{prefix}%'")
    seqs = sorted(int(r[0][-4:]) for r in rows)
    assert seqs == list(range(1, len(seqs) + 1)), (prefix, seqs)
    return seqs


def test_job_processes_name_themselves():
    names = sorted(open(f"/proc/{p}/comm").read().strip() for p in children())
    assert "job:sync" in names and "job:notify" in names, names
    assert names.count("submission") >= 2, names


def filed_at_desk(commune, n):
    """A new citizen files n dossiers, results at the desk, with the
    commune-th commune the form offers: (client, agency, codes)."""
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[commune]
    codes = []
    for _ in range(n):
        r = S.file_dossier(c, agency, result_channel="desk")
        assert r.status == 303, (r.status, r.text[:300])
        codes.append(r.header("Location").rsplit("/", 1)[1])
    return c, agency, codes


def test_sync_sender_killed_while_moving_loses_nothing():
    c, agency, codes = filed_at_desk(1, 4)
    s = S.staff(agency)
    # A slow portal: each delivery is recorded, then acknowledged 250 ms
    # later, so a kill often falls between the two.
    S.sync_control("/control/delay?ms=250")
    stop = threading.Event()
    kills = []

    def killer():
        end = time.time() + 25
        while not stop.is_set() and time.time() < end and len(kills) < 6:
            for p in children("job:sync"):
                if kill9(p):
                    kills.append(p)
            time.sleep(0.7)

    t = threading.Thread(target=killer)
    t.start()
    try:
        plan = [2, 4, 9, 10]
        for to in plan:
            for code in codes:
                r = S.move(s, code, to)
                assert r.status == 303, (code, to, r.status, r.text[:300])
        want = [1] + plan

        def arrived():
            got = sync_mine(set(codes))
            return all(len(got.get(c, [])) >= len(want) for c in codes)

        ok = H.wait_until(arrived, 90, 0.5)
    finally:
        stop.set()
        t.join()
        S.sync_control("/control/delay?ms=0")
    got = sync_mine(set(codes))
    assert ok, {c: [m["status"] for m in got.get(c, [])] for c in codes}
    assert len(kills) >= 3, kills
    for code in codes:
        assert [m["status"] for m in got[code]] == want, (code, [m["status"] for m in got[code]])
    # every message the portal wrote for these dossiers arrived exactly once
    ids = {r[0] for r in P.sql("SELECT JSON_VALUE(payload, '$.id') FROM outbox WHERE topic = 'sync' "
                                "AND subject IN (%s)" % ",".join(f"'{c}'" for c in codes))}
    seen = {m["id"] for c in codes for m in got[c]}
    assert ids == seen, (ids ^ seen)
    assert H.wait_until(lambda: P.sql(
        "SELECT COUNT(*) FROM outbox WHERE topic = 'sync' AND state = 'pending' AND subject IN (%s)"
        % ",".join(f"'{c}'" for c in codes))[0][0] == "0", 20)
    # the sender was restarted by its supervisor each time
    assert len(children("job:sync")) == 1


def one_mb_jpeg():
    return S.JPEG[:-2] + b"\0" * ((1 << 20) - len(S.JPEG)) + b"\xff\xd9"


def test_worker_killed_mid_burst_keeps_every_acknowledged_filing():
    clients = []
    for _ in range(2):
        c = S.Client()
        S.register(c)
        clients.append(c)
    agency = S.agencies(clients[0])[2]
    big = one_mb_jpeg()
    n = 24
    results = [None] * n

    def one(i):
        files = {"doc_1": ("to-khai.jpg", big, "image/jpeg"),
                 "doc_2": ("giay-chung-sinh.png", S.PNG, "image/png")}
        try:
            results[i] = S.file_dossier(clients[i % 2], agency, files=files)
        except Exception as e:  # a connection cut by the kill
            results[i] = e

    killed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as ex:
        futs = [ex.submit(one, i) for i in range(n)]
        time.sleep(0.4)
        for p in children("submission")[:2]:
            if kill9(p):
                killed.append(p)
        time.sleep(0.6)
        for p in children("submission")[:1]:
            if kill9(p):
                killed.append(p)
        for f in futs:
            f.result()
    assert len(killed) >= 2, killed
    ok = [r for r in results if not isinstance(r, Exception) and r.status == 303]
    assert ok, [getattr(r, "status", r) for r in results]
    # what was not acknowledged was refused in plain words, never a 500
    for r in results:
        if not isinstance(r, Exception):
            assert r.status in (303, 502, 503), (r.status, r.text[:200])
    day = None
    for r in ok:
        code = r.header("Location").rsplit("/", 1)[1]
        day = code.split("-")[-2]
        rows = P.sql("SELECT (SELECT COUNT(*) FROM dossier_document x WHERE x.dossier_id = d.id "
                     "AND x.role = 'input'), (SELECT COUNT(*) FROM dossier_event e WHERE "
                     f"e.dossier_id = d.id), d.status FROM dossier d WHERE d.code = '{code}'")
        assert rows == [["2", "1", "1"]], (code, rows)
    assert_gapless(agency, day)
    assert dossier_rows_complete() == []
    # the workers came back and serve
    assert H.wait_until(lambda: len(children("submission")) >= 2, 10)
    r = S.file_dossier(clients[0], agency)
    assert r.status == 303, (r.status, r.text[:300])


def mariadb_pid():
    with open(os.path.join(VAR, "run", "mysqld.pid")) as f:
        return int(f.read().split()[0])


CHECK_LOG = os.path.join(VAR, "log", "mariadb-check.log")


def db_start():
    """conf/stack.sh db, as the tests start MariaDB again: its output and
    what it added to the check log (conf/stack.sh db_recover)."""
    before = os.path.getsize(CHECK_LOG) if os.path.exists(CHECK_LOG) else 0
    out = subprocess.run([os.path.join(ROOT, "conf", "stack.sh"), "db"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    added = ""
    if os.path.exists(CHECK_LOG):
        with open(CHECK_LOG, encoding="utf-8") as f:
            f.seek(before)
            added = f.read()
    return out.stdout, added


def portal_tables():
    return {r[0] for r in P.sql("SELECT table_name FROM information_schema.tables WHERE "
                                "table_schema = DATABASE() AND table_type = 'BASE TABLE'")}


def tables_not_ok():
    """CHECK TABLE of every table of the portal: the rows that are not OK.
    (A secondary index that disagrees with its rows reads as wrong data.)"""
    rows = P.sql("CHECK TABLE " + ", ".join(f"`{n}`" for n in sorted(portal_tables())))
    return [r for r in rows if r[2:] != ["status", "OK"]]


def test_mariadb_restart_during_filings_loses_nothing_acknowledged():
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[3]
    acknowledged, other = [], []
    stop = threading.Event()

    def filer():
        end = time.time() + 60
        while not stop.is_set() and time.time() < end:
            try:
                r = S.file_dossier(c, agency)
            except Exception as e:
                other.append(repr(e))
                continue
            if r.status == 303:
                acknowledged.append(r.header("Location").rsplit("/", 1)[1])
            else:
                other.append(r.status)
                time.sleep(0.1)

    threads = [threading.Thread(target=filer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        assert H.wait_until(lambda: len(acknowledged) >= 3, 20)
        pid = mariadb_pid()
        os.kill(pid, 15)
        assert H.wait_until(lambda: not os.path.exists(f"/proc/{pid}"), 60)
        time.sleep(1.5)  # filings meet the database down
        down_count = len(acknowledged)
        db_start()
        # Back without restarting the programs: filings succeed again.
        assert H.wait_until(lambda: len(acknowledged) >= down_count + 3, 30), \
            (len(acknowledged), other[-5:])
    finally:
        stop.set()
        for t in threads:
            t.join()
    # while it was down, a filing was refused with a 503 (the page says so),
    # never a 500, and no worker died (nginx's 502)
    statuses = {s for s in other if isinstance(s, int)}
    assert statuses <= {503}, other[-10:]
    assert 503 in statuses, other[-10:]
    # every acknowledged filing is there, whole
    for code in acknowledged:
        rows = P.sql("SELECT (SELECT COUNT(*) FROM dossier_document x WHERE x.dossier_id = d.id "
                     "AND x.role = 'input') FROM dossier d WHERE d.code = '%s'" % code)
        assert rows == [["2"]], (code, rows)
    assert dossier_rows_complete() == []
    assert_gapless(agency, acknowledged[0].split("-")[-2])
    # the citizen sees them all, the pages and the session survived
    # (the list shows the newest 200; each dossier has its own page)
    mine = c.get("/dossiers/")
    assert mine.status == 200
    newest = sorted(acknowledged, key=lambda k: int(k.rsplit("-", 1)[1]))[-20:]
    for code in newest:
        assert code in mine.text, code
    for code in acknowledged:
        assert c.get(f"/dossiers/{code}").status == 200, code
    assert H.get("/dossiers/health").status == 200


def staff_posts_under_kills(path_of, body_of, cookies, items, wait_s=20, port=None,
                            ctype="application/x-www-form-urlencoded"):
    """POST path_of(x) with body_of(x) for each item from 6 threads, with
    the staff cookies: kill -9 two of the area's workers once a few have
    answered in the first half, and MariaDB itself during the second half,
    then start MariaDB again.  Returns (send, answers, acked, cut): send(x)
    posts one again; answers maps each item to its status (None: the
    connection went with the process).  A citizen's posts go to the public
    port (port), a multipart body with its own type (ctype(x) if callable)."""
    answers = {}

    def send(x):
        body = body_of(x)
        if isinstance(body, str):
            body = body.encode()
        try:
            r = H.request("POST", path_of(x), port=port or H.INTRANET_PORT, body=body,
                          headers={"Cookie": cookies,
                                   "Content-Type": ctype(x) if callable(ctype) else ctype},
                          timeout=60)
            answers[x] = r.status
        except Exception:
            answers[x] = None

    half = len(items) // 2
    killed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as ex:
        futs = [ex.submit(send, x) for x in items[:half]]
        assert H.wait_until(lambda: len(answers) >= max(3, half // 6), wait_s, 0.005)
        for p in children("submission")[:2]:
            if kill9(p):
                killed.append(p)
        for f in futs:
            f.result()
        assert H.wait_until(lambda: len(children("submission")) >= 2, 10)
        futs = [ex.submit(send, x) for x in items[half:]]
        assert H.wait_until(lambda: len(answers) >= half + max(3, half // 6), wait_s, 0.005)
        pid = mariadb_pid()
        os.kill(pid, 9)
        for f in futs:
            f.result()
    assert killed
    assert H.wait_until(lambda: not os.path.exists(f"/proc/{pid}"), 30)
    said, checked = db_start()
    # MariaDB recovered where nothing could connect, and its tables were
    # checked (and any failing one rebuilt) before the portal came back
    assert "not shut down cleanly" in said, said
    assert "check\tstatus\tOK" in checked, checked[:500]
    assert tables_not_ok() == []
    acked = [k for k, v in answers.items() if v == 303]
    cut = [k for k, v in answers.items() if v != 303]
    print(f"  killed {len(killed)} workers and MariaDB: {len(acked)} acknowledged, {len(cut)} cut off")
    assert acked and cut, answers
    # what was not acknowledged was refused (503) or cut (502, no answer), never a 500
    assert {answers[k] for k in cut} <= {None, 502, 503}, {answers[k] for k in cut}
    assert H.wait_until(lambda: H.get("/dossiers/health").status == 200, 30)
    return send, answers, acked, cut


def moves_to_2(codes):
    """Per dossier: its status, its events to 2, its sync messages for 2,
    and the audit rows of its moves."""
    q = ",".join(f"'{c}'" for c in codes)
    rows = P.sql(
        "SELECT d.code, d.status,"
        " (SELECT COUNT(*) FROM dossier_event e WHERE e.dossier_id = d.id AND e.to_status = 2),"
        " (SELECT COUNT(*) FROM outbox o WHERE o.topic = 'sync' AND o.subject = d.code"
        "  AND JSON_VALUE(o.payload, '$.status') = '2'),"
        " (SELECT COUNT(*) FROM audit_log a WHERE a.action = 'dossier_status' AND a.subject = d.code)"
        f" FROM dossier d WHERE d.code IN ({q})")
    return {r[0]: tuple(int(x) for x in r[1:]) for r in rows}


def test_status_changes_under_kill_9_and_a_database_crash_happen_once():
    """The desk accepts 60 dossiers from 6 threads while its workers are
    killed (kill -9) and then MariaDB itself is killed and started again.
    Every change the officer was told about (303) is there; none happened
    twice: one event, one sync message and one audit row per dossier, all
    written by the change's one call (sql/010) or not at all.  Sent again
    (the officer's retry), each answers 303 and adds nothing."""
    c, agency, codes = filed_at_desk(4, 60)
    s = S.staff(agency)
    s.get(f"/desk/dossiers/{codes[0]}")
    move, answers, acked, cut = staff_posts_under_kills(
        lambda code: f"/desk/dossiers/{code}/status", lambda code: f"to=2&csrf={s.csrf}",
        s.cookie_header(), codes)
    got = moves_to_2(codes)
    for code in acked:
        assert got[code] == (2, 1, 1, 1), (code, got[code])
    for code in cut:
        assert got[code] in ((1, 0, 0, 0), (2, 1, 1, 1)), (code, got[code])
    # the officer sends again what failed, and everything once more
    for code in cut + codes:
        move(code)
    assert all(v == 303 for v in answers.values()), answers
    assert set(moves_to_2(codes).values()) == {(2, 1, 1, 1)}, moves_to_2(codes)


def late_pause_state(codes):
    """Per dossier: status, paused_days_left (None when not paused), paused_at
    set, due day, events to 5, events 5 -> 4, sync messages of status 5,
    sync messages of status 4, supplement documents."""
    q = ",".join(f"'{c}'" for c in codes)
    rows = P.sql(
        "SELECT d.code, d.status, IFNULL(d.paused_days_left, 'none'), d.paused_at IS NOT NULL, d.due_day,"
        " (SELECT COUNT(*) FROM dossier_event e WHERE e.dossier_id = d.id AND e.to_status = 5),"
        " (SELECT COUNT(*) FROM dossier_event e WHERE e.dossier_id = d.id AND e.from_status = 5"
        "  AND e.to_status = 4),"
        " (SELECT COUNT(*) FROM outbox o WHERE o.topic = 'sync' AND o.subject = d.code"
        "  AND JSON_VALUE(o.payload, '$.status') = '5'),"
        " (SELECT COUNT(*) FROM outbox o WHERE o.topic = 'sync' AND o.subject = d.code"
        "  AND JSON_VALUE(o.payload, '$.status') = '4'),"
        " (SELECT COUNT(*) FROM dossier_document x WHERE x.dossier_id = d.id AND x.role = 'supplement')"
        f" FROM dossier d WHERE d.code IN ({q})")
    return {r[0]: (int(r[1]), None if r[2] == "none" else int(r[2]), int(r[3]), r[4],
                   *(int(x) for x in r[5:])) for r in rows}


def test_late_dossiers_paused_and_resumed_under_kill_9_and_a_database_crash_stay_as_late():
    """A late dossier asked for a supplement keeps how late it was (a
    negative paused_days_left, store.c), and gets it back as its due day
    when the papers come (test_chk12.py, without faults).  Here the desk
    asks for supplements on 40 late dossiers (1 to 4 working days late)
    from 6 threads while workers are killed (kill -9) and MariaDB crashes,
    then the citizen supplies all 40 the same way.  After each round, and
    after the cut-off posts are sent again: every dossier was paused with
    exactly its delay and resumed due the same late day; one event per
    acknowledged change, one sync message per event (its id the event's,
    its due date the dossier's), the day's counters equal to the events;
    a cut-off post left the dossier wholly before or wholly after."""
    import test_wallet_results as W
    c, agency, codes = filed_at_desk(6, 40)
    s = S.staff(agency)
    s.get(f"/desk/dossiers/{codes[0]}")
    for to in (2, 4):
        for code in codes:
            r = s.post(f"/desk/dossiers/{code}/status", {"to": str(to)})
            assert r.status == 303, (code, to, r.status, r.text[:300])
    # the k-th working day before today as the due day: late by k - 1
    # working days before today, and by today too when today works
    past = W.past_working_days(6)
    works = W.today_works()
    due, late = {}, {}
    for i, code in enumerate(codes):
        k = 2 + i % 4
        due[code] = past[k - 1]
        late[code] = k - 1 + (1 if works else 0)
        P.sql(f"UPDATE dossier SET due_day = '{due[code]}', due_at = '{due[code]} 16:59:59' "
              f"WHERE code = '{code}'")

    running = lambda code: (4, None, 0, due[code], 0, 0, 0, 1, 0)           # noqa: E731
    paused = lambda code: (5, -late[code], 1, due[code], 1, 0, 1, 1, 0)     # noqa: E731
    resumed = lambda code: (4, None, 0, due[code], 1, 1, 1, 2, 1)           # noqa: E731

    # round 1: the desk asks for a supplement
    reason = urllib.parse.quote("Thiếu bản sao giấy chứng sinh có chứng thực")
    ask, answers, acked, cut = staff_posts_under_kills(
        lambda code: f"/desk/dossiers/{code}/status",
        lambda code: f"to=5&reason={reason}&csrf={s.csrf}", s.cookie_header(), codes)
    got = late_pause_state(codes)
    for code in acked:
        assert got[code] == paused(code), (code, got[code], paused(code))
    for code in cut:
        assert got[code] in (running(code), paused(code)), (code, got[code])
    for code in cut + codes:
        ask(code)
    assert all(v == 303 for v in answers.values()), answers
    got = late_pause_state(codes)
    assert {k: v for k, v in got.items() if v != paused(k)} == {}

    # round 2: the citizen sends the papers, from the dossier's page
    assert c.get(f"/dossiers/{codes[0]}").status == 200
    bodies = {code: S.multipart({"csrf": c.csrf}, {"doc_1": ("bo-sung.png", S.PNG, "image/png")})
              for code in codes}
    supply, answers, acked, cut = staff_posts_under_kills(
        lambda code: f"/dossiers/{code}/supplement", lambda code: bodies[code][0],
        c.cookie_header(), codes, port=H.PORT, ctype=lambda code: bodies[code][1])
    got = late_pause_state(codes)
    for code in acked:
        assert got[code] == resumed(code), (code, got[code], resumed(code))
    for code in cut:
        assert got[code] in (paused(code), resumed(code)), (code, got[code])
    for code in cut + codes:
        supply(code)
    assert all(v == 303 for v in answers.values()), answers
    got = late_pause_state(codes)
    assert {k: v for k, v in got.items() if v != resumed(k)} == {}

    # one sync message per event, named by it, carrying the late due day
    q = ",".join(f"'{c}'" for c in codes)
    events = {f"{r[0]}/{r[1]}" for r in P.sql(
        f"SELECT d.code, e.id FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id WHERE d.code IN ({q})")}
    msgs = P.sql("SELECT JSON_VALUE(payload, '$.id'), subject, JSON_VALUE(payload, '$.status'), "
                 f"JSON_VALUE(payload, '$.due_at') FROM outbox WHERE topic = 'sync' AND subject IN ({q})")
    assert len(msgs) == len(events) == 5 * len(codes), (len(msgs), len(events))
    assert {m[0] for m in msgs} == events, {m[0] for m in msgs} ^ events
    # (the message of the pause, and of the resumption: the later of the two 4s)
    last = {}
    for mid, code, st, due_at in msgs:
        ev_id = int(mid.rsplit("/", 1)[1])
        if st == "5":
            assert due_at == f"{due[code]}T23:59:59+07:00", (mid, due_at, due[code])
        if st == "4" and ev_id > last.get(code, (0, None))[0]:
            last[code] = (ev_id, due_at)
    assert {k: v[1] for k, v in last.items()} == {k: f"{due[k]}T23:59:59+07:00" for k in codes}

    # the agency's counters for the day equal its events of the day, the
    # events counted through the dossier's index by agency: CHECK TABLE
    # first, as a count through an index that kept an entry its row had
    # left counts that dossier's events twice (conf/stack.sh, db_recover)
    assert tables_not_ok() == []
    where = f"agency_code = '{agency}' AND procedure_code = '{S.PROC}'"
    ev = P.sql("SELECT e.to_status, COUNT(*) FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id "
               f"WHERE d.{where.replace(' AND procedure_code', ' AND d.procedure_code')} "
               "AND DATE(e.at + INTERVAL 7 HOUR) = DATE(UTC_TIMESTAMP() + INTERVAL 7 HOUR) "
               "AND e.from_status IS NOT NULL GROUP BY e.to_status")
    ev = {int(k): int(v) for k, v in ev}
    cnt = P.sql("SELECT SUM(accepted), SUM(supplement_requested) FROM sub_daily WHERE "
                f"{where} AND day = DATE(UTC_TIMESTAMP() + INTERVAL 7 HOUR)")[0]
    assert (int(cnt[0]), int(cnt[1])) == (ev.get(2, 0), ev.get(5, 0)), (cnt, ev)
    assert ev.get(5, 0) >= len(codes)

    # and the national portal gets every one of them, once restarted
    assert H.wait_until(lambda: P.sql(
        "SELECT COUNT(*) FROM outbox WHERE topic = 'sync' AND state <> 'done' "
        f"AND subject IN ({q})")[0][0] == "0", 90, 0.5), P.sql(
        f"SELECT state, COUNT(*) FROM outbox WHERE topic = 'sync' AND subject IN ({q}) GROUP BY state")
    arrived = {m["id"] for c2 in codes for m in sync_mine(set(codes)).get(c2, [])}
    assert events <= arrived, events - arrived


def test_a_database_that_died_is_checked_before_the_portal_reaches_it():
    """MariaDB killed (kill -9) leaves its pid file: the next start brings
    it up on a private socket with no TCP, checks every table of the
    portal (rebuilding one that fails), shuts it down cleanly and only then
    starts it where the programs connect.  A clean stop skips all that."""
    tables = portal_tables()
    dbrun = os.path.dirname(os.path.realpath(os.path.join(VAR, "run", "mysqld.pid")))
    pid = mariadb_pid()
    os.kill(pid, 9)
    assert H.wait_until(lambda: not os.path.exists(f"/proc/{pid}"), 30)
    said, checked = db_start()
    assert "not shut down cleanly" in said, said
    ok = {line.split("\t")[0].split(".", 1)[1] for line in checked.splitlines()
          if line.endswith("\tcheck\tstatus\tOK")}
    assert ok == tables, (tables - ok, checked[:500])
    assert not os.path.exists(os.path.join(dbrun, "recover.pid"))
    assert not os.path.exists(os.path.join(dbrun, "recover.sock"))
    # the recovery's server listened on its own socket only (port 0, no
    # TCP) and was stopped cleanly; the server started after it had no log
    # left to replay
    with open(os.path.join(dbrun, "mariadb.err"), encoding="utf-8", errors="replace") as f:
        err = f.read()
    last = err.rsplit("Starting MariaDB", 2)
    assert "recover.sock'  port: 0 " in last[1] and "Server socket created" not in last[1], \
        last[1][-800:]
    assert "Shutdown complete" in last[1], last[1][-800:]
    assert "mysqld.sock'  port: " in last[2] and "crash recovery" not in last[2], last[2][-800:]
    assert H.wait_until(lambda: H.get("/dossiers/health").status == 200, 30)
    # a clean stop (SIGTERM) is started again at once, with no check
    pid = mariadb_pid()
    os.kill(pid, 15)
    assert H.wait_until(lambda: not os.path.exists(f"/proc/{pid}"), 60)
    said, checked = db_start()
    assert "not shut down cleanly" not in said and checked == "", (said, checked)
    assert H.wait_until(lambda: H.get("/dossiers/health").status == 200, 30)


def test_staff_adds_under_kill_9_and_a_database_crash_leave_no_account_without_its_audit():
    """An administrator adds 24 accounts from 6 threads while the area's
    workers are killed (kill -9) and then MariaDB itself.  An account and
    its audit row are one transaction: every login ends with both or with
    neither, every add the administrator was told about (303) is there,
    and what was cut off can be added again, once."""
    import random
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[7]
    s = S.staff(agency, "admin")
    assert s.get("/desk/staff").status == 200
    logins = [f"kf{random.getrandbits(40):x}" for _ in range(24)]

    def body(login):
        return urllib.parse.urlencode({"login": login, "name": "Nguyễn Thị Lan", "agency": agency,
                                       "role": "desk", "password": "mật-khẩu-ban-đầu-1",
                                       "csrf": s.csrf})

    def state():
        q = ",".join(f"'{x}'" for x in logins)
        rows = P.sql(f"SELECT s.login, (SELECT COUNT(*) FROM audit_log a WHERE a.action = 'staff_add'"
                     f" AND a.subject = s.login) FROM staff s WHERE s.login IN ({q})")
        return {r[0]: int(r[1]) for r in rows}

    add, answers, acked, cut = staff_posts_under_kills(lambda login: "/desk/staff", body,
                                                       s.cookie_header(), logins, 60)
    got = state()
    assert all(n == 1 for n in got.values()), got              # never an account without its row
    assert set(acked) <= set(got), set(acked) - set(got)
    # the administrator adds again what failed and was not written
    for login in cut:
        if login not in got:
            add(login)
            assert answers[login] == 303, (login, answers[login])
    assert state() == {x: 1 for x in logins}, state()


def test_a_document_is_not_served_when_its_view_cannot_be_audited():
    """A staff member's opening of a citizen's document is written to the
    audit log before the file goes out: when the row cannot be written
    (here the area's database user has lost INSERT on audit_log), the
    officer gets a 503 and not the file; once it can, one row and the file."""
    import test_submission_desk as D
    c = S.Client()
    S.register(c)
    agency = S.agencies(c)[8]
    desk, code = D.walk_in(agency)
    page = desk.get(f"/desk/dossiers/{code}").text
    doc = re.search(r"/desk/dossiers/[^\"/]+/documents/(\d+)", page).group(1)
    rows = f"SELECT COUNT(*) FROM audit_log WHERE action = 'document_view' AND subject = '{code}'"
    P.sql(f"REVOKE INSERT ON `{P.DB}`.audit_log FROM 'portal_submission'@'localhost'")
    try:
        r = desk.get(f"/desk/dossiers/{code}/documents/{doc}")
        assert r.status == 503, r.status
        assert b"\xff\xd8\xff" not in r.body and "attachment" not in (r.header("Content-Disposition") or "")
    finally:
        P.sql(f"GRANT INSERT ON `{P.DB}`.audit_log TO 'portal_submission'@'localhost'")
    assert P.sql(rows) == [["0"]]
    r = desk.get(f"/desk/dossiers/{code}/documents/{doc}")
    assert r.status == 200 and r.body[:3] == b"\xff\xd8\xff", r.status
    assert P.sql(rows) == [["1"]]
