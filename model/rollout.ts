import type { ProxyModel } from "../renderers/rollout/proxySpec";
import { PROXY_CONTAINER } from "../core/reservedNames";
import { createHash } from "node:crypto";
import type { NetworkModel } from "./networks";

/**
 * How a container is replaced when its image, command or env changes.
 *
 * - `proxied`: a stateless HTTP service (it declares `rollout.healthPath`) that publishes host
 *   ports and has a health check. The host's proxy owns those
 *   ports; the new container (a new, unique name) is created next to the old one, must pass
 *   its health check, and the proxy routes to whichever containers answer the service's
 *   `healthPath` — so no request is lost. The old one is stopped gracefully afterwards.
 * - `overlap`: a stateless service reached only by name on its flow networks: same order as
 *   `proxied` (unique name, the service name as a shared network alias), no proxy.
 * - `drain`: a worker slot. Its port and URL are its identity, so old and new cannot run at
 *   once: the old one gets SIGTERM and `stopTimeoutSeconds` to finish its job, then the new
 *   one starts; the slots of a pool go one at a time, each waiting for the previous one's
 *   health check.
 * - `recreate`: delete first, as Docker must for anything that holds data (volumes, stateful),
 *   has no health check to gate on, publishes a port that no proxy may take (no
 *   `rollout.healthPath`: not known to be HTTP, e.g. gRPC or a database), or asks for it
 *   (`rollout.recreate`).
 */
export type RolloutStrategy = "proxied" | "overlap" | "drain" | "recreate";

export interface RolloutModel {
  readonly strategy: RolloutStrategy;
  /** Seconds between SIGTERM and SIGKILL when the container is stopped. */
  readonly stopTimeoutSeconds: number;
  /** Path the proxy checks (strategy `proxied`). */
  readonly healthPath?: string;
  /** Seconds the deployment waits for a new container to report healthy before it halts. */
  readonly healthTimeoutSeconds: number;
}

/** Documented defaults: a request finishes in seconds; a backtest or training job needs minutes to checkpoint. */
export const DEFAULT_STOP_TIMEOUT_SECONDS = { service: 30, worker: 300 } as const;


export interface RolloutInput {
  readonly kind: "service" | "worker";
  readonly stateful: boolean;
  readonly volumes: readonly unknown[];
  readonly ports: readonly { readonly container: number; readonly host?: number }[];
  readonly healthcheck?: { readonly intervalSeconds: number; readonly timeoutSeconds: number; readonly retries: number; readonly startPeriodSeconds: number };
  readonly rollout?: { readonly recreate?: boolean; readonly healthPath?: string; readonly stopTimeoutSeconds?: number };
}

/**
 * The longest Docker can take to call a starting container unhealthy: the start period, then
 * `retries` failed probes one interval apart, each up to its timeout; plus a margin for pulls
 * and a slow first start.
 */
export function healthTimeoutSeconds(h: NonNullable<RolloutInput["healthcheck"]>): number {
  return h.startPeriodSeconds + (h.retries + 1) * (h.intervalSeconds + h.timeoutSeconds) + 30;
}

export function rolloutOf(c: RolloutInput): RolloutModel {
  const cfg = c.rollout ?? {};
  const stateless = !c.stateful && c.volumes.length === 0;
  const strategy: RolloutStrategy = cfg.recreate || !c.healthcheck
    ? "recreate"
    : c.kind === "worker"
      ? "drain"
      : !stateless
        ? "recreate"
        : !c.ports.some((p) => p.host !== undefined)
          ? "overlap"
          : cfg.healthPath ? "proxied" : "recreate";
  return {
    strategy,
    stopTimeoutSeconds: cfg.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS[c.kind],
    ...(cfg.healthPath ? { healthPath: cfg.healthPath } : {}),
    healthTimeoutSeconds: c.healthcheck ? healthTimeoutSeconds(c.healthcheck) : 0,
  };
}

/** Strategies whose new container runs beside the old one, so each version needs its own name. */
export function createsBeforeDelete(s: RolloutStrategy): boolean {
  return s === "proxied" || s === "overlap";
}

/**
 * `<name>-<8 hex>` from everything that makes a version (image, command, resolved env, …):
 * a new version gets a new name, an unchanged one keeps its name. The digest is one-way and
 * truncated: it reveals nothing of the secret values it covers.
 */
export function versionedName(name: string, fingerprint: string): string {
  return `${name}-${createHash("sha256").update(fingerprint).digest("hex").slice(0, 8)}`;
}

export type { ProxyModel, ProxyRoute } from "../renderers/rollout/proxySpec";

interface ProxiedMember {
  readonly name: string;
  readonly host: string;
  readonly ports: RolloutInput["ports"];
  readonly rollout: RolloutModel;
}

/**
 * One proxy per host that has `proxied` services. It joins each fronted service's own edge
 * network (the network that held the service alone), so it reaches exactly the services it
 * fronts and they reach nothing new through it but their own published ports.
 */
export function deriveProxies(members: readonly ProxiedMember[], networks: readonly NetworkModel[], logs: ProxyModel["logs"]): ProxyModel[] {
  const proxied = members.filter((m) => m.rollout.strategy === "proxied");
  const hosts = [...new Set(proxied.map((m) => m.host))].sort();
  return hosts.map((host) => {
    const here = proxied.filter((m) => m.host === host);
    const routes = here.flatMap((m) =>
      m.ports.filter((p) => p.host !== undefined).map((p) => ({ service: m.name, hostPort: p.host!, containerPort: p.container, healthPath: m.rollout.healthPath! })),
    );
    const edge = here.map((m) => {
      // Its own edge network; a stack without flows has one shared network per host instead.
      const outward = networks.filter((n) => n.host === host && !n.internal && n.members.includes(m.name));
      const net = outward.find((n) => n.members.length === 1) ?? outward[0];
      if (!net) throw new Error(`proxied service ${m.name} on ${host} has no edge network`);
      return net.name;
    });
    return { host, name: PROXY_CONTAINER, routes: routes.sort((a, b) => a.hostPort - b.hostPort), networks: [...new Set(edge)].sort(), logs };
  });
}

/** The networks with each proxy added to the edge networks it joins. */
export function withProxyMembers(networks: readonly NetworkModel[], proxies: readonly ProxyModel[]): NetworkModel[] {
  return networks.map((n) => {
    const p = proxies.find((x) => x.host === n.host && x.networks.includes(n.name));
    return p && !n.members.includes(p.name) ? { ...n, members: [...n.members, p.name].sort() } : n;
  });
}
