#!/usr/bin/env python3
"""Stand-in for an application image (standard library only), in the test bed's guests and on
the local Docker engine alike.

    standin.py [--name NAME] [uvicorn-style args] PORT...   serve HTTP on every PORT
    standin.py probe HOST PORT [TIMEOUT]                    exit 0 if HOST:PORT accepts a TCP
                                                            connection within TIMEOUT s (2)

Ports: `--port N` (uvicorn style), else every numeric argument, else 8000. NAME (default "app",
or the WORKER_ID the stack gives a worker) is what the process says it is.

- `/health`, `/-/healthy`, `/api/health`, `/`: 200 `{"status": "ok", "service": NAME}`, or
  503 with status "unhealthy" when the image sets PARITY_STANDIN_HEALTH=fail (a deliberately
  broken version);
- `/metrics`: Prometheus text format, one `parity_standin_info{standin=NAME}` series;
- `/env`: the environment exactly as Docker passed it (/proc/self/environ);
- `/job?seconds=N`: works N seconds, like a backtest, then answers;
- anything else: 200 `{"host": <container hostname>, "service": NAME}`, so a client can tell
  which container answered.

On SIGTERM it stops accepting connections, lets running requests and jobs finish, logs, and
exits 0: the graceful stop a real worker does.
"""
import http.server
import json
import os
import signal
import socket
import sys
import threading
import time
import urllib.parse

HEALTHY = os.environ.get("PARITY_STANDIN_HEALTH", "ok") != "fail"
HEALTH_PATHS = {"/health", "/-/healthy", "/api/health", "/"}
state = {"active": 0, "served": 0, "name": "app"}
lock = threading.Lock()


def name():
    return os.environ.get("WORKER_ID", state["name"])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        with lock:
            state["active"] += 1
            state["served"] += 1
        try:
            url = urllib.parse.urlparse(self.path)
            if url.path in HEALTH_PATHS:
                self.reply(200 if HEALTHY else 503, {"status": "ok" if HEALTHY else "unhealthy", "service": name()})
            elif url.path == "/metrics":
                self.metrics()
            elif url.path == "/env":
                raw = open("/proc/self/environ", "rb").read().decode().split("\0")
                self.reply(200, dict(kv.split("=", 1) for kv in raw if "=" in kv))
            elif url.path == "/job":
                seconds = float(urllib.parse.parse_qs(url.query).get("seconds", ["5"])[0])
                print(f"job started ({seconds} s)", flush=True)
                time.sleep(seconds)
                print("job finished", flush=True)
                self.reply(200, {"job": "done", "seconds": seconds, "service": name()})
            else:
                self.reply(200, {"host": socket.gethostname(), "service": name()})
        finally:
            with lock:
                state["active"] -= 1

    def metrics(self):
        body = ("# HELP parity_standin_info Stand-in application, one series per process.\n"
                "# TYPE parity_standin_info gauge\n"
                'parity_standin_info{standin="%s"} 1\n'
                "# HELP parity_standin_http_requests_total HTTP requests served.\n"
                "# TYPE parity_standin_http_requests_total counter\n"
                "parity_standin_http_requests_total %d\n") % (name(), state["served"])
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def reply(self, code, body):
        data = json.dumps(body, sort_keys=True).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def probe(host, port, timeout):
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        return 0
    except OSError:
        return 1


def ports(argv):
    if "--port" in argv:
        return [int(argv[argv.index("--port") + 1])]
    return [int(a) for a in argv if a.isdigit()] or [8000]


def serve(argv):
    if "--name" in argv:
        i = argv.index("--name")
        state["name"] = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    servers = [http.server.ThreadingHTTPServer(("0.0.0.0", p), Handler) for p in ports(argv)]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    stop.wait()
    with lock:
        running = state["active"]
    print(f"SIGTERM received: stop accepting, {running} request(s) running", flush=True)
    for s in servers:
        s.shutdown()
        s.server_close()
    while True:
        with lock:
            if state["active"] == 0:
                break
        time.sleep(0.05)
    print("graceful stop complete", flush=True)
    sys.exit(0)


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "probe":
        sys.exit(probe(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) == 5 else 2.0))
    serve(sys.argv[1:])
