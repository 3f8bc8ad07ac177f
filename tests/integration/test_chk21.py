"""test_chk21.py - faults earlier rounds did not inject (issues 6 and 7,
"Concurrency and faults" and "kill -9 ... and a MariaDB restart"):

- a citizen's phone that drops the connection in the middle of a 5 MB
  upload, one that sends its body a few bytes at a time (slowloris), and
  one that promises more body than it sends: nothing is filed, no number
  of the agency-day is spent, and the area's workers serve the next filing;
- `make run` again (the programs move to the other slot, nginx reloads)
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
