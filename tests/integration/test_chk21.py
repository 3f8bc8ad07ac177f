"""test_chk21.py - faults earlier rounds did not inject (issues 6 and 7,
"Concurrency and faults" and "kill -9 ... and a MariaDB restart"):

- a citizen's phone that drops the connection in the middle of a 5 MB
  upload, one that sends its body a few bytes at a time (slowloris), and
  one that promises more body than it sends: nothing is filed, no number
  of the agency-day is spent, and the area's workers serve the next filing;
- `make run` again (the programs move to the other slot, nginx's socket link
  is turned to it)
  while filings and IPNs are in flight, and an upload slower than the
  switch-over: nothing acknowledged is lost, nothing happens twice, and
  no request in flight is dropped;
- the national portal that acknowledges only after the sender gave up,
  and one that refuses one dossier for a long time: redelivered under the
  same id, in order, and the other dossiers' messages are not held up; the
  intranet's sync page says what is waiting and why;
- MariaDB killed (kill -9) while a 20 MB dossier is being written, and
  while the webhook sender and the refund job are in the middle of a
  delivery;
- the agency API's Idempotency-Key create racing a cancel, and a cancel
  racing the bank's success: never paid and cancelled, never money lost.

Each fault says what the user was told, then reads the database.
Runs late: it restarts MariaDB and the stack's programs.
"""
import concurrent.futures
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse

import harness as H
import test_payment as P
import test_submission as S
import test_submission_faults as F

ROOT = S.ROOT
VAR = F.VAR


def sql1(q):
    rows = P.sql(q)
    return rows[0][0] if rows else None


def new_agency(c, taken=set()):
    """A commune of the form nobody in this run has filed with: a fresh
    agency-day, so its numbers can be checked from 0001."""
    used = {r[0] for r in P.sql("SELECT DISTINCT agency_code FROM dossier")} | taken
    ags = S.agencies(c)
    a = next(x for x in ags[40:] + ags[:40] if x not in used)
    taken.add(a)
    return a


def numbers_of(agency):
    """The agency's dossier numbers today, and the day's counter row."""
    rows = P.sql("SELECT code FROM dossier WHERE agency_code = '%s'" % agency)
    seqs = sorted(int(r[0][-4:]) for r in rows)
    last = P.sql("SELECT COALESCE(MAX(last), 0) FROM dossier_seq WHERE agency_code = '%s'" % agency)
    return seqs, int(last[0][0])


def assert_numbers_gapless(agency, n):
    seqs, last = numbers_of(agency)
    assert seqs == list(range(1, n + 1)), (agency, seqs)
    assert last == n, (agency, "the counter says", last, "the dossiers", n)


def jpeg_of(size):
    """A JPEG the upload check accepts, of exactly `size` bytes."""
    return S.JPEG[:-2] + b"\0" * (size - len(S.JPEG)) + b"\xff\xd9"


def filing_body(c, agency, files):
    c.get(H.q("/dossiers/new", procedure=S.PROC))
    fields = {"procedure": S.PROC, "agency": agency, "applicant_name": "Nguyễn Thị Lan",
              "applicant_id": "001190012345", "applicant_phone": "0912345678",
              "result_channel": "online", "csrf": c.csrf}
    return S.multipart(fields, files)


def raw_head(c, length, ctype, path="/dossiers"):
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {c.cookie_header()}\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {length}\r\n\r\n").encode()


def dossier_count():
    return int(sql1("SELECT COUNT(*) FROM dossier"))


def orphan_rows():
    """Documents without their dossier, blobs nobody refers to: a filing
    half-written.  (A blob is kept while a document refers to it.)"""
    return (int(sql1("SELECT COUNT(*) FROM dossier_document x WHERE NOT EXISTS "
                     "(SELECT 1 FROM dossier d WHERE d.id = x.dossier_id)")),
            int(sql1("SELECT COUNT(*) FROM document_blob b WHERE NOT EXISTS "
                     "(SELECT 1 FROM dossier_document x WHERE x.blob_id = b.id)")))


def read_all(s):
    """What the server sends until it closes (or resets) the connection."""
    got = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except OSError:
        pass
    s.close()
    return got


def serves_a_filing_quickly(c, agency):
    t = time.time()
    r = S.file_dossier(c, agency)
    took = time.time() - t
    assert r.status == 303, (r.status, r.text[:300])
    assert took < 5, took
    return r.header("Location").rsplit("/", 1)[1]


# ---- 1. the phone that drops, dawdles or lies about its length ----------------

