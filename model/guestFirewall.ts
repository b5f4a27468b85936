/**
 * Ingress to each Proxmox guest, derived from what the stack declares (pure; no Pulumi):
 * - SSH (22) from the admin sources: Parity's provisioning and operators;
 * - a Docker port published on the guest: from the admin sources (UIs and APIs for people) and
 *   from every other guest running a service whose declared flow targets it (flows between
 *   guests travel over published ports);
 * - an in-guest service listening beyond loopback: PostgreSQL from its declared `clients`,
 *   Redis, RabbitMQ, the native services and the health endpoint from the admin sources when
 *   their `listen`/`bind` says so.
 * Everything else is dropped. The same rules feed the Proxmox firewall resources and the
 * in-guest nftables ruleset (see docs/ARCHITECTURE.md for why both).
 */
import type { StackConfig } from "../contract/schema/stack";
import type { ContainerModel, HostModel } from "./types";
import type { GuestFirewallModel, IngressRule } from "../renderers/guestFirewallSpec";

export type { GuestFirewallModel, IngressRule } from "../renderers/guestFirewallSpec";

const LOOPBACK = /^(-?127\.|-?::1$|localhost$)/;
const beyondLoopback = (addresses: readonly string[]) => addresses.some((a) => !LOOPBACK.test(a));

function hostAddress(h: HostModel | undefined): string | undefined {
  return h && h.network.kind === "static" ? `${h.network.ipv4Cidr.split("/")[0]}/32` : undefined;
}

/** The guests' ingress rules; empty without Proxmox guests. */
export function deriveGuestFirewalls(cfg: StackConfig, hosts: readonly HostModel[], containers: readonly ContainerModel[]): GuestFirewallModel[] {
  // Guests exist only where parity:proxmox is set (a key only the proxmox target admits).
  if (!cfg.proxmox) return [];
  const admin = cfg.proxmox.network.adminSources ?? [cfg.proxmox.network.subnet];
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const flowName = (c: ContainerModel) => c.pool ?? c.name;
  return hosts.map((h) => {
    const rules: IngressRule[] = [{ port: 22, sources: admin, why: "ssh: provisioning and operators", path: "input" }];
    for (const c of containers.filter((x) => x.host === h.name)) {
      for (const p of c.ports.filter((x) => x.host !== undefined)) {
        const peers = new Set<string>();
        for (const f of cfg.flows ?? []) {
          if (f.to !== flowName(c) || (f.port !== undefined && f.port !== p.container)) continue;
          for (const from of containers.filter((x) => flowName(x) === f.from && x.host !== h.name)) {
            const addr = hostAddress(byName.get(from.host));
            // A DHCP guest has no address the plan knows: it is reachable only via adminSources.
            if (addr) peers.add(addr);
          }
        }
        rules.push({ port: p.host!, sources: [...new Set([...admin, ...[...peers].sort()])], why: `${c.name} (published ${p.container})`, path: "published" });
      }
    }
    const s = cfg.hostServices[h.name];
    if (s?.postgres && beyondLoopback(s.postgres.listenAddresses) && s.postgres.clients.length)
      rules.push({ port: 5432, sources: [...new Set(s.postgres.clients.map((c) => c.cidr))], why: "postgresql: declared clients", path: "input" });
    if (s?.redis && beyondLoopback(s.redis.bind ?? ["127.0.0.1"])) {
      for (const port of s.redis.ports) {
        rules.push({ port, sources: admin, why: `redis :${port}`, path: "input" });
        if (s.redis.mode === "cluster") rules.push({ port: port + 10000, sources: admin, why: `redis cluster bus :${port}`, path: "input" });
      }
    }
    if (s?.rabbitmq?.amqpListen === "admin") rules.push({ port: 5672, sources: admin, why: "rabbitmq amqp", path: "input" });
    if (s?.rabbitmq?.managementListen === "admin") rules.push({ port: s.rabbitmq.managementPort, sources: admin, why: "rabbitmq management", path: "input" });
    if (s?.native?.health?.listen === "admin") rules.push({ port: s.native.health.port, sources: admin, why: "health endpoint (monitoring)", path: "input" });
    for (const n of s?.native?.services ?? []) if (n.listen === "admin") rules.push({ port: n.port, sources: admin, why: n.name, path: "input" });
    return { host: h.name, adminSources: admin, rules: rules.sort((a, b) => a.port - b.port || a.path.localeCompare(b.path)) };
  });
}
