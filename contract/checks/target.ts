import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";
import { UNPRIVILEGED_ID_BASE, UNPRIVILEGED_ID_COUNT } from "../idmap";

/** Keys a target needs, and keys it would otherwise ignore silently. */
export function checkTarget(cfg: StackConfig, raw: Record<string, unknown>): Problem[] {
  const out: Problem[] = [];
  if (cfg.target === "proxmox") {
    if (raw["proxmox"] === undefined) out.push({ path: "parity:proxmox", problem: "missing required key for target 'proxmox'", allowed: "a map with endpoint, nodes, template, network, ssh" });
    if (cfg.hosts.length === 0) out.push({ path: "parity:hosts", problem: "target 'proxmox' needs at least one host", allowed: "a list of LXC hosts" });
    if (cfg.sharedStorage) {
      for (const key of ["serverNode", "hosts"] as const)
        if (cfg.sharedStorage[key] === undefined) out.push({ path: `parity:sharedStorage.${key}`, problem: "missing required key for target 'proxmox'", allowed: key === "serverNode" ? "the Proxmox node that exports the directory" : "the hosts that mount it" });
      // Guests see the share through the unprivileged idmap: an owner outside it is "nobody" there.
      for (const key of ["ownerUid", "ownerGid"] as const) {
        const id = cfg.sharedStorage[key];
        if (id < UNPRIVILEGED_ID_BASE || id >= UNPRIVILEGED_ID_BASE + UNPRIVILEGED_ID_COUNT)
          out.push({ path: `parity:sharedStorage.${key}`, problem: `${id} is not mapped into unprivileged guests`, allowed: `a node id ${UNPRIVILEGED_ID_BASE}..${UNPRIVILEGED_ID_BASE + UNPRIVILEGED_ID_COUNT - 1} (guest id + ${UNPRIVILEGED_ID_BASE}, e.g. 101000 for guest id 1000)` });
      }
    }
    cfg.hosts.forEach((h, i) => {
      const runsContainers = cfg.services.some((s) => s.host === h.name) || cfg.workers.some((w) => w.hosts.includes(h.name));
      if (runsContainers && !h.docker)
        out.push({ path: `parity:hosts[${i}].docker`, problem: `host '${h.name}' runs containers but docker is false`, allowed: "true on every host that runs services or workers" });
    });
  } else {
    const proxmoxOnly = (path: string) => ({ path, problem: `is only used by target 'proxmox', this stack's target is '${cfg.target}'`, allowed: "remove it, or set parity:target: proxmox" });
    for (const key of ["proxmox", "hosts"] as const) if (raw[key] !== undefined) out.push(proxmoxOnly(`parity:${key}`));
    for (const key of ["serverNode", "hosts"] as const) if (cfg.sharedStorage?.[key] !== undefined) out.push(proxmoxOnly(`parity:sharedStorage.${key}`));
  }
  if (cfg.target !== "docker" && raw["docker"] !== undefined) {
    out.push({ path: "parity:docker", problem: `is only used by target 'docker', this stack's target is '${cfg.target}'`, allowed: "remove it, or set parity:target: docker" });
  }
  return out;
}
