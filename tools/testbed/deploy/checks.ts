/** What the e2e test observes on the guests: container health, identity and start time. */
import type { Guest } from "../testbed";
import { sleep } from "../shell";

export interface ContainerFacts {
  readonly name: string;
  readonly id: string;
  readonly startedAt: string;
  readonly running: boolean;
  /** "healthy" | "starting" | "unhealthy" | "none" (no health check declared). */
  readonly health: string;
  readonly ports: string;
}

/** Every container on the guest's engine, by name. */
export async function containers(g: Guest): Promise<Map<string, ContainerFacts>> {
  const r = await g.exec(`ids=$(docker ps -aq); if [ -z "$ids" ]; then echo '[]'; else docker inspect $ids; fi`, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${g.name}: docker inspect failed: ${r.stderr}`);
  type Inspect = { Name: string; Id: string; State: { StartedAt: string; Running: boolean; Health?: { Status: string } }; HostConfig: { PortBindings: unknown } };
  const out = new Map<string, ContainerFacts>();
  for (const c of JSON.parse(r.stdout) as Inspect[]) {
    const name = c.Name.replace(/^\//, "");
    out.set(name, { name, id: c.Id, startedAt: c.State.StartedAt, running: c.State.Running, health: c.State.Health?.Status ?? "none", ports: JSON.stringify(c.HostConfig.PortBindings ?? {}) });
  }
  return out;
}

/**
 * Waits until every container on the guest runs and each with a health check is healthy.
 * Docker runs the first check one `interval` after start (30 s for most of the stack's services).
 */
export async function waitHealthy(g: Guest, timeoutMs = 180_000): Promise<Map<string, ContainerFacts>> {
  const deadline = Date.now() + timeoutMs;
  let last = new Map<string, ContainerFacts>();
  while (Date.now() < deadline) {
    last = await containers(g);
    if ([...last.values()].every((c) => c.running && (c.health === "healthy" || c.health === "none"))) return last;
    if ([...last.values()].some((c) => c.health === "unhealthy")) break;
    await sleep(2000);
  }
  const logs = await g.exec(`for c in $(docker ps -aq); do echo "== $(docker inspect -f '{{.Name}} {{json .State}}' $c)"; docker logs --tail 20 $c 2>&1; done`);
  throw new Error(`${g.name}: containers not healthy: ${JSON.stringify([...last.values()], null, 1)}\n${logs.stdout}`);
}

/** Runs a command in the guest and returns stdout, failing loudly with its output. */
export async function ok(g: Guest, cmd: string, stdin?: string): Promise<string> {
  const r = await g.exec(cmd, stdin === undefined ? { timeoutMs: 120_000 } : { stdin, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`${g.name}: '${cmd}' exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}
