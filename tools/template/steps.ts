/**
 * What goes into a guest's template: the stack's provisioning steps for that guest, in the
 * order the deployment runs them, taken from the same renderers the components use — so a
 * guest created from the template runs exactly the text `pulumi up` would run over SSH.
 */
import { validateStackConfig } from "../../targets";
import { buildModel } from "../../targets";
import type { HostServicesModel } from "../../model/hostServices";
import type { HostModel, PlatformModel } from "../../model/types";
import { ProvisionBundle } from "../../renderers/bundle";
import { renderDockerEngine } from "../../renderers/dockerEngine";
import { guestSteps } from "../../renderers/guestServices";
import { renderHostBootstrap } from "../../renderers/hostBootstrap";
import { readStackFile } from "../stackFiles";

export interface TemplateStep {
  /** `bootstrap`, `docker-engine`, or a guestSteps key (`postgresql`, `redis`, …). */
  readonly key: string;
  readonly bundle: ProvisionBundle;
  /** Keys of steps that must finish first. */
  readonly after: readonly string[];
}

export interface TemplatePlan {
  readonly stack: string;
  readonly host: HostModel;
  /** Topologically ordered: every step comes after the steps it names in `after`. */
  readonly steps: readonly TemplateStep[];
  /** Step env name (what a step reads on stdin) → `parity:secrets` name. */
  readonly secretEnv: Readonly<Record<string, string>>;
  /** Debian packages the steps install, pre-installed into the template (see packagesOf). */
  readonly packages: readonly string[];
  /** Units the steps mask; masked in the template before their packages are installed. */
  readonly maskUnits: readonly string[];
}

/** Loads, validates and models a stack file the way the program does (no Pulumi, no network). */
export function loadModel(stack: string, root: string): PlatformModel {
  const { values } = readStackFile(stack, root);
  const raw = Object.fromEntries(
    Object.entries(values).filter(([k]) => k.startsWith("parity:")).map(([k, v]) => [k.slice("parity:".length), structuredClone(v)]),
  );
  return buildModel(validateStackConfig(raw, stack), stack);
}

/** The guest to build for: the one named, else the stack's only guest with in-guest services. */
export function pickHost(model: PlatformModel, name?: string): HostModel {
  const names = model.hosts.map((h) => h.name).join(", ") || "(none)";
  if (model.target !== "proxmox") throw new Error(`stack ${model.stack} targets ${model.target}: LXC templates exist only for proxmox stacks`);
  if (name !== undefined) {
    const h = model.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`stack ${model.stack} has no guest '${name}'; its guests: ${names}`);
    return h;
  }
  const withServices = model.hostServices.map((s) => s.host);
  if (withServices.length !== 1) {
    throw new Error(`stack ${model.stack} has ${withServices.length} guests with hostServices (${withServices.join(", ") || "none"}): pass --host <name> (guests: ${names})`);
  }
  return model.hosts.find((h) => h.name === withServices[0])!;
}

/**
 * The steps stacks/proxmox.ts runs on this guest: bootstrap, then the Docker engine (Docker
 * guests), then GuestServices' steps, which all wait for bootstrap there too.
 */
export function planTemplate(model: PlatformModel, host: HostModel): TemplatePlan {
  const px = model.proxmox!;
  const bootstrap = renderHostBootstrap({
    hostname: host.hostname,
    fqdn: host.fqdn,
    authorizedKeys: px.ssh.authorizedKeys,
    ...(host.sharedMount ? { sharedPath: host.sharedMount.guestPath } : {}),
  });
  const steps: TemplateStep[] = [{ key: "bootstrap", bundle: bootstrap, after: [] }];
  if (host.docker) steps.push({ key: "docker-engine", bundle: renderDockerEngine(), after: ["bootstrap"] });
  const services: HostServicesModel | undefined = model.hostServices.find((s) => s.host === host.name);
  for (const s of services ? guestSteps(services) : []) steps.push({ key: s.key, bundle: s.bundle, after: ["bootstrap", ...s.after] });
  const ordered = topoSort(steps);
  const names = new Set(ordered.map((s) => s.bundle.name));
  if (names.size !== ordered.length) throw new Error("two steps share a bundle name (and so a directory under /var/lib/parity/steps)");
  return {
    stack: model.stack,
    host,
    steps: ordered,
    secretEnv: services?.secretEnv ?? {},
    packages: [...new Set(ordered.flatMap((s) => packagesOf(s.bundle.script)))].sort(),
    maskUnits: [...new Set(ordered.flatMap((s) => masksOf(s.bundle.script)))].sort(),
  };
}

/** Stable topological order (input order among independent steps); fails on unknown keys or cycles. */
function topoSort(steps: readonly TemplateStep[]): TemplateStep[] {
  const keys = new Set(steps.map((s) => s.key));
  for (const s of steps) for (const a of s.after) if (!keys.has(a)) throw new Error(`step ${s.key} waits for unknown step ${a}`);
  const done = new Set<string>();
  const out: TemplateStep[] = [];
  while (out.length < steps.length) {
    const next = steps.find((s) => !done.has(s.key) && s.after.every((a) => done.has(a)));
    if (!next) throw new Error(`steps have a dependency cycle: ${steps.filter((s) => !done.has(s.key)).map((s) => s.key).join(", ")}`);
    done.add(next.key);
    out.push(next);
  }
  return out;
}

const PACKAGE = /^[a-z0-9][a-z0-9.+-]+$/;

/**
 * Debian packages a step's script installs, read from the script itself (`ensure_packages a b`
 * and aptInstallSnippet's `for pkg in a b; do`) so the list cannot drift from the renderers.
 * Arguments that are variables are skipped. A package this misses is still installed by the
 * step at first boot (through the network, slower); the template test fails if that happens.
 */
export function packagesOf(script: string): string[] {
  const found: string[] = [];
  for (const line of script.split("\n")) {
    const m = /^\s*ensure_packages\s+([^()$]+)$/.exec(line) ?? /^\s*for pkg in ([^;$]*); do$/.exec(line);
    if (!m?.[1]) continue;
    for (const word of m[1].trim().split(/\s+/)) {
      const p = word.replace(/^'(.*)'$/, "$1");
      if (PACKAGE.test(p)) found.push(p);
    }
  }
  return found;
}

/**
 * Units a script masks (`systemctl mask [--quiet] x.service`), e.g. Debian's redis-server.service,
 * which the Redis step masks before installing the package so it never holds port 6379. In the
 * template they must be masked before the chroot install, or the unit would start at first boot.
 */
export function masksOf(script: string): string[] {
  return [...script.matchAll(/systemctl mask (?:--quiet )?([A-Za-z0-9@._-]+\.(?:service|socket|timer))/g)].map((m) => m[1]!);
}
