"""harness.py - a tiny test runner for the integration tests.

Tests are functions named test_* in the modules given on the command line,
run in file order. Each drives the running stack over real HTTP. The last
line printed is the summary the test orchestrator reads:
    integration: N passed, N failed
"""
import http.client
import importlib.util
import json
import os
import socket
import sys
import time
import traceback
import urllib.parse

HOST = os.environ.get("PORTAL_LISTEN", "127.0.0.1")
PORT = int(os.environ.get("PORTAL_PUBLIC_PORT", "18080"))
INTRANET_PORT = int(os.environ.get("PORTAL_INTRANET_PORT", "18081"))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


def request(method, path, body=None, headers=None, port=None, timeout=10, source=None):
    """Send one request with the path exactly as given (no normalisation).
    source: the local address to send from (the test stack exempts only
    127.0.0.1 from the rate limit, so 127.0.0.2 meets the real limit)."""
    conn = http.client.HTTPConnection(HOST, port or PORT, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        hdrs = dict(headers or {})
        if body is not None and "Content-Length" not in hdrs:
            hdrs["Content-Length"] = str(len(body))
        for k, v in hdrs.items():
            conn.putheader(k, v)
        conn.endheaders()
        if body is not None:
            conn.send(body)
        r = conn.getresponse()
        return Response(r.status, r.getheaders(), r.read())
    finally:
        conn.close()


def raw_exchange(data, port=None):
    """Send bytes exactly as given (a request no HTTP client would write)
    and return every byte the server sends back before it closes."""
    s = socket.create_connection((HOST, port or PORT), timeout=10)
    try:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def get(path, **kw):
    return request("GET", path, **kw)


def q(path, **params):
    return path + "?" + urllib.parse.urlencode(params)


def api_search(query, **params):
    r = get(q("/catalog/api/procedures", q=query, **params))
    assert r.status == 200, (query, r.status, r.body[:300])
    return r.json()


def codes(result):
    return [x["code"] for x in result["results"]]


def wait_until(fn, seconds=10, step=0.2):
    end = time.time() + seconds
    while True:
        try:
            if fn():
                return True
        except Exception:
            pass
        if time.time() > end:
            return False
        time.sleep(step)


def main(paths):
    passed = failed = 0
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        tests = [(k, v) for k, v in vars(mod).items() if k.startswith("test_") and callable(v)]
        tests.sort(key=lambda kv: kv[1].__code__.co_firstlineno)
        for tname, fn in tests:
            t0 = time.time()
            try:
                fn()
                passed += 1
                print(f"ok   {name}.{tname} ({time.time() - t0:.2f}s)", flush=True)
            except Exception:
                failed += 1
                print(f"FAIL {name}.{tname}", flush=True)
                traceback.print_exc(limit=3)
    print(f"integration: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
