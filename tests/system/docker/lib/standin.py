#!/usr/bin/env python3
"""Stand-in for a service image in the isolation test: listens on the given TCP ports and
accepts connections, and probes: `parity-standin probe HOST PORT [TIMEOUT]` exits 0 when a
TCP connection to HOST:PORT succeeds within TIMEOUT seconds (default 2), 1 otherwise.
Standard library only."""
import socket
import sys
import threading


def serve(port: int) -> None:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        conn.close()


def probe(host: str, port: int, timeout: float) -> int:
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        return 0
    except OSError:
        return 1


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "probe":
        sys.exit(probe(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) == 5 else 2.0))
    threads = [threading.Thread(target=serve, args=(int(p),), daemon=True) for p in sys.argv[1:]]
    for t in threads:
        t.start()
    threading.Event().wait()
