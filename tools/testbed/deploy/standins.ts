/**
 * Stand-in images, built locally in each guest (there is no registry here) and tagged with the
 * exact refs the stack declares, so the recorded containers run unchanged. They provide what
 * the stack's commands and health checks call: `uvicorn … --port N`, `python`, `wget`, and for
 * the database a real PostgreSQL 15 from Debian with `pg_isready`.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBaseRootfs } from "../rootfs";
import { sshArgs } from "../guest";
import { mustRun, shq } from "../shell";
import type { Guest } from "../testbed";

/** The one HTTP stand-in (its docstring says what it answers); the local-engine suites use it too. */
export const STANDIN_PY = join(__dirname, "../standin.py");

/** In-process (no shell, no exec), so the server's /proc/self/environ is exactly what Docker passed. */
const UVICORN_PY = `#!/usr/bin/python3
import runpy, sys
sys.argv = ["standin.py"] + sys.argv[1:]
runpy.run_path("/usr/local/lib/parity-standin/standin.py", run_name="__main__")
`;

/** Enough of wget for `wget -q --spider URL` and `wget -qO- URL`. */
const WGET_PY = `#!/usr/bin/python3
import sys, urllib.request
url = [a for a in sys.argv[1:] if not a.startswith("-")][-1]
try:
    body = urllib.request.urlopen(url, timeout=5).read()
except Exception as e:
    sys.stderr.write("wget: %s\\n" % e)
    sys.exit(8)
if "--spider" not in sys.argv and any(a in ("-O-", "-qO-") for a in sys.argv):
    sys.stdout.buffer.write(body)
`;

/**
 * The official image's contract, minimally: initialise an empty data directory with
 * POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB, then run postgres as the postgres user
 * through gosu, with the same root-only steps (and so the same capabilities) as the real one.
 */
const POSTGRES_ENTRYPOINT = `#!/bin/bash
set -euo pipefail
export PGDATA=/var/lib/postgresql/data
bin=/usr/lib/postgresql/15/bin
install -d -o postgres -g postgres -m 0700 "$PGDATA"
chown postgres:postgres "$PGDATA"
# As the official entrypoint does: the socket directory may be a fresh (root-owned) tmpfs.
mkdir -p /var/run/postgresql
chmod 03775 /var/run/postgresql
chown postgres /var/run/postgresql
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pw="$(mktemp)"; printf '%s' "$POSTGRES_PASSWORD" > "$pw"; chown postgres "$pw"
  gosu postgres "$bin/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pw" --auth-host=scram-sha-256 --auth-local=trust >/dev/null
  rm -f "$pw"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  gosu postgres "$bin/pg_ctl" -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
  gosu postgres psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -c "CREATE DATABASE \\"$POSTGRES_DB\\"" >/dev/null
  gosu postgres "$bin/pg_ctl" -D "$PGDATA" -w stop >/dev/null
fi
exec gosu postgres "$bin/postgres" -D "$PGDATA" -c listen_addresses='*'
`;

const SHIMS = `COPY standin.py /usr/local/lib/parity-standin/standin.py
COPY wget /usr/local/bin/wget
COPY uvicorn /usr/local/bin/uvicorn
RUN chmod 0755 /usr/local/bin/uvicorn /usr/local/bin/wget && ln -sf /usr/bin/python3 /usr/local/bin/python`;

/** Dockerfile per `parity:images` key; keys the stack adds later fail loudly here. */
const DOCKERFILES: Readonly<Record<string, string>> = {
  backend: `${SHIMS}\nCMD ["uvicorn", "--port", "8000"]`,
  // The real Prometheus: Debian's package (2.42), laid out like the official image (config in
  // /etc/prometheus, data in /prometheus owned by nobody, the image's own entrypoint and flags).
  prometheus: `RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null \\
 && rm -rf /var/lib/apt/lists/* && install -d -o 65534 -g 65534 /prometheus && chown -R 65534:65534 /etc/prometheus
${SHIMS}
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]`,
  grafana: `${SHIMS}\nCMD ["python3", "/usr/local/lib/parity-standin/standin.py", "--name", "grafana", "3000"]`,
  jaeger: `${SHIMS}\nCMD ["python3", "/usr/local/lib/parity-standin/standin.py", "--name", "jaeger", "4317", "16686", "14269"]`,
  // Debian's PostgreSQL through the guest's NAT; no default cluster (the entrypoint makes one).
  postgres: `RUN mkdir -p /etc/postgresql-common && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf \\
 && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 gosu >/dev/null \\
 && rm -rf /var/lib/apt/lists/*
COPY postgres-standin /usr/local/bin/postgres-standin
RUN chmod 0755 /usr/local/bin/postgres-standin
CMD ["/usr/local/bin/postgres-standin"]`,
  // The rollout proxy: Debian 12's own HAProxy 2.6 (the pinned official image's major line) at
  // the official image's config path; the container's command and uploaded config are the plan's.
  haproxy: `RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null \\
 && rm -rf /var/lib/apt/lists/* && mkdir -p /usr/local/etc/haproxy`,
};

