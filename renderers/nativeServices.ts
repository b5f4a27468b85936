/**
 * The stock-analysis application services as native systemd units (seeds 000/001): Python 3.11,
 * application code from pinned sources in releases with an atomic `current` switch, a venv per
 * service, env files in /etc/stock-analysis, journald, restart with a start limit, ordering after
 * the data services each one uses, a readiness gate on each service's own health check,
 * sandboxing, and the unified health check that also probes every service.
 */
import type { ProvisionBundle, RenderedFile } from "./bundle";
import { assertEnvName } from "./common/shell";
import { renderServiceEnv, splitTemplate } from "./nativeServices/env";
import { PARITY_HEALTH_PY, renderHealthCommand } from "./nativeServices/healthPy";
import { renderNativeScript } from "./nativeServices/script";
import { renderAppUnit, renderHealthUnit } from "./nativeServices/units";
import { PARITY_EXEC, PARITY_WAIT_HEALTHY } from "./nativeServices/launch";
import { releaseRef, type SourceSpec } from "./nativeServices/sources";
import { nativePaths, type NativePaths } from "./nativeServices/paths";

export type DataService = "postgresql" | "redis" | "rabbitmq";
export type { SourceSpec } from "./nativeServices/sources";

/** Exactly one of `http` or `command`. */
export interface ServiceHealth {
  /** URL path answered 2xx on `http://127.0.0.1:<port>` when healthy, e.g. `/health`. */
  readonly http?: string;
  /** argv run in the service's release and venv (bare first word: from the venv's bin); exit 0 = healthy. */
  readonly command?: readonly string[];
  /** Seconds a (re)start may take to become healthy. Default `60`. */
  readonly timeoutSeconds?: number;
}

/** A variable whose value comes from a secret, optionally inside a template. */
export interface SecretVariable {
  readonly variable: string;
  /** Secret environment variable of the step holding the value. */
  readonly secret: string;
  /**
   * Value template with exactly one `{secret}` (verbatim) or `{secret:url}` (percent-encoded),
   * e.g. `postgresql://stock_analysis_user:{secret:url}@127.0.0.1:5432/stock_analysis_event_store`.
   * Default `{secret}`.
   */
  readonly template?: string;
}

export interface NativeService {
  /** Short name, e.g. `broker-gateway`; units are `<project>-<name>.service`. */
  readonly name: string;
  /** Human name, e.g. `Broker Gateway`. */
  readonly description: string;
  readonly port: number;
  /** Name of its entry in `sources`. Default: the only source. */
  readonly source?: string;
  /** Its directory inside the release. Default `.`. */
  readonly path?: string;
  /** Requirements file relative to `path`; an explicit one must exist. Default `requirements.txt` when present. */
  readonly requirements?: string;
  /** ASGI application `module:attribute` started with uvicorn. Default `main:app`. */
  readonly asgiApp?: string;
  /** ExecStart argv instead of uvicorn (a bare first word is looked up in the venv). Default: `python -m uvicorn <asgiApp> --host <bindHost> --port <port>`. */
  readonly command?: readonly string[];
  /** Run once per new release, as the service would run, before `current` switches; non-zero keeps the old release. Default: none. */
  readonly preStart?: readonly string[];
  readonly health: ServiceHealth;
  /** Data services it needs: ordering (After=) and Wants=. Default `[]`. */
  readonly uses?: readonly DataService[];
  /** Plain variables (the env contract's literals and derived values). Default `{}`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Secret variables. Default `[]`. */
  readonly secretEnv?: readonly SecretVariable[];
  /** Address uvicorn binds, e.g. `127.0.0.1` when nothing outside the guest uses it. Default: the spec's `bindHost`. */
  readonly bindHost?: string;
}

/** Connection settings for the unified health check; passwords come from secret env names. */
export interface HealthSpec {
  /** Port of `<project>-health.service` serving `/health`. Default `8010`. */
  readonly port?: number;
  /** Default `0.0.0.0` (Zabbix polls it from outside the guest). */
  readonly bind?: string;
  readonly postgres?: { readonly host?: string; readonly port?: number; readonly database: string; readonly user: string; readonly passwordSecret: string };
  readonly redis?: { readonly host?: string; readonly ports: readonly number[]; readonly cluster: boolean; readonly passwordSecret: string };
  readonly rabbitmq?: { readonly host?: string; readonly port?: number; readonly vhost: string; readonly user: string; readonly passwordSecret: string };
}

