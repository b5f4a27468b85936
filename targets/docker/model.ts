import type { TargetModelPart } from "../../model/target";
import { DEFAULT_DOCKER_HOST, dockerContract } from "./contract";

/** One engine: shared storage is a named volume of the stack, so every container on the engine shares it. */
export const dockerModel: TargetModelPart = {
  traits: dockerContract.traits,
  extend: (cfg) => ({ docker: { endpoint: cfg.docker?.host ?? DEFAULT_DOCKER_HOST } }),
  sharedMount: (s, stack) => ({ type: "volume", source: `parity-${stack}-${s.name}`, target: s.containerPath }),
};
