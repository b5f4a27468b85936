#!/usr/bin/env python3
"""Stand-in for a service image in the docker-target system tests (standard library only).

Serves HTTP on the given TCP ports: `/health` answers 200, or 503 when the image was built
with PARITY_STANDIN_HEALTH=fail (a deliberately broken version); `/job?seconds=N` works for N
seconds, like a backtest; anything else answers 200 with the container's hostname. On SIGTERM
it stops accepting connections, lets running requests and jobs finish, logs, and exits 0 — the
graceful stop a real worker does. `parity-standin probe HOST PORT [TIMEOUT]` exits 0 when a TCP
connection to HOST:PORT succeeds within TIMEOUT seconds (default 2), 1 otherwise."""
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
active = 0
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        global active
        with lock:
            active += 1
        try:
            url = urllib.parse.urlparse(self.path)
            if url.path in ("/health", "/-/healthy", "/api/health"):
                self.reply(200 if HEALTHY else 503, {"healthy": HEALTHY})
            elif url.path == "/job":
                seconds = float(urllib.parse.parse_qs(url.query).get("seconds", ["5"])[0])
                print(f"job started ({seconds} s)", flush=True)
                time.sleep(seconds)
                print("job finished", flush=True)
                self.reply(200, {"job": "done", "seconds": seconds})
            else:
                self.reply(200, {"host": socket.gethostname()})
        finally:
            with lock:
                active -= 1

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def probe(host: str, port: int, timeout: float) -> int:
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        return 0
    except OSError:
        return 1


def ports(argv):
    # uvicorn style: --port N; plain style: the numbers themselves.
    if "--port" in argv:
        return [int(argv[argv.index("--port") + 1])]
    return [int(a) for a in argv if a.isdigit()] or [8000]


def serve(argv) -> None:
    servers = [http.server.ThreadingHTTPServer(("0.0.0.0", p), Handler) for p in ports(argv)]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    stop.wait()
    with lock:
        running = active
    print(f"SIGTERM received: stop accepting, {running} request(s) running", flush=True)
    for s in servers:
        s.shutdown()
        s.server_close()
    while True:
        with lock:
            if active == 0:
                break
        time.sleep(0.05)
    print("graceful stop complete", flush=True)
    sys.exit(0)


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "probe":
        sys.exit(probe(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) == 5 else 2.0))
    serve(sys.argv[1:])
