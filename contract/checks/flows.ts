import { didYouMean } from "../didYouMean";
import { parseTemplate, templateRefs } from "../envTemplate";
import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";

/**
 * Flows name services or worker pools that exist and ports the target listens on. When flows
 * are declared, every `${service.X...}` reference must have a flow behind it: a variable
 * pointing at a service the network forbids would only fail at run time.
 */
export function checkFlows(cfg: StackConfig): Problem[] {
  if (!cfg.flows) return [];
  const out: Problem[] = [];
  const services = new Map(cfg.services.map((s) => [s.name, s]));
  const pools = new Map(cfg.workers.map((w) => [w.name, w]));
  const names = [...services.keys(), ...pools.keys()];
  const unknown = (path: string, name: string): Problem => {
    const hint = didYouMean(name, names);
    return { path, problem: `names unknown service '${name}'${hint ? ` (did you mean '${hint}'?)` : ""}`, allowed: `one of ${names.join(", ")}` };
  };
  cfg.flows.forEach((f, i) => {
    const path = `parity:flows[${i}]`;
    if (!services.has(f.from) && !pools.has(f.from)) out.push(unknown(`${path}.from`, f.from));
    const to = services.get(f.to);
    const pool = pools.get(f.to);
    if (!to && !pool) out.push(unknown(`${path}.to`, f.to));
    if (f.from === f.to) out.push({ path, problem: `is a flow from '${f.from}' to itself`, allowed: "flows between two different services" });
    if (to) {
      const ports = to.ports.map((p) => p.container);
      if (f.port === undefined) out.push({ path: `${path}.port`, problem: `missing: '${f.to}' is a service, not a worker pool`, allowed: ports.length ? `one of ${ports.join(", ")}` : `'${f.to}' declares no ports` });
      else if (!ports.includes(f.port)) out.push({ path: `${path}.port`, problem: `'${f.to}' does not listen on ${f.port}`, allowed: ports.length ? `one of ${ports.join(", ")}` : `'${f.to}' declares no ports` });
    }
    if (pool && f.port !== undefined)
      out.push({ path: `${path}.port`, problem: `'${f.to}' is a worker pool: each replica listens on its own port`, allowed: "omit port for flows to a pool" });
  });
  const allowed = new Set(cfg.flows.map((f) => `${f.from}->${f.to}`));
  const containers = [
    ...cfg.services.map((s, i) => ({ name: s.name, env: s.env, path: `parity:services[${i}]` })),
    ...cfg.workers.map((w, i) => ({ name: w.name, env: w.env, path: `parity:workers[${i}]` })),
  ];
  for (const c of containers) {
    for (const [k, v] of Object.entries(c.env)) {
      const parsed = parseTemplate(v);
      if ("error" in parsed) continue; // reported by checkEnv
      for (const r of templateRefs(parsed.parts)) {
        if (r.kind === "service" && r.service !== c.name && services.has(r.service) && !allowed.has(`${c.name}->${r.service}`))
          out.push({ path: `${c.path}.env.${k}`, problem: `points '${c.name}' at '${r.service}', but no flow ${c.name} → ${r.service} is declared`, allowed: `add { from: ${c.name}, to: ${r.service}, port: … } to parity:flows` });
      }
    }
  }
  return out;
}
