"""test_faults_chk11.py - the fault clauses of issues 6 and 7, checked from
outside: what the other fault suites do not already try.

Each test names a defect a checker found: it failed before its fix.
"""
import json
import os
import time
import uuid

import harness as H
import test_payment as tp

SPOOL = os.path.join(tp.VAR, "spool", "payment")


def spooled():
    return sorted(f for f in os.listdir(SPOOL) if f.endswith(".cb"))


def raw_get(target):
    """GET with the request target exactly as given (bytes no client sends)."""
    out = H.raw_exchange(b"GET " + target + b" HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\r\n")
    head, _, body = out.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def rows_with(marker):
    return tp.sql("SELECT kind, result, HEX(raw), spool_name IS NULL FROM callback_raw"
                  " WHERE raw LIKE '%%%s%%' ORDER BY id" % marker)


def test_callback_with_bytes_that_are_not_utf8_is_stored_byte_for_byte():
    """A callback is stored raw, byte for byte, before it is answered,
    whatever it carries.  A query with a byte that is not UTF-8 (a forged
    or broken callback: nginx passes it as sent) was refused by the
    table's utf8mb4 text column: the worker took that for the database
    being away, answered the return page 503 ("try again later") and put
    both in the spool, whose loader (INSERT IGNORE) then stored them with
    '?' in place of the byte.  With the database up, each is stored at
    once, as received, with the answer given: 97 to both (no signature
    can be checked on what cannot be read), the return page saying that
    the bank's answer could not be verified (400) rather than that the
    database is away."""
    assert H.wait_until(lambda: not spooled(), 15), spooled()
    marker = uuid.uuid4().hex[:12]
    for path, want in ((b"/payment/vnpay/ipn", 200), (b"/payment/vnpay/return", 400)):
        query = b"vnp_TxnRef=" + marker.encode() + b"&vnp_OrderInfo=Thanh\xfftoan\xc3"
        status, body = raw_get(path + b"?" + query)
        assert status == want, (path, status, body[:300])
        if want == 200:
            assert json.loads(body)["RspCode"] == "97", body
        rows = rows_with(marker)
        kind = path.rsplit(b"/", 1)[1].decode()
        mine = [r for r in rows if r[0] == kind]
        # stored by the request itself (not later from the spool), bytes intact
        assert mine and mine[0][2] == query.hex().upper() and mine[0][3] == "1", (kind, rows)
        assert mine[0][1] == "97", mine
    assert not spooled(), spooled()


# ---- issue 6: the national portal misbehaving, played by our own receiver ---

import collections
import hashlib
import hmac
import signal
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import test_submission as S
import test_submission_faults as F

RUN = os.path.join(tp.VAR, "run")


