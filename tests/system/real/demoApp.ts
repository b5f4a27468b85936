/**
 * A small stand-in for the stock-analysis application, standard library only (Python 3.11 as in
 * Debian 12), in a git repository on this host that the test-bed guests fetch from over the
 * bridge (`git daemon` bound to the bridge address only).
 *
 * Each of the five services answers `/health` after really talking to its dependencies:
 * PostgreSQL through `psql` (password in the environment, never argv), Redis with AUTH + PING
 * on every cluster node over a raw socket, RabbitMQ with the AMQP 0-9-1 handshake up to
 * Connection.OpenOk on the vhost. One dependency comes from a wheel in the repository's
 * wheelhouse, so `pip install --no-index --find-links` really runs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { crc32 } from "node:zlib";
import { parse, stringify } from "yaml";
import { mustRun } from "../../../tools/testbed/shell";

const DEPS_PY = String.raw`"""Dependency checks with the standard library only."""
import os
import socket
import struct
import subprocess
import urllib.parse


def check_postgres():
    u = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    env = dict(os.environ, PGPASSWORD=urllib.parse.unquote(u.password or ""), PGCONNECT_TIMEOUT="3")
    out = subprocess.run(["psql", "-XAtq", "-h", u.hostname, "-p", str(u.port or 5432), "-U", urllib.parse.unquote(u.username),
                          "-d", u.path.lstrip("/"), "-c", "SELECT 1"], env=env, capture_output=True, timeout=5, text=True)
    if out.returncode != 0 or out.stdout.strip() != "1":
        raise RuntimeError("psql: %s" % out.stderr.strip()[-200:])
    return "SELECT 1 ok"


def _redis(sock, *args):
    sock.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
    line = sock.makefile("rb").readline()
    if not line.startswith(b"+"):
        raise RuntimeError(line.decode("utf-8", "replace").strip())
    return line[1:].strip().decode()


def check_redis():
    password = os.environ["REDIS_PASSWORD"].encode()
    nodes = os.environ["REDIS_CLUSTER_NODES"].split(",")
    for node in nodes:
        host, port = node.rsplit(":", 1)
        with socket.create_connection((host, int(port)), 3) as s:
            _redis(s, b"AUTH", password)
            if _redis(s, b"PING") != "PONG":
                raise RuntimeError("no PONG from %s" % node)
    return "PING ok on %d nodes" % len(nodes)


def _frame(sock):
    head = b""
    while len(head) < 7:
        chunk = sock.recv(7 - len(head))
        if not chunk:
            raise RuntimeError("connection closed")
        head += chunk
    kind, channel, size = struct.unpack("!BHI", head)
    body = b""
    while len(body) < size + 1:
        chunk = sock.recv(size + 1 - len(body))
        if not chunk:
            raise RuntimeError("connection closed")
        body += chunk
    return kind, body[:size]


def _method(sock, class_id, method_id, args):
    payload = struct.pack("!HH", class_id, method_id) + args
    sock.sendall(struct.pack("!BHI", 1, 0, len(payload)) + payload + b"\xce")


def _short(s):
    b = s.encode()
    return struct.pack("!B", len(b)) + b


def check_rabbitmq():
    u = urllib.parse.urlsplit(os.environ["RABBITMQ_URL"])
    user, password = urllib.parse.unquote(u.username), urllib.parse.unquote(u.password or "")
    vhost = urllib.parse.unquote(u.path[1:]) or "/"
    with socket.create_connection((u.hostname, u.port or 5672), 3) as s:
        s.settimeout(3)
        s.sendall(b"AMQP\x00\x00\x09\x01")
        _, body = _frame(s)
        if body[:4] != struct.pack("!HH", 10, 10):
            raise RuntimeError("no Connection.Start")
        response = b"\x00" + user.encode() + b"\x00" + password.encode()
        _method(s, 10, 11, struct.pack("!I", 0) + _short("PLAIN") + struct.pack("!I", len(response)) + response + _short("en_US"))
        _, body = _frame(s)
        if body[:4] == struct.pack("!HH", 10, 50):
            raise RuntimeError("refused: login")
        if body[:4] != struct.pack("!HH", 10, 30):
            raise RuntimeError("no Connection.Tune")
        channel_max, frame_max, _heartbeat = struct.unpack("!HIH", body[4:12])
        _method(s, 10, 31, struct.pack("!HIH", channel_max, frame_max, 0))
        _method(s, 10, 40, _short(vhost) + _short("") + b"\x00")
        _, body = _frame(s)
        if body[:4] != struct.pack("!HH", 10, 41):
            raise RuntimeError("vhost %s refused" % vhost)
        _method(s, 10, 50, struct.pack("!H", 200) + _short("bye") + struct.pack("!HH", 0, 0))
        _frame(s)  # Connection.CloseOk: a clean close, not an "unexpectedly closed" in the broker's log
    return "Connection.OpenOk on %s" % vhost


CHECKS = {"postgres": check_postgres, "redis": check_redis, "rabbitmq": check_rabbitmq}


def check_all():
    report = {}
    for name, fn in CHECKS.items():
        try:
            report[name] = {"ok": True, "detail": fn()}
        except Exception as exc:  # noqa: BLE001 - any failure is an unhealthy dependency
            report[name] = {"ok": False, "detail": "%s: %s" % (type(exc).__name__, exc)}
    return all(c["ok"] for c in report.values()), report
`;

const SERVER_PY = (version: string) => String.raw`"""One stock-analysis service: python -m stockdemo.server <name>."""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from stockdemo_greeting import GREETING

from stockdemo.deps import check_all

VERSION = "${version}"
NAME = sys.argv[1] if len(sys.argv) > 1 else "unknown"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            healthy, checks = check_all()
            self.reply(200 if healthy else 503, {"service": NAME, "version": VERSION, "status": "ok" if healthy else "fail", "checks": checks})
        elif self.path == "/":
            self.reply(200, {"service": NAME, "version": VERSION, "release": os.environ.get("PARITY_RELEASE", ""), "greeting": GREETING})
        else:
            self.send_error(404)

    def reply(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer((os.environ.get("BIND_HOST", "0.0.0.0"), int(os.environ["PORT"])), Handler).serve_forever()
`;

const CHECK_PY = String.raw`"""Pre-start check: the release imports and its configuration is complete."""
import os
import sys

import stockdemo.server  # noqa: F401 - importing proves the code and its dependencies are installed

missing = [v for v in ("DATABASE_URL", "REDIS_PASSWORD", "RABBITMQ_URL", "REDIS_CLUSTER_NODES") if not os.environ.get(v)]
if missing:
    sys.exit("missing configuration: %s" % ", ".join(missing))
print("pre-start check ok for version %s" % stockdemo.server.VERSION)
`;

/** A pure-Python wheel, written as a zip with stored entries and a correct RECORD. */
export function pureWheel(dist: string, version: string, files: Readonly<Record<string, string>>): Buffer {
  const info = `${dist}-${version}.dist-info`;
  const entries: Array<[string, Buffer]> = Object.entries(files).map(([n, c]) => [n, Buffer.from(c)]);
  entries.push([`${info}/METADATA`, Buffer.from(`Metadata-Version: 2.1\nName: ${dist.replace(/_/g, "-")}\nVersion: ${version}\n`)]);
  entries.push([`${info}/WHEEL`, Buffer.from("Wheel-Version: 1.0\nGenerator: parity-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")]);
  const record = entries.map(([n, c]) => `${n},sha256=${createHash("sha256").update(c).digest("base64url")},${c.length}`).join("\n");
  entries.push([`${info}/RECORD`, Buffer.from(`${record}\n${info}/RECORD,,\n`)]);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(0o100644 * 0x10000, 38); central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export interface DemoRepo {
  /** git:// URL the guests fetch from. */
  readonly url: string;
  /** Commit SHA per version label. */
  readonly commits: Readonly<Record<"v1" | "v2" | "broken", string>>;
  stop(): Promise<void>;
}

const GIT = ["-c", "user.name=Parity Test", "-c", "user.email=test@parity.invalid", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"];

/**
 * Creates the repository with three commits — v1, v2 (a new response) and a broken one whose
 * pre-start check fails (it imports a module no release installs) — and serves it with
 * `git daemon` on `<listen>:<port>`.
 */
export async function createDemoRepo(listen: string, port: number): Promise<DemoRepo> {
  const base = mkdtempSync(join(tmpdir(), "parity-demo-"));
  const work = join(base, "work");
  const write = (rel: string, content: string | Buffer) => {
    mkdirSync(dirname(join(work, rel)), { recursive: true });
    writeFileSync(join(work, rel), content);
  };
  const git = (...args: string[]) => mustRun("git", [...GIT, "-C", work, ...args]);
  mkdirSync(work, { recursive: true });
  await git("init", "--quiet");
  write("stockdemo/__init__.py", "");
  write("stockdemo/deps.py", DEPS_PY);
  write("stockdemo/check.py", CHECK_PY);
  write("requirements.txt", "stockdemo-greeting==1.0\n");
  write("wheelhouse/stockdemo_greeting-1.0-py3-none-any.whl", pureWheel("stockdemo_greeting", "1.0", { "stockdemo_greeting/__init__.py": 'GREETING = "hello from the wheelhouse"\n' }));
  const commit = async (version: string, message: string) => {
    write("stockdemo/server.py", SERVER_PY(version));
    await git("add", "-A");
    await git("commit", "--quiet", "-m", message);
    return (await git("rev-parse", "HEAD")).trim();
  };
  const v1 = await commit("1", "v1");
  const v2 = await commit("2", "v2: a new response");
  write("stockdemo/check.py", `import stockdemo_metrics  # noqa: F401 - a dependency this release forgot to declare\n${CHECK_PY}`);
  const broken = await commit("3", "broken: imports an undeclared dependency");
  await mustRun("git", ["clone", "--quiet", "--bare", work, join(base, "stockdemo.git")]);

  const daemon: ChildProcess = spawn("git", ["daemon", "--reuseaddr", `--listen=${listen}`, `--port=${port}`, `--base-path=${base}`, "--export-all", "--informative-errors", base], { stdio: "ignore" });
  await waitForPort(listen, port, 15_000);
  return {
    url: `git://${listen}:${port}/stockdemo.git`,
    commits: { v1, v2, broken },
    stop: async () => {
      daemon.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 200));
      rmSync(base, { recursive: true, force: true });
    },
  };
}

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port }, () => { s.destroy(); resolve(true); });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`git daemon did not listen on ${host}:${port}`);
}

