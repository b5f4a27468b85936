#!/usr/bin/python3
"""Stand-in for uvicorn in the dev-profile test (no PyPI here): `uvicorn MODULE:ATTR [--reload]
[--host H] [--port P]`, as the stack's command calls it. Serves the ASGI application's HTTP
requests from the working directory's import path; with --reload a supervisor polls the *.py
files under the working directory (where the dev source mount lands) and restarts the server
when one changes, as uvicorn's StatReload does. Standard library only."""
import asyncio
import importlib
import os
import subprocess
import sys
import time


def options(argv):
    app, host, port, reload = None, "127.0.0.1", 8000, False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--reload":
            reload = True
        elif a in ("--host", "--port"):
            i += 1
            if a == "--host":
                host = argv[i]
            else:
                port = int(argv[i])
        elif not a.startswith("-"):
            app = a
        i += 1
    if not app or ":" not in app:
        sys.exit("usage: uvicorn MODULE:ATTR [--reload] [--host H] [--port P]")
    return app, host, port, reload


def snapshot(root):
    seen = {}
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".py"):
                p = os.path.join(d, f)
                try:
                    st = os.stat(p)
                    seen[p] = (st.st_mtime_ns, st.st_size)
                except OSError:
                    pass
    return seen


def supervise(argv):
    env = dict(os.environ, PARITY_UVICORN_CHILD="1")
    while True:
        before = snapshot(os.getcwd())
        child = subprocess.Popen([sys.executable, __file__] + argv, env=env)
        while child.poll() is None and snapshot(os.getcwd()) == before:
            time.sleep(0.1)
        if child.poll() is None:
            print("uvicorn stand-in: change detected, reloading", file=sys.stderr, flush=True)
            child.terminate()
            child.wait()
        else:
            time.sleep(0.5)  # crashed (e.g. a syntax error): wait for the next edit


async def handle(app, reader, writer):
    try:
        line = (await reader.readline()).decode("latin-1").strip()
        method, target, _ = line.split(" ", 2)
        headers = []
        while True:
            h = await reader.readline()
            if h in (b"\r\n", b"\n", b""):
                break
            k, v = h.decode("latin-1").split(":", 1)
            headers.append((k.strip().lower().encode(), v.strip().encode()))
        path, _, query = target.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "path": path,
                 "raw_path": path.encode(), "query_string": query.encode(), "headers": headers, "scheme": "http"}
        out = {"status": 500, "headers": [], "body": b""}

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(msg):
            if msg["type"] == "http.response.start":
                out["status"], out["headers"] = msg["status"], list(msg.get("headers", []))
            elif msg["type"] == "http.response.body":
                out["body"] += msg.get("body", b"")

        await app(scope, receive, send)
        head = "HTTP/1.1 %d OK\r\nContent-Length: %d\r\nConnection: close\r\n" % (out["status"], len(out["body"]))
        head += "".join("%s: %s\r\n" % (k.decode(), v.decode()) for k, v in out["headers"])
        writer.write(head.encode() + b"\r\n" + out["body"])
        await writer.drain()
    finally:
        writer.close()


def serve(app_ref, host, port):
    sys.path.insert(0, os.getcwd())
    module, attr = app_ref.split(":", 1)
    app = getattr(importlib.import_module(module), attr)

    async def main():
        server = await asyncio.start_server(lambda r, w: handle(app, r, w), host, port, reuse_address=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


if __name__ == "__main__":
    app_ref, host, port, reload = options(sys.argv[1:])
    if reload and os.environ.get("PARITY_UVICORN_CHILD") != "1":
        supervise(sys.argv[1:])
    else:
        serve(app_ref, host, port)
