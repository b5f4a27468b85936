import { ResourceValidationPolicy } from "@pulumi/policy";
import { STATEFUL_LABEL, TYPES, inputsOf, known, labelMap } from "./common";

/** Docker volume names that hold a database's files whatever label they carry. */
const DATA_VOLUME = /(^|[-_])pgdata$/;

/**
 * Stateful resources carry Pulumi `protect`, so a plan that would replace or delete one fails
 * instead of destroying data.
 *
 * - Proxmox guest: `protection: true` (Proxmox refuses deletion) and Pulumi `protect` go
 *   together. Proxmox protection alone makes `pulumi up` fail half-way through a replacement;
 *   Pulumi protect alone leaves the guest deletable from the Proxmox UI.
 * - Docker volume: protected when it is labelled `parity.stateful=true` or named like a
 *   database data directory (`…pgdata`).
 */
export const statefulProtected: ResourceValidationPolicy = {
  name: "stateful-resources-protected",
  description: "Stateful guests and volumes are Pulumi-protected; Proxmox protection and Pulumi protect go together.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type === TYPES.lxc) {
      const proxmoxProtection = known(() => inputsOf(args)["protection"]);
      // Present but unknown during a preview: nothing to compare yet.
      if (proxmoxProtection === undefined && "protection" in inputsOf(args)) return;
      if (proxmoxProtection === true && !args.opts.protect)
        report("protection: true in Proxmox but the resource is not Pulumi-protected; set the `protect` resource option (a replacement would fail half-way)");
      if (proxmoxProtection !== true && args.opts.protect)
        report("Pulumi-protected but Proxmox protection is off; set protection: true so the guest cannot be deleted from the Proxmox UI either");
      return;
    }
    if (args.type === TYPES.volume) {
      const name = known(() => inputsOf(args)["name"]);
      const labelled = labelMap(known(() => inputsOf(args)["labels"])).get(STATEFUL_LABEL) === "true";
      const dataName = typeof name === "string" && DATA_VOLUME.test(name);
      if ((labelled || dataName) && !args.opts.protect)
        report(`volume ${typeof name === "string" ? name : args.name} holds data (${labelled ? `label ${STATEFUL_LABEL}=true` : "a database data directory"}) but is not Pulumi-protected; set the \`protect\` resource option`);
    }
  },
};
