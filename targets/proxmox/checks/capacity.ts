import { Problem } from "../../../contract/problems";
import { StackConfig } from "../../../contract/schema/stack";
import { slotHost } from "../../../core/workerSlots";

/** Guests must fit their node, and container memory (at current replicas) must fit its guest. */
export function checkCapacity(cfg: StackConfig): Problem[] {
  const out: Problem[] = [];
  const nodes = new Map((cfg.proxmox?.nodes ?? []).map((n) => [n.name, n]));
  // A total over capacity is the guests' together: reported once, on the node, naming each, so the one the user changed is named whichever it is.
  const guestsByNode = new Map<string, { name: string; memoryMb: number }[]>();
  cfg.hosts.forEach((h, i) => {
    const node = nodes.get(h.node);
    if (!node) return; // reported as an unknown reference
    if (h.cores > node.cores)
      out.push({ path: `parity:hosts[${i}].cores`, problem: `${h.cores} cores exceed node '${node.name}' (${node.cores} cores)`, allowed: `at most ${node.cores}` });
    guestsByNode.set(h.node, [...(guestsByNode.get(h.node) ?? []), { name: h.name, memoryMb: h.memoryMb }]);
  });
  (cfg.proxmox?.nodes ?? []).forEach((node, j) => {
    const guests = guestsByNode.get(node.name) ?? [];
    const used = guests.reduce((a, g) => a + g.memoryMb, 0);
    if (used > node.memoryMb)
      out.push({ path: `parity:proxmox.nodes[${j}].memoryMb`, problem: `guests on node '${node.name}' would need ${used} MiB (${shares(guests)}), the node has ${node.memoryMb} MiB`, allowed: `guests' memoryMb that add up to at most ${node.memoryMb} MiB (lower one, or raise the node's)` });
  });
  const hostCores = new Map(cfg.hosts.map((h) => [h.name, h.cores]));
  const mem = new Map<string, { name: string; memoryMb: number }[]>();
  const add = (host: string, memoryMb: number, cpus: number, path: string, who: string) => {
    const capCpu = hostCores.get(host);
    if (capCpu === undefined) return;
    const list = mem.get(host) ?? [];
    const same = list.find((x) => x.name === who);
    if (same) same.memoryMb += memoryMb;
    else list.push({ name: who, memoryMb });
    mem.set(host, list);
    // CPU limits are caps, not reservations: they may overcommit in sum, but one cap above the guest is a typo.
    if (cpus > capCpu) out.push({ path: `${path}.limits.cpus`, problem: `${who} is capped at ${cpus} CPUs on host '${host}', which has ${capCpu} cores`, allowed: `at most ${capCpu}` });
  };
  cfg.services.forEach((s, i) => add(s.host, s.limits.memoryMb, s.limits.cpus, `parity:services[${i}]`, `service '${s.name}'`));
  cfg.workers.forEach((w, i) => {
    if (w.replicas < 0 || w.replicas > w.maxReplicas) return; // reported by checkWorkers
    for (let r = 1; r <= w.replicas; r++) add(slotHost(w, r), w.limits.memoryMb, w.limits.cpus, `parity:workers[${i}]`, `worker '${w.name}'`);
  });
  // Container memory on a guest is a total: reported once, on the guest, naming every share.
  cfg.hosts.forEach((h, i) => {
    const list = mem.get(h.name) ?? [];
    const used = list.reduce((a, x) => a + x.memoryMb, 0);
    if (used > h.memoryMb)
      out.push({ path: `parity:hosts[${i}].memoryMb`, problem: `container memory limits on host '${h.name}' add up to ${used} MiB (${shares(list)}), the guest has ${h.memoryMb} MiB`, allowed: "limits (memoryMb × replicas) that fit the guest: raise its memoryMb, or lower limits or replicas" });
  });
  return out;
}

/** "backend 2048, training-worker 6144": the largest first, at most five. */
function shares(list: readonly { name: string; memoryMb: number }[]): string {
  const sorted = [...list].sort((a, b) => b.memoryMb - a.memoryMb);
  const shown = sorted.slice(0, 5).map((x) => `${x.name.replace(/^(service|worker) '(.*)'$/, "$2")} ${x.memoryMb}`).join(", ");
  return sorted.length > 5 ? `${shown}, and ${sorted.length - 5} more` : shown;
}
