import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";
import { slotHost } from "../../model/workerSlots";

/** Guests must fit their node, and container memory (at current replicas) must fit its guest. */
export function checkCapacity(cfg: StackConfig): Problem[] {
  const out: Problem[] = [];
  const nodes = new Map((cfg.proxmox?.nodes ?? []).map((n) => [n.name, n]));
  const memoryByNode = new Map<string, number>();
  cfg.hosts.forEach((h, i) => {
    const node = nodes.get(h.node);
    if (!node) return; // reported as an unknown reference
    if (h.cores > node.cores)
      out.push({ path: `parity:hosts[${i}].cores`, problem: `${h.cores} cores exceed node '${node.name}' (${node.cores} cores)`, allowed: `at most ${node.cores}` });
    const used = (memoryByNode.get(h.node) ?? 0) + h.memoryMb;
    memoryByNode.set(h.node, used);
    if (used > node.memoryMb)
      out.push({ path: `parity:hosts[${i}].memoryMb`, problem: `guests on node '${node.name}' would need ${used} MiB, the node has ${node.memoryMb} MiB`, allowed: `at most ${node.memoryMb - (used - h.memoryMb)} MiB for this guest` });
  });
  if (cfg.target !== "proxmox") return out;

  const hostMemory = new Map(cfg.hosts.map((h) => [h.name, h.memoryMb]));
  const hostCores = new Map(cfg.hosts.map((h) => [h.name, h.cores]));
  const mem = new Map<string, number>();
  const reported = new Set<string>(); // one memory problem per host is enough to act on
  const add = (host: string, memoryMb: number, cpus: number, path: string, who: string) => {
    const capMem = hostMemory.get(host);
    const capCpu = hostCores.get(host);
    if (capMem === undefined || capCpu === undefined) return;
    const m = (mem.get(host) ?? 0) + memoryMb;
    mem.set(host, m);
    if (m > capMem && !reported.has(host)) {
      reported.add(host);
      out.push({ path: `${path}.limits.memoryMb`, problem: `${who} brings container memory limits on host '${host}' to ${m} MiB, the guest has ${capMem} MiB`, allowed: "container limits that fit the guest's memoryMb (raise the guest or lower limits/replicas)" });
    }
    // CPU limits are caps, not reservations: they may overcommit in sum, but one cap above the guest is a typo.
    if (cpus > capCpu) out.push({ path: `${path}.limits.cpus`, problem: `${who} is capped at ${cpus} CPUs on host '${host}', which has ${capCpu} cores`, allowed: `at most ${capCpu}` });
  };
  cfg.services.forEach((s, i) => add(s.host, s.limits.memoryMb, s.limits.cpus, `parity:services[${i}]`, `service '${s.name}'`));
  cfg.workers.forEach((w, i) => {
    if (w.replicas < 0 || w.replicas > w.maxReplicas) return; // reported by checkWorkers
    for (let r = 1; r <= w.replicas; r++) add(slotHost(w, r), w.limits.memoryMb, w.limits.cpus, `parity:workers[${i}]`, `worker '${w.name}' replica ${r}`);
  });
  return out;
}