def test_uploads_cut_off_slow_or_short_file_nothing_and_spend_no_number():
    c = S.Client()
    S.register(c)
    agency = new_agency(c)
    before, orphans = dossier_count(), orphan_rows()
    code1 = serves_a_filing_quickly(c, agency)
    big = jpeg_of(5 << 20)
    body, ctype = filing_body(c, agency, {"doc_1": ("to-khai.jpg", big, "image/jpeg"),
                                          "doc_2": ("giay.png", S.PNG, "image/png")})
    # (a) cut after 2 MB: the phone lost its signal, the socket is reset
    for _ in range(3):
        s = socket.create_connection((H.HOST, H.PORT), timeout=10)
        s.sendall(raw_head(c, len(body), ctype) + body[:2 << 20])
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
        s.close()
    # (b) cut after 2 MB with a clean close of the sending side: the
    # server sees the end of the body early; what it answers is a refusal
    s = socket.create_connection((H.HOST, H.PORT), timeout=30)
    s.sendall(raw_head(c, len(body), ctype) + body[:2 << 20])
    s.shutdown(socket.SHUT_WR)
    got = read_all(s)
    assert not got.startswith(b"HTTP/1.1 303"), got[:200]
    # (c) slowloris: six connections send the body a few bytes every
    # second; meanwhile filings are served at their usual pace
    slow = []
    for _ in range(6):
        s = socket.create_connection((H.HOST, H.PORT), timeout=30)
        s.sendall(raw_head(c, len(body), ctype) + body[:1000])
        slow.append(s)
    stop = threading.Event()

    def dribble():
        i = 1000
        while not stop.is_set():
            for s in slow:
                try:
                    s.sendall(body[i:i + 16])
                except OSError:
                    pass
            i += 16
            time.sleep(1)
    t = threading.Thread(target=dribble)
    t.start()
    try:
        codes = [serves_a_filing_quickly(c, agency) for _ in range(4)]
    finally:
        stop.set()
        t.join()
        for s in slow:
            s.close()
    # (d) a Content-Length larger than the body, left open: the server
    # gives up waiting (nginx's client_body_timeout) and files nothing
    s = socket.create_connection((H.HOST, H.PORT), timeout=40)
    s.sendall(raw_head(c, len(body) + 5000, ctype) + body)
    t0 = time.time()
    got = read_all(s)
    assert time.time() - t0 < 35, "the server waited for ever"
    assert got == b"" or got.startswith(b"HTTP/1.1 408") or got.startswith(b"HTTP/1.1 400"), got[:200]
    # the numbers: 1 and the four served, no gap, the counter agrees
    assert code1.endswith("-0001")
    assert_numbers_gapless(agency, 5)
    assert dossier_count() == before + 5
    assert orphan_rows() == orphans
    # the dossiers filed carry their two documents and their first event
    assert F.dossier_rows_complete() == []
    # the workers are all there and free
    assert len(F.children("submission")) >= 2
    serves_a_filing_quickly(c, agency)
    assert_numbers_gapless(agency, 6)


# ---- 2. `make run` again while filings, IPNs and a slow upload are in flight --

import test_payment_faults as PF


