"""test_payment_faults2.py - three later paths of the payment area under
faults, with the plumbing of test_payment_faults (the bank's own signing,
kill -9 of the payment programs, MariaDB killed and started again):

  1. a success the bank reports for an attempt stored as failed, cancelled
     or expired (settle.c), sent many times, while the payment programs
     are killed and while MariaDB restarts: each obligation paid once with
     one receipt, or the extra success kept for refund; every callback
     stored; nothing acknowledged lost; numbers gapless;
  2. creates with an Idempotency-Key (api.c) in flight while the payment
     programs are killed and while MariaDB restarts, then retried: one
     obligation per key, every answer the first one, a changed body 409;
  3. two operators setting the same receipt series for two agencies at the
     same instant (payment-admin receipts-set): one wins, the other is
     refused (exit 2, naming the holder), nothing half-written.
Runs after test_payment_faults: it kills and restarts things.
"""
import collections
import concurrent.futures
import hashlib
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse

import test_payment as tp
import test_payment_faults as pf
from harness import get, wait_until

ROOT = tp.ROOT


def restart_mariadb(sig=signal.SIGKILL):
    pid = pf.mariadb_pid()
    os.kill(pid, sig)
    assert wait_until(lambda: pf.gone(pid), 60, 0.01)
    return pid


