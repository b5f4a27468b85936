import type { TargetContract } from "../../contract/target";
import { checkBuiltTemplates } from "./checks/builtTemplates";
import { checkCapacity } from "./checks/capacity";
import { checkHostServices } from "./checks/hostServices";
import { checkNetwork } from "./checks/network";
import { checkProxmoxReferences } from "./checks/references";
import { checkProxmoxRequired } from "./checks/required";
import { checkProxmoxUniqueness } from "./checks/uniqueness";

/** The homelab: LXC guests on Proxmox nodes, each with its own Docker engine and in-guest services. */
export const proxmoxContract: TargetContract = {
  name: "proxmox",
  traits: {
    multiHost: true,
    dockerNetworks: true,
    absentUserRunsAsRoot: true,
    cpus: { max: 1024, step: 0.01, allowed: "0.01 to 1024, in steps of 0.01 (Docker's --cpus)" },
    observabilityConfig: true,
  },
  ownedKeys: ["proxmox", "hosts", "hostServices", "sharedStorage.serverNode", "sharedStorage.hosts"],
  realizedElsewhere: () => false,
  remoteEngine: () => "target 'proxmox' runs containers on remote engines",
  check: (cfg, raw, stack) => [
    ...checkProxmoxRequired(cfg, raw),
    ...checkProxmoxReferences(cfg),
    ...checkProxmoxUniqueness(cfg),
    ...checkCapacity(cfg),
    ...checkNetwork(cfg),
    ...checkHostServices(cfg),
    ...checkBuiltTemplates(cfg, stack),
  ],
};
