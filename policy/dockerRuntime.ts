import { ResourceValidationPolicy } from "@pulumi/policy";
import { ALLOW_ROOT_LABEL, TYPES, inputsOf, known, knownItems, labelMap, shown } from "./common";

const RESTART_POLICIES = new Set(["always", "unless-stopped", "on-failure"]);

/** `user` runs as root when absent (the image's default is usually root), `0`, `root`, or uid 0 with any group. */
export function runsAsRoot(user: unknown): boolean {
  if (user === undefined || user === null || user === "") return true;
  const uid = shown(user).split(":")[0]!;
  return uid === "0" || uid === "root";
}

/**
 * What every long-running Docker service needs to be operable: a memory and CPU limit (one
 * runaway container must not starve the guest), a health check (restart policies and
 * dependants rely on it: Proxmox has no cross-node start order), a restart policy (the Docker
 * provider's default is `no`), and a non-root user. Root is allowed only with a
 * `parity.allow-root` label whose value says why (the contract's `allowRoot`).
 */
export const dockerServiceRuntime: ResourceValidationPolicy = {
  name: "docker-service-runtime",
  description: "Docker containers have memory and CPU limits, a health check, a restart policy, and a non-root user unless labelled parity.allow-root.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== TYPES.container) return;
    const p = inputsOf(args);
    const has = (k: string) => k in p;

    const memory = known(() => p["memory"]);
    if (!(has("memory") && memory === undefined) && !(typeof memory === "number" && memory > 0))
      report("no memory limit; set memory (MiB) so one container cannot starve its host");
    const cpus = known(() => p["cpus"]);
    if (!(has("cpus") && cpus === undefined) && !(Number(cpus) > 0))
      report("no CPU limit; set cpus (e.g. \"1.5\")");

    const health = known(() => p["healthcheck"]) as Record<string, unknown> | undefined;
    const tests = knownItems(health ? (known(() => health["tests"]) as readonly unknown[] | undefined) : undefined);
    if (!(has("healthcheck") && health === undefined) && (tests.length === 0 || tests[0] === "NONE"))
      report("no health check; declare healthcheck.test so restarts and dependants can tell a live service from a hung one");

    const restart = known(() => p["restart"]);
    if (!(has("restart") && restart === undefined) && !(typeof restart === "string" && RESTART_POLICIES.has(restart)))
      report(`restart policy is ${restart === undefined ? "unset (the provider default is 'no')" : `'${shown(restart)}'`}; use unless-stopped, always or on-failure`);

    const user = known(() => p["user"]);
    if (!(has("user") && user === undefined) && runsAsRoot(user)) {
      const reason = labelMap(known(() => p["labels"])).get(ALLOW_ROOT_LABEL);
      if (!reason) report(`runs as root (user ${user === undefined ? "unset" : `'${shown(user)}'`}); set a non-root user, or label ${ALLOW_ROOT_LABEL} with the reason`);
    }
  },
};
