import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, inputsOf, known, knownItems } from "./common";

/**
 * The provider's default for `unprivileged` is false (a privileged guest, root in the guest is
 * root on the node). Absent counts as a violation: only an explicit `true` is safe.
 */
export const lxcUnprivileged: ResourceValidationPolicy = {
  name: "lxc-unprivileged",
  description: "Proxmox LXC guests are unprivileged, set explicitly (the provider defaults to privileged).",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== TYPES.lxc) return;
    const unprivileged = known(() => inputsOf(args)["unprivileged"]);
    // Present but unknown (computed during a preview): nothing to judge yet.
    if (unprivileged === undefined && "unprivileged" in inputsOf(args)) return;
    if (unprivileged !== true)
      report(`unprivileged is ${unprivileged === undefined ? "not set (the provider default is a privileged guest)" : JSON.stringify(unprivileged)}; set unprivileged: true`);
  },
};

interface LxcFeatures {
  readonly nesting: boolean;
  readonly keyctl: boolean;
  /** Any other feature switched on (fuse, mount, …). */
  readonly others: readonly string[];
}

function featuresOf(lxc: PolicyResource): LxcFeatures {
  const f = (known(() => inputsOf(lxc)["features"]) ?? {}) as Record<string, unknown>;
  const on = Object.keys(f).filter((k) => {
    const v = known(() => f[k]);
    return v === true || (Array.isArray(v) && v.length > 0);
  });
  return { nesting: on.includes("nesting"), keyctl: on.includes("keyctl"), others: on.filter((k) => k !== "nesting" && k !== "keyctl") };
}

/** Addresses a Docker provider may use to reach this guest: its static IPv4, `hostname.domain`, `hostname`. */
export function lxcAddresses(lxc: PolicyResource): Set<string> {
  const init = (known(() => inputsOf(lxc)["initialization"]) ?? {}) as Record<string, unknown>;
  const out = new Set<string>();
  for (const ip of knownItems(known(() => init["ipConfigs"]) as readonly Record<string, unknown>[] | undefined)) {
    const address = known(() => (ip["ipv4"] as Record<string, unknown> | undefined)?.["address"]);
    if (typeof address === "string" && address !== "dhcp") out.add(address.split("/")[0]!);
  }
  const hostname = known(() => init["hostname"]);
  const domain = known(() => (init["dns"] as Record<string, unknown> | undefined)?.["domain"]);
  if (typeof hostname === "string") {
    out.add(hostname);
    if (typeof domain === "string") out.add(`${hostname}.${domain}`);
  }
  return out;
}

/** `ssh://user@host:port` → `host`; other transports (unix, tcp) reach no LXC. */
export function dockerProviderTarget(provider: PolicyResource): string | undefined {
  const host = known(() => inputsOf(provider)["host"]);
  if (typeof host !== "string") return undefined;
  const m = /^ssh:\/\/(?:[^@/]+@)?(\[[^\]]+\]|[^:/]+)/.exec(host);
  return m ? m[1] : undefined;
}

/**
 * `nesting` and `keyctl` exist only so Docker can run inside an unprivileged guest; each
 * widens what the guest may do (keyctl also needs root@pam). A guest "runs Docker" when a
 * Docker provider in the same stack connects to it over SSH — the signal Parity's own wiring
 * produces (`DockerHost` provider `host: ssh://user@<guest address>`), not a tag a user could
 * set by hand. Checked both ways: features without Docker, and Docker without the features
 * it needs. Limitation: a DHCP guest whose DNS name differs from its hostname cannot be
 * matched to its provider; Parity recommends static addresses anyway.
 */
export const lxcFeaturesOnlyForDocker: StackValidationPolicy = {
  name: "lxc-features-only-for-docker",
  description: "LXC nesting/keyctl only on guests a Docker provider targets; Docker guests have both; no other features.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const dockerTargets = new Set(args.resources.filter((r) => r.type === TYPES.dockerProvider).map(dockerProviderTarget).filter((t): t is string => t !== undefined));
    for (const lxc of args.resources.filter((r) => r.type === TYPES.lxc)) {
      const f = featuresOf(lxc);
      const addresses = [...lxcAddresses(lxc)];
      const runsDocker = addresses.some((a) => dockerTargets.has(a));
      if (f.others.length) report(`${lxc.name}: features ${f.others.join(", ")} are not needed by Parity and need root@pam; remove them`, lxc.urn);
      // systemd's namespace sandboxing needs nesting (not keyctl) under Proxmox's AppArmor: allowed
      // on guests LxcHost tags as running sandboxed in-guest services.
      const tags = (known(() => inputsOf(lxc)["tags"]) ?? []) as unknown[];
      const sandboxed = tags.includes("parity-sandboxed-services");
      if (!runsDocker && f.nesting && !f.keyctl && sandboxed) continue;
      if (!runsDocker && (f.nesting || f.keyctl))
        report(`${lxc.name}: features ${[f.nesting ? "nesting" : "", f.keyctl ? "keyctl" : ""].filter(Boolean).join(" and ")} on a guest no Docker provider targets; set them only where Docker runs`, lxc.urn);
      if (runsDocker && !(f.nesting && f.keyctl))
        report(`${lxc.name}: a Docker provider targets this guest, but Docker in an unprivileged LXC needs features nesting and keyctl`, lxc.urn);
    }
  },
};