class Portal:
    """The national portal's sync endpoint, written here from issue 6's
    text (not the stand-in's code): it checks X-Portal-Timestamp and
    X-Portal-Signature = hex HMAC-SHA256(secret, timestamp "." body),
    records every attempt, and answers as `mode` says:
      ok        record, 200
      500       not recorded, 500
      hang      not recorded, no answer until past the sender's timeout
      cut       record, then a 200 cut off in its body (connection closed)
      hold      record, then hold the answer until released (the test
                kills the sender meanwhile)"""

    def __init__(self, port, secret):
        self.port, self.secret = port, secret
        self.lock = threading.Lock()
        self.mode = "ok"
        self.attempts = collections.Counter()   # mode -> attempts met in it
        self.first = {}                           # id -> body, first recorded
        self.order = []
        self.redelivered = 0
        self.seen = collections.defaultdict(list)  # id -> modes it was recorded in
        self.bad = []
        self.inflight = collections.Counter()
        self.overlaps = []
        self.held = threading.Event()
        self.release = threading.Event()
        self.srv = None

    def up(self):
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                ts = self.headers.get("X-Portal-Timestamp", "")
                sig = self.headers.get("X-Portal-Signature", "")
                want = hmac.new(portal.secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
                if not ts.isdigit() or abs(time.time() - int(ts)) > 300 or \
                        not hmac.compare_digest(want, sig):
                    portal.bad.append((ts, sig, body[:200]))
                    return self.answer(401)
                msg = json.loads(body)
                mode = portal.mode
                with portal.lock:
                    portal.attempts[mode] += 1
                    if portal.inflight[msg["id"]]:
                        portal.overlaps.append(msg["id"])
                    portal.inflight[msg["id"]] += 1
                    if mode in ("ok", "cut", "hold"):
                        portal.seen[msg["id"]].append(mode)
                        if msg["id"] in portal.first:
                            portal.redelivered += 1
                        else:
                            portal.first[msg["id"]] = msg
                            portal.order.append(msg["id"])
                try:
                    if mode == "500":
                        return self.answer(500)
                    if mode == "hang":
                        time.sleep(int(os.environ.get("PORTAL_SYNC_TIMEOUT_MS", "4000")) / 1000 + 1.5)
                        return self.answer(503)
                    if mode == "cut":
                        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                         b"Content-Length: 100\r\n\r\n{\"ok\":")
                        self.wfile.flush()
                        self.connection.shutdown(socket.SHUT_RDWR)
                        self.close_connection = True
                        return
                    if mode == "hold":
                        portal.held.set()
                        portal.release.wait(30)
                    return self.answer(200)
                finally:
                    with portal.lock:
                        portal.inflight[msg["id"]] -= 1

            def answer(self, status):
                answer_json(self, status)

        class Server(ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True
            request_queue_size = 64

            def handle_error(self, request, client_address):
                pass        # the connections "cut" closes on purpose

        self.srv = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def down(self):
        if self.srv:
            self.srv.shutdown()
            self.srv.server_close()
            self.srv = None

    def statuses(self, codes):
        out = {c: [] for c in codes}
        with self.lock:
            for i in self.order:
                m = self.first[i]
                if m["dossier_code"] in out:
                    out[m["dossier_code"]].append(m)
        return out


def answer_json(handler, status):
    """A stand-in portal's answer: {"ok":true} on 200, an error otherwise;
    a sender that hung up meanwhile is no failure of the test."""
    b = b'{"ok":true}' if status == 200 else b'{"error":"busy"}'
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(b)))
        handler.end_headers()
        handler.wfile.write(b)
    except OSError:
        pass


def standin_pid():
    try:
        with open(os.path.join(RUN, "sync-receiver.pid")) as f:
            pid = int(f.read().split()[0])
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def standin_start():
    """The stand-in receiver again, as conf/stack.sh starts it."""
    subprocess.Popen(["/usr/bin/python3", os.path.join(tp.ROOT, "tests", "sandbox", "sync_receiver.py"),
                      "--host", "127.0.0.1", "--port", str(S.SYNC_PORT),
                      "--secret-file", os.path.join(tp.VAR, "secrets", "sync"),
                      "--pid-file", os.path.join(RUN, "sync-receiver.pid")],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)
    assert H.wait_until(lambda: standin_pid() and S.sync_received() is not None, 10)


def sync_rows(codes, where=""):
    q = ",".join("'%s'" % c for c in codes)
    return tp.sql("SELECT id, subject, state, attempts, last_error FROM outbox WHERE topic = 'sync'"
                  " AND subject IN (%s) %s" % (q, where))


