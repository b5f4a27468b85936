import type { TargetContract } from "../../contract/target";
import { checkAzure } from "./checks";

/** Container Apps probe limits (Microsoft.App containerApps probes). */
const CONTAINER_APP_PROBE = { what: "a Container App probe", intervalSeconds: 240, timeoutSeconds: 240, startPeriodSeconds: 60, retries: 10 } as const;

/** Azure: one Container App per service and worker slot, managed equivalents for the data services. */
export const azureContract: TargetContract = {
  name: "azure",
  traits: {
    multiHost: false,
    dockerNetworks: false,
    // Container Apps take no user: only an explicit uid 0 runs as root.
    absentUserRunsAsRoot: false,
    cpus: { max: 4, step: 0.25, problem: " is not a Container Apps consumption size", allowed: "0.25 to 4 in steps of 0.25" },
    probeLimits: CONTAINER_APP_PROBE,
    // Azure Monitor stands in for Prometheus and Grafana.
    observabilityConfig: false,
  },
  ownedKeys: ["azure"],
  realizedElsewhere: (cfg, name) => cfg.azure?.realize[name] !== undefined,
  remoteEngine: () => "target 'azure' runs containers on remote engines",
  check: (cfg, _raw, stack) => [
    ...(cfg.observability ? [{ path: "parity:observability", problem: "is not used by target 'azure': Prometheus and Grafana are realized by Azure Monitor there", allowed: "remove it (see parity:azure.realize)" }] : []),
    ...checkAzure(cfg, stack),
  ],
};
