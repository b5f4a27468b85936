import { guestId } from "../../contract/idmap";
import type { TargetModelPart } from "../../model/target";
import { proxmoxContract } from "./contract";

/** Containers run on their guests; shared storage is the node's NFS export bind-mounted into each guest. */
export const proxmoxModel: TargetModelPart = {
  traits: proxmoxContract.traits,
  sharedMount: (s) => ({ type: "bind", source: s.guestPath, target: s.containerPath, group: guestId(s.ownerGid) }),
};
