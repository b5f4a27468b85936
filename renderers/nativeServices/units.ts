/** Unit files of the application services (started through parity-exec, gated on health) and of the health endpoint. */
import type { DataService, HealthSpec, ResolvedNative, ResolvedService } from "../nativeServices";
import { HARDENING, NETWORK_FAMILIES, renderUnit, restartPolicy } from "../common/systemd";

function dependencyUnits(r: ResolvedNative, uses: readonly DataService[]): string[] {
  return [...new Set(uses.flatMap((u) => r.dependencyUnits[u]))];
}

/** Exec* argv, quoted for systemd; `%` and `$` escaped so systemd passes them through verbatim. */
export function execLine(argv: readonly string[]): string {
  return argv
    .map((raw) => raw.replace(/%/g, "%%").replace(/\$/g, "$$$$"))
    .map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `"${a.replace(/(["\\])/g, "\\$1")}"`))
    .join(" ");
}

/** argv of the service's process, via parity-exec on its source's `current` link. */
export function serviceArgv(r: ResolvedNative, s: ResolvedService, argv: readonly string[]): string[] {
  return [r.paths.exec, r.paths.currentLink(s.source), s.name, s.path, ...argv];
}

/** The readiness gate's argv for one service. */
export function readinessArgv(r: ResolvedNative, s: ResolvedService): string[] {
  const h = s.health;
  const head = [r.paths.waitHealthy, String(h.timeoutSeconds)];
  return h.http !== undefined ? [...head, "http", String(s.port), h.http] : [...head, "command", ...serviceArgv(r, s, h.command ?? [])];
}

export function renderAppUnit(r: ResolvedNative, s: ResolvedService): string {
  const p = r.paths;
  const deps = dependencyUnits(r, s.uses);
  const command = s.command ?? ["python", "-m", "uvicorn", s.asgiApp, "--host", s.bindHost, "--port", String(s.port)];
  return renderUnit(`${r.project}: ${s.description} on port ${s.port}.`, [
    [
      "Unit",
      [
        `Description=${r.project} ${s.description} (:${s.port})`,
        // Wants, not Requires: a restarting database must not stop the service; it retries.
        `After=network-online.target${deps.length ? ` ${deps.join(" ")}` : ""}`,
        `Wants=network-online.target${deps.length ? ` ${deps.join(" ")}` : ""}`,
        "StartLimitIntervalSec=600",
        "StartLimitBurst=5",
      ],
    ],
    [
      "Service",
      [
        "Type=exec",
        "DynamicUser=yes",
        `EnvironmentFile=${p.envFile(s.name)}`,
        `EnvironmentFile=-${p.secretsFile(s.name)}`,
        `Environment=PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=${p.libDir} PORT=${s.port} BIND_HOST=${s.bindHost}`,
        // parity-exec enters the release `current` points to at start, and its venv.
        `ExecStart=${execLine(serviceArgv(r, s, command))}`,
        // Readiness gate: started means healthy (see launch.ts for why not Type=notify).
        `ExecStartPost=${execLine(readinessArgv(r, s))}`,
        `TimeoutStartSec=${s.health.timeoutSeconds + 30}s`,
        `StateDirectory=${r.project}/${s.name}`,
        `SyslogIdentifier=${r.project}-${s.name}`,
        ...restartPolicy({ restartSec: 5, maxDelaySec: 120, steps: 6, systemdVersion: r.systemdVersion }),
        NETWORK_FAMILIES,
        ...(r.denyWriteExecute ? ["MemoryDenyWriteExecute=yes"] : []),
        ...HARDENING,
      ],
    ],
    ["Install", ["WantedBy=multi-user.target"]],
  ]);
}

export function renderHealthUnit(r: ResolvedNative, h: HealthSpec): string {
  const p = r.paths;
  const port = h.port;
  const uses: DataService[] = [];
  if (h.postgres) uses.push("postgresql");
  if (h.redis) uses.push("redis");
  if (h.rabbitmq) uses.push("rabbitmq");
  const deps = dependencyUnits(r, uses);
  return renderUnit(`${r.project}: unified /health endpoint on port ${port} (for Zabbix).`, [
    [
      "Unit",
      [
        `Description=${r.project} unified health endpoint (:${port})`,
        `After=network-online.target${deps.length ? ` ${deps.join(" ")}` : ""}`,
        "Wants=network-online.target",
        "StartLimitIntervalSec=600",
        "StartLimitBurst=5",
      ],
    ],
    [
      "Service",
      [
        "Type=exec",
        "DynamicUser=yes",
        `EnvironmentFile=-${p.secretsFile("health")}`,
        `ExecStart=/usr/bin/python3 ${p.healthCommand} serve --config ${p.healthConfig} --bind ${h.bind} --port ${port}`,
        `SyslogIdentifier=${r.project}-health`,
        ...restartPolicy({ restartSec: 5, maxDelaySec: 60, steps: 5, systemdVersion: r.systemdVersion }),
        NETWORK_FAMILIES,
        "MemoryDenyWriteExecute=yes",
        "PrivateUsers=yes",
        ...HARDENING,
      ],
    ],
    ["Install", ["WantedBy=multi-user.target"]],
  ]);
}
