/**
 * What the homelab suite needs to prove the guest firewalls: each guest's listening TCP
 * sockets (as `ss` lists them), the ports a declared flow opens between two guests (worked out
 * from the stack's flows and where the containers really run, not from the firewall model
 * under test), and the figures table printed for the record.
 */
import type { Guest } from "../../../tools/testbed/testbed";
import { ok } from "../../../tools/testbed/deploy/checks";
import { LISTENING_COMMAND, parseListening, parseProbe, probeScript } from "../lib/lanNamespace";

/** Listening TCP ports of a guest; a port is "wide" when any of its sockets is bound beyond loopback. */
export async function listening(g: Guest): Promise<Map<number, boolean>> {
  return parseListening(await ok(g, LISTENING_COMMAND));
}

/** The ports of `ports` on `address` that accept a connection from inside guest `from`, probed in parallel. */
export async function reachableFrom(from: Guest, address: string, ports: readonly number[], seconds = 2): Promise<number[]> {
  return parseProbe(await ok(from, probeScript(address, ports, seconds)));
}

export interface Flow {
  readonly from: string;
  readonly to: string;
  readonly port?: number;
}

/** A running container as the test sees it: its service (or worker pool), its guest and its published ports. */
export interface Placed {
  readonly service: string;
  readonly host: string;
  readonly ports: readonly { readonly internal: number; readonly external?: number }[];
}

/** Published host ports on `to` that some flow opens to a service running on `from` (another guest). */
export function flowPorts(flows: readonly Flow[], placed: readonly Placed[], from: string, to: string): number[] {
  const out = new Set<number>();
  if (from === to) return [];
  for (const f of flows) {
    if (!placed.some((c) => c.service === f.from && c.host === from)) continue;
    for (const dst of placed.filter((c) => c.service === f.to && c.host === to)) {
      for (const p of dst.ports) if (p.external !== undefined && (f.port === undefined || f.port === p.internal)) out.add(p.external);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** The published host ports of the containers running on `host`. */
export function publishedOn(placed: readonly Placed[], host: string): number[] {
  return [...new Set(placed.filter((c) => c.host === host).flatMap((c) => c.ports.flatMap((p) => (p.external === undefined ? [] : [p.external]))))].sort((a, b) => a - b);
}

export interface Reach {
  readonly lanAdmin: readonly number[];
  readonly lanOther: readonly number[];
  /** Source guest → ports of this guest it reaches. */
  readonly fromGuests: Readonly<Record<string, readonly number[]>>;
}

/** One row per guest: listening sockets, then what each source reaches before → after. */
export function reachTable(listen: ReadonlyMap<string, ReadonlyMap<number, boolean>>, before: ReadonlyMap<string, Reach>, after: ReadonlyMap<string, Reach>): string {
  const list = (ports: readonly number[] | undefined) => (ports && ports.length ? ports.join(",") : "-");
  const change = (b: readonly number[] | undefined, a: readonly number[] | undefined) => `${list(b)} → ${list(a)}`;
  const hosts = [...listen.keys()].sort();
  const rows: string[][] = [["guest", "listening (tcp)", "LAN admin", "LAN other", ...hosts.map((h) => `from ${h}`)]];
  for (const h of hosts) {
    const b = before.get(h);
    const a = after.get(h);
    rows.push([
      h,
      [...listen.get(h)!.entries()].sort(([x], [y]) => x - y).map(([p, wide]) => (wide ? String(p) : `${p}(lo)`)).join(","),
      change(b?.lanAdmin, a?.lanAdmin),
      change(b?.lanOther, a?.lanOther),
      ...hosts.map((s) => (s === h ? "(self)" : change(b?.fromGuests[s], a?.fromGuests[s]))),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join(" | ").trimEnd()).join("\n");
}
