"""nginx in front: the rate limit is per client, a flood of refusals does
not fill the error log, and nginx's own answers are the portal's pages.

The test stack exempts only 127.0.0.1 from the limit and trusts only
127.0.0.4 as the province's reverse proxy (tests/run.sh); every other
loopback address is an ordinary client."""
import concurrent.futures as cf
import os
import threading
import time

from harness import PORT, raw_exchange, request

VAR = os.environ["PORTAL_VAR"]
ERROR_LOG = os.path.join(VAR, "log/nginx-error.log")


def flood(source, n=1500, path="/catalog/health", headers=None, stop=None):
    """Up to n requests from source, 16 at a time, until stop (an Event) is
    set, if given; their statuses."""
    def send(i):
        if stop is not None and stop.is_set():
            return None
        return request("GET", path, source=source,
                       headers=headers(i) if callable(headers) else headers).status
    with cf.ThreadPoolExecutor(16) as ex:
        return [s for s in ex.map(send, range(n)) if s is not None]


def during(flooder, source, path="/catalog/", headers=None, count=20):
    """While one client floods, another asks for path `count` times; the
    flood lasts until the other client is done (bounded: 20,000 requests),
    so every one of its requests meets the flood however slow the machine.
    Returns (the flood's statuses, the other client's statuses)."""
    stop = threading.Event()
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("s", flooder(stop)))
    t.start()
    seen = []
    try:
        time.sleep(0.3)  # the flood is under way: its burst is spent
        for _ in range(count):
            seen.append(request("GET", path, source=source, headers=headers).status)
            time.sleep(0.02)
    finally:
        stop.set()
        t.join()
    return result.get("s", []), seen


def test_one_client_flooding_does_not_lock_out_another():
    # Both addresses are limited; only the one that floods is refused.
    statuses, other = during(lambda stop: flood("127.0.0.2", n=20000, stop=stop), "127.0.0.3")
    assert statuses.count(429) > 100, {s: statuses.count(s) for s in set(statuses)}
    assert len(other) == 20, other
    assert set(other) == {200}, {s: other.count(s) for s in set(other)}


def test_a_flood_of_refusals_leaves_the_error_log_small():
    before = os.path.getsize(ERROR_LOG) if os.path.exists(ERROR_LOG) else 0
    statuses = flood("127.0.0.5")
    assert statuses.count(429) > 1000, {s: statuses.count(s) for s in set(statuses)}
    time.sleep(0.5)
    grown = os.path.getsize(ERROR_LOG) - before
    # one line per refusal would be ~100 KB here
    assert grown < 4096, f"error log grew by {grown} bytes for {statuses.count(429)} refusals"


def test_clients_behind_the_trusted_proxy_are_told_apart():
    # Requests through the province's proxy (127.0.0.4) are keyed by the
    # client it names in X-Forwarded-For.
    xff = lambda ip: {"X-Forwarded-For": ip}
    statuses, other = during(lambda stop: flood("127.0.0.4", n=20000, headers=xff("10.1.1.1"), stop=stop),
                             "127.0.0.4", headers=xff("10.1.1.2"))
    assert statuses.count(429) > 100, {s: statuses.count(s) for s in set(statuses)}
    assert len(other) == 20 and set(other) == {200}, {s: other.count(s) for s in set(other)}


def test_a_client_cannot_pick_its_own_key():
    # Outside the trusted proxy X-Forwarded-For counts for nothing: a new
    # forged address per request does not get a new bucket.
    statuses = flood("127.0.0.6", headers=lambda i: {"X-Forwarded-For": f"10.2.{i // 250}.{i % 250}"})
    assert statuses.count(429) > 100, {s: statuses.count(s) for s in set(statuses)}


def raw(data):
    return raw_exchange(data).decode("utf-8", "replace")


def test_http_2_0_request_line_gets_the_portal_page():
    r = raw(b"GET /catalog/ HTTP/2.0\r\nHost: x\r\n\r\n")
    assert r.startswith("HTTP/1.1 505"), r[:200]
    assert "Phiên bản giao thức không được hỗ trợ" in r and 'lang="vi"' in r, r[:600]


def test_unknown_transfer_coding_gets_the_portal_page():
    for te in (b"gzip", b"gzip, chunked", b"x-foo"):
        r = raw(b"POST /catalog/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te +
                b"\r\nConnection: close\r\n\r\n0\r\n\r\n")
        assert r.startswith("HTTP/1.1 501"), (te, r[:200])
        assert "Yêu cầu chưa được hỗ trợ" in r and 'lang="vi"' in r, (te, r[:600])


def test_gzipped_pages_vary_on_accept_encoding():
    for path in ("/catalog/", "/catalog/procedures/1.001193", "/catalog/api/procedures?q=ket+hon"):
        r = request("GET", path, headers={"Accept-Encoding": "gzip"})
        assert r.status == 200, (path, r.status)
        assert r.header("Content-Encoding") == "gzip", (path, r.headers)
        assert "accept-encoding" in (r.header("Vary") or "").lower(), (path, r.headers)
        assert "public" in (r.header("Cache-Control") or ""), (path, r.headers)
