import { parse } from "yaml";
import { validateStackConfig } from "../../../targets";
import { buildModel } from "../../../targets";
import type { PlatformModel } from "../../../model/types";
import { GRAFANA_DASHBOARDS_DIR, JAEGER_DATASOURCE_UID, PROMETHEUS_DATASOURCE_UID, renderGrafanaProvisioning } from "../../../renderers/observability/grafana";
import { renderPrometheusConfig } from "../../../renderers/observability/prometheus";
import { CONFIG_HASH_LABEL, withObservabilityConfig } from "../../../targets/shared/observabilityConfig";
import { contractProblems } from "../../helpers/contractProblems";
import { rawStackConfig } from "../../helpers/stackConfig";

// These tests edit raw stack documents into shapes the config types forbid: `any` is their type.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return */
type Raw = Record<string, any>;
const model = (raw: Raw, stack: string): PlatformModel => buildModel(validateStackConfig(raw, stack), stack);
const problems = (raw: Raw): string[] => contractProblems(raw);
const jobs = (m: PlatformModel) =>
  (parse(renderPrometheusConfig(m.stack, m.observability!)) as { scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[]; labels: Record<string, string> }[] }[] }).scrape_configs
    .map((j) => [j.job_name, j.static_configs[0]!.targets[0], j.metrics_path ?? "(default)", j.static_configs[0]!.labels]);

describe("Prometheus scrape jobs", () => {
  test("homelab: one job per service and worker replica, addressed like the env contract", () => {
    const raw = rawStackConfig("homelab") as Raw;
    raw["workers"][0]["replicas"] = 3;
    expect(jobs(model(raw, "homelab"))).toEqual([
      ["prometheus", "localhost:9090", "(default)", { service: "prometheus" }],
      // Same guest as Prometheus: Docker name and container port (like DB_HOST=db).
      ["backend", "backend:8000", "/metrics", { service: "backend" }],
      // Other guests: the FQDN and published port of WORKER_PUBLIC_BASE_URL.
      ["backtest-worker-1", "workers-b.ktrdr.home.mynerd.place:5003", "/metrics", { service: "backtest-worker", replica: "1" }],
      ["backtest-worker-2", "workers-c.ktrdr.home.mynerd.place:5004", "/metrics", { service: "backtest-worker", replica: "2" }],
      ["backtest-worker-3", "workers-b.ktrdr.home.mynerd.place:5007", "/metrics", { service: "backtest-worker", replica: "3" }],
      ["training-worker-1", "workers-b.ktrdr.home.mynerd.place:5005", "/metrics", { service: "training-worker", replica: "1" }],
    ]);
  });

  test("local (one Docker engine): names and container ports throughout", () => {
    expect(jobs(model(rawStackConfig("local"), "local")).map((j) => j[1])).toEqual(["localhost:9090", "backend:8000", "backtest-worker-1:5003", "training-worker-1:5005"]);
  });
});