def stack(*args):
    return subprocess.run([os.path.join(ROOT, "conf", "stack.sh"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def area_supervisor(area):
    with open(os.path.join(VAR, "run", area + ".pid")) as f:
        return int(f.read().split()[0])


class SlowUpload:
    """A phone on a slow line: the whole filing, 3 MB, sent at about
    `rate` bytes a second on its own thread; the answer kept."""

    def __init__(self, c, agency, size=3 << 20, rate=120_000):
        body, ctype = filing_body(c, agency, {"doc_1": ("to-khai.jpg", jpeg_of(size), "image/jpeg"),
                                              "doc_2": ("giay.png", S.PNG, "image/png")})
        self.data = raw_head(c, len(body), ctype) + body
        self.rate, self.answer, self.error = rate, b"", None
        self.t = threading.Thread(target=self.run)
        self.t.start()

    def run(self):
        try:
            s = socket.create_connection((H.HOST, H.PORT), timeout=60)
            step = self.rate // 10
            for i in range(0, len(self.data), step):
                s.sendall(self.data[i:i + step])
                time.sleep(0.1)
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                self.answer += chunk
                if b"\r\n\r\n" in self.answer:
                    break
            s.close()
        except OSError as e:
            self.error = e

    def status(self):
        self.t.join()
        m = re.match(rb"HTTP/1.1 (\d+)", self.answer)
        return int(m.group(1)) if m else self.error

    def code(self):
        m = re.search(rb"Location: /dossiers/([^\r\n]+)", self.answer)
        return m.group(1).decode() if m else None


def test_make_run_again_during_filings_ipns_and_a_slow_upload_drops_nothing():
    c = S.Client()
    S.register(c)
    agency = new_agency(c)
    items = PF.prepare(16, amount_base=131000)
    before = {a: area_supervisor(a) for a in ("submission", "payment")}
    filed, refused = [], []
    stop = threading.Event()

    def filer():
        while not stop.is_set():
            try:
                r = S.file_dossier(c, agency)
            except Exception as e:
                refused.append(repr(e))
                continue
            (filed if r.status == 303 else refused).append(
                r.header("Location").rsplit("/", 1)[1] if r.status == 303 else r.status)

    # the upload takes about a minute: it outlasts the switch-over (about
    # 20 s) and the 15 s nginx's old workers were waited for
    slow = SlowUpload(c, agency, rate=50_000)
    bank = PF.Bank()
    threads = [threading.Thread(target=filer) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        time.sleep(2)
        ipns = bank.burst(items, copies=3, threads=3, pause=0.3)
        out = stack("up")
        assert out.returncode == 0, out.stderr[-2000:]
        for t in ipns:
            t.join()
        time.sleep(2)
    finally:
        stop.set()
        for t in threads:
            t.join()
    after = {a: area_supervisor(a) for a in ("submission", "payment")}
    assert all(before[a] != after[a] for a in before), (before, after)  # really replaced
    # the slow phone's filing was answered, and answered as filed
    assert slow.status() == 303, (slow.status(), slow.answer[:300])
    filed.append(slow.code())
    # no request in flight was dropped: every filing and every IPN was answered
    assert refused == [], refused[:5]
    lost = {ref: a for ref, a in bank.answers.items() if None in a or "99" in a}
    assert not lost, lost
    bank.retry_until_confirmed(items, 30)
    PF.check_after(bank, items)
    # each acknowledged filing once, whole, numbers gapless
    assert len(set(filed)) == len(filed)
    seqs, last = numbers_of(agency)
    assert len(seqs) == len(filed) == last, (len(seqs), len(filed), last)
    assert_numbers_gapless(agency, len(filed))
    assert F.dossier_rows_complete() == []


def nginx_workers():
    with open(os.path.join(VAR, "run", "nginx.pid")) as f:
        master = f.read().split()[0]
    out = subprocess.run(["pgrep", "-P", master], capture_output=True, text=True)
    return sorted(out.stdout.split())


class PageReader:
    """A citizen's browser loading a large page again and again, each time
    on a new connection, until stopped: `slow` reads it a few KB at a time
    (a phone on a poor line), so much of it waits in nginx.  Keeps each
    answer's status, Content-Length and the body bytes that came before the
    connection closed."""

    def __init__(self, c, path, slow=False):
        self.head = (f"GET {path} HTTP/1.1\r\nHost: {H.HOST}\r\n"
                     f"Cookie: {c.cookie_header()}\r\nConnection: close\r\n\r\n").encode()
        self.slow, self.answers, self.errors = slow, [], []
        self.stop = threading.Event()
        self.t = threading.Thread(target=self.run)
        self.t.start()

    def run(self):
        while not self.stop.is_set():
            try:
                s = socket.create_connection((H.HOST, H.PORT), timeout=30)
                if self.slow:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.sendall(self.head)
                data = b""
                while True:
                    chunk = s.recv(4096 if self.slow else 65536)
                    if not chunk:
                        break
                    data += chunk
                    if self.slow:
                        time.sleep(0.002)
                s.close()
            except OSError as e:
                self.errors.append(repr(e))
                continue
            finally:
                time.sleep(0.01)
            head, _, body = data.partition(b"\r\n\r\n")
            m = re.match(rb"HTTP/1.1 (\d+)", head)
            cl = re.search(rb"(?im)^content-length: *(\d+)", head)
            self.answers.append((int(m.group(1)) if m else None,
                                 int(cl.group(1)) if cl else None, len(body)))

    def done(self):
        self.stop.set()
        self.t.join()
        return self.answers


def test_make_run_again_during_large_page_loads_sends_every_page_whole():
    """`make run` again used to reload nginx to point it at the new slot.
    nginx 1.22's old workers leave once they have no timer left, and with
    epoll it takes a FastCGI answer's read timeout off whenever the bytes
    waiting were a whole number of its 16k buffers: an old worker told to
    stop in that instant left with a 245 KB filing form half sent (CI: the
    first 196,309 bytes, then the connection closed).  The programs are now
    switched by turning the link nginx connects through: nginx keeps its
    workers, and every page loaded during the switch comes whole."""
    c = S.Client()
    S.register(c)
    agency = new_agency(c)
    # each filing's papers go to the wallet, which the form lists: ~245 KB
    for _ in range(45):
        assert S.file_dossier(c, agency).status == 303
    path = H.q("/dossiers/new", procedure=S.PROC)
    page = c.get(path)
    assert page.status == 200 and len(page.body) > 200_000, (page.status, len(page.body))
    before = {a: area_supervisor(a) for a in ("catalog", "submission", "payment")}
    workers = nginx_workers()
    readers = [PageReader(c, path) for _ in range(4)] + [PageReader(c, path, slow=True) for _ in range(2)]
    try:
        time.sleep(1)
        out = stack("up")
        assert out.returncode == 0, out.stderr[-2000:]
        time.sleep(1)
    finally:
        answers = [a for r in readers for a in r.done()]
    errors = [e for r in readers for e in r.errors]
    after = {a: area_supervisor(a) for a in before}
    assert all(before[a] != after[a] for a in before), (before, after)  # really replaced
    # the switch needed no reload: the workers serving pages are the same
    assert nginx_workers() == workers, (workers, nginx_workers())
    assert errors == [], errors[:5]
    bad = [a for a in answers if a[0] != 200 or a[1] is None or a[1] < 200_000 or a[2] != a[1]]
    assert len(answers) > 20 and not bad, (len(answers), bad[:5])


# ---- 3. the national portal: late acknowledgements, one dossier refused ------

import hashlib
import hmac
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import test_faults_chk11 as C11

SYNC_TIMEOUT = int(os.environ.get("PORTAL_SYNC_TIMEOUT_MS", "10000")) / 1000


class Portal:
    """The national portal's sync endpoint as issue 6 describes it (its
    signature checked), whose answer each message's dossier decides:
    `refuse` (a set of codes) get a 500 and are not recorded; `late` get
    recorded at once and, the first time a message comes, their 200 only
    after the sender's timeout."""

    def __init__(self, secret):
        self.secret = secret
        self.lock = threading.Lock()
        self.refuse, self.late = set(), set()
        self.log = []          # (time, id, code, status, how) per delivery recorded
        self.refused = {}      # code -> deliveries refused
        self.bad = []
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                ts = self.headers.get("X-Portal-Timestamp", "")
                want = hmac.new(portal.secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(want, self.headers.get("X-Portal-Signature", "")):
                    portal.bad.append(body[:200])
                    return self.answer(401)
                m = json.loads(body)
                code = m["dossier_code"]
                with portal.lock:
                    if code in portal.refuse:
                        portal.refused[code] = portal.refused.get(code, 0) + 1
                        how = "refused"
                    else:
                        # only a message's first delivery is late: the
                        # sender's next one is acknowledged in time
                        first = all(i != m["id"] for _, i, _, _, _ in portal.log)
                        how = "late" if code in portal.late and first else "ok"
                        portal.log.append((time.time(), m["id"], code, m["status"], how))
                if how == "refused":
                    return self.answer(500)
                if how == "late":
                    time.sleep(SYNC_TIMEOUT + 1.5)
                self.answer(200)

            def answer(self, status):
                C11.answer_json(self, status)

        class Server(ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.srv = Server(("127.0.0.1", S.SYNC_PORT), Handler)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def down(self):
        self.srv.shutdown()
        self.srv.server_close()

    def first(self, code):
        """The dossier's messages, each at its first arrival, in order."""
        seen, out = set(), []
        with self.lock:
            for _, i, c, st, _ in self.log:
                if c == code and i not in seen:
                    seen.add(i)
                    out.append((i, st))
        return out

    def copies(self, msg_id):
        with self.lock:
            return [how for _, i, _, _, how in self.log if i == msg_id]


def ended(pid):
    """The process has exited: gone, or a zombie its parent has not reaped
    yet (a stand-in restarted by an earlier test is this harness's child,
    and /proc keeps its entry until the harness waits for it)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_portal_acknowledging_late_and_refusing_one_dossier_holds_up_no_other():
    secret = open(os.path.join(VAR, "secrets", "sync"), "rb").read().strip()
    c = S.Client()
    S.register(c)
    a1, a2 = new_agency(c), new_agency(c)
    desks = {a1: S.staff(a1), a2: S.staff(a2)}
    codes = {}
    for a in (a1, a2):
        for _ in range(3):
            r = S.file_dossier(c, a, result_channel="desk")
            assert r.status == 303, (r.status, r.text[:300])
            codes[r.header("Location").rsplit("/", 1)[1]] = a
    every = list(codes)
    stuck, late = every[0], every[3]      # one of each commune
    others = [x for x in every if x != stuck]
    assert H.wait_until(lambda: not C11.sync_rows(every, "AND state = 'pending'"), 30)
    pid = C11.standin_pid()
    os.kill(pid, signal.SIGTERM)
    assert H.wait_until(lambda: ended(pid), 10)
    portal = Portal(secret)
    portal.refuse.add(stuck)
    portal.late.add(late)
    try:
        t0 = time.time()
        for to in (2, 4):
            for code, a in codes.items():
                r = S.move(desks[a], code, to)
                assert r.status == 303, (code, to, r.status)
        # every other dossier's two changes arrive while one dossier is
        # refused the whole time: it holds up nobody
        assert H.wait_until(lambda: all(len(portal.first(x)) == 2 for x in others), 60, 0.2), \
            {x: portal.first(x) for x in others}
        took = time.time() - t0
        assert portal.first(stuck) == [] and portal.refused.get(stuck, 0) >= 2, portal.refused
        # the late one's messages were each acknowledged only after the
        # sender gave up: each came again under the same id, and its 4
        # did not overtake its 2
        for i, st in portal.first(late):
            assert H.wait_until(lambda: len(portal.copies(i)) >= 2, 30), (i, portal.copies(i))
        assert [st for _, st in portal.first(late)] == ["2", "4"] or \
            [st for _, st in portal.first(late)] == [2, 4], portal.first(late)
        print("  others delivered in %.1f s while %s was refused %d times"
              % (took, stuck, portal.refused[stuck]))
        # the desk of the refused dossier's commune sees what waits, and why
        page = desks[codes[stuck]].get("/desk/sync")
        assert page.status == 200, page.status
        assert stuck in page.text, page.text[:2000]
        assert "HTTP 500" in page.text, page.text[:3000]
        # (the other commune's page does not show it)
        other_page = desks[codes[late]].get("/desk/sync")
        assert stuck not in other_page.text
        # the refused dossier's turn: its changes, in order, once each
        portal.refuse.discard(stuck)
        assert H.wait_until(lambda: len(portal.first(stuck)) == 2, 40, 0.2), portal.first(stuck)
        assert H.wait_until(lambda: not C11.sync_rows(every, "AND state = 'pending'"), 30), \
            C11.sync_rows(every, "AND state = 'pending'")
        page = desks[codes[stuck]].get("/desk/sync")
        assert stuck not in page.text
    finally:
        portal.down()
        C11.standin_start()
    assert portal.bad == []
    for x in every:
        assert [int(st) for _, st in portal.first(x)] == [2, 4], (x, portal.first(x))
    # exactly the outbox's messages arrived, and each was done once
    ids = {r[0] for r in P.sql(
        "SELECT JSON_VALUE(payload, '$.id') FROM outbox WHERE topic = 'sync' AND subject IN (%s)"
        " AND JSON_VALUE(payload, '$.status') <> '1'" % ",".join("'%s'" % x for x in every))}
    got = {i for x in every for i, _ in portal.first(x)}
    assert ids == got, ids ^ got


# ---- 4. MariaDB killed mid-write: a 20 MB dossier, a webhook, a refund --------

import hashlib as _hashlib

import test_payment_faults2 as PF2


def test_mariadb_killed_while_a_20_mb_dossier_is_written_files_nothing_half():
    c = S.Client()
    S.register(c)
    agency = new_agency(c)
    serves_a_filing_quickly(c, agency)
    before, orphans = dossier_count(), orphan_rows()
    big1, big2 = jpeg_of(10 << 20), jpeg_of((10 << 20) - 4096)
    files = {"doc_1": ("to-khai.jpg", big1, "image/jpeg"),
             "doc_2": ("giay-chung-sinh.jpg", big2, "image/jpeg")}
    answer = {}

    def filing():
        try:
            answer["r"] = S.file_dossier(c, agency, files=files)
        except Exception as e:
            answer["r"] = e
    # the second 10 MB row waits 4 s before it is written (a slow disk):
    # the kill lands in its wait, with the first row written, in the
    # filing's one transaction
    P.sql("DROP TRIGGER IF EXISTS test_slow_blob")
    P.sql("CREATE TRIGGER test_slow_blob BEFORE INSERT ON document_blob FOR EACH ROW "
          "DO SLEEP(IF(NEW.size = %d, 4, 0))" % len(big2))
    try:
        t = threading.Thread(target=filing)
        t.start()
        assert H.wait_until(lambda: int(sql1(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE "
            "STATE = 'User sleep' AND INFO LIKE 'DO SLEEP(IF(NEW.size = %d%%' AND TIME_MS >= 500"
            % len(big2))) > 0, 60, 0.05)
        PF2.restart_mariadb(signal.SIGKILL)
        t.join(60)
    finally:
        PF2.start_mariadb()     # (running already: nothing to do)
        P.sql("DROP TRIGGER IF EXISTS test_slow_blob")
    r = answer["r"]
    # the citizen was told it did not go through (a page saying to try
    # again), never that it was filed
    assert not isinstance(r, Exception), r
    assert r.status == 503, (r.status, r.text[:300])
    assert "thử lại" in r.text.lower(), r.text[:1000]
    # nothing of it is in the database: no dossier, no document, no blob,
    # the day's number not spent
    assert dossier_count() == before
    assert orphan_rows() == orphans
    assert_numbers_gapless(agency, 1)
    assert int(sql1("SELECT COUNT(*) FROM document_blob WHERE size >= %d" % ((10 << 20) - 4096))) == \
        int(sql1("SELECT COUNT(*) FROM dossier_document WHERE size >= %d" % ((10 << 20) - 4096)))
    # sent again, it is filed whole under the next number, byte for byte
    assert H.wait_until(lambda: H.get("/dossiers/health").status == 200, 30)
    r = S.file_dossier(c, agency, files=files)
    assert r.status == 303, (r.status, r.text[:300])
    code = r.header("Location").rsplit("/", 1)[1]
    assert code.endswith("-0002"), code
    assert_numbers_gapless(agency, 2)
    rows = P.sql("SELECT x.id, x.size, x.sha256 FROM dossier_document x JOIN dossier d ON "
                 "d.id = x.dossier_id WHERE d.code = '%s' ORDER BY x.doc_seq" % code)
    assert [(int(s), h) for _, s, h in rows] == \
        [(len(b), _hashlib.sha256(b).hexdigest()) for b in (big1, big2)], rows
    got = c.get("/dossiers/%s/documents/%s" % (code, rows[0][0]))
    assert got.status == 200 and got.body == big1, (got.status, len(got.body))
    assert F.dossier_rows_complete() == []


def test_mariadb_killed_while_a_webhook_is_being_delivered_delivers_it_once():
    """The agency's endpoint has the event and holds its answer; MariaDB
    dies meanwhile, so the sender cannot write that it was delivered: the
    event comes again under the same id once the database is back, and
    the obligation's state is as the payment left it."""
    P.setup_agency()
    held, release = threading.Event(), threading.Event()
    got = []

    import http.server
    import socketserver

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            ev = json.loads(body)
            got.append(ev)
            if len(got) == 1:
                held.set()
                release.wait(30)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    class Srv(socketserver.ThreadingMixIn, socketserver.TCPServer):
        daemon_threads = True
        allow_reuse_address = True

    srv = Srv(("127.0.0.1", 0), Hook)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        rc, _, err = P.admin("webhook-set", "--agency", P.AGENCY,
                             "--url", "http://127.0.0.1:%d/hook" % srv.server_address[1])
        assert rc == 0, err
        items = PF.prepare(1, amount_base=217000)
        code, ref, path = items[0]
        r = H.get(path)
        assert r.json()["RspCode"] == "00"
        assert held.wait(30), "the webhook never came"
        PF2.restart_mariadb(signal.SIGKILL)
        release.set()
        time.sleep(1)
        PF2.start_mariadb()
        ev_id = got[0]["id"]
        assert H.wait_until(lambda: len([e for e in got if e["id"] == ev_id]) >= 2, 60), \
            [e["id"] for e in got]
        assert H.wait_until(lambda: P.sql(
            "SELECT state FROM outbox WHERE topic = 'webhook' AND subject = '%s'" % code)
            == [["done"]], 30)
    finally:
        P.sql("DELETE FROM pay_webhook_endpoint WHERE agency_code = '%s'" % P.AGENCY)
        srv.shutdown()
        srv.server_close()
    # one event in the outbox for one payment, the same event each time
    mine = [e for e in got if e["data"]["payment_code"] == code]
    assert {e["id"] for e in mine} == {ev_id}, mine
    assert all(e == mine[0] for e in mine)
    assert mine[0]["type"] == "obligation.paid" and mine[0]["data"]["status"] == "paid"
    assert P.status_of(code) == "paid" and len(P.receipts_of(code)) == 1
    P.check_invariants()


def test_mariadb_killed_while_the_bank_does_a_refund_gives_back_once():
    """The refund job has asked the bank to give a second payment back; the
    bank does it and holds its answer; MariaDB dies meanwhile.  The job
    cannot write what the bank said: once the database is back it finds
    the refund done (the bank's word) and never asks for a second one."""
    P.setup_agency()
    PF.with_webhook(lambda got: refund_across_a_crash(got))


def refund_across_a_crash(got):
    o, ref = PF.second_success(158000, refund_slow="6")
    assert H.wait_until(lambda: len(PF.bank_refunds(ref)) == 1, 60), PF.refund_state(ref)
    assert PF.refund_state(ref) == "requested"
    PF2.restart_mariadb(signal.SIGKILL)
    time.sleep(7)           # the bank's answer arrives with the database away
    PF2.start_mariadb()
    PF.refunded_once(o, ref, 158000, got)


# ---- 5. create racing cancel; cancel racing the bank's success ----------------

def outbox_events(code, kind):
    return int(sql1("SELECT COUNT(*) FROM outbox WHERE topic = 'webhook' AND subject = '%s'"
                    " AND payload LIKE '%%\"type\":\"%s\"%%'" % (code, kind)))


def idem_create(key, ref, ts):
    body = json.dumps({"group": "phat_vphc", "agency": P.AGENCY, "reference": ref,
                       "payer": {"name": "Nguyễn Văn An", "id": "001090000001"},
                       "lines": [{"name": "Phạt vi phạm giao thông", "amount": 350000}]},
                      ensure_ascii=False).encode()
    return P.api("POST", "/payment/api/obligations", body, ts=str(ts),
                 extra={"Idempotency-Key": key})


def test_idempotent_creates_racing_a_cancel_make_one_obligation_cancelled_once():
    """The agency's program created an obligation, lost the answer, and
    retries the create (same Idempotency-Key) from several threads while
    its operator cancels it (the code was read from the first answer).
    Whatever the order: one obligation under the key, cancelled, one
    cancellation event; every retry answers the first answer again."""
    P.setup_agency()
    srv, got = P.hook_server()
    try:
        rc, _, err = P.admin("webhook-set", "--agency", P.AGENCY,
                             "--url", "http://127.0.0.1:%d/hook" % srv.server_address[1])
        assert rc == 0, err
        for round_ in range(4):
            key = "chk21-race-%d-%d" % (round_, time.time_ns())
            ref = "QĐ %d/QĐ-XPVPHC" % (time.time_ns() % 10 ** 9)
            now = int(time.time())
            first = idem_create(key, ref, now - 100)
            assert first.status == 201, (first.status, first.body)
            code = first.json()["payment_code"]

            def retry(i):
                return idem_create(key, ref, now - 50 - i)

            def cancel(i):
                return P.api("POST", "/payment/api/obligations/%s/cancel" % code, b"",
                             ts=str(now - 10 - i))
            with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
                rs = [ex.submit(retry, i) for i in range(5)]
                cs = [ex.submit(cancel, i) for i in range(3)]
                rs = [f.result() for f in rs]
                cs = [f.result() for f in cs]
            # every retry: the first answer, byte for byte
            assert all(r.status == 201 and r.body == first.body for r in rs), \
                [(r.status, r.body[:100]) for r in rs]
            # every cancel: done (a second cancel is the same cancel)
            assert all(r.status == 200 and r.json()["status"] == "cancelled" for r in cs), \
                [(r.status, r.body[:200]) for r in cs]
            rows = P.sql("SELECT payment_code, status FROM obligation WHERE reference = '%s'" % ref)
            assert rows == [[code, "cancelled"]], rows
            assert int(sql1("SELECT COUNT(*) FROM pay_idempotency WHERE idem_key = '%s'" % key)) == 1
            assert outbox_events(code, "obligation.cancelled") == 1
            # the read says cancelled, and when
            r = P.api("GET", "/payment/api/obligations/" + code)
            assert r.status == 200 and r.json()["status"] == "cancelled", r.body
            # a retry after all that still answers the first answer, and
            # makes no second obligation
            r = idem_create(key, ref, now - 5)
            assert r.status == 201 and r.body == first.body
            assert len(P.sql("SELECT 1 FROM obligation WHERE reference = '%s'" % ref)) == 1
        assert H.wait_until(lambda: len([e for e in got if e["type"] == "obligation.cancelled"]) >= 4, 30)
        ids = [e["id"] for e in got if e["type"] == "obligation.cancelled"]
        assert len(set(ids)) == 4, ids
    finally:
        P.sql("DELETE FROM pay_webhook_endpoint WHERE agency_code = '%s'" % P.AGENCY)
        srv.shutdown()


def money_state(code):
    """(obligation status, [(attempt state, refund state)], receipts)."""
    st = P.status_of(code)
    atts = [tuple(r) for r in P.sql(
        "SELECT a.state, a.refund_state FROM payment_attempt a JOIN obligation o ON "
        "o.id = a.obligation_id WHERE o.payment_code = '%s' ORDER BY a.id" % code)]
    return st, atts, len(P.receipts_of(code))


def bank_took_it_after_a_failure(n, base):
    """n obligations, each with one attempt the sandbox bank holds as paid
    (its IPN held back) while the portal was told it failed (07: money
    taken, transaction suspected): the obligation is unpaid again.  The
    signed success the bank then sends for it."""
    items = []
    for i in range(n):
        o = P.create((base + 1000 * i,))
        loc, q = P.start(o["payment_code"])
        ref = q["vnp_TxnRef"]
        P.bank_pays(loc, "paid", ipn="never")
        r = H.get(PF2.signed_path(PF2.failure_params(ref, o["total"], i, "07", "01")))
        assert r.json()["RspCode"] == "00", r.body
        assert P.status_of(o["payment_code"]) == "unpaid"
        t = json.loads(P.sandbox("GET", "/sandbox/transactions?txn_ref=" + ref)[2])[0]
        p = P.success_params(ref, o["total"], vnp_TransactionNo=t["transaction_no"])
        items.append((o["payment_code"], ref, PF2.signed_path(p)))
    return items


def test_cancel_racing_the_banks_late_success_never_paid_and_cancelled():
    """The citizen's first try was reported failed by the bank, so the
    obligation is unpaid again; the agency cancels it at the very moment
    the bank reports that same attempt paid after all (VNPay's 07: money
    taken, under review).  Either the payment wins (paid, one receipt, the
    cancel a 409) or the cancel does (cancelled, and the money the bank
    took kept as a duplicate to give back, then given back once)."""
    items = bank_took_it_after_a_failure(10, 433000)
    outcomes = {"paid": 0, "cancelled": 0}
    for i, (code, ref, path) in enumerate(items):
        now = int(time.time())
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            # alternate which one leaves first, so both orders are met
            if i % 2:
                fc = ex.submit(P.api, "POST", "/payment/api/obligations/%s/cancel" % code, b"",
                               None, str(now - i))
                fi = ex.submit(H.get, path)
            else:
                fi = ex.submit(H.get, path)
                fc = ex.submit(P.api, "POST", "/payment/api/obligations/%s/cancel" % code, b"",
                               None, str(now - i))
            c, ipn = fc.result(), fi.result()
        # the bank was told 00: the money it took is the portal's to account for
        assert ipn.json()["RspCode"] == "00", ipn.body
        st, atts, receipts = money_state(code)
        if c.status == 200:
            outcomes["cancelled"] += 1
            assert st == "cancelled", (code, st, atts)
            assert atts == [("duplicate", "due")] or atts[0][0] == "duplicate", atts
            assert receipts == 0
        else:
            outcomes["paid"] += 1
            assert c.status == 409, (c.status, c.body)
            assert st == "paid" and atts == [("paid", "none")] and receipts == 1, (st, atts)
    print("  %s" % outcomes)
    # never both; every cancelled one's money goes back, once, in full
    P.check_invariants()
    for code, ref, _ in items:
        st, atts, receipts = money_state(code)
        if st == "cancelled":
            assert H.wait_until(lambda: PF.refund_state(ref) == "refunded", 60), \
                (code, PF.refund_state(ref))
            total = int(sql1("SELECT total FROM obligation WHERE payment_code = '%s'" % code))
            assert [r["amount"] for r in PF.bank_refunds(ref)] == [total]
    assert outcomes["cancelled"] >= 1 or outcomes["paid"] == len(items)


def test_desk_stopping_a_dossier_racing_its_fee_paid_at_the_bank():
    """The desk stops a dossier at 6 (8, a reason) at the very moment the
    bank reports its fee paid.  Either the payment wins (fee paid with its
    receipt, the dossier stopped by the desk's own decision after it) or
    the stop does (fee cancelled, the money kept as a duplicate and given
    back once).  Never a cancelled fee with a receipt, never a paid fee
    the records call cancelled, one event per change."""
    import test_submission_pay as SP
    outcomes = {"paid": 0, "cancelled": 0}
    rounds = []
    for i in range(6):
        c, s, code, pay = SP.at_six(30 + i % 2)
        loc, q = P.start(pay)
        P.bank_pays(loc, "paid", ipn="never")
        ref = q["vnp_TxnRef"]
        t = json.loads(P.sandbox("GET", "/sandbox/transactions?txn_ref=" + ref)[2])[0]
        total = int(sql1("SELECT total FROM obligation WHERE payment_code = '%s'" % pay))
        path = PF2.signed_path(P.success_params(ref, total, vnp_TransactionNo=t["transaction_no"]))
        s.get("/desk/dossiers/" + code)
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            if i % 2:
                fm = ex.submit(s.post, f"/desk/dossiers/{code}/status",
                               {"to": "8", "reason": "Hồ sơ không đủ điều kiện"})
                fi = ex.submit(H.get, path)
            else:
                fi = ex.submit(H.get, path)
                fm = ex.submit(s.post, f"/desk/dossiers/{code}/status",
                               {"to": "8", "reason": "Hồ sơ không đủ điều kiện"})
            m, ipn = fm.result(), fi.result()
        assert ipn.json()["RspCode"] == "00", ipn.body
        assert m.status == 303, (m.status, m.text[:300])
        rounds.append((code, pay, ref, total))
    for code, pay, ref, total in rounds:
        st, atts, receipts = money_state(pay)
        assert SP.status_of(code) == 8 or SP.status_of(code) == 4, SP.status_of(code)
        if st == "paid":
            outcomes["paid"] += 1
            assert atts == [("paid", "none")] and receipts == 1, (pay, atts, receipts)
        else:
            outcomes["cancelled"] += 1
            assert st == "cancelled" and receipts == 0, (pay, st, receipts)
            assert atts[0][0] == "duplicate", atts
            assert H.wait_until(lambda: PF.refund_state(ref) == "refunded", 60), PF.refund_state(ref)
            assert [r["amount"] for r in PF.bank_refunds(ref)] == [total]
        # one event per change: filed, 2, 6, then 8 once (and 4 only if the
        # payment's move came before the desk's)
        evs = [int(r[0]) for r in P.sql(
            "SELECT e.to_status FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id "
            "WHERE d.code = '%s' ORDER BY e.id" % code)]
        assert evs.count(8) == 1 and evs[:3] == [1, 2, 6], (code, evs)
    print("  %s" % outcomes)
    P.check_invariants()


def test_sync_page_says_how_many_wait_when_it_shows_only_the_oldest():
    """After a long outage of the national portal thousands of changes
    wait; the page lists the 500 oldest and said nothing of the rest, so
    an officer read the list as the whole.  It now says how many wait in
    all, and that the table shows only the oldest 500."""
    c = S.Client()
    S.register(c)
    agency = new_agency(c)
    code = S.file_dossier(c, agency).header("Location").rsplit("/", 1)[1]
    desk = S.staff(agency, "desk")
    # the filing's own change delivered first, so what waits is what is put
    assert H.wait_until(lambda: P.sql("SELECT COUNT(*) FROM outbox WHERE topic = 'sync' AND "
                                      "state = 'pending' AND subject = '%s'" % code) == [["0"]], 30)
    # 520 changes of this dossier waiting (not due: the sender leaves them)
    rows = ",".join("('sync', '%s', '{}', 'pending', UTC_TIMESTAMP(3) + INTERVAL 1 DAY, "
                    "UTC_TIMESTAMP(3))" % code for _ in range(520))
    P.sql("INSERT INTO outbox (topic, subject, payload, state, next_at, created_at) VALUES " + rows)
    try:
        page = desk.get("/desk/sync").text
        waiting = 520
        assert "<strong>%d</strong> thay đổi đang chờ xác nhận" % waiting in page, page[:3000]
        assert "chỉ hiện 500 thay đổi cũ nhất" in page, page[:3000]
        assert page.count('href="/desk/dossiers/%s"' % code) == 500
    finally:
        P.sql("DELETE FROM outbox WHERE topic = 'sync' AND subject = '%s' AND payload = '{}'" % code)
    page = desk.get("/desk/sync").text
    assert "cũ nhất" not in page
