"""The catalog while MariaDB restarts, and while the data is re-imported.
Runs after the other suites: it stops and starts the database."""
import os
import shutil
import subprocess
import tempfile
import time

from harness import api_search, get, wait_until

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
VAR = os.environ["PORTAL_VAR"]
DATA = os.environ["PORTAL_DATA_DIR"]


def stack(*args):
    return subprocess.run([os.path.join(ROOT, "conf/stack.sh"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def mariadb_pid():
    with open(os.path.join(VAR, "run/mysqld.pid")) as f:
        return int(f.read().split()[0])


def test_serves_while_mariadb_restarts():
    pid = mariadb_pid()
    os.kill(pid, 15)
    assert wait_until(lambda: not os.path.exists(f"/proc/{pid}"), 60)
    # Down: the catalog keeps answering from its snapshot, never a 500.
    statuses = []
    for path in ("/catalog/procedures/1.001193", "/catalog/search?q=ket+hon",
                 "/catalog/api/procedures?q=ket+hon", "/"):
        for _ in range(5):
            statuses.append(get(path).status)
        time.sleep(0.3)
    assert set(statuses) == {200}, statuses
    # Back: normal again without restarting the programs.
    out = stack("db")
    assert out.returncode == 0, out.stderr
    assert wait_until(lambda: get("/catalog/health").status == 200, 30)
    assert "1.001193" in [r["code"] for r in api_search("dang ky khai sinh", limit=3)["results"]]


def catalog_workers():
    with open(os.path.join(VAR, "run/catalog.pid")) as f:
        master = f.read().split()[0]
    out = subprocess.run(["pgrep", "-P", master], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def test_worker_started_while_database_is_down_serves_the_snapshot():
    # Workers start from the snapshot their supervisor holds, so a worker
    # restarted during an outage serves like its siblings: never a 503.
    pid = mariadb_pid()
    os.kill(pid, 15)
    assert wait_until(lambda: not os.path.exists(f"/proc/{pid}"), 60)
    try:
        old = catalog_workers()
        for w in old:
            os.kill(w, 9)
        assert wait_until(lambda: len(set(catalog_workers()) - set(old)) == len(old), 15)
        statuses = []
        for _ in range(10):  # both new workers, whichever accepts
            for path in ("/catalog/procedures/1.001193", "/catalog/search?q=ket+hon",
                         "/catalog/api/procedures/1.001193", "/catalog/health"):
                statuses.append(get(path).status)
        assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
        assert "1.001193" in get("/catalog/api/procedures/1.001193").text
        assert get("/catalog/health").json()["status"] == "ok"
    finally:
        out = stack("db")
    assert out.returncode == 0, out.stderr
    assert wait_until(lambda: get("/catalog/health").status == 200, 30)
    assert get("/catalog/procedures/1.001193").status == 200


def test_pages_keep_their_pace_while_mariadb_hangs():
    # A stopped database (or a network partition) holds connections open
    # and never answers. Pages are served from memory meanwhile, each in
    # its usual time, and nothing needs a restart when it wakes up.
    # "Usual" is measured first, in the same run, with the database awake:
    # a slow (sanitizer) build or a busy machine moves both alike.
    import signal
    import threading
    paths = ["/catalog/procedures/1.001193", "/catalog/api/procedures?q=ket+hon",
             "/catalog/agencies/", "/", "/catalog/procedures/1.000894/guide"]

    def measure(seconds):
        times, statuses, stop = [], [], threading.Event()

        def load(k):
            i = 0
            while not stop.is_set():
                # fresh queries too, so not every answer comes from the page cache
                path = paths[i % len(paths)] if i % 2 else f"/catalog/search?q=thu+tuc+{k}x{i}"
                t0 = time.monotonic()
                try:
                    status = get(path, timeout=30).status
                except Exception as e:  # a timeout is a failure, not a crash of the test
                    status = repr(e)
                times.append(time.monotonic() - t0)
                statuses.append(status)
                i += 1
                time.sleep(0.02)

        threads = [threading.Thread(target=load, args=(k,)) for k in range(3)]
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join()
        return sorted(times), statuses

    awake_times, awake = measure(6)
    assert set(awake) == {200}, awake
    pid = mariadb_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        times, statuses = measure(18)
    finally:
        os.kill(pid, signal.SIGCONT)
    rate_awake, rate = len(awake) / 6, len(statuses) / 18
    p99_awake = awake_times[int(len(awake_times) * 0.99)]
    p99 = times[int(len(times) * 0.99)]
    print(f"  awake: {rate_awake:.1f} req/s, p99 {p99_awake:.3f}s; "
          f"database stopped: {rate:.1f} req/s, p99 {p99:.3f}s, slowest {times[-1]:.3f}s")
    assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    # the same pace as with the database awake; a page that waited on the
    # database would take its 5 s timeout (or the old 30 s)
    assert rate >= 0.5 * rate_awake, (rate, rate_awake)
    assert p99 <= max(3 * p99_awake, 0.25), (p99, p99_awake)
    assert times[-1] < max(1.5, 5 * awake_times[-1]), (times[-1], awake_times[-1])
    # Awake again: serving, and an import is still picked up (the next
    # tests import), with no restart.
    assert wait_until(lambda: get("/catalog/health").status == 200, 10)
    assert api_search("dang ky khai sinh", limit=3)["results"]


def test_running_make_run_again_drops_no_request():
    # `make run` on a running stack starts the new programs beside the old
    # ones, moves nginx over and only then stops the old: no request fails.
    import threading
    statuses, stop = [], threading.Event()

    def load():
        while not stop.is_set():
            statuses.append(get("/catalog/procedures/1.001193").status)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        before = catalog_workers()
        out = stack("up")
        assert out.returncode == 0, out.stderr
        after = catalog_workers()
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert len(statuses) > 50
    assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    assert not set(before) & set(after)  # the programs really were replaced


def test_reimport_changes_nothing():
    out = stack("import")
    assert out.returncode == 0, out.stderr
    assert "nothing changed" in out.stdout, out.stdout
    assert "2642 unchanged" in out.stdout.replace("   ", " ").replace("  ", " ")


def import_edited(relpath, edit, ok=True):
    """Import a copy of the public data whose file relpath went through
    edit(text) -> text. ok: expect success and return the importer's
    output; else expect failure and return its output and errors merged,
    in the order they were written. The caller re-imports the real data
    afterwards."""
    tmp = tempfile.mkdtemp()
    try:
        data = os.path.join(tmp, "data")
        shutil.copytree(DATA, data)
        path = os.path.join(data, relpath)
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(edit(text))
        env = dict(os.environ, PORTAL_DATA_DIR=data)
        out = subprocess.run([os.path.join(ROOT, "conf/stack.sh"), "import"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE,
                             stderr=None if ok else subprocess.STDOUT,
                             text=True, timeout=300)
        if ok:
            assert out.returncode == 0, out.stdout
        else:
            assert out.returncode != 0, out.stdout
        return out.stdout
    finally:
        shutil.rmtree(tmp)


def test_updated_file_is_picked_up():
    def rename(text):
        assert ",Thủ tục đăng ký kết hôn," in text
        return text.replace(",Thủ tục đăng ký kết hôn,", ",Thủ tục đăng ký kết hôn (bản sửa),", 1)
    try:
        out = import_edited("procedures/tthc_catalog.csv", rename)
        assert "1 changed" in " ".join(out.split()), out
        assert wait_until(lambda: "(bản sửa)" in get("/catalog/api/procedures/1.000894").text, 10)
    finally:
        restored = stack("import")
    assert restored.returncode == 0
    assert wait_until(lambda: "(bản sửa)" not in get("/catalog/api/procedures/1.000894").text, 10)


def agency_codes():
    import re
    page = get("/catalog/agencies/").text
    return dict((name, code) for code, name in
                re.findall(r'href="/catalog/agencies/([0-9A-Z.]+)">([^<]+)</a>', page))


def test_agency_codes_survive_a_removed_commune():
    # A commune leaving the public data is retired; every other agency
    # keeps its code (codes stand in dossier codes and bookmarks).
    before = agency_codes()
    home_communes = [n for n in before if n.startswith("Ủy ban nhân dân Phường")]
    gone = home_communes[0]
    name = gone.replace("Ủy ban nhân dân ", "")

    def drop(text):
        lines = text.splitlines(keepends=True)
        kept = [l for l in lines if f",{name}," not in l]
        assert len(kept) == len(lines) - 1
        return "".join(kept)
    try:
        out = import_edited("admin_units/2025-07-01/communes.csv", drop)
        assert "1 retired" in out and " 0 changed" in out.split("agencies")[1].split("\n")[0], out
        assert wait_until(lambda: gone not in agency_codes(), 10)
        after = agency_codes()
        assert all(after[n] == c for n, c in before.items() if n != gone)
    finally:
        restored = stack("import")
    assert restored.returncode == 0
    assert wait_until(lambda: agency_codes() == before, 10)


def catalog_state():
    """What the catalog serves, once every worker serves the same: after an
    import each loads the new version on its next request (seconds under
    ASan), so one read could meet a worker still on the old one."""
    def one():
        h = get("/catalog/health").json()
        return h["version"], h["procedures"], get("/catalog/api/procedures/1.001193").text
    from test_payment import sql  # the version the database holds now
    want = int(sql("SELECT v FROM catalog_meta WHERE k = 'version'")[0][0])
    end = time.time() + 60
    while True:
        seen = [one() for _ in range(6)]
        # every worker on the same version, and that the database's: a
        # worker still on the version before the last import is not "now"
        if (all(x == seen[0] for x in seen) and int(seen[0][0]) == want) or time.time() > end:
            return seen[0]
        time.sleep(0.5)


def record_lines(text):
    """Physical line numbers (1-based) of the catalog rows that sit on one
    line and start with a procedure code."""
    import csv
    import re
    lines = text.split("\n")
    out = []
    for i, l in enumerate(lines):
        if re.match(r"^\d\.\d{6},", l):
            try:
                if len(next(csv.reader([l]))) == 17:
                    out.append(i + 1)
            except (csv.Error, StopIteration):
                pass
    return lines, out


def failed_import(relpath, edit, *words):
    """Import edited data that must be refused: non-zero exit, every word
    in the report, a reason on every error line, the progress line before
    the error, and the catalog exactly as it was."""
    before = catalog_state()
    try:
        out = import_edited(relpath, edit, ok=False)
        for w in words:
            assert w in out, (w, out)
        errors = [l for l in out.splitlines() if l.startswith("import:") and "loading" not in l]
        assert errors and all(not l.rstrip().endswith(":") for l in errors), out
        assert out.index("import: loading") < out.index(errors[0]), out  # stdout in order
        assert "nothing changed" in out and "done" not in out, out
        time.sleep(1.5)  # a changed catalog would show within a second or two
        assert catalog_state() == before
        return out
    finally:
        if catalog_state() != before:  # leave the real data for the next tests
            stack("import")


CATALOG = "procedures/tthc_catalog.csv"


def test_import_of_a_file_cut_off_is_refused():
    def cut_at_comma(text):
        lines, recs = record_lines(text)
        n = recs[len(recs) // 2]
        line = lines[n - 1]
        cut = line.index(",", 20) + 1  # just after a field
        return "\n".join(lines[:n - 1]) + "\n" + line[:cut]
    n = record_lines(open(os.path.join(DATA, CATALOG), encoding="utf-8").read())[1]
    n = n[len(n) // 2]
    failed_import(CATALOG, cut_at_comma, f"tthc_catalog.csv line {n}:", "cut off")

    def cut_in_last_field(text):
        lines, recs = record_lines(text)
        n = recs[-10]
        return "\n".join(lines[:n - 1]) + "\n" + lines[n - 1][:-5]
    lines, recs = record_lines(open(os.path.join(DATA, CATALOG), encoding="utf-8").read())
    failed_import(CATALOG, cut_in_last_field, f"tthc_catalog.csv line {recs[-10]}:", "cut off")


def test_import_with_a_duplicate_code_is_refused():
    text = open(os.path.join(DATA, CATALOG), encoding="utf-8").read()
    lines, recs = record_lines(text)
    first, at = recs[100], recs[2000]
    code = lines[first - 1].split(",")[0]

    def dup(t):
        ls = t.split("\n")
        copy = ls[first - 1].replace(",", ",Bản trùng ", 1)  # same code, other name
        return "\n".join(ls[:at - 1] + [copy] + ls[at - 1:])
    failed_import(CATALOG, dup, f"tthc_catalog.csv line {at}:", code,
                  f"first on line {first}")


def test_import_with_an_over_long_field_is_refused():
    import csv
    import io
    text = open(os.path.join(DATA, CATALOG), encoding="utf-8").read()
    lines, recs = record_lines(text)
    n = recs[500]

    def long_type(t):
        ls = t.split("\n")
        row = next(csv.reader([ls[n - 1]]))
        row[5] = "Thủ tục hành chính rất dài " * 20  # procedure_type: at most 200
        b = io.StringIO()
        csv.writer(b, lineterminator="").writerow(row)
        ls[n - 1] = b.getvalue()
        return "\n".join(ls)
    failed_import(CATALOG, long_type, f"tthc_catalog.csv line {n}:",
                  "column procedure_type: too long")

    def long_commune(t):
        ls = t.split("\n")
        ls[10] = ls[10].replace(",", ",Xã " + "Rất Dài " * 30, 1)  # name: at most 100
        return "\n".join(ls)
    failed_import("admin_units/2025-07-01/communes.csv", long_commune,
                  "communes.csv line 11:", "column name: too long")


def test_import_counts_procedures_missing_from_the_files():
    lines, recs = record_lines(open(os.path.join(DATA, CATALOG), encoding="utf-8").read())
    n = recs[42]

    def drop(t):
        ls = t.split("\n")
        return "\n".join(ls[:n - 1] + ls[n:])
    out = import_edited(CATALOG, drop)
    assert "1 procedures in the database are not in the files (kept)" in out, out
    assert "nothing changed" in out, out


def test_workers_die_with_their_supervisor():
    # Whatever kills the supervisor, no orphan worker keeps answering.
    with open(os.path.join(VAR, "run/catalog.pid")) as f:
        master = int(f.read().split()[0])
    workers = catalog_workers()
    assert workers
    os.kill(master, 9)
    assert wait_until(lambda: not any(os.path.exists(f"/proc/{w}/status") and
                                      "zombie" not in open(f"/proc/{w}/status").read()
                                      for w in workers), 10)
    out = stack("up")
    assert out.returncode == 0, out.stderr
    assert get("/catalog/health").status == 200


def test_rate_limit_answers_429():
    # A burst well past the per-address limit is turned away with 429. The
    # test stack exempts 127.0.0.1 only, so this comes from 127.0.0.2.
    import concurrent.futures as cf
    from harness import request
    send = lambda _: request("GET", "/catalog/health", source="127.0.0.2")
    with cf.ThreadPoolExecutor(16) as ex:
        responses = list(ex.map(send, range(600)))
    statuses = [r.status for r in responses]
    assert 429 in statuses, set(statuses)
    assert set(statuses) <= {200, 429}, set(statuses)
    assert statuses.count(200) >= 50  # the burst allowance was served
    refused = next(r for r in responses if r.status == 429)
    assert "Quá nhiều yêu cầu" in refused.text
    # other addresses are not affected
    assert get("/catalog/").status == 200


def test_nothing_that_reads_data_runs_as_root():
    """Started by root, the stack keeps root for nginx's master and its own
    scripts only: every area's supervisor, worker and job runs as the
    workers' user, and MariaDB as its own."""
    if os.getuid() != 0:
        return  # a stack started by a user runs everything as that user
    def uid(pid):
        with open(f"/proc/{pid}/status") as f:
            return int(next(l for l in f if l.startswith("Uid:")).split()[1])
    run = os.path.join(VAR, "run")
    seen = 0
    for area in ("catalog", "submission", "payment"):
        with open(os.path.join(run, f"{area}.pid")) as f:
            sup = int(f.read().split()[0])
        kids = subprocess.run(["pgrep", "-P", str(sup)], capture_output=True,
                              text=True).stdout.split()
        assert kids, area
        for pid in [sup] + [int(k) for k in kids]:
            assert uid(pid) != 0, (area, pid)
            seen += 1
    assert uid(mariadb_pid()) != 0
    assert seen >= 6