/** How to obtain `uv` (Astral). Nothing is downloaded unless `url` is set. */
export interface UvSpec {
  /** Where uv is (or is installed). Default `/usr/local/bin/uv`. */
  readonly path?: string;
  /** A uv binary already on the guest (e.g. baked into the LXC template) to install from. */
  readonly sourcePath?: string;
  /** An https URL of a uv binary or `uv-*.tar.gz` release archive. Default: none. */
  readonly url?: string;
  /** Expected SHA-256 of the download; required with `url`. */
  readonly sha256?: string;
}

export interface NativeServicesSpec {
  /** Prefix of units, directories and users. Default `stock-analysis`. */
  readonly project?: string;
  readonly services: readonly NativeService[];
  /** Pinned application sources; at least one. */
  readonly sources: readonly SourceSpec[];
  /** Releases kept per source, the current one included. Default `3`. */
  readonly keepReleases?: number;
  /** Wheels for offline installs (`--no-index --find-links`): relative to the release root, or absolute. Default: none (the package index). */
  readonly wheelhouse?: string;
  /** Address services bind to. Default `0.0.0.0` (seed 000). */
  readonly bindHost?: string;
  /**
   * systemd units realizing each data service, for After=/Wants=.
   * Default `{ postgresql: ["postgresql.service"], redis: ["parity-redis@6379.service"], rabbitmq: ["rabbitmq-server.service"] }`.
   */
  readonly dependencyUnits?: Readonly<Partial<Record<DataService, readonly string[]>>>;
  /** Python interpreter for venvs. Default `python3.11` (Debian 12's). */
  readonly python?: string;
  /** Extra Debian packages (seed: curl, git, build-essential, libpq-dev). Default `[]`. */
  readonly extraPackages?: readonly string[];
  readonly uv?: UvSpec;
  /** Default: no health endpoint unit (the module is still installed). */
  readonly health?: HealthSpec;
  /** `MemoryDenyWriteExecute=` for app units; some JIT-using libraries need it off. Default `true`. */
  readonly denyWriteExecute?: boolean;
  /** systemd version of the guest, for restart backoff keys. Default `252` (Debian 12). */
  readonly systemdVersion?: number;
}

/** A service with its defaults applied. */
export interface ResolvedService extends NativeService {
  readonly source: string;
  readonly path: string;
  readonly health: Required<Pick<ServiceHealth, "timeoutSeconds">> & ServiceHealth;
}

export interface ResolvedNative {
  readonly project: string;
  readonly services: readonly ResolvedService[];
  readonly sources: readonly SourceSpec[];
  readonly keepReleases: number;
  readonly wheelhouse: string | undefined;
  readonly bindHost: string;
  readonly dependencyUnits: Readonly<Record<DataService, readonly string[]>>;
  readonly python: string;
  readonly extraPackages: readonly string[];
  readonly uv: Required<Pick<UvSpec, "path">> & UvSpec;
  readonly health: HealthSpec | undefined;
  readonly denyWriteExecute: boolean;
  readonly systemdVersion: number;
  readonly paths: NativePaths;
}

