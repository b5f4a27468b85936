import { createHash } from "node:crypto";
import { ContainerModel, PlatformModel } from "../../model/types";
import { renderGrafanaProvisioning } from "../../renderers/observability/grafana";
import { PROMETHEUS_CONFIG_PATH, renderPrometheusConfig } from "../../renderers/observability/prometheus";

/** Label with the sha256 of the configuration Parity rendered into the container. */
export const CONFIG_HASH_LABEL = "parity.config-sha256";

/** The rendered configuration files of one container: Prometheus's or Grafana's; none for others. */
export function observabilityFiles(model: PlatformModel, c: ContainerModel): { path: string; content: string }[] {
  const obs = model.observability;
  if (!obs) return [];
  if (c.name === obs.prometheus.container) return [{ path: PROMETHEUS_CONFIG_PATH, content: renderPrometheusConfig(model.stack, obs) }];
  if (c.name === obs.grafana?.container) return renderGrafanaProvisioning(model.stack, obs);
  return [];
}

/**
 * The container with its rendered configuration added to the files Docker places in it before
 * start (never executable), and a label with their hash: a changed scrape job or data source
 * changes the container's inputs, so the plan replaces it and the tool starts on the new files.
 */
export function withObservabilityConfig(model: PlatformModel, c: ContainerModel): { container: ContainerModel; labels: Record<string, string> } {
  const files = observabilityFiles(model, c);
  if (files.length === 0) return { container: c, labels: {} };
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f.path}\0${f.content}\0`);
  return {
    container: { ...c, files: [...c.files, ...files.map((f) => ({ path: f.path, content: f.content, executable: false }))] },
    labels: { [CONFIG_HASH_LABEL]: hash.digest("hex") },
  };
}
