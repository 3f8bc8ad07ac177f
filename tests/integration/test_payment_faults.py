"""test_payment_faults.py - callbacks while the payment programs die and
while MariaDB restarts.  The test plays the bank (its own signing, from
test_payment): a burst of IPNs for many obligations, several identical
copies each, and in the middle kill -9 of the payment processes, or a
restart of MariaDB.  Then the bank retries, as VNPay does, until it gets
00 or 02.  What must hold afterwards:
  - every answer 00 given before the fault is a paid obligation after it
    (nothing acknowledged is lost);
  - exactly one paid attempt and one receipt per obligation, receipt
    numbers gapless per series (test_payment.check_invariants);
  - every callback that got an answer is stored raw with that answer.
Runs last: it kills and restarts things.
"""
import collections
import json
import os
import signal
import subprocess
import threading
import time
import urllib.parse

import test_payment as tp
from harness import get, wait_until

ROOT = tp.ROOT
RUN = os.path.join(tp.VAR, "run")


def payment_master():
    with open(os.path.join(RUN, "payment.pid")) as f:
        return int(f.read().split()[0])


def payment_children():
    out = subprocess.run(["pgrep", "-P", str(payment_master())], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def gone(pid):
    """Dead, even if nobody has reaped it yet."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def mariadb_pid():
    with open(os.path.join(RUN, "mysqld.pid")) as f:
        return int(f.read().split()[0])


def prepare(n, amount_base=120000):
    """n obligations, each with a pending attempt; the signed IPN path of each."""
    out = []
    for i in range(n):
        o = tp.create((amount_base + 1000 * i,))
        _, q = tp.start(o["payment_code"])
        p = tp.success_params(q["vnp_TxnRef"], o["total"],
                              vnp_TransactionNo=str(20000000 + i), vnp_BankTranNo="VNP%d" % i)
        p["vnp_SecureHash"] = tp.vnp_sign(p)
        out.append((o["payment_code"], q["vnp_TxnRef"],
                    "/payment/vnpay/ipn?" + urllib.parse.urlencode(p)))
    return out


class Bank:
    """Sends IPNs and remembers every answer, per txn_ref."""

    def __init__(self):
        self.answers = collections.defaultdict(list)   # txn_ref -> [RspCode or None]
        self.lock = threading.Lock()
        self.sent = 0

    def one(self, ref, path):
        try:
            r = get(path, timeout=30)
            code = r.json()["RspCode"] if r.status == 200 else None
        except Exception:       # connection reset by a dying worker, 502 page ...
            code = None
        with self.lock:
            self.answers[ref].append(code)
            self.sent += 1
        return code

    def burst(self, items, copies, threads=8, pause=0.01):
        work = [(ref, path) for _ in range(copies) for _, ref, path in items]
        it = iter(work)
        lock = threading.Lock()

        def run():
            while True:
                with lock:
                    nxt = next(it, None)
                if nxt is None:
                    return
                self.one(*nxt)
                time.sleep(pause)
        ts = [threading.Thread(target=run) for _ in range(threads)]
        for t in ts:
            t.start()
        return ts

    def retry_until_confirmed(self, items, seconds=90):
        """VNPay retries an IPN until it answers 00 or 02."""
        end = time.time() + seconds
        unconfirmed = list(items)
        while unconfirmed and time.time() < end:
            left = []
            for item in unconfirmed:
                if self.one(item[1], item[2]) not in ("00", "02"):
                    left.append(item)
            unconfirmed = left
            if unconfirmed:
                time.sleep(0.5)
        assert not unconfirmed, "the portal never confirmed %s" % [t[1] for t in unconfirmed]


def acknowledged_are_paid(bank, items):
    refs = [ref for _, ref, _ in items if "00" in bank.answers[ref]]
    if not refs:
        return
    rows = tp.sql("SELECT a.txn_ref, a.state, o.status FROM payment_attempt a"
                  " JOIN obligation o ON o.id = a.obligation_id WHERE a.txn_ref IN (%s)"
                  % ",".join("'%s'" % r for r in refs))
    bad = [r for r in rows if r[1] != "paid" or r[2] != "paid"]
    assert len(rows) == len(refs) and not bad, bad


def stored_answers(ref):
    return collections.Counter(r[0] for r in tp.sql(
        "SELECT COALESCE(result, '-') FROM callback_raw WHERE kind = 'ipn' AND txn_ref = '%s'" % ref))


def all_stored(bank, items):
    for _, ref, _ in items:
        if unmatched(bank, ref):
            return False
    return True


def unmatched(bank, ref):
    """Answers given with no stored callback to show for them.  A row whose
    result is empty (the database went away between storing the callback
    and writing the answer) stands for any one answer."""
    given = collections.Counter(c for c in bank.answers[ref] if c is not None)
    stored = stored_answers(ref)
    left = sum((given - stored).values())
    return max(0, left - stored["-"])


def check_after(bank, items):
    codes = [c for c, _, _ in items]
    rows = tp.sql("SELECT payment_code, status FROM obligation WHERE payment_code IN (%s)"
                  % ",".join("'%s'" % c for c in codes))
    assert sorted(rows) == sorted([c, "paid"] for c in codes), rows
    for code in codes:
        assert len(tp.receipts_of(code)) == 1, code
    tp.check_invariants()
    # every answered callback is stored, with the answer given (those that
    # came while the database was away, once the sweeper has moved them in
    # from the spool)
    wait_until(lambda: all_stored(bank, items), 30)
    for _, ref, _ in items:
        given = collections.Counter(c for c in bank.answers[ref] if c is not None)
        stored = stored_answers(ref)
        assert not unmatched(bank, ref), (ref, given, stored)
        assert sum(stored.values()) >= sum(given.values())
        # exactly one of them confirmed it
        assert stored["00"] == 1, (ref, stored)


def test_kill_9_payment_workers_during_ipn_burst():
    items = prepare(30)
    bank = Bank()
    killed = []
    ts = bank.burst(items, copies=4)
    # kill -9 every payment process (workers and jobs) twice mid-burst
    for mark in (25, 70):
        assert wait_until(lambda: bank.sent >= mark, 30, 0.01)
        kids = payment_children()
        for pid in kids:
            os.kill(pid, signal.SIGKILL)
        killed += kids
    for t in ts:
        t.join()
    lost = sum(1 for a in bank.answers.values() for c in a if c is None)
    print("  killed %d processes; %d of %d callbacks got no answer" % (len(killed), lost, bank.sent))
    assert len(killed) >= 4
    acknowledged_are_paid(bank, items)
    # the supervisor brings new workers; the bank retries
    assert wait_until(lambda: get("/payment/health").status == 200, 15)
    bank.retry_until_confirmed(items)
    check_after(bank, items)


def test_kill_9_whole_payment_program_then_make_run():
    """The supervisor too: nothing answers until `make run` starts it again."""
    items = prepare(12, 310000)
    bank = Bank()
    ts = bank.burst(items, copies=3, threads=6)
    assert wait_until(lambda: bank.sent >= 10, 30, 0.01)
    master = payment_master()
    victims = [master] + payment_children()
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    for t in ts:
        t.join()
    acknowledged_are_paid(bank, items)
    # the jobs and workers die with their supervisor (parent-death signal)
    assert wait_until(lambda: all(gone(p) for p in victims), 10)
    # nothing to answer the bank but nginx: a 502 in the bank's protocol,
    # a failure it retries (conf/areas.conf "vnpay"), not an HTML page
    r = get(items[0][2])
    assert r.status == 502 and r.json()["RspCode"] == "99", (r.status, r.body[:200])
    out = subprocess.run([os.path.join(ROOT, "conf/stack.sh"), "up"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    bank.retry_until_confirmed(items)
    check_after(bank, items)


def test_mariadb_restart_during_ipn_burst():
    items = prepare(30, 420000)
    bank = Bank()
    ts = bank.burst(items, copies=4, threads=6, pause=0.05)
    assert wait_until(lambda: bank.sent >= 20, 30, 0.01)
    pid = mariadb_pid()
    os.kill(pid, signal.SIGKILL)         # a crash, not a clean shutdown
    assert wait_until(lambda: gone(pid), 30, 0.01)
    down_at = bank.sent
    time.sleep(1.0)
    for t in ts:
        t.join()
    during = bank.sent - down_at
    # while it is away, the IPN answers 99 (the bank retries), never 00
    r = get(items[0][2])
    assert r.status == 200 and r.json()["RspCode"] == "99", (r.status, r.body[:200])
    # while it is away the callbacks wait on disk (looked at before the
    # database is back: the sweeper then moves them into the table at once;
    # check_after finds every answer given, 99s included, stored there)
    spooled = os.listdir(os.path.join(tp.VAR, "spool", "payment"))
    assert any(f.endswith(".cb") for f in spooled), spooled
    out = subprocess.run([os.path.join(ROOT, "conf/stack.sh"), "db"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    print("  %d callbacks sent while MariaDB was down; answers %s" % (during, collections.Counter(
        c for a in bank.answers.values() for c in a)))
    assert during >= 20, during
    acknowledged_are_paid(bank, items)
    assert wait_until(lambda: get("/payment/health").status == 200, 30)
    bank.retry_until_confirmed(items)
    check_after(bank, items)


def test_mariadb_restart_with_the_sandbox_retrying():
    """The sandbox bank's own retries carry the payments over the outage."""
    items = []
    for i in range(4):
        o = tp.create((55000 + i,))
        loc, q = tp.start(o["payment_code"])
        items.append((o["payment_code"], q["vnp_TxnRef"], loc))
    pid = mariadb_pid()
    os.kill(pid, signal.SIGTERM)
    assert wait_until(lambda: gone(pid), 60)
    try:
        # the person pays while the portal's database is away; the bank's
        # first IPN gets 99, the return page cannot show anything yet
        for code, ref, loc in items:
            u = urllib.parse.urlsplit(loc)
            tp.sandbox("GET", u.path + "?" + u.query)
            st, _, _ = tp.sandbox("POST", "/paymentv2/decide", urllib.parse.urlencode(
                {"txn_ref": ref, "outcome": "paid", "ipn": "normal"}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"})
            assert st == 302
        time.sleep(1.5)
    finally:
        out = subprocess.run([os.path.join(ROOT, "conf/stack.sh"), "db"], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    for code, ref, _ in items:
        assert wait_until(lambda: tp.status_of(code) == "paid", 30), code
    for code, ref, _ in items:
        import json
        log = json.loads(tp.sandbox("GET", "/sandbox/transactions?txn_ref=" + ref)[2])[0]["ipn_log"]
        rsps = [x["rsp"] for x in log]
        assert rsps[-1] == "00" and "00" not in rsps[:-1], rsps
        assert len(tp.receipts_of(code)) == 1
    tp.check_invariants()


# ---- the refund job under faults -------------------------------------------

def refund_state(ref):
    return tp.sql("SELECT refund_state FROM payment_attempt WHERE txn_ref = '%s'" % ref)[0][0]


def bank_refunds(ref):
    return json.loads(tp.sandbox("GET", "/sandbox/transactions?txn_ref=" + ref)[2])[0]["refunds"]


def refunds_job():
    return [p for p in payment_children()
            if open("/proc/%d/comm" % p).read().strip() == "job:refunds"]


def second_success(amount, **faults):
    """One obligation paid twice at the bank (two tabs); the second
    payment, the one to give back, carries the bank's faults."""
    o = tp.create((amount,))
    loc1, _ = tp.start(o["payment_code"])
    loc2, q2 = tp.start(o["payment_code"])
    tp.bank_pays(loc1, "paid", ipn="before_return")
    tp.bank_pays(loc2, "paid", ipn="before_return", **faults)
    return o, q2["vnp_TxnRef"]


def with_webhook(test):
    """Run test(o, ref) with the agency's webhook pointed at a local receiver."""
    import test_payment_refund as tr
    srv, got = tr.hook_server()
    try:
        rc, _, err = tp.admin("webhook-set", "--agency", tp.AGENCY,
                              "--url", "http://127.0.0.1:%d/hook" % srv.server_address[1])
        assert rc == 0, err
        test(got)
    finally:
        tp.sql("DELETE FROM pay_webhook_endpoint WHERE agency_code = '%s'" % tp.AGENCY)
        srv.shutdown()


def refunded_once(o, ref, amount, got):
    assert wait_until(lambda: refund_state(ref) == "refunded", 60), \
        tp.sql("SELECT refund_state, refund_tries, refund_error FROM payment_attempt "
               "WHERE txn_ref = '%s'" % ref)
    # the money went back once, in full, whatever the job heard
    assert [r["amount"] for r in bank_refunds(ref)] == [amount], bank_refunds(ref)
    assert tp.status_of(o["payment_code"]) == "paid"
    # the agency hears of it once (one message; the receiver dedupes on its id)
    hooks = tp.sql("SELECT COUNT(*) FROM outbox WHERE topic = 'webhook' AND payload LIKE "
                   "'%%obligation.refunded%%' AND payload LIKE '%%%s%%'" % ref)
    assert hooks == [["1"]], hooks
    mine = lambda: {e["id"] for e in got if e["type"] == "obligation.refunded"
                    and e["data"]["refund"]["txn_ref"] == ref}
    assert wait_until(lambda: len(mine()) == 1, 20), got
    time.sleep(3)  # later rounds give nothing back again
    assert len(bank_refunds(ref)) == 1
    tp.check_invariants()


def test_refund_job_killed_while_the_bank_answers():
    """kill -9 of the refund job after the bank did the refund and before
    its answer arrived: the next claim asks the bank first (querydr) and
    records the refund without asking for it again."""
    tp.setup_agency()
    with_webhook(lambda got: killed_mid_answer(got))


def killed_mid_answer(got):
    o, ref = second_success(176000, refund_slow="6")
    # the bank has done it; the job waits for the answer
    assert wait_until(lambda: len(bank_refunds(ref)) == 1, 60), refund_state(ref)
    assert refund_state(ref) == "requested"
    killed = refunds_job()
    assert killed
    for p in killed:
        os.kill(p, signal.SIGKILL)
    assert wait_until(lambda: all(gone(p) for p in killed), 10)
    assert wait_until(lambda: refunds_job() and refunds_job() != killed, 10)
    refunded_once(o, ref, 176000, got)


def test_refund_answer_lost_is_not_a_refusal():
    """The bank did the refund and the answer was lost on the way: not a
    refusal (nothing for staff), and the next try finds it done."""
    tp.setup_agency()
    with_webhook(lambda got: answer_lost(got))


def answer_lost(got):
    o, ref = second_success(143000, refund_lost="1")
    assert wait_until(lambda: len(bank_refunds(ref)) == 1, 60), refund_state(ref)
    refunded_once(o, ref, 143000, got)
    row = tp.sql("SELECT refund_tries >= 2, refund_error IS NULL FROM payment_attempt "
                 "WHERE txn_ref = '%s'" % ref)
    assert row == [["1", "1"]], row


# ---- a receipt's corrections under faults -----------------------------------

def adj_rows(code):
    import test_payment_receipts as tr
    return [r for r in tr.rows_of(code) if r[0] == "adjustment"]


def test_kill_9_during_receipt_corrections_and_double_cancels():
    """A leader's adjustments of one receipt, 24 at once from 6 threads,
    with kill -9 of every payment process in the middle: each adjustment
    the leader was told about (303) is there, none is there twice, each has
    its audit row (the same transaction), the series stays gapless and the
    original receipt is byte for byte the same; sent again (the leader's
    retry after the error page, a double tap), none is made twice.  Then
    10 cancellations of
    the same receipt at once: one is done, the others are refused (409)."""
    import concurrent.futures
    import test_payment_receipts as tr
    from test_payment_refund import intranet, staff_session
    tp.setup_agency()
    leader = staff_session(tp.AGENCY, 4)
    code, token = tr.paid((500000,))
    before = tr.original(token)
    _, csrf, cookies = tr.page_and_csrf(leader, code)
    adjust = "/payment/admin/receipts/%s/adjust" % code
    answers = {}
    done = threading.Event()

    def one(i):
        why = "Sửa lỗi ghi số %d" % i
        try:
            r = intranet("POST", adjust, leader, {"csrf": csrf, "so_tien": "0",
                                                  "noi_dung": "Sửa tên người nộp", "ly_do": why}, cookies)
            answers[why] = r.status
        except OSError:
            answers[why] = None         # the worker died with the connection
        if sum(1 for s in answers.values() if s) >= 6:
            done.set()

    with concurrent.futures.ThreadPoolExecutor(6) as ex:
        fs = [ex.submit(one, i) for i in range(24)]
        assert done.wait(30)
        kids = payment_children()
        for pid in kids:
            os.kill(pid, signal.SIGKILL)
        for f in fs:
            f.result()
    assert kids
    assert wait_until(lambda: get("/payment/health").status == 200, 15)
    ok = {w for w, s in answers.items() if s == 303}
    print("  killed %d processes; adjustments: %d acknowledged, %d cut off, %d written"
          % (len(kids), len(ok), len(answers) - len(ok), len(adj_rows(code))))
    assert ok and all(s in (303, 502, None) for s in answers.values()), answers
    adj = adj_rows(code)
    reasons = [r[3] for r in adj]
    assert len(reasons) == len(set(reasons)), reasons          # none twice
    assert ok <= set(reasons) <= set(answers), (ok, reasons)    # none acknowledged lost
    audited = tp.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'payment_receipt_adjust'"
                     " AND subject = '%s'" % code)[0][0]
    assert int(audited) == len(adj), (audited, len(adj))
    assert tr.original(token) == before
    tr.gapless()
    tp.check_invariants()

    # The leader, shown an error page, sends again; and every form twice
    # (a double tap): each adjustment is made exactly once (lib/once.h).
    for i in list(range(24)) * 2:
        one(i)
    assert all(s == 303 for s in answers.values()), answers
    adj = adj_rows(code)
    assert sorted(r[3] for r in adj) == sorted(answers), [r[3] for r in adj]
    audited = tp.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'payment_receipt_adjust'"
                     " AND subject = '%s'" % code)[0][0]
    assert int(audited) == 24, audited
    tr.gapless()

    # a double (or tenfold) tap on "cancel": one cancellation, the rest 409
    _, csrf, cookies = tr.page_and_csrf(leader, code)
    cancel = "/payment/admin/receipts/%s/cancel" % code
    with concurrent.futures.ThreadPoolExecutor(10) as ex:
        got = list(ex.map(lambda i: intranet("POST", cancel, leader,
                                             {"csrf": csrf, "ly_do": "Thu nhầm %d" % i}, cookies).status,
                          range(10)))
    assert sorted(got) == [303] + [409] * 9, got
    rows = tr.rows_of(code)
    assert [r[0] for r in rows].count("cancellation") == 1, rows
    assert int(tp.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'payment_receipt_cancel'"
                      " AND subject = '%s'" % code)[0][0]) == 1
    tr.gapless()



def test_expiry_under_kill_9_happens_once():
    """Obligations whose due date passes are expired by the sweeper in
    batches of 50, each batch one transaction with its webhook events.
    The sweeper is caught inside a batch, three times, and every payment
    process is killed there with kill -9.  To hold it there long enough
    to see, the test puts a trigger on obligation that sleeps 0.1 s for
    each row going to 'expired' (a batch then takes ~5 s); a batch is seen
    as a transaction in InnoDB that has changed rows and is in that sleep.  Afterwards each of the 150 is expired with exactly one event
    in the outbox, and the agency's endpoint hears each expiry under one
    event id: what a killed batch had written was rolled back, and redone
    once by the next sweeper."""
    codes = [tp.create((50000 + i,), group="hoc_phi")["payment_code"] for i in range(150)]
    quoted = "', '".join(codes)

    def expired():
        return int(tp.sql("SELECT COUNT(*) FROM obligation WHERE status = 'expired' AND payment_code"
                          " IN ('%s')" % quoted)[0][0])

    def batches():
        """Transactions inside an expiry batch: rows changed, and in the
        trigger's sleep (InnoDB shows the trigger's statement as theirs)."""
        return {r[0] for r in tp.sql(
            "SELECT trx_id FROM information_schema.innodb_trx WHERE trx_rows_modified > 0"
            " AND trx_query LIKE 'DO SLEEP(IF(NEW.status%'")}

    def run(got):
        tp.sql("CREATE TRIGGER test_slow_expiry BEFORE UPDATE ON obligation FOR EACH ROW"
               " DO SLEEP(IF(NEW.status = 'expired' AND OLD.status = 'unpaid', 0.1, 0))")
        try:
            tp.sql("UPDATE obligation SET due_date = DATE(UTC_TIMESTAMP() + INTERVAL 7 HOUR)"
                   " - INTERVAL 1 DAY WHERE payment_code IN ('%s')" % quoted)
            seen, kills = set(), 0
            while kills < 3:
                # InnoDB refreshes what information_schema.innodb_trx shows only
                # after 100 ms without a read of it: polled faster, it shows
                # the same stale rows for ever (what failed this test in CI)
                assert wait_until(lambda: batches() - seen, 90, 0.25), (
                    "no sweeper inside a batch", kills, expired(), tp.sql(
                        "SELECT trx_id, trx_state, trx_rows_modified, LEFT(trx_query, 80)"
                        " FROM information_schema.innodb_trx"))
                seen |= batches()
                kids = payment_children()
                assert kids
                for pid in kids:
                    os.kill(pid, signal.SIGKILL)
                kills += 1
            assert expired() < 150   # the last kill came before the end
        finally:
            tp.sql("DROP TRIGGER IF EXISTS test_slow_expiry")
        assert wait_until(lambda: expired() == 150, 60), expired()
        events = tp.sql("SELECT subject, COUNT(*) FROM outbox WHERE topic = 'webhook' AND subject IN"
                        " ('%s') AND payload LIKE '%%obligation.expired%%' GROUP BY subject" % quoted)
        assert sorted(events) == sorted([c, "1"] for c in codes), events[:5]
        assert wait_until(lambda: {e["data"]["payment_code"] for e in got
                                   if e["type"] == "obligation.expired"} >= set(codes), 60)
        ids = {}
        for e in got:
            if e["type"] == "obligation.expired":
                ids.setdefault(e["data"]["payment_code"], set()).add(e["id"])
        assert all(len(ids[c]) == 1 for c in codes), [c for c in codes if len(ids[c]) > 1]
        tp.sql("DELETE FROM outbox WHERE topic = 'webhook' AND subject IN ('%s')" % quoted)
    with_webhook(run)


def test_a_spool_write_cut_off_is_cleared_and_a_fresh_one_is_left():
    """A worker killed while writing a callback to the spool leaves a
    temporary file that is never renamed (the callback was never answered:
    the bank retries it).  The sweeper removes one an hour old, and leaves
    one being written now."""
    d = os.path.join(tp.VAR, "spool", "payment")
    os.makedirs(d, exist_ok=True)
    old, fresh = os.path.join(d, ".cut-off-test.cb.tmp"), os.path.join(d, ".being-written-test.cb.tmp")
    for p in (old, fresh):
        with open(p, "w") as f:
            f.write("ipn\n127.0.0.1\n")
    hour_ago = time.time() - 3700
    os.utime(old, (hour_ago, hour_ago))
    try:
        assert wait_until(lambda: not os.path.exists(old), 30), os.listdir(d)
        assert os.path.exists(fresh)
    finally:
        for p in (old, fresh):
            if os.path.exists(p):
                os.unlink(p)
