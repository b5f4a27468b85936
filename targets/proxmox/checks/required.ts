import { Problem } from "../../../contract/problems";
import { StackConfig } from "../../../contract/schema/stack";
import { UNPRIVILEGED_ID_BASE, UNPRIVILEGED_ID_COUNT } from "../../../contract/idmap";

/** What the homelab needs: its settings, guests, a complete shared-storage export, Docker where containers run. */
export function checkProxmoxRequired(cfg: StackConfig, raw: Record<string, unknown>): Problem[] {
  const out: Problem[] = [];
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

  cfg.services.forEach((c, i) => sharedStorageOnGuest(out, cfg, `parity:services[${i}]`, c.name, c.sharedStorage, [c.host]));
  cfg.workers.forEach((c, i) => sharedStorageOnGuest(out, cfg, `parity:workers[${i}]`, c.name, c.sharedStorage, c.hosts));
  return out;
}

/** A container on shared storage runs only on guests that mount it. */
function sharedStorageOnGuest(out: Problem[], cfg: StackConfig, path: string, name: string, wants: boolean, hosts: readonly string[]): void {
  if (!wants || !cfg.sharedStorage) return;
  const sharedHosts = new Set(cfg.sharedStorage.hosts ?? []);
  const missing = hosts.filter((h) => cfg.hosts.some((x) => x.name === h) && !sharedHosts.has(h));
  if (missing.length)
    out.push({ path: `${path}.sharedStorage`, problem: `'${name}' needs shared storage on ${missing.map((h) => `'${h}'`).join(", ")}, which parity:sharedStorage.hosts does not list`, allowed: `add ${missing.join(", ")} to parity:sharedStorage.hosts, or set sharedStorage: false` });
}
