/**
 * One guest's provisioning over SSH as data: which steps run, in which order, with which
 * bundle and secrets. Pure (no Pulumi): the deployment (ProxmoxGuest), the template build, the
 * test bed and the bench all take their steps from here, so the order is written once.
 */
import type { HostServicesModel } from "../../model/hostServices";
import type { HostModel, PlatformModel } from "../../model/types";
import type { GuestStepSpec } from "../../components/proxmox/proxmoxGuest";
import type { ProvisionBundle } from "../../renderers/bundle";
import { renderDockerEngine } from "../../renderers/dockerEngine";
import { renderFirstbootWait } from "../../renderers/firstbootWait";
import { renderGuestFirewall } from "../../renderers/guestFirewall";
import { renderHostBootstrap } from "../../renderers/hostBootstrap";
import type { ServiceStepKey, serviceSteps } from "./serviceSteps";

export type GuestStepKey = "firstboot" | "bootstrap" | "guest-firewall" | "docker-engine" | ServiceStepKey;

/** The component's step (what ProxmoxGuest registers), with this target's step keys. */
export interface GuestStep extends GuestStepSpec {
  readonly key: GuestStepKey;
  readonly after: readonly GuestStepKey[];
}

export interface GuestPlan {
  readonly host: HostModel;
  /** Topologically ordered: every step comes after the steps it names in `after`. */
  readonly steps: readonly GuestStep[];
  /** The guest's in-guest services, when it has any. */
  readonly services?: HostServicesModel;
}

/**
 * The steps the proxmox target runs on `host`, in order: the first-boot wait (guests from a
 * built template), bootstrap, the in-guest firewall (when the stack enables it and the guest
 * has rules), the Docker engine (Docker guests), then the in-guest services. Everything after
 * bootstrap waits for it; the services wait for each other as {@link serviceSteps} says.
 */
export function guestPlan(model: PlatformModel, host: HostModel): GuestPlan {
  const px = model.proxmox;
  if (!px) throw new Error(`stack ${model.stack} targets ${model.target}: guest plans exist only for proxmox stacks`);
  const services = model.hostServices.find((s) => s.host === host.name);
  const steps: GuestStep[] = [];
  const add = (key: GuestStepKey, bundle: ProvisionBundle, after: readonly GuestStepKey[], service = false): void => {
    const secrets = Object.fromEntries(bundle.secretEnv.map((env) => {
      const secret = services?.secretEnv[env];
      if (secret === undefined) throw new Error(`guest ${host.name}: step ${key} reads ${env}, which names no stack secret`);
      return [env, secret];
    }));
    steps.push({ key, bundle, after, secrets, service });
  };

  // A guest from a built template provisions itself at first boot: wait for it, then hand it the stack's secrets.
  if (host.builtTemplate) add("firstboot", renderFirstbootWait(Object.keys(services?.secretEnv ?? {})), []);
  add("bootstrap", renderHostBootstrap({
    hostname: host.hostname,
    fqdn: host.fqdn,
    authorizedKeys: px.ssh.authorizedKeys,
    ...(host.sharedMount ? { sharedPath: host.sharedMount.guestPath } : {}),
  }), host.builtTemplate ? ["firstboot"] : []);
  const fw = model.guestFirewalls.find((f) => f.host === host.name);
  // The same rules as Proxmox's firewall, inside the guest: Proxmox's does nothing while the datacenter firewall is off.
  const firewalled = fw !== undefined && px.network.inGuestFirewall;
  if (firewalled) add("guest-firewall", renderGuestFirewall(fw), ["bootstrap"]);
  // The engine waits for the ruleset: Docker publishes ports the moment it starts, and both steps use apt, which one step at a time may hold.
  if (host.docker) add("docker-engine", renderDockerEngine(), firewalled ? ["bootstrap", "guest-firewall"] : ["bootstrap"]);
  if (services) {
    // Loaded only for guests with in-guest services: their renderers are most of Parity's code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const render = (require("./serviceSteps") as { serviceSteps: typeof serviceSteps }).serviceSteps;
    for (const s of render(services)) add(s.key, s.bundle, ["bootstrap", ...s.after], true);
  }
  const ordered = topoSort(steps);
  const dirs = new Set(ordered.map((s) => s.bundle.name));
  if (dirs.size !== ordered.length) throw new Error(`guest ${host.name}: two steps share a bundle name (and so a directory under /var/lib/parity/steps)`);
  return { host, steps: ordered, ...(services ? { services } : {}) };
}

/** Every Debian package the steps install, sorted and without duplicates. */
export function planPackages(steps: readonly Pick<GuestStep, "bundle">[]): string[] {
  return [...new Set(steps.flatMap((s) => s.bundle.packages))].sort();
}

/** Every unit the steps mask, sorted and without duplicates. */
export function planMaskUnits(steps: readonly Pick<GuestStep, "bundle">[]): string[] {
  return [...new Set(steps.flatMap((s) => s.bundle.maskUnits))].sort();
}

/** Stable topological order (input order among independent steps); fails on unknown keys or cycles. */
function topoSort(steps: readonly GuestStep[]): GuestStep[] {
  const keys = new Set(steps.map((s) => s.key));
  for (const s of steps) for (const a of s.after) if (!keys.has(a)) throw new Error(`step ${s.key} waits for unknown step ${a}`);
  const done = new Set<string>();
  const out: GuestStep[] = [];
  while (out.length < steps.length) {
    const next = steps.find((s) => !done.has(s.key) && s.after.every((a) => done.has(a)));
    if (!next) throw new Error(`steps have a dependency cycle: ${steps.filter((s) => !done.has(s.key)).map((s) => s.key).join(", ")}`);
    done.add(next.key);
    out.push(next);
  }
  return out;
}