/**
 * Points a stack's `native` block (parsed from Pulumi.stock-analysis.yaml) at the demo
 * repository: its one source, the wheelhouse, and each service's command, pre-start check and
 * health check. Ports, env, units and everything else stay the stack's own.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function useDemoApp(native: Record<string, any>, repo: DemoRepo, release: keyof DemoRepo["commits"] = "v1"): void {
  native["sources"] = { app: { git: repo.url, commit: repo.commits[release] } };
  native["wheelhouse"] = "wheelhouse";
  for (const svc of native["services"] as Array<Record<string, unknown>>) {
    svc["path"] = ".";
    svc["command"] = ["python", "-m", "stockdemo.server", svc["name"]];
    svc["preStart"] = ["python", "-m", "stockdemo.check"];
    svc["health"] = { http: "/health", timeoutSeconds: 30 };
  }
}

/**
 * A repository root for tools that read stack files (the template builder): Pulumi.yaml and
 * Pulumi.<stack>.yaml copied from `root`, the stack's native services pointed at the demo app.
 */
export function demoStackRoot(root: string, stack: string, host: string, repo: DemoRepo): string {
  const dir = mkdtempSync(join(tmpdir(), "parity-demo-root-"));
  copyFileSync(join(root, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  const doc = parse(readFileSync(join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, Record<string, Record<string, unknown>>> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useDemoApp(doc.config["parity:hostServices"]![host]!["native"] as Record<string, any>, repo);
  writeFileSync(join(dir, `Pulumi.${stack}.yaml`), stringify(doc, { aliasDuplicateObjects: false }));
  return dir;
}