def start_mariadb():
    out = subprocess.run([os.path.join(ROOT, "conf/stack.sh"), "db"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr


class slow:
    """A trigger that sleeps inside the transaction under test, so that a
    kill -9 or a MariaDB crash lands in its middle (locks held, rows
    written, nothing committed), not between two short transactions."""

    def __init__(self, name, table, when):
        self.name, self.table, self.when = name, table, when

    def __enter__(self):
        tp.sql("DROP TRIGGER IF EXISTS %s" % self.name)
        tp.sql("CREATE TRIGGER %s %s ON %s FOR EACH ROW DO SLEEP(IF(%s, 0.05, 0))"
               % (self.name, self.table[0], self.table[1], self.when))
        return self

    def __exit__(self, *exc):
        tp.sql("DROP TRIGGER IF EXISTS %s" % self.name)


def slow_late_success():
    """settle.c's success after a stored failure: the attempt's update
    from failed / cancelled / expired."""
    return slow("test_slow_late_success", ("BEFORE UPDATE", "payment_attempt"),
                "OLD.state IN ('failed', 'cancelled', 'expired') AND NEW.state <> OLD.state")


def slow_idem_create():
    """api.c's create under a claimed Idempotency-Key: the obligation's insert."""
    return slow("test_slow_idem_create", ("BEFORE INSERT", "obligation"), "NEW.reference LIKE 'idem-%'")


def kill_payment_processes():
    kids = []
    for pid in pf.payment_children():
        try:
            os.kill(pid, signal.SIGKILL)
            kids.append(pid)
        except ProcessLookupError:   # died of the last kill meanwhile
            pass
    return kids


# ---- 1. a success after a stored failure ------------------------------------

FAILURES = (("07", "01"), ("24", "02"), ("51", "02"), ("11", "02"))


def failure_params(ref, total, i, code, status):
    return tp.success_params(ref, total, vnp_ResponseCode=code, vnp_TransactionStatus=status,
                             vnp_TransactionNo=str(30000000 + i), vnp_BankTranNo="F%d" % i)


def signed_path(p):
    p = dict(p)
    p["vnp_SecureHash"] = tp.vnp_sign(p)
    return "/payment/vnpay/ipn?" + urllib.parse.urlencode(p)


def failed_then(n, base, paid_other_way=0):
    """n obligations, each with one attempt the bank first reported failed
    (a rotating 07 / 24 / 51 / 11) and stored so, or expired by us (every
    fifth); the signed success the bank then reports for that attempt.
    The first paid_other_way of them were meanwhile paid through a second
    attempt: their late success is a duplicate, kept for refund."""
    items, others = [], []
    for i in range(n):
        o = tp.create((base + 1000 * i,))
        _, q = tp.start(o["payment_code"])
        ref = q["vnp_TxnRef"]
        if i % 5 == 4:
            # the sweeper gave up on it: expired by the portal, not the bank
            tp.sql("UPDATE payment_attempt SET state = 'expired', settled_by = 'sweeper',"
                   " settled_at = UTC_TIMESTAMP(3) WHERE txn_ref = '%s'" % ref)
            tp.sql("UPDATE obligation SET status = 'unpaid' WHERE payment_code = '%s'"
                   % o["payment_code"])
        else:
            code, status = FAILURES[i % len(FAILURES)]
            r = get(signed_path(failure_params(ref, o["total"], i, code, status)))
            assert r.json()["RspCode"] == "00", r.body
        state = tp.sql("SELECT state FROM payment_attempt WHERE txn_ref = '%s'" % ref)[0][0]
        assert state in ("failed", "cancelled", "expired"), state
        if i < paid_other_way:
            _, q2 = tp.start(o["payment_code"])
            p2 = tp.success_params(q2["vnp_TxnRef"], o["total"], vnp_TransactionNo=str(41000000 + i))
            assert get(signed_path(p2)).json()["RspCode"] == "00"
            others.append(q2["vnp_TxnRef"])
        p = tp.success_params(ref, o["total"], vnp_TransactionNo=str(40000000 + i),
                              vnp_BankTranNo="S%d" % i)
        items.append((o["payment_code"], ref, signed_path(p)))
    return items, others


def check_late_successes(bank, items, others):
    """Each late success paid its obligation, or (paid another way) was
    kept as a duplicate flagged for refund; one receipt each; every
    answered callback stored, exactly one of the successes confirmed."""
    pf.acknowledged_are_paid(bank, items[len(others):])
    dup_codes = {c for c, _, _ in items[:len(others)]}
    for code, ref, _ in items:
        assert tp.status_of(code) == "paid", code
        assert len(tp.receipts_of(code)) == 1, (code, tp.receipts_of(code))
        state, refund = tp.sql("SELECT state, refund_state FROM payment_attempt"
                               " WHERE txn_ref = '%s'" % ref)[0]
        if code in dup_codes:
            assert state == "duplicate" and refund != "none", (ref, state, refund)
        else:
            assert state == "paid", (ref, state)
    for ref in others:
        assert tp.sql("SELECT state FROM payment_attempt WHERE txn_ref = '%s'" % ref) == [["paid"]]
    tp.check_invariants()
    assert wait_until(lambda: pf.all_stored(bank, items), 30)
    for _, ref, _ in items:
        given = collections.Counter(c for c in bank.answers[ref] if c is not None)
        stored = pf.stored_answers(ref)
        assert not pf.unmatched(bank, ref), (ref, given, stored)
        # the failure stored first, then exactly one 00 for the success
        # (the expired ones had no failure callback)
        assert stored["00"] in (1, 2), (ref, stored)
        ok = int(tp.sql("SELECT COUNT(*) FROM callback_raw WHERE kind = 'ipn' AND txn_ref = '%s'"
                        " AND result = '00' AND raw LIKE '%%vnp_ResponseCode=00%%'" % ref)[0][0])
        assert ok == 1, (ref, ok, stored)


def test_success_after_failure_under_kill_9():
    items, others = failed_then(20, 610000, paid_other_way=4)
    bank = pf.Bank()
    killed = []
    with slow_late_success():
        ts = bank.burst(items, copies=4)
        for mark in (15, 45):
            assert wait_until(lambda: bank.sent >= mark, 30, 0.01)
            killed += kill_payment_processes()
        for t in ts:
            t.join()
    cut = sum(1 for a in bank.answers.values() for c in a if c is None)
    print("  killed %d processes; %d of %d callbacks got no answer" % (len(killed), cut, bank.sent))
    assert len(killed) >= 4 and cut, (killed, cut)
    pf.acknowledged_are_paid(bank, items[len(others):])
    assert wait_until(lambda: get("/payment/health").status == 200, 15)
    bank.retry_until_confirmed(items)
    # and once more, every one: a replay of a settled success is 02
    for _, ref, path in items:
        assert bank.one(ref, path) == "02", ref
    check_late_successes(bank, items, others)


def test_success_after_failure_across_mariadb_restart():
    items, others = failed_then(15, 720000, paid_other_way=3)
    bank = pf.Bank()
    with slow_late_success():
        ts = bank.burst(items, copies=4, threads=6, pause=0.05)
        assert wait_until(lambda: bank.sent >= 12, 30, 0.01)
        restart_mariadb()
        down_at = bank.sent
        for t in ts:
            t.join()
        # while it is away the answer is 99 (the bank retries), never 00
        r = get(items[-1][2])
        assert r.status == 200 and r.json()["RspCode"] == "99", (r.status, r.body[:200])
        start_mariadb()
    # while it is away the answer is 99, never 00
    print("  %d callbacks sent while MariaDB was down; answers %s" % (bank.sent - down_at, collections.Counter(
        c for a in bank.answers.values() for c in a)))
    assert bank.sent - down_at >= 10, (bank.sent, down_at)
    pf.acknowledged_are_paid(bank, items[len(others):])
    assert wait_until(lambda: get("/payment/health").status == 200, 30)
    bank.retry_until_confirmed(items)
    check_late_successes(bank, items, others)


# ---- 2. Idempotency-Key under faults ----------------------------------------

def idem_body(key, amount):
    return json.dumps({"group": "phi_le_phi", "agency": tp.AGENCY, "reference": key,
                       "payer": {"name": "Lê Thị Bích", "id": "001185004321"},
                       "lines": [{"name": "Lệ phí cấp giấy phép xây dựng", "amount": amount}],
                       "due": "2099-12-31"}, ensure_ascii=False).encode()


class Agency:
    """An agency's program: sends creates with keys, remembers answers."""

    def __init__(self, keys):
        self.keys = keys               # key -> body
        self.answers = collections.defaultdict(list)  # key -> [(status, json or None)]
        self.lock = threading.Lock()
        self.sent = 0

    def one(self, key, ts=None):
        try:
            r = tp.api("POST", "/payment/api/obligations", self.keys[key],
                       ts=None if ts is None else str(ts), extra={"Idempotency-Key": key})
            got = (r.status, r.json() if r.status in (201, 409) else None)
        except Exception:       # cut off by a dying worker
            got = (None, None)
        with self.lock:
            self.answers[key].append(got)
            self.sent += 1
        return got

    def burst(self, copies, threads=8):
        work = [k for _ in range(copies) for k in self.keys]
        it = iter(work)
        lock = threading.Lock()

        def run():
            while True:
                with lock:
                    k = next(it, None)
                if k is None:
                    return
                self.one(k)
        ts = [threading.Thread(target=run) for _ in range(threads)]
        for t in ts:
            t.start()
        return ts

    def retry_until_answered(self, seconds=60):
        end = time.time() + seconds
        left = [k for k in self.keys if not any(s == 201 for s, _ in self.answers[k])]
        while left and time.time() < end:
            left = [k for k in left if self.one(k)[0] != 201]
            if left:
                time.sleep(0.5)
        assert not left, left


def check_idempotent(agency):
    for key, body in agency.keys.items():
        made = tp.sql("SELECT payment_code FROM obligation WHERE reference = '%s'" % key)
        assert len(made) == 1, (key, made)
        codes = {j["payment_code"] for s, j in agency.answers[key] if s == 201}
        assert codes == {made[0][0]}, (key, codes, made)
        # anything else was a failure to try again (cut off, 502, 503),
        # never a refusal of the request
        assert all(s in (201, 502, 503, None) for s, _ in agency.answers[key]), agency.answers[key]
    # now, each again (a fresh signature, and the exact same bytes twice):
    # the first answer; a changed body under the key: 409, nothing made
    ts = int(time.time())
    for key, body in agency.keys.items():
        first = next(j for s, j in agency.answers[key] if s == 201)
        for t in (None, ts, ts):
            s, j = agency.one(key, t)
            assert s == 201 and j == first, (key, s, j, first)
        r = tp.api("POST", "/payment/api/obligations", body.replace(b"phi_le_phi", b"thue"),
                   extra={"Idempotency-Key": key})
        assert r.status == 409, (r.status, r.body[:200])
        assert len(tp.sql("SELECT id FROM obligation WHERE reference = '%s'" % key)) == 1
    claims = tp.sql("SELECT COUNT(*), SUM(status = 201) FROM pay_idempotency WHERE idem_key IN (%s)"
                    % ",".join("'%s'" % k for k in agency.keys))
    assert claims == [[str(len(agency.keys))] * 2], claims


def idem_keys(n, tag):
    stamp = time.time_ns()
    return {"idem-%s-%d-%d" % (tag, stamp, i): idem_body("idem-%s-%d-%d" % (tag, stamp, i), 80000 + i)
            for i in range(n)}


def test_idempotency_key_under_kill_9():
    tp.setup_agency()
    agency = Agency(idem_keys(40, "k9"))
    killed = []
    with slow_idem_create():
        ts = agency.burst(copies=3)
        for mark in (20, 60):
            assert wait_until(lambda: agency.sent >= mark, 30, 0.01)
            killed += kill_payment_processes()
        for t in ts:
            t.join()
    cut = sum(1 for a in agency.answers.values() for s, _ in a if s != 201)
    print("  killed %d processes; %d of %d creates got no 201" % (len(killed), cut, agency.sent))
    assert len(killed) >= 4 and cut, (killed, cut)
    assert wait_until(lambda: get("/payment/health").status == 200, 15)
    agency.retry_until_answered()
    check_idempotent(agency)


def test_idempotency_key_across_mariadb_restart():
    tp.setup_agency()
    agency = Agency(idem_keys(30, "db"))
    with slow_idem_create():
        ts = agency.burst(copies=3, threads=6)
        assert wait_until(lambda: agency.sent >= 20, 30, 0.01)
        restart_mariadb()
        down_at = agency.sent
        for t in ts:
            t.join()
        # while it is away a create is a 503 (try again), never a refusal
        s, _ = agency.one(next(iter(agency.keys)))
        assert s == 503, s
        start_mariadb()
    print("  %d creates sent while MariaDB was down; answers %s" % (agency.sent - down_at, collections.Counter(
        s for a in agency.answers.values() for s, _ in a)))
    assert agency.sent - down_at >= 10, (agency.sent, down_at)
    assert wait_until(lambda: get("/payment/health").status == 200, 30)
    agency.retry_until_answered()
    check_idempotent(agency)


# ---- 3. receipts-set: one series, one agency, also at the same instant -------

# the build under test (tests/run.sh sets PORTAL_BIN for its ASan pass)
ADMIN = os.path.join(os.environ.get("PORTAL_BIN") or os.path.join(ROOT, "build", "bin"), "payment-admin")


def receipts_set_at_once(agencies, tax, tpl, ser):
    """Every agency's receipts-set started at one instant: each waits to
    open a FIFO for reading, and all are let go by one open for writing."""
    env = dict(os.environ)
    env.pop("PORTAL_DB_USER", None)
    d = tempfile.mkdtemp()
    fifo = os.path.join(d, "go")
    os.mkfifo(fifo)
    procs = [subprocess.Popen(["sh", "-c", 'exec 3<"$0"; exec "$@"', fifo, ADMIN, "receipts-set",
                               "--agency", a, "--name", "Đơn vị thu %s" % a, "--tax-code", tax,
                               "--template", tpl, "--series", ser],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for a in agencies]
    time.sleep(0.05)
    with open(fifo, "w"):
        pass
    out = [(p.wait(30), p.stdout.read(), p.stderr.read()) for p in procs]
    os.unlink(fifo)
    os.rmdir(d)
    return out


def setting(agency):
    rows = tp.sql("SELECT unit_name, tax_code, template_symbol, series_symbol FROM pay_receipt_setting"
                  " WHERE agency_code = '%s'" % agency)
    return tuple(rows[0]) if rows else None


def test_receipts_set_race_one_wins():
    a, b = [r[0] for r in tp.sql("SELECT code FROM agency WHERE kind = 'commune'"
                                 " ORDER BY code DESC LIMIT 2")]
    before = {x: tp.sql("SELECT * FROM pay_receipt_setting WHERE agency_code = '%s'" % x) for x in (a, b)}
    tax = "01%08d" % (int(hashlib.sha256(b"race" + a.encode()).hexdigest(), 16) % 10 ** 8)
    tpl = "01BLP0-009"
    held = {a: setting(a), b: setting(b)}
    wins = collections.Counter()
    try:
        for i in range(30):
            ser = "C26R%02d" % i
            order = (a, b) if i % 2 else (b, a)
            out = dict(zip(order, receipts_set_at_once(order, tax, tpl, ser)))
            won = [x for x in order if out[x][0] == 0]
            lost = [x for x in order if out[x][0] != 0]
            assert len(won) == 1 and len(lost) == 1, (i, out)
            w, l = won[0], lost[0]
            rc, _, err = out[l]
            assert rc == 2, (i, out[l])
            assert ("already numbers the receipts of agency %s" % w) in err and ser in err, err
            wins[w] += 1
            # the winner's setting written whole; the loser's untouched
            held[w] = ("Đơn vị thu %s" % w, tax, tpl, ser)
            assert setting(w) == held[w], (i, setting(w))
            assert setting(l) == held[l], (i, setting(l), held[l])
            holders = tp.sql("SELECT agency_code FROM pay_receipt_setting WHERE tax_code = '%s'"
                             " AND template_symbol = '%s' AND series_symbol = '%s'" % (tax, tpl, ser))
            assert holders == [[w]], holders
        print("  wins %s" % dict(wins))
        # and one after the other: the second is refused the same way
        rc, _, err = tp.admin("receipts-set", "--agency", a, "--name", "x", "--tax-code", tax,
                              "--template", tpl, "--series", held[b][3] if held[b] else "C26R00")
        if held[b]:
            assert rc == 2 and ("agency %s" % b) in err, (rc, err)
    finally:
        for x in (a, b):
            tp.sql("DELETE FROM pay_receipt_setting WHERE agency_code = '%s'" % x)
            for row in before[x]:
                tp.sql("INSERT INTO pay_receipt_setting VALUES (%s)" % ",".join("'%s'" % v for v in row))


def test_migration_021_stops_on_existing_duplicates():
    """An installation that already holds one series for two agencies: the
    migration lists them, stops with a message naming them, and changes
    nothing; once the operator gives each its own, it applies."""
    mig = os.path.join(ROOT, "sql", "021_receipt_series_unique.sql")
    sock = os.path.join(tp.VAR, "run", "mysqld.sock")
    db = "portal_mig021_test"

    def mysql(sql_text, database=db):
        return subprocess.run(["mariadb", "--no-defaults", "--socket=" + sock, "-uroot", database],
                              input=sql_text, capture_output=True, text=True)
    r = mysql("DROP DATABASE IF EXISTS %s; CREATE DATABASE %s" % (db, db), tp.DB)
    assert r.returncode == 0, r.stderr
    try:
        # the table as it was before 021
        ddl = tp.sql("SHOW CREATE TABLE pay_receipt_setting")[0][1].replace("\\n", "\n")
        ddl = "\n".join(l for l in ddl.split("\n") if "uq_receipt_issuer_series" not in l)
        ddl = ddl.replace("`agency_code`),\n)", "`agency_code`)\n)")
        assert mysql(ddl).returncode == 0, mysql(ddl).stderr
        mysql("INSERT INTO pay_receipt_setting VALUES"
              " ('1.001','a','0100000001','01BLP0-001','C26TAA',NOW()),"
              " ('1.002','b','0100000001','01blp0-001','C26TAA',NOW()),"
              " ('2.001','c','0100000002','01BLP0-001','C26TAA',NOW())")
        with open(mig) as f:
            text = f.read()
        r = mysql(text)
        assert r.returncode != 0
        assert "1.001, 1.002" in r.stderr and "0100000001" in r.stderr, r.stderr
        keys = mysql("SHOW INDEX FROM pay_receipt_setting").stdout
        assert "uq_receipt_issuer_series" not in keys, keys
        assert mysql("SELECT COUNT(*) FROM pay_receipt_setting").stdout.split()[-1] == "3"
        mysql("UPDATE pay_receipt_setting SET series_symbol = 'C26TAB' WHERE agency_code = '1.002'")
        r = mysql(text)
        assert r.returncode == 0, r.stderr
        assert "uq_receipt_issuer_series" in mysql("SHOW INDEX FROM pay_receipt_setting").stdout
    finally:
        mysql("DROP DATABASE IF EXISTS %s" % db, tp.DB)
