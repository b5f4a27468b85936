import type { StackConfig } from "../schema/stack";
import type { Problem } from "../problems";

/**
 * A writable root must be explained, and files uploaded before start need one: Docker refuses to
 * copy into a container whose root is read-only (a tmpfs is mounted only at start).
 */
/** The services that receive rendered configuration files: Prometheus and Grafana. */
function observabilityTools(cfg: StackConfig): string[] {
  const o = cfg.observability;
  return o ? [o.prometheus, ...(o.grafana ? [o.grafana] : [])] : [];
}

export function checkHardening(cfg: StackConfig): Problem[] {
  const out: Problem[] = [];
  const containers = [
    // Prometheus and Grafana also receive the configuration Parity renders for them (parity:observability).
    ...cfg.services.map((s, i) => ({ path: `parity:services[${i}]`, c: s, files: s.files.length + (observabilityTools(cfg).includes(s.name) ? 1 : 0) })),
    ...cfg.workers.map((w, i) => ({ path: `parity:workers[${i}]`, c: w, files: 0 })),
  ];
  for (const { path, c, files } of containers) {
    if (!c.readOnlyRootFs && !c.writableRootReason)
      out.push({ path: `${path}.writableRootReason`, problem: "missing: readOnlyRootFs is false without a reason", allowed: "readOnlyRootFs: true (with tmpfs paths for what the image writes), or a writableRootReason" });
    if (c.readOnlyRootFs && files > 0)
      out.push({ path: `${path}.readOnlyRootFs`, problem: "true, but files are uploaded into the container before it starts (its own `files`, or the configuration Parity renders for a parity:observability tool), which a read-only root refuses", allowed: "readOnlyRootFs: false with a writableRootReason, or no files" });
    if (c.readOnlyRootFs && c.writableRootReason)
      out.push({ path: `${path}.writableRootReason`, problem: "given, but readOnlyRootFs is true", allowed: "remove it, or set readOnlyRootFs: false" });
    const seen = new Set<string>();
    c.capabilities.forEach((g, j) => {
      if (seen.has(g.add)) out.push({ path: `${path}.capabilities[${j}].add`, problem: `${g.add} is listed twice`, allowed: "each capability once" });
      seen.add(g.add);
    });
  }
  return out;
}
