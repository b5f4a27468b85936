import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";

/** Applications that refuse to start without a variable say so in `requiredEnv`; the contract enforces it. */
export function checkRequiredEnv(cfg: StackConfig): Problem[] {
  const out: Problem[] = [];
  const containers = [
    ...cfg.services.map((s, i) => ({ c: s, path: `parity:services[${i}]` })),
    ...cfg.workers.map((w, i) => ({ c: w, path: `parity:workers[${i}]` })),
  ];
  for (const { c, path } of containers) {
    const declared = new Set(Object.keys(c.env));
    for (const name of c.requiredEnv)
      if (!declared.has(name)) out.push({ path: `${path}.env.${name}`, problem: `missing: '${c.name}' requires ${name}`, allowed: `declare ${name} in env (a literal, a \${...} reference or \${secret.NAME})` });
  }
  return out;
}
