import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";

export function checkWorkers(cfg: StackConfig): Problem[] {
  const out: Problem[] = [];
  cfg.workers.forEach((w, i) => {
    if (w.replicas < 0 || w.replicas > w.maxReplicas)
      out.push({ path: `parity:workers[${i}].replicas`, problem: `${w.replicas} replicas of '${w.name}'`, allowed: `0 to maxReplicas (${w.maxReplicas}); raise maxReplicas to go further` });
    if (new Set(w.ports).size !== w.ports.length)
      out.push({ path: `parity:workers[${i}].ports`, problem: "lists a port twice", allowed: "distinct ports, one per replica" });
    if (new Set(w.hosts).size !== w.hosts.length)
      out.push({ path: `parity:workers[${i}].hosts`, problem: "lists a host twice", allowed: "distinct hosts; replicas go round-robin over them" });
  });
  return out;
}
