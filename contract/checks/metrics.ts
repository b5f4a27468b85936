import type { TargetContract } from "../target";
import { didYouMean } from "../didYouMean";
import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";

/** Default query port of Jaeger (its UI and HTTP API), used by Grafana's Jaeger data source. */
export const JAEGER_QUERY_PORT = 16686;

/**
 * `parity:observability` names services that exist; every `metrics:` target is reachable from
 * the Prometheus service: a flow from it (when flows are declared) on the metrics port, and on
 * another guest a published host port. A target Prometheus cannot reach would only show as
 * "down" after the deployment.
 */
export function checkMetrics(cfg: StackConfig, t: TargetContract): Problem[] {
  const out: Problem[] = [];
  const obs = cfg.observability;
  const services = new Map(cfg.services.map((s) => [s.name, s]));
  const names = [...services.keys()];
  const declaring = [
    ...cfg.services.flatMap((s, i) => (s.metrics ? [{ name: s.name, path: `parity:services[${i}].metrics` }] : [])),
    ...cfg.workers.flatMap((w, i) => (w.metrics ? [{ name: w.name, path: `parity:workers[${i}].metrics` }] : [])),
  ];
  // Where the platform monitors itself (Azure Monitor), the target refuses parity:observability and keeps metrics declarations for parity.
  if (!t.traits.observabilityConfig) return out;
  if (!obs) {
    for (const d of declaring)
      out.push({ path: d.path, problem: `'${d.name}' exposes metrics but no Prometheus scrapes them`, allowed: "declare parity:observability.prometheus (the Prometheus service), or remove metrics" });
    return out;
  }
  for (const key of ["prometheus", "grafana", "jaeger"] as const) {
    const name = obs[key];
    if (name !== undefined && !services.has(name)) {
      const hint = didYouMean(name, names);
      out.push({ path: `parity:observability.${key}`, problem: `names unknown service '${name}'${hint ? ` (did you mean '${hint}'?)` : ""}`, allowed: `one of ${names.join(", ")}` });
    }
  }
  const prom = services.get(obs.prometheus);
  if (prom && prom.ports.length === 0) out.push({ path: "parity:observability.prometheus", problem: `'${prom.name}' declares no ports`, allowed: "the Prometheus service with its web port (9090) first in ports" });
  const flows = cfg.flows;
  const hasFlow = (from: string, to: string, port?: number) => !flows || flows.some((f) => f.from === from && f.to === to && (port === undefined || f.port === port));
  const multiHost = t.traits.multiHost;

  cfg.services.forEach((s, i) => {
    if (!s.metrics || !prom) return;
    const path = `parity:services[${i}].metrics`;
    const ports = s.ports.map((p) => p.container);
    const port = s.metrics.port ?? ports[0];
    if (port === undefined) return void out.push({ path, problem: `'${s.name}' declares no ports to serve metrics on`, allowed: "a port in ports, then metrics.port (default the first)" });
    if (!ports.includes(port)) return void out.push({ path: `${path}.port`, problem: `'${s.name}' does not listen on ${port}`, allowed: `one of ${ports.join(", ")}` });
    if (s.name === prom.name) return;
    if (!hasFlow(prom.name, s.name, port))
      out.push({ path, problem: `no flow from '${prom.name}' reaches '${s.name}' on ${port}`, allowed: `add { from: ${prom.name}, to: ${s.name}, port: ${port} } to parity:flows` });
    if (multiHost && s.host !== prom.host && s.ports.find((p) => p.container === port)?.host === undefined)
      out.push({ path, problem: `'${s.name}' runs on '${s.host}', Prometheus on '${prom.host}', and port ${port} is not published`, allowed: `publish it: ports: [{ container: ${port}, host: … }]` });
  });
  cfg.workers.forEach((w, i) => {
    if (!w.metrics || !prom) return;
    const path = `parity:workers[${i}].metrics`;
    if (w.metrics.port !== undefined) out.push({ path: `${path}.port`, problem: "is set on a worker pool: each replica serves metrics on its own port", allowed: "omit port" });
    else if (!hasFlow(prom.name, w.name))
      out.push({ path, problem: `no flow from '${prom.name}' reaches worker pool '${w.name}'`, allowed: `add { from: ${prom.name}, to: ${w.name} } to parity:flows` });
  });
  if (obs.grafana && prom && services.has(obs.grafana)) {
    const promPort = prom.ports[0]?.container;
    if (promPort !== undefined && !hasFlow(obs.grafana, prom.name, promPort))
      out.push({ path: "parity:observability.grafana", problem: `no flow from '${obs.grafana}' reaches '${prom.name}' on ${promPort}: its Prometheus data source would fail`, allowed: `add { from: ${obs.grafana}, to: ${prom.name}, port: ${promPort} } to parity:flows` });
    const jaeger = obs.jaeger ? services.get(obs.jaeger) : undefined;
    if (jaeger) {
      const port = jaegerQueryPort(cfg, obs.grafana, jaeger.name);
      if (!jaeger.ports.some((p) => p.container === port))
        out.push({ path: "parity:observability.jaeger", problem: `'${jaeger.name}' does not listen on ${port}, its query port`, allowed: `add ${port} to its ports, or a flow ${obs.grafana} → ${jaeger.name} on its query port` });
      else if (!hasFlow(obs.grafana, jaeger.name, port))
        out.push({ path: "parity:observability.jaeger", problem: `no flow from '${obs.grafana}' reaches '${jaeger.name}' on ${port}`, allowed: `add { from: ${obs.grafana}, to: ${jaeger.name}, port: ${port} } to parity:flows` });
    }
  }
  return out;
}

/** The port Grafana queries Jaeger on: the declared flow's, else Jaeger's default. */
export function jaegerQueryPort(cfg: StackConfig, grafana: string, jaeger: string): number {
  return cfg.flows?.find((f) => f.from === grafana && f.to === jaeger && f.port !== undefined)?.port ?? JAEGER_QUERY_PORT;
}
