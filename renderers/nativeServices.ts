/**
 * The stock-analysis application services as native systemd units (docs/SYSTEMS.md): Python 3.11,
 * application code from pinned sources in releases with an atomic `current` switch, a venv per
 * service, env files in /etc/stock-analysis, journald, restart with a start limit, ordering after
 * the data services each one uses, a readiness gate on each service's own health check,
 * sandboxing, and the unified health check that also probes every service.
 */
import type { ProvisionBundle, RenderedFile } from "./bundle";
import { renderServiceEnv } from "./nativeServices/env";
import { PARITY_HEALTH_PY, renderHealthCommand } from "./nativeServices/healthPy";
import { nativePackages, renderNativeScript } from "./nativeServices/script";
import { renderAppUnit, renderHealthUnit } from "./nativeServices/units";
import { PARITY_EXEC, PARITY_WAIT_HEALTHY } from "./nativeServices/launch";
import type { SourceSpec } from "./nativeServices/sources";
import { nativePaths, type NativePaths } from "./nativeServices/paths";

import type { DataService } from "../core/guestDataServices";
export type { DataService };
export type { SourceSpec } from "./nativeServices/sources";

/** Exactly one of `http` or `command` (the contract's checks/nativeDelivery.ts). */
export interface ServiceHealth {
  /** URL path answered 2xx on `http://127.0.0.1:<port>` when healthy, e.g. `/health`. */
  readonly http: string | undefined;
  /** argv run in the service's release and venv (bare first word: from the venv's bin); exit 0 = healthy. */
  readonly command: readonly string[] | undefined;
  /** Seconds a (re)start may take to become healthy. */
  readonly timeoutSeconds: number;
}

/** A variable whose value comes from a secret, optionally inside a template. */
export interface SecretVariable {
  readonly variable: string;
  /** Secret environment variable of the step holding the value. */
  readonly secret: string;
  /**
   * Value template with exactly one `{secret}` (verbatim) or `{secret:url}` (percent-encoded),
   * e.g. `postgresql://stock_analysis_user:{secret:url}@127.0.0.1:5432/stock_analysis_event_store`.
   */
  readonly template: string;
}

export interface NativeService {
  /** Short name, e.g. `broker-gateway`; units are `<project>-<name>.service`. */
  readonly name: string;
  /** Human name, e.g. `Broker Gateway`. */
  readonly description: string;
  readonly port: number;
  /** Name of its entry in `sources`. */
  readonly source: string;
  /** Its directory inside the release. */
  readonly path: string;
  /** Requirements file relative to `path`, which must exist; `undefined`: `requirements.txt` when present. */
  readonly requirements: string | undefined;
  /** ASGI application `module:attribute` started with uvicorn when `command` is `undefined`. */
  readonly asgiApp: string;
  /** ExecStart argv (a bare first word is looked up in the venv); `undefined`: `python -m uvicorn <asgiApp> --host <bindHost> --port <port>`. */
  readonly command: readonly string[] | undefined;
  /** Run once per new release, as the service would run, before `current` switches; non-zero keeps the old release. `undefined`: none. */
  readonly preStart: readonly string[] | undefined;
  readonly health: ServiceHealth;
  /** Data services it needs: ordering (After=) and Wants=. */
  readonly uses: readonly DataService[];
  /** Plain variables (the env contract's literals and derived values). */
  readonly env: Readonly<Record<string, string>>;
  /** Secret variables. */
  readonly secretEnv: readonly SecretVariable[];
  /** Address uvicorn binds, e.g. `127.0.0.1` when nothing outside the guest uses it. */
  readonly bindHost: string;
}

/** Connection settings for the unified health check; passwords come from secret env names. */
export interface HealthSpec {
  /** Port of `<project>-health.service` serving `/health`. */
  readonly port: number;
  /** Address it binds (`0.0.0.0` when a monitor polls it from outside the guest). */
  readonly bind: string;
  readonly postgres: { readonly host: string; readonly port: number; readonly database: string; readonly user: string; readonly passwordSecret: string } | undefined;
  readonly redis: { readonly host: string; readonly ports: readonly number[]; readonly cluster: boolean; readonly passwordSecret: string } | undefined;
  readonly rabbitmq: { readonly host: string; readonly port: number; readonly vhost: string; readonly user: string; readonly passwordSecret: string } | undefined;
}

/** How to obtain `uv` (Astral). Nothing is downloaded unless `url` is set. */
export interface UvSpec {
  /** Where uv is (or is installed). */
  readonly path: string;
  /** A uv binary already on the guest (e.g. baked into the LXC template) to install from; `undefined`: none. */
  readonly sourcePath: string | undefined;
  /** An https URL of a uv binary or `uv-*.tar.gz` release archive; `undefined`: none. */
  readonly url: string | undefined;
  /** Expected SHA-256 of the download (the contract requires it with `url`). */
  readonly sha256: string | undefined;
}

