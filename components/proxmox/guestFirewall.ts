import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import type { GuestFirewallModel } from "../../model/guestFirewall";

export interface GuestFirewallArgs {
  readonly node: string;
  readonly vmid: number;
  readonly firewall: GuestFirewallModel;
  /** The guest takes its address by DHCP: its firewall must let the DHCP exchange through. Default false. */
  readonly dhcp?: boolean;
}

/**
 * Proxmox's firewall for one guest: input policy DROP, and one ACCEPT rule per (port, source)
 * of the guest's ingress rules. It filters on the guest's NIC (which LxcHost creates with
 * `firewall: true`) before any DNAT inside the guest, so published Docker ports are plain ports
 * here. Proxmox applies none of it unless the datacenter firewall is enabled (Datacenter →
 * Firewall → Options, `enable: 1` in /etc/pve/firewall/cluster.fw) and pve-firewall runs on the
 * node — see docs/OPERATIONS.md.
 */
export class GuestFirewall extends pulumi.ComponentResource {
  constructor(name: string, args: GuestFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:proxmox:GuestFirewall", name, {}, opts);
    const guest = { nodeName: args.node, containerId: args.vmid };
    const rules = new proxmox.firewall.RulesLegacy(
      `${name}-rules`,
      {
        ...guest,
        rules: args.firewall.rules.flatMap((r) =>
          r.sources.map((source) => ({ type: "in", action: "ACCEPT", proto: "tcp", dport: String(r.port), source, comment: `parity: ${r.why}`, enabled: true })),
        ),
      },
      { parent: this },
    );
    // The DROP policy only once the rules exist: the other order would cut a running guest off (SSH included).
    const options = new proxmox.firewall.OptionsLegacy(
      `${name}-options`,
      { ...guest, enabled: true, inputPolicy: "DROP", outputPolicy: "ACCEPT", dhcp: args.dhcp ?? false, ndp: true, macfilter: true, ipfilter: false, radv: false },
      { parent: this, dependsOn: [rules] },
    );
    this.registerOutputs({ options: options.id, rules: rules.id });
  }
}
