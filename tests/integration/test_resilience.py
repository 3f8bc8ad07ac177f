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
    import signal
    import threading
    paths = ["/catalog/procedures/1.001193", "/catalog/api/procedures?q=ket+hon",
             "/catalog/agencies/", "/", "/catalog/procedures/1.000894/guide"]
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

    pid = mariadb_pid()
    threads = [threading.Thread(target=load, args=(k,)) for k in range(3)]
    os.kill(pid, signal.SIGSTOP)
    try:
        for t in threads:
            t.start()
        time.sleep(20)
    finally:
        stop.set()
        os.kill(pid, signal.SIGCONT)
        for t in threads:
            t.join()
    print(f"  {len(times)} requests while stopped, slowest {max(times):.3f}s")
    assert len(statuses) > 100, len(statuses)
    assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    times.sort()
    p99 = times[int(len(times) * 0.99)]
    assert times[-1] < 1.5, f"slowest {times[-1]:.2f}s, p99 {p99:.3f}s over {len(times)} requests"
    assert p99 < 0.5, f"p99 {p99:.3f}s"
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


def import_edited(relpath, edit):
    """Import a copy of the public data whose file relpath went through
    edit(text) -> text; returns the importer's output. The caller re-imports
    the real data afterwards."""
    tmp = tempfile.mkdtemp()
    try:
        data = os.path.join(tmp, "data")
        shutil.copytree(DATA, data)
        path = os.path.join(data, relpath)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(edit(text))
        env = dict(os.environ, PORTAL_DATA_DIR=data)
        out = subprocess.run([os.path.join(ROOT, "conf/stack.sh"), "import"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
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