export function resolveNative(spec: NativeServicesSpec): ResolvedNative {
  const project = spec.project ?? "stock-analysis";
  const onlySource = spec.sources.length === 1 ? spec.sources[0]!.name : undefined;
  const r: ResolvedNative = {
    project,
    services: spec.services.map((s) => {
      const source = s.source ?? onlySource;
      if (source === undefined) throw new Error(`service ${s.name} must name one of the sources ${spec.sources.map((x) => x.name).join(", ")}`);
      return { ...s, source, path: s.path ?? ".", health: { timeoutSeconds: 60, ...s.health } };
    }),
    sources: spec.sources,
    keepReleases: spec.keepReleases ?? 3,
    wheelhouse: spec.wheelhouse,
    bindHost: spec.bindHost ?? "0.0.0.0",
    dependencyUnits: {
      postgresql: spec.dependencyUnits?.postgresql ?? ["postgresql.service"],
      redis: spec.dependencyUnits?.redis ?? ["parity-redis@6379.service"],
      rabbitmq: spec.dependencyUnits?.rabbitmq ?? ["rabbitmq-server.service"],
    },
    python: spec.python ?? "python3.11",
    extraPackages: spec.extraPackages ?? [],
    uv: { path: "/usr/local/bin/uv", ...spec.uv },
    health: spec.health,
    denyWriteExecute: spec.denyWriteExecute ?? true,
    systemdVersion: spec.systemdVersion ?? 252,
    paths: nativePaths(project),
  };
  if (!/^[a-z][a-z0-9-]*$/.test(project)) throw new Error(`project "${project}" must be a lowercase name`);
  const names = new Set<string>();
  const ports = new Set<number>();
  if (r.sources.length === 0) throw new Error("native services need at least one source");
  for (const src of r.sources) releaseRef(src); // validates the pin
  if (r.keepReleases < 2) throw new Error("keepReleases must be at least 2 (the current release and one to roll back to)");
  for (const s of r.services) {
    if (!r.sources.some((x) => x.name === s.source)) throw new Error(`service ${s.name} names unknown source ${s.source}`);
    if ((s.health.http === undefined) === (s.health.command === undefined)) throw new Error(`service ${s.name}: health needs exactly one of http or command`);
    for (const rel of [s.path, s.requirements ?? "."]) if (rel.startsWith("/") || rel.split("/").includes("..")) throw new Error(`service ${s.name}: path ${rel} must stay inside the release`);
    if (!/^[a-z][a-z0-9-]*$/.test(s.name)) throw new Error(`service name "${s.name}" must be lowercase letters, digits, dashes`);
    if (names.has(s.name)) throw new Error(`duplicate service ${s.name}`);
    if (ports.has(s.port)) throw new Error(`port ${s.port} used twice`);
    names.add(s.name);
    ports.add(s.port);
    for (const k of Object.keys(s.env ?? {})) assertEnvName(k, `service ${s.name} env`);
    for (const v of s.secretEnv ?? []) {
      assertEnvName(v.variable, `service ${s.name} secret variable`);
      assertEnvName(v.secret, `service ${s.name} secret`);
      splitTemplate(v.template ?? "{secret}");
    }
  }
  if (r.health?.port !== undefined && ports.has(r.health.port)) throw new Error(`health port ${r.health.port} collides with a service`);
  if (r.uv.url !== undefined && !/^https:\/\//.test(r.uv.url)) throw new Error("uv.url must be https");
  if (r.uv.url !== undefined && !/^[0-9a-f]{64}$/.test(r.uv.sha256 ?? "")) throw new Error("uv.url needs uv.sha256 (64 hex digits)");
  return r;
}

/** Every secret environment name the step needs. */
function secretNames(r: ResolvedNative): string[] {
  const names = r.services.flatMap((s) => (s.secretEnv ?? []).map((v) => v.secret));
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
      { path: p.unitFile("health"), content: renderHealthUnit(r), mode: "0644" },
    );
  }
  return { name: `${r.project}-services`, files, script: renderNativeScript(r), secretEnv: secretNames(r) };
}

/** `health.json`: where to connect and which environment variable holds each password. */
export function renderHealthConfig(h: HealthSpec, r?: Pick<ResolvedNative, "services" | "project">): string {
  const doc: Record<string, unknown> = { timeout_seconds: 3 };
  if (h.postgres) {
    const x = h.postgres;
    doc["postgres"] = { host: x.host ?? "127.0.0.1", port: x.port ?? 5432, database: x.database, user: x.user, password_env: x.passwordSecret };
  }
  if (h.redis) {
    const x = h.redis;
    doc["redis"] = { nodes: x.ports.map((port) => ({ host: x.host ?? "127.0.0.1", port })), cluster: x.cluster, password_env: x.passwordSecret };
  }
  if (h.rabbitmq) {
    const x = h.rabbitmq;
    doc["rabbitmq"] = { host: x.host ?? "127.0.0.1", port: x.port ?? 5672, vhost: x.vhost, user: x.user, password_env: x.passwordSecret };
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
