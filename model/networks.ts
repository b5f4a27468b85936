import { FlowConfig } from "../contract/schema/stack";

export interface NetworkModel {
  readonly name: string;
  /** Host whose Docker engine carries it (`local` on single-host targets). */
  readonly host: string;
  /** No route out of the host: true for flow networks, false for a container's edge network. */
  readonly internal: boolean;
  /** Container names, sorted. */
  readonly members: readonly string[];
}

interface Member {
  readonly name: string;
  readonly host: string;
  /** Service name, or pool name for worker replicas: what flows refer to. */
  readonly flowName: string;
  readonly publishes: boolean;
  readonly egress: boolean;
}

/**
 * Docker networks from declared flows, per host:
 * - one internal network per pair of containers on the same host with a flow between them,
 *   so two containers share a network exactly when a flow connects them (Docker networks
 *   cannot filter by port or direction: a pair network lets either side reach the other);
 * - one non-internal "edge" network for each container that publishes a host port or needs
 *   egress, holding only that container;
 * - cross-host flows use published host ports and need no network.
 * Without flows, every container on a host shares one network, as docker compose would.
 */
export function deriveNetworks(stack: string, members: readonly Member[], flows: readonly FlowConfig[] | undefined): NetworkModel[] {
  const prefix = `parity-${stack}`;
  const hosts = [...new Set(members.map((m) => m.host))];
  if (!flows) {
    return hosts.map((host) => ({ name: prefix, host, internal: false, members: members.filter((m) => m.host === host).map((m) => m.name).sort() }));
  }
  const out: NetworkModel[] = [];
  const seen = new Set<string>();
  for (const f of flows) {
    for (const a of members.filter((m) => m.flowName === f.from)) {
      for (const b of members.filter((m) => m.flowName === f.to && m.host === a.host && m.name !== a.name)) {
        const [x, y] = [a.name, b.name].sort() as [string, string];
        const name = `${prefix}--${x}--${y}`;
        if (seen.has(`${a.host}/${name}`)) continue;
        seen.add(`${a.host}/${name}`);
        out.push({ name, host: a.host, internal: true, members: [x, y] });
      }
    }
  }
  for (const m of members.filter((x) => x.publishes || x.egress)) {
    out.push({ name: `${prefix}--${m.name}--edge`, host: m.host, internal: false, members: [m.name] });
  }
  return out.sort((p, q) => (p.host === q.host ? p.name.localeCompare(q.name) : p.host.localeCompare(q.host)));
}
