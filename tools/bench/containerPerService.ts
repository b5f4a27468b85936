import type { PlannedResource } from "../plan";

const SERVICE = "parity:docker:DockerService";
const CONTAINER = "docker:index/container:Container";
const NETWORK = "docker:index/network:Network";

/**
 * A plan's resources with each Docker service reduced to its container, parented where the
 * service was: no DockerService component, no health-gate command, and no per-service edge
 * network (the model names each `…--edge`). The least any design that runs each replica as a
 * container registers; the bench replays it to tell what fewer resources per worker slot
 * could at best gain.
 */
export function containerPerServiceOf(resources: readonly PlannedResource[]): PlannedResource[] {
  const serviceParent = new Map(resources.filter((r) => r.type === SERVICE).map((r) => [r.name, r.parent]));
  return resources.flatMap((r): PlannedResource[] => {
    if (r.type === SERVICE) return [];
    if (r.type === NETWORK && String(r.inputs["name"]).endsWith("--edge")) return [];
    if (r.parent === null || !serviceParent.has(r.parent)) return [r];
    return r.type === CONTAINER ? [{ ...r, parent: serviceParent.get(r.parent) ?? null }] : [];
  });
}
