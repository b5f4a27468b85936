/** What Prometheus scrapes and Grafana queries: the model derives it, the renderers write the configuration. */

export interface ScrapeTarget {
  /** Job name: the service, or the worker replica's container name. */
  readonly job: string;
  /** `host:port` as Prometheus dials it. */
  readonly address: string;
  readonly path: string;
  /** Labels on every series of the job. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface ObservabilityModel {
  readonly prometheus: { readonly container: string; readonly port: number; readonly scrapeIntervalSeconds: number };
  /** One per service and per worker replica that declares `metrics`, in config order. */
  readonly targets: readonly ScrapeTarget[];
  readonly grafana?: { readonly container: string; readonly prometheusUrl: string; readonly jaegerUrl?: string };
}
