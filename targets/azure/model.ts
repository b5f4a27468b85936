import { azureAddressing, azureEnv } from "../../model/azure";
import type { TargetModelPart } from "../../model/target";
import { azureContract } from "./contract";

/** Container Apps: apps named, sized and addressed by model/azure.ts; shared storage is an Azure Files NFS share. */
export const azureModel: TargetModelPart = {
  traits: azureContract.traits,
  managedApps: (cfg, stack) => ({ ...azureAddressing(cfg, stack), env: (service, templates, resolve) => azureEnv(cfg, service, templates, resolve) }),
  sharedMount: (s) => ({ type: "nfs", source: s.name, target: s.containerPath }),
};
