/**
 * What goes into a guest's template: the guest plan's steps that a template bakes, in the order
 * the deployment runs them, so a guest created from the template runs exactly the text
 * `pulumi up` would run over SSH.
 */
import type { HostModel, PlatformModel } from "../../model/types";
import { GuestStep, GuestStepKey, guestPlan, planMaskUnits, planPackages } from "../../targets/proxmox/guestPlan";

export type TemplateStep = GuestStep;

export interface TemplatePlan {
  readonly stack: string;
  readonly host: HostModel;
  /** Topologically ordered: every step comes after the steps it names in `after`. */
  readonly steps: readonly TemplateStep[];
  /** Step env name (what a step reads on stdin) → `parity:secrets` name. */
  readonly secretEnv: Readonly<Record<string, string>>;
  /** Debian packages the steps install (their bundles' `packages`), pre-installed into the template. */
  readonly packages: readonly string[];
  /** Units the steps mask; masked in the template before their packages are installed. */
  readonly maskUnits: readonly string[];
}

/**
 * Steps of the guest plan a template does not bake. `firstboot` waits for a baked first boot:
 * it exists only for the deployment of a guest made from a template. `guest-firewall` stays with
 * the deployment: whether it runs depends on the datacenter (`network.inGuestFirewall`), and a
 * template that loaded a ruleset at first boot would carry that choice to every datacenter.
 */
const NOT_BAKED: ReadonlySet<GuestStepKey> = new Set<GuestStepKey>(["firstboot", "guest-firewall"]);

/** The guest to build for: the one named, else the stack's only guest with in-guest services. */
export function pickHost(model: PlatformModel, name?: string): HostModel {
  const names = model.hosts.map((h) => h.name).join(", ") || "(none)";
  if (!model.proxmox) throw new Error(`stack ${model.stack} targets ${model.target}: LXC templates exist only for proxmox stacks`);
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

/** The guest plan's baked steps: bootstrap, the Docker engine (Docker guests), the in-guest services. */
export function planTemplate(model: PlatformModel, host: HostModel): TemplatePlan {
  const plan = guestPlan(model, host);
  const steps = plan.steps
    .filter((s) => !NOT_BAKED.has(s.key))
    .map((s) => ({ ...s, after: s.after.filter((k) => !NOT_BAKED.has(k)) }));
  return {
    stack: model.stack,
    host,
    steps,
    secretEnv: plan.services?.secretEnv ?? {},
    packages: planPackages(steps),
    maskUnits: planMaskUnits(steps),
  };
}
