/**
 * What Prometheus scrapes and what Grafana queries, with the addressing the env contract uses:
 * a container on Prometheus's own host by its Docker name and container port, one on another
 * host by its FQDN and published host port (a worker replica: its host's FQDN and its port).
 */
import { jaegerQueryPort } from "../contract/checks/metrics";
import { StackConfig } from "../contract/schema/stack";
import { ContainerModel } from "./types";
import type { ObservabilityModel, ScrapeTarget } from "../renderers/observability/spec";

export type { ObservabilityModel, ScrapeTarget } from "../renderers/observability/spec";

type Instance = Omit<ContainerModel, "networks">;

/** `host:port` at which `from`'s host reaches `to` on container port `port`. */
export function addressFrom(multiHost: boolean, fromHost: string, to: Instance, port: number): string {
  if (!multiHost || to.host === fromHost) return `${to.name}:${port}`;
  const published = to.ports.find((p) => p.container === port)?.host;
  const fqdn = to.publicUrl ? new URL(to.publicUrl).hostname : to.name;
  return `${fqdn}:${published ?? port}`;
}

/** Undefined on Azure and when the stack declares no observability. */
export function buildObservability(cfg: StackConfig, containers: readonly Instance[], multiHost: boolean): ObservabilityModel | undefined {
  const obs = cfg.observability;
  // The contract admits parity:observability only on targets where Parity renders the configuration.
  if (!obs) return undefined;
  const byName = new Map(containers.map((c) => [c.name, c]));
  const prom = byName.get(obs.prometheus)!;
  const promPort = prom.ports[0]!.container;
  const targets: ScrapeTarget[] = [];
  for (const s of cfg.services) {
    const c = byName.get(s.name);
    if (!s.metrics || !c) continue;
    const port = s.metrics.port ?? s.ports[0]!.container;
    // Prometheus scraping itself: through its own loopback.
    const address = c.name === prom.name ? `localhost:${port}` : addressFrom(multiHost, prom.host, c, port);
    targets.push({ job: s.name, address, path: s.metrics.path, labels: { service: s.name } });
  }
  for (const w of cfg.workers) {
    if (!w.metrics) continue;
    for (const c of containers.filter((x) => x.pool === w.name)) {
      const port = c.ports[0]!.container;
      targets.push({ job: c.name, address: addressFrom(multiHost, prom.host, c, port), path: w.metrics.path, labels: { service: w.name, replica: String(c.replica) } });
    }
  }
  const grafana = obs.grafana ? byName.get(obs.grafana) : undefined;
  const jaeger = obs.jaeger ? byName.get(obs.jaeger) : undefined;
  return {
    prometheus: { container: prom.name, port: promPort, scrapeIntervalSeconds: obs.scrapeIntervalSeconds },
    targets,
    ...(grafana
      ? {
          grafana: {
            container: grafana.name,
            prometheusUrl: `http://${addressFrom(multiHost, grafana.host, prom, promPort)}`,
            ...(jaeger ? { jaegerUrl: `http://${addressFrom(multiHost, grafana.host, jaeger, jaegerQueryPort(cfg, grafana.name, jaeger.name))}` } : {}),
          },
        }
      : {}),
  };
}
