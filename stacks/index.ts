import { PlatformModel } from "../model/types";
import { deployAzure } from "./azure";
import { deployDocker } from "./docker";
import { DeployOptions, deployProxmox } from "./proxmox";

/**
 * The only place that maps a target to the components realizing it. The target comes from
 * `parity:target`, never from the stack's name.
 */
export function deploy(model: PlatformModel, opts: DeployOptions, dockerEndpoint: string): void {
  switch (model.target) {
    case "proxmox":
      deployProxmox(model, opts);
      return;
    case "docker":
      deployDocker(model, opts, dockerEndpoint);
      return;
    case "azure":
      deployAzure(model, opts);
      return;
  }
}

export class TargetNotBuiltError extends Error {
  constructor(readonly target: string) {
    super(`parity:target '${target}' is not deployable yet: the stack config is valid, but this target's components are not built; 'proxmox' and 'docker' deploy today`);
    this.name = "TargetNotBuiltError";
  }
}