describe("Grafana provisioning (Grafana is not packaged in Debian: its files are checked here, by shape)", () => {
  const m = model(rawStackConfig("homelab"), "homelab");
  const files = new Map(renderGrafanaProvisioning("homelab", m.observability!).map((f) => [f.path, f.content]));

  test("data sources: Prometheus (default) and Jaeger at the addresses Grafana's flows allow", () => {
    const ds = parse(files.get("/etc/grafana/provisioning/datasources/parity.yaml")!) as { apiVersion: number; datasources: Record<string, unknown>[] };
    expect(ds.apiVersion).toBe(1);
    expect(ds.datasources).toEqual([
      { name: "Prometheus", type: "prometheus", uid: PROMETHEUS_DATASOURCE_UID, access: "proxy", url: "http://prometheus:9090", isDefault: true, editable: false },
      { name: "Jaeger", type: "jaeger", uid: JAEGER_DATASOURCE_UID, access: "proxy", url: "http://jaeger:16686", editable: false },
    ]);
  });

  test("a file dashboard provider and a platform-health dashboard on the Prometheus data source", () => {
    const prov = parse(files.get("/etc/grafana/provisioning/dashboards/parity.yaml")!) as { apiVersion: number; providers: { type: string; options: { path: string } }[] };
    expect(prov.apiVersion).toBe(1);
    expect(prov.providers).toEqual([expect.objectContaining({ type: "file", options: { path: GRAFANA_DASHBOARDS_DIR } })]);
    const dash = JSON.parse(files.get(`${GRAFANA_DASHBOARDS_DIR}/platform-health.json`)!) as { uid: string; title: string; schemaVersion: number; panels: any[] };
    expect(dash.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dash.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dash.panels.map((p) => p.title)).toEqual(["Targets up", "Targets declared", "Targets down", "Up by job", "Scrape duration by job (s)"]);
    for (const p of dash.panels) {
      expect(p.datasource).toEqual({ type: "prometheus", uid: PROMETHEUS_DATASOURCE_UID });
      expect(p.gridPos).toEqual({ x: expect.any(Number), y: expect.any(Number), w: expect.any(Number), h: expect.any(Number) });
      expect(p.targets).toEqual([expect.objectContaining({ refId: "A", expr: expect.stringMatching(/\S/) })]);
    }
    expect(new Set(dash.panels.map((p) => p.id)).size).toBe(dash.panels.length);
  });

  test("rendered files go into the tools' containers with a hash label that changes with them", () => {
    const prom = m.containers.find((c) => c.name === "prometheus")!;
    const a = withObservabilityConfig(m, prom);
    expect(a.container.files.map((f) => [f.path, f.executable])).toEqual([["/etc/prometheus/prometheus.yml", false]]);
    const raw = rawStackConfig("homelab") as Raw;
    raw["workers"][0]["replicas"] = 2;
    const m2 = model(raw, "homelab");
    const b = withObservabilityConfig(m2, m2.containers.find((c) => c.name === "prometheus")!);
    expect(b.labels[CONFIG_HASH_LABEL]).toMatch(/^[a-f0-9]{64}$/);
    expect(b.labels[CONFIG_HASH_LABEL]).not.toBe(a.labels[CONFIG_HASH_LABEL]);
    expect(withObservabilityConfig(m, m.containers.find((c) => c.name === "backend")!).labels).toEqual({});
    // Grafana's files do not depend on how many targets there are: scaling never restarts it.
    const grafana = (x: PlatformModel) => withObservabilityConfig(x, x.containers.find((c) => c.name === "grafana")!);
    expect(grafana(m).container.files.map((f) => f.path)).toHaveLength(3);
    expect(grafana(m2).labels).toEqual(grafana(m).labels);
  });
});

describe("the contract refuses metrics Prometheus cannot reach", () => {
  let raw: Raw;
  beforeEach(() => { raw = rawStackConfig("homelab"); });

  test("no flow from Prometheus", () => {
    raw["flows"] = raw["flows"].filter((f: Raw) => !(f.from === "prometheus" && f.to === "backtest-worker"));
    expect(problems(raw)).toContainEqual(expect.stringMatching(/^parity:workers\[0\]\.metrics: no flow from 'prometheus' reaches worker pool 'backtest-worker' \| add \{ from: prometheus, to: backtest-worker \}/));
  });

  test("a metrics port the service does not listen on, a port on a pool, no Prometheus at all", () => {
    raw["services"].find((s: Raw) => s.name === "backend").metrics = { port: 9100 };
    raw["workers"][1]["metrics"] = { port: 9100 };
    expect(problems(raw)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^parity:services\[1\]\.metrics\.port: 'backend' does not listen on 9100/),
      expect.stringMatching(/^parity:workers\[1\]\.metrics\.port: is set on a worker pool/),
    ]));
    delete raw["observability"];
    delete raw["workers"][1]["metrics"];
    expect(problems(raw)).toContainEqual(expect.stringMatching(/^parity:workers\[0\]\.metrics: 'backtest-worker' exposes metrics but no Prometheus scrapes them/));
  });

  test("unknown observability services, and observability on Azure", () => {
    raw["observability"]["grafana"] = "grafna";
    expect(problems(raw)).toContainEqual(expect.stringMatching(/^parity:observability\.grafana: names unknown service 'grafna' \(did you mean 'grafana'\?\)/));
    const az = rawStackConfig("azure") as Raw;
    expect(problems(az)).toEqual([]);
    az["observability"] = { prometheus: "prometheus" };
    expect(problems(az)).toContainEqual(expect.stringMatching(/^parity:observability: is not used by target 'azure'/));
  });
});