def test_national_portal_down_failing_hanging_cutting_and_slow_loses_and_reorders_nothing():
    """Issue 6: "the sync receiver down for a while, then back: every change
    arrives, in order per dossier, none lost".  The receiver here is the
    test's own and checks every signature.  While the desk moves 8
    dossiers of two communes through 2 and 4, the portal is in turn: down
    (nothing listens), restarted under a MariaDB crash, answering 500,
    hanging past the sender's timeout, cutting a 200 off mid-body, and
    holding its answer while job:sync is killed (kill -9) after the
    message was recorded, twice.  Each phase lasts until the receiver has
    seen it met (or, for "down", until the outbox shows failed attempts),
    so no phase can pass unseen.  Then, back to normal, more moves.
    Afterwards: each dossier's messages arrived in the order of its
    changes (1, 2, 4, 9, 10), each message once under its id (repeats
    carry the same id), exactly the outbox's ids, no message delivered
    twice at the same time, and nothing is left pending."""
    secret = open(os.path.join(tp.VAR, "secrets", "sync"), "rb").read().strip()
    c = S.Client()
    S.register(c)
    ags = S.agencies(c)
    desks, codes = {}, []
    for a in (ags[5], ags[6]):
        desks[a] = S.staff(a)
        for _ in range(4):
            r = S.file_dossier(c, a, result_channel="desk")
            assert r.status == 303, (r.status, r.text[:300])
            codes.append((a, r.header("Location").rsplit("/", 1)[1]))
    only = [code for _, code in codes]
    # the status-1 messages leave with the stand-in; ours takes over after
    assert H.wait_until(lambda: not sync_rows(only, "AND state = 'pending'"), 30)
    pid = standin_pid()
    assert pid
    os.kill(pid, signal.SIGTERM)
    assert H.wait_until(lambda: not os.path.exists("/proc/%d" % pid), 10)
    portal = Portal(S.SYNC_PORT, secret)
    kills = []
    try:
        # down: the moves queue up
        for to in (2, 4):
            for a, code in codes:
                r = S.move(desks[a], code, to)
                assert r.status == 303, (code, to, r.status)
        assert H.wait_until(lambda: len(sync_rows(only, "AND last_error IS NOT NULL")) >= 4, 30), \
            sync_rows(only)
        # MariaDB crashes and comes back while the portal is still down
        db = F.mariadb_pid()
        os.kill(db, signal.SIGKILL)
        assert H.wait_until(lambda: not os.path.exists("/proc/%d" % db), 30)
        out = subprocess.run([os.path.join(tp.ROOT, "conf", "stack.sh"), "db"], cwd=tp.ROOT,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        portal.up()
        for mode, n in (("500", 3), ("hang", 2), ("cut", 3)):
            portal.mode = mode
            assert H.wait_until(lambda: portal.attempts[mode] >= n, 60, 0.05), (mode, portal.attempts)
        for _ in range(2):
            portal.held.clear()
            portal.release.clear()
            portal.mode = "hold"
            assert portal.held.wait(60), portal.attempts
            # recorded, not yet acknowledged: the sender dies here
            victims = F.children("job:sync")
            assert victims
            for p in victims:
                F.kill9(p)
            kills += victims
            portal.mode = "ok"
            portal.release.set()
            assert H.wait_until(lambda: F.children("job:sync") and F.children("job:sync") != victims, 10)
        # back to normal: the rest of the walk
        for to in (9, 10):
            for a, code in codes:
                r = S.move(desks[a], code, to)
                assert r.status == 303, (code, to, r.status)
        want = [1, 2, 4, 9, 10]
        assert H.wait_until(lambda: all(len(v) >= 4 for v in portal.statuses(only).values())
                            and not sync_rows(only, "AND state = 'pending'"), 120, 0.5), \
            (portal.attempts, sync_rows(only, "AND state = 'pending'"))
        # what was recorded and then cut off, or held while its sender
        # died, comes again under the same id (whichever dossier it was)
        unacked = [i for i, modes in portal.seen.items() if modes[0] in ("cut", "hold")]
        assert len(unacked) >= 3, dict(portal.seen)
        assert H.wait_until(lambda: all(len(portal.seen[i]) >= 2 for i in unacked), 60, 0.2), \
            {i: portal.seen[i] for i in unacked}
    finally:
        portal.release.set()
        portal.down()
        if not standin_pid():
            standin_start()
    got = portal.statuses(only)
    print("  portal attempts %s; %d sync kills; %d redelivered under the same id"
          % (dict(portal.attempts), len(kills), portal.redelivered))
    assert portal.bad == [], portal.bad[:3]
    assert portal.overlaps == [], portal.overlaps
    # status 1 went to the stand-in before the swap; ours saw the rest, in order
    for code in only:
        assert [m["status"] for m in got[code]] == want[1:], (code, [m["status"] for m in got[code]])
        ch = [m["changed_at"] for m in got[code]]
        assert ch == sorted(ch), (code, ch)
    ids = {r[0] for r in tp.sql(
        "SELECT JSON_VALUE(payload, '$.id') FROM outbox WHERE topic = 'sync' AND subject IN (%s)"
        " AND JSON_VALUE(payload, '$.status') <> '1'" % ",".join("'%s'" % c for c in only))}
    seen = {m["id"] for v in got.values() for m in v}
    assert ids == seen, ids ^ seen


# ---- issue 7: the bank's retries over a crash, and the sweeper without the bank

import test_payment_faults as PF


def test_fifty_identical_callbacks_at_once_over_a_database_crash_confirm_once():
    """Issue 7: "50 identical callbacks at once" and "a MariaDB restart:
    nothing acknowledged is lost and nothing is paid twice once the bank
    retries".  For each of 4 obligations the bank sends the same signed
    IPN 50 times at once (200 callbacks released together), and MariaDB
    is killed (kill -9) once a few have been answered.  While it is away
    the answers are 99 and the callbacks wait in the spool.  With it back,
    the bank retries each until confirmed, then 3 more times.  Each
    obligation hears 00 once in all (none if its 00 was lost in the
    crash: then 02, the payment having been committed), and after the
    first 00 or 02 only 02; one payment and one receipt each, gapless
    numbers, every answer given stored with its callback."""
    items = PF.prepare(4, 777000)
    bank = PF.Bank()
    gate = threading.Barrier(4 * 50 + 1)

    def fire(ref, path):
        gate.wait()
        bank.one(ref, path)

    ts = [threading.Thread(target=fire, args=(ref, path)) for _ in range(50) for _, ref, path in items]
    for t in ts:
        t.start()
    pid = PF.mariadb_pid()
    gate.wait()
    assert H.wait_until(lambda: bank.sent >= 5, 30, 0.001)
    os.kill(pid, signal.SIGKILL)
    for t in ts:
        t.join()
    assert H.wait_until(lambda: PF.gone(pid), 30)
    during = collections.Counter(c for a in bank.answers.values() for c in a)
    before = {ref: list(bank.answers[ref]) for _, ref, _ in items}
    print("  200 callbacks at once, MariaDB killed after 5 answers; answers then: %s" % dict(during))
    # the window was hit: some callbacks met the database away
    assert during["99"] > 0 and spooled(), (during, spooled())
    assert set(during) <= {"00", "02", "99", None}, during
    out = subprocess.run([os.path.join(tp.ROOT, "conf", "stack.sh"), "db"], cwd=tp.ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert H.wait_until(lambda: H.get("/payment/health").status == 200, 30)
    bank.retry_until_confirmed(items)
    for _ in range(3):
        for _, ref, path in items:
            bank.one(ref, path)
    for _, ref, _ in items:
        answers = bank.answers[ref]
        assert answers.count("00") <= 1, (ref, answers)
        after = [c for c in answers[len(before[ref]):] if c is not None]
        first = next(i for i, c in enumerate(after) if c in ("00", "02"))
        assert after[first] == "02" or "00" not in before[ref], (ref, before[ref], after)
        assert set(after[first + 1:]) == {"02"}, (ref, after)
    PF.check_after(bank, items)
    assert H.wait_until(lambda: not spooled(), 30), spooled()


def test_sweeper_with_the_bank_api_down_and_killed_settles_nothing_until_the_bank_answers():
    """Issue 7: "the bank API down" while the sweeper runs.  Six attempts
    the person paid at the bank whose IPN never came, and four the bank
    never saw, all pending past the sweep delay.  With the bank's API down
    the sweeper checks each (its count of checks goes up) several times,
    and is killed (kill -9) as soon as it has claimed a round, twice (the
    bank's 503 comes fast, so the kill may fall inside the round or just
    after it; either way): nothing is settled, expired or made unpaid on
    a guess.  With the API back the
    paid ones are paid (one receipt each) and the others expire."""
    paid, never = [], []
    for i in range(10):
        o = tp.create((93000 + 1000 * i,))
        loc, q = tp.start(o["payment_code"])
        if i < 6:
            tp.bank_pays(loc, "paid", ipn="never")
            paid.append((o["payment_code"], q["vnp_TxnRef"]))
        else:
            never.append((o["payment_code"], q["vnp_TxnRef"]))
    refs = ",".join("'%s'" % r for _, r in paid + never)

    def checks():
        return [int(r[0]) for r in tp.sql("SELECT checks FROM payment_attempt WHERE txn_ref IN (%s)" % refs)]

    def due_now():
        tp.sql("UPDATE payment_attempt SET next_check_at = UTC_TIMESTAMP(3) WHERE txn_ref IN (%s)" % refs)

    def sweeper():
        return [p for p in PF.payment_children() if open("/proc/%d/comm" % p).read().strip() == "job:sweeper"]

    api = lambda down: tp.sandbox("POST", "/sandbox/control", json.dumps({"api_down": down}).encode(),
                                  {"Content-Type": "application/json"})
    assert api(True)[0] == 200
    try:
        tp.sql("UPDATE payment_attempt SET created_at = created_at - INTERVAL 40 MINUTE,"
               " next_check_at = UTC_TIMESTAMP(3) WHERE txn_ref IN (%s)" % refs)
        assert H.wait_until(lambda: min(checks()) >= 1, 60, 0.2), checks()
        kills = 0
        for k in range(2):
            n = sum(checks())
            due_now()
            # killed as soon as it has claimed some of them
            assert H.wait_until(lambda: sum(checks()) > n, 30, 0.01), checks()
            for p in sweeper():
                os.kill(p, signal.SIGKILL)
                kills += 1
            assert H.wait_until(lambda: sweeper(), 15)
        due_now()
        assert H.wait_until(lambda: min(checks()) >= 3, 60, 0.2), checks()
        rows = tp.sql("SELECT a.state, o.status FROM payment_attempt a JOIN obligation o"
                      " ON o.id = a.obligation_id WHERE a.txn_ref IN (%s)" % refs)
        assert kills >= 2
        assert rows == [["pending", "being_paid"]] * 10, rows
    finally:
        api(False)
    due_now()
    assert H.wait_until(lambda: not tp.sql("SELECT 1 FROM payment_attempt WHERE state = 'pending'"
                                          " AND txn_ref IN (%s)" % refs), 90, 0.5)
    for code, ref in paid:
        assert tp.status_of(code) == "paid" and len(tp.receipts_of(code)) == 1, code
    for code, ref in never:
        assert tp.status_of(code) == "unpaid", code
        assert tp.sql("SELECT state FROM payment_attempt WHERE txn_ref = '%s'" % ref) == [["expired"]]
    tp.check_invariants()


def test_webhooks_waiting_for_a_dead_endpoint_go_to_the_agency_new_one():
    """Issue 7: webhooks "delivered through the outbox with back-off".  An
    agency's endpoint dies; payments go on, their events wait; the agency
    sets up its endpoint at a new address and the operator runs
    `payment-admin webhook-set` with it (which also gives it a new signing
    secret).  The events waiting must reach the new address, signed with
    the new secret.  They kept the address of the moment they were
    written, so they went on failing against the dead one, for ever
    (and, were the old one to come back, signed with a secret it no longer
    had): an agency never heard that these obligations were paid."""
    tp.setup_agency()
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead_port = dead.getsockname()[1]
    dead.close()                     # nothing listens there any more
    srv = None
    try:
        rc, _, err = tp.admin("webhook-set", "--agency", tp.AGENCY,
                              "--url", "http://127.0.0.1:%d/hook" % dead_port)
        assert rc == 0, err
        o = tp.create((64000,))
        _, q = tp.start(o["payment_code"])
        assert tp.ipn(tp.success_params(q["vnp_TxnRef"], o["total"])).json()["RspCode"] == "00"
        code = o["payment_code"]
        failing = ("SELECT COUNT(*) FROM outbox WHERE topic = 'webhook' AND subject = '%s'"
                   " AND state = 'pending' AND last_error IS NOT NULL" % code)
        assert H.wait_until(lambda: tp.sql(failing) == [["1"]], 30), tp.sql(
            "SELECT state, attempts, last_error FROM outbox WHERE topic = 'webhook' AND subject = '%s'" % code)
        srv, got = tp.hook_server(parse=False)
        new_url = "http://127.0.0.1:%d/hook" % srv.server_address[1]
        rc, secret, err = tp.admin("webhook-set", "--agency", tp.AGENCY, "--url", new_url)
        assert rc == 0, err

        def mine():
            # (other tests' events that waited for this agency come too)
            return [(s, b) for s, b in got if json.loads(b).get("data", {}).get("payment_code") == code]
        assert H.wait_until(lambda: mine(), 40), tp.sql(
            "SELECT state, attempts, last_error FROM outbox WHERE topic = 'webhook' AND subject = '%s'" % code)
        sig, body = mine()[0]
        parts = dict(x.split("=", 1) for x in sig.split(","))
        want = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(want, parts["v1"]), "not signed with the endpoint's secret"
        assert json.loads(body)["type"] == "obligation.paid"
        assert H.wait_until(lambda: tp.sql(
            "SELECT state FROM outbox WHERE topic = 'webhook' AND subject = '%s'" % code) == [["done"]], 10)
        # the delivery log names where it went
        assert tp.sql("SELECT url FROM pay_webhook_delivery WHERE payment_code = '%s'"
                      " AND http_status = 200" % code) == [[new_url]]
    finally:
        tp.sql("DELETE FROM pay_webhook_endpoint WHERE agency_code = '%s'" % tp.AGENCY)
        if srv:
            srv.shutdown()
            srv.server_close()
