import { PlatformModel } from "../model/types";
import type { DeployOptions } from "./proxmox";

/**
 * The only place that maps a target to the components realizing it. The target comes from
 * `parity:target`, never from the stack's name. Each target's module (and its provider SDK —
 * azure-native alone is large) is loaded only when a stack uses that target.
 */
export function deploy(model: PlatformModel, opts: DeployOptions, dockerEndpoint: string): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  switch (model.target) {
    case "proxmox":
      (require("./proxmox") as typeof import("./proxmox")).deployProxmox(model, opts);
      return;
    case "docker":
      (require("./docker") as typeof import("./docker")).deployDocker(model, opts, dockerEndpoint);
      return;
    case "azure":
      (require("./azure") as typeof import("./azure")).deployAzure(model, opts);
      return;
  }
}