/**
 * A fully resolved native-services spec: the schema (contract/schema/hostServices.ts) and the
 * model (model/hostServices.ts) apply every default, and the contract holds every rule: names,
 * paths inside the release, pins, keepReleases >= 2, uv's https URL (schema); one pinned form
 * per source, a source and one health check per service (checks/nativeDelivery.ts); distinct
 * names (checks/hostServiceRules.ts), ports free on the guest, env templates (checks/hostServices.ts).
 */
export interface NativeServicesSpec {
  /** Prefix of units, directories and users. */
  readonly project: string;
  readonly services: readonly NativeService[];
  /** Pinned application sources; at least one. */
  readonly sources: readonly SourceSpec[];
  /** Releases kept per source, the current one included. */
  readonly keepReleases: number;
  /** Wheels for offline installs (`--no-index --find-links`): relative to the release root, or absolute. `undefined`: the package index. */
  readonly wheelhouse: string | undefined;
  /** systemd units realizing each data service, for After=/Wants=. */
  readonly dependencyUnits: Readonly<Record<DataService, readonly string[]>>;
  /** Python interpreter for venvs. */
  readonly python: string;
  /** Extra Debian packages (stock-analysis: curl, git, build-essential, libpq-dev). */
  readonly extraPackages: readonly string[];
  readonly uv: UvSpec;
  /** `undefined`: no health endpoint unit (the module is still installed). */
  readonly health: HealthSpec | undefined;
  /** `MemoryDenyWriteExecute=` for app units; some JIT-using libraries need it off. */
  readonly denyWriteExecute: boolean;
  /** systemd version of the guest, for restart backoff keys. */
  readonly systemdVersion: number;
}

export type ResolvedService = NativeService;

export interface ResolvedNative extends NativeServicesSpec {
  readonly paths: NativePaths;
}

/** Adds the paths; no defaults, no checks. */
export function resolveNative(spec: NativeServicesSpec): ResolvedNative {
  return { ...spec, paths: nativePaths(spec.project) };
}

/** Every secret environment name the step needs. */
function secretNames(r: ResolvedNative): string[] {
  const names = r.services.flatMap((s) => s.secretEnv.map((v) => v.secret));
  for (const src of r.sources) if (src.credentials) names.push(src.credentials.secret);
  const h = r.health;
  if (h) for (const x of [h.postgres, h.redis, h.rabbitmq]) if (x) names.push(x.passwordSecret);
  return [...new Set(names)].sort();
}

/** Renders the native services step. */
export function renderNativeServices(spec: NativeServicesSpec): ProvisionBundle {
  const r = resolveNative(spec);
  const p = r.paths;
  const files: RenderedFile[] = [
    { path: p.healthModule, content: PARITY_HEALTH_PY, mode: "0644" },
    { path: p.healthCommand, content: renderHealthCommand(p.libDir), mode: "0755" },
    { path: p.exec, content: PARITY_EXEC, mode: "0755" },
    { path: p.waitHealthy, content: PARITY_WAIT_HEALTHY, mode: "0755" },
  ];
  for (const s of r.services) {
    files.push(
      { path: p.unitFile(s.name), content: renderAppUnit(r, s), mode: "0644" },
      { path: p.envFile(s.name), content: renderServiceEnv(r, s), mode: "0600" },
    );
  }
  if (r.health) {
    files.push(
      { path: p.healthConfig, content: renderHealthConfig(r.health, r), mode: "0644" },
      { path: p.unitFile("health"), content: renderHealthUnit(r, r.health), mode: "0644" },
    );
  }
  return { name: `${r.project}-services`, files, script: renderNativeScript(r), secretEnv: secretNames(r), packages: nativePackages(r), maskUnits: [] };
}

/** `health.json`: where to connect and which environment variable holds each password. */
export function renderHealthConfig(h: HealthSpec, r?: Pick<ResolvedNative, "services" | "project">): string {
  const doc: Record<string, unknown> = { timeout_seconds: 3 };
  if (h.postgres) {
    const x = h.postgres;
    doc["postgres"] = { host: x.host, port: x.port, database: x.database, user: x.user, password_env: x.passwordSecret };
  }
  if (h.redis) {
    const x = h.redis;
    doc["redis"] = { nodes: x.ports.map((port) => ({ host: x.host, port })), cluster: x.cluster, password_env: x.passwordSecret };
  }
  if (h.rabbitmq) {
    const x = h.rabbitmq;
    doc["rabbitmq"] = { host: x.host, port: x.port, vhost: x.vhost, user: x.user, password_env: x.passwordSecret };
  }
  // Each service's own health: its HTTP check, or (for a command check, which needs the
  // service's own environment) whether its port accepts connections.
  if (r && r.services.length > 0) {
    doc["services"] = r.services.map((s) => ({
      name: s.name,
      unit: `${r.project}-${s.name}.service`,
      ...(s.health.http !== undefined ? { http: { host: "127.0.0.1", port: s.port, path: s.health.http } } : { tcp: { host: "127.0.0.1", port: s.port } }),
    }));
  }
  return `${JSON.stringify(doc, null, 2)}\n`;
}