export const STANDIN_KINDS = Object.keys(DOCKERFILES);

const baseImports = new WeakMap<Guest, Promise<string>>();

/** The harness's cached Debian 12 rootfs (python3, curl, …) as the guest's base image, once per guest. */
export function ensureBaseImage(g: Guest): Promise<string> {
  // Several images of one guest are "pulled" concurrently: they share one import.
  let p = baseImports.get(g);
  if (!p) {
    p = importBase(g);
    p.catch(() => baseImports.delete(g));
    baseImports.set(g, p);
  }
  return p;
}

async function importBase(g: Guest): Promise<string> {
  const { path } = await ensureBaseRootfs();
  const tag = `parity-testbed/debian-base:${path.replace(/^.*bookworm-|\.tar\.zst$/g, "")}`;
  if ((await g.exec(`docker image inspect ${shq(tag)} >/dev/null 2>&1`)).code === 0) return tag;
  await mustRun("bash", ["-o", "pipefail", "-c",
    `zstd -q -dc ${shq(path)} | ssh ${sshArgs(g.ipv4).map(shq).join(" ")} ${shq(`docker import - ${tag} >/dev/null`)}`,
  ], { timeoutMs: 300_000 });
  return tag;
}

/** Builds the stand-in for `key` as `ref` in the guest's engine; returns seconds spent. */
export async function buildStandin(g: Guest, key: string, ref: string): Promise<number> {
  const body = DOCKERFILES[key];
  if (!body) throw new Error(`no stand-in image for parity:images key '${key}' (have: ${STANDIN_KINDS.join(", ")})`);
  const started = Date.now();
  const base = await ensureBaseImage(g);
  const local = mkdtempSync(join(tmpdir(), "parity-standin-"));
  try {
    mkdirSync(local, { recursive: true });
    writeFileSync(join(local, "Dockerfile"), `FROM ${base}\n${body}\n`);
    copyFileSync(STANDIN_PY, join(local, "standin.py"));
    writeFileSync(join(local, "wget"), WGET_PY);
    writeFileSync(join(local, "uvicorn"), UVICORN_PY);
    writeFileSync(join(local, "postgres-standin"), POSTGRES_ENTRYPOINT);
    const ctx = `/var/lib/parity-testbed-images/${key}`;
    const remote = `rm -rf ${ctx} && mkdir -p ${ctx} && tar -xf - -C ${ctx} && docker build -q -t ${shq(ref)} ${ctx} >/dev/null`;
    await mustRun("bash", ["-o", "pipefail", "-c",
      `tar -C ${shq(local)} -cf - . | ssh ${sshArgs(g.ipv4).map(shq).join(" ")} ${shq(remote)}`,
    ], { timeoutMs: 600_000 });
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
  return (Date.now() - started) / 1000;
}

/**
 * A deliberately broken version: the stand-in `healthyRef` with its health paths answering 503
 * (PARITY_STANDIN_HEALTH=fail), tagged `ref` in the guest's engine before an update names it,
 * so the plan's "pull" finds it there.
 */
export async function buildUnhealthyStandin(g: Guest, healthyRef: string, ref: string): Promise<void> {
  const r = await g.exec(`docker build -q -t ${shq(ref)} - >/dev/null`, { stdin: `FROM ${healthyRef}\nENV PARITY_STANDIN_HEALTH=fail\n`, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`${g.name}: building the unhealthy stand-in ${ref} failed: ${r.stderr}`);
}
