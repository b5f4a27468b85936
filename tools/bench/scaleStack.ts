/**
 * Stack files for the bench's scale series, generated from the homelab's: `nodes` Proxmox
 * nodes, the core guest on the first, one Docker worker guest on each of the others, and
 * `workers` replicas split evenly between the worker pools (the homelab's two, plus copies of
 * the second where a pool would exceed the contract's 100 replicas), spread over every worker
 * guest. Guests and nodes get the memory their containers' limits need, and each pool's
 * overflow ports start above the previous one's, so the contract accepts every size.
 */
interface Host { name: string; node: string; vmid: number; hostname: string; dnsName?: string; memoryMb: number; network: { ipv4: string }; [k: string]: unknown }
interface Pool { name: string; hosts: string[]; replicas: number; maxReplicas: number; overflowPortBase: number; limits: { memoryMb: number }; [k: string]: unknown }
interface Proxmox { nodes: { name: string; address: string; cores: number; memoryMb: number }[]; [k: string]: unknown }

/** The contract's bound on a pool's maxReplicas. */
const MAX_REPLICAS = 100;

/** `values`: the homelab stack file's values (fully qualified keys); returns new values. */
export function scaleStack(values: Record<string, unknown>, workers: number, nodes: number): Record<string, unknown> {
  if (nodes < 2 || workers < 2) throw new RangeError("a scale stack needs >= 2 nodes and >= 2 workers");
  const v = structuredClone(values);
  const proxmox = v["parity:proxmox"] as Proxmox;
  const hosts = v["parity:hosts"] as Host[];
  const homelabPools = v["parity:workers"] as Pool[];
  const core = hosts.find((h) => h.name === "core")!;
  const template = hosts.find((h) => h.name !== "core")!;
  const nodeName = (i: number) => `pve-${i + 1}`;
  const workerHosts = Array.from({ length: nodes - 1 }, (_, i) => `workers-${i + 2}`);

  const count = Math.max(homelabPools.length, Math.ceil(workers / MAX_REPLICAS));
  const copy = homelabPools[homelabPools.length - 1]!;
  const pools = Array.from({ length: count }, (_, i) => homelabPools[i] ?? { ...structuredClone(copy), name: `${copy.name}-${i + 1}`, ports: [] as number[] });
  let portBase = pools[0]!.overflowPortBase;
  pools.forEach((pool, i) => {
    if (i >= homelabPools.length) {
      // A copy gets its own ports and the flows of the pool it copies.
      pool["ports"] = [portBase++];
      const flows = v["parity:flows"] as { from: string; to: string }[];
      for (const f of flows.filter((f) => f.from === copy.name || f.to === copy.name)) flows.push({ ...f, from: f.from === copy.name ? pool.name : f.from, to: f.to === copy.name ? pool.name : f.to });
    }
    pool.replicas = Math.floor(workers / count) + (i < workers % count ? 1 : 0);
    pool.hosts = workerHosts;
    pool.maxReplicas = Math.max(pool.maxReplicas, pool.replicas);
    pool.overflowPortBase = portBase;
    portBase += pool.maxReplicas + 100;
  });
  v["parity:workers"] = pools;
  const perGuest = pools.reduce((mb, p) => mb + Math.ceil(p.replicas / workerHosts.length) * p.limits.memoryMb, 0) + 1024;

  proxmox.nodes = Array.from({ length: nodes }, (_, i) => ({ name: nodeName(i), address: `192.168.1.${10 + i}`, cores: 16, memoryMb: Math.max(core.memoryMb, perGuest) + 4096 }));
  core.node = nodeName(0);
  v["parity:hosts"] = [
    core,
    ...workerHosts.map((name, i) => ({
      ...template,
      name,
      node: nodeName(i + 1),
      vmid: core.vmid + i + 1,
      hostname: `ktrdr-${name}`,
      dnsName: name,
      memoryMb: perGuest,
      network: { ...template.network, ipv4: `192.168.1.${100 + i + 1}/24` },
    })),
  ];
  const shared = v["parity:sharedStorage"] as { serverNode: string; hosts: string[] } | undefined;
  if (shared) Object.assign(shared, { serverNode: nodeName(0), hosts: ["core", ...workerHosts] });
  return v;
}
