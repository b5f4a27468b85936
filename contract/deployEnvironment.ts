import { ContractError, Problem } from "./problems";
import { StackConfig } from "./schema/stack";

/**
 * Secrets read from the environment (e.g. injected by `op run`) must all be present before
 * anything is registered, or a deployment would stop half-way.
 */
export function checkDeployEnvironment(cfg: StackConfig, env: Readonly<Record<string, string | undefined>>, stack: string, offlinePlan: boolean): void {
  if (offlinePlan) return;
  const problems: Problem[] = [];
  for (const [name, source] of Object.entries(cfg.secrets)) {
    if ("env" in source && !env[source.env])
      problems.push({
        path: `parity:secrets.${name}.env`,
        problem: `environment variable ${source.env} is not set`,
        allowed: `run under \`op run --env-file=op/${stack}.env -- pulumi up\` or export ${source.env}`,
      });
  }
  if (problems.length) throw new ContractError(problems, stack);
}
