import type { TargetContract } from "../../contract/target";

/** The Docker engine that is always there. The endpoint Parity uses when `parity:docker.host` is not set. */
export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

/** One Docker engine (this machine's, or one reached over SSH/TCP): every container on it. */
export const dockerContract: TargetContract = {
  name: "docker",
  traits: {
    multiHost: false,
    dockerNetworks: true,
    absentUserRunsAsRoot: true,
    cpus: { max: 1024, step: 0.01, allowed: "0.01 to 1024, in steps of 0.01 (Docker's --cpus)" },
    observabilityConfig: true,
  },
  ownedKeys: ["docker"],
  realizedElsewhere: () => false,
  remoteEngine: (cfg) => {
    const engine = cfg.docker?.host ?? DEFAULT_DOCKER_HOST;
    return engine.startsWith("unix://") ? undefined : `the Docker engine is ${engine}, not local`;
  },
  check: () => [],
};
