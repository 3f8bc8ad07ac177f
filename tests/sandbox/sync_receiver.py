#!/usr/bin/env python3
"""sync_receiver.py - a stand-in for the national portal's status-sync
endpoint, for the tests (Python 3 standard library only).

    sync_receiver.py --port 18490 --secret-file var/secrets/sync

POST /sync           the portal's deliveries. Checked like the real one would:
                     X-Portal-Timestamp (Unix seconds, within --skew of now)
                     and X-Portal-Signature = hex HMAC-SHA256(secret,
                     timestamp + "." + body); the body must be a JSON object
                     with a string "id". A bad signature is 401, a bad body
                     400 (both recorded under "rejected"). A message whose id
                     was seen before is acknowledged again (200) and counted
                     as a duplicate, not recorded twice.
GET  /received       JSON {"messages": [...in arrival order...],
                     "duplicates": N, "rejected": [...], "failing": bool,
                     "failed_attempts": N}
POST /control/fail?seconds=S   answer 500 to every /sync for S seconds
                     (or ?count=N: the next N deliveries)
POST /control/delay?ms=N  record each delivery, then wait N ms before the
                     acknowledgement (a slow portal: a sender killed in that
                     wait has delivered but not heard back, and must send
                     again; the id makes the second one a duplicate)
POST /control/ok     stop failing now
POST /control/reset  forget everything

Each received message is stored as {"id", "body" (parsed JSON), "timestamp",
"received_at"}. The secret comes from --secret-file (never from the command
line, which other users can read) or the PORTAL_SYNC_SECRET environment
variable.
"""
import argparse
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 20

lock = threading.Lock()
state = {}


def reset():
    with lock:
        state.clear()
        state.update(messages=[], seen=set(), duplicates=0, rejected=[],
                     fail_until=0.0, fail_count=0, failed_attempts=0, delay_ms=0)


class Handler(BaseHTTPRequestHandler):
    server_version = "sync-receiver/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("sync_receiver: " + (fmt % args) + "\n")

    def reply(self, status, obj):
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        try:
            n = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return None
        if n < 0 or n > MAX_BODY:
            return None
        return self.rfile.read(n)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/received":
            return self.reply(404, {"error": "not_found"})
        with lock:
            failing = time.time() < state["fail_until"] or state["fail_count"] > 0
            self.reply(200, {"messages": state["messages"],
                             "duplicates": state["duplicates"],
                             "rejected": state["rejected"],
                             "failing": failing,
                             "failed_attempts": state["failed_attempts"]})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(url.query))
        body = self.read_body()
        if body is None:
            return self.reply(413, {"error": "body_too_large"})
        if url.path == "/control/fail":
            with lock:
                if "count" in params:
                    state["fail_count"] = int(params["count"])
                else:
                    state["fail_until"] = time.time() + float(params.get("seconds", "3600"))
            return self.reply(200, {"ok": True})
        if url.path == "/control/delay":
            with lock:
                state["delay_ms"] = max(0, min(10000, int(params.get("ms", "0"))))
            return self.reply(200, {"ok": True})
        if url.path == "/control/ok":
            with lock:
                state["fail_until"] = 0.0
                state["fail_count"] = 0
            return self.reply(200, {"ok": True})
        if url.path == "/control/reset":
            reset()
            return self.reply(200, {"ok": True})
        if url.path != "/sync":
            return self.reply(404, {"error": "not_found"})
        return self.sync(body)

    def reject(self, status, code, body):
        with lock:
            state["rejected"].append({"error": code, "body": body.decode("utf-8", "replace")[:2000]})
        return self.reply(status, {"error": code})

    def sync(self, body):
        ts = self.headers.get("X-Portal-Timestamp", "")
        sig = self.headers.get("X-Portal-Signature", "")
        if not ts.isdigit() or abs(time.time() - int(ts)) > self.server.skew:
            return self.reject(401, "bad_timestamp", body)
        want = hmac.new(self.server.secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, sig.lower()):
            return self.reject(401, "bad_signature", body)
        try:
            msg = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self.reject(400, "bad_json", body)
        if not isinstance(msg, dict) or not isinstance(msg.get("id"), str) or not msg["id"]:
            return self.reject(400, "no_id", body)
        with lock:
            # Told to fail: the delivery is refused before it is recorded,
            # as a real receiver that is down would.
            if time.time() < state["fail_until"] or state["fail_count"] > 0:
                if state["fail_count"] > 0:
                    state["fail_count"] -= 1
                state["failed_attempts"] += 1
                failing = True
            else:
                failing = False
                if msg["id"] in state["seen"]:
                    state["duplicates"] += 1
                else:
                    state["seen"].add(msg["id"])
                    state["messages"].append({"id": msg["id"], "body": msg,
                                              "timestamp": int(ts),
                                              "received_at": time.time()})
        if failing:
            return self.reply(500, {"error": "unavailable"})
        if state["delay_ms"]:
            time.sleep(state["delay_ms"] / 1000.0)
        return self.reply(200, {"ok": True, "id": msg["id"]})


class Server(ThreadingHTTPServer):
    request_queue_size = 128   # not socketserver's 5: senders on several hosts at once


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--secret-file")
    ap.add_argument("--skew", type=int, default=300, help="allowed clock difference, seconds")
    ap.add_argument("--pid-file")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    if a.secret_file:
        with open(a.secret_file, "rb") as f:
            secret = f.read().strip()
    else:
        secret = os.environ.get("PORTAL_SYNC_SECRET", "").encode()
    if not secret:
        ap.error("no secret: give --secret-file or set PORTAL_SYNC_SECRET")
    reset()
    srv = Server((a.host, a.port), Handler)
    srv.secret, srv.skew, srv.verbose = secret, a.skew, a.verbose
    srv.daemon_threads = True
    if a.pid_file:
        with open(a.pid_file, "w") as f:
            f.write(str(os.getpid()) + "\n")
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
