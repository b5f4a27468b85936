import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import { HostModel } from "../../model/types";

/** Tag marking guests whose in-guest services need `nesting` (read by the policy pack). */
export const SANDBOX_TAG = "parity-sandboxed-services";

export interface LxcHostArgs {
  /** The guest as the model describes it. */
  readonly host: HostModel;
  readonly templateFileId: pulumi.Input<string>;
  readonly bridge: string;
  readonly gateway: string;
  readonly dnsServers: readonly string[];
  readonly searchDomain: string;
  /** Keys installed at creation only; later changes go through the bootstrap step. */
  readonly authorizedKeys: readonly string[];
  /** Tags besides `parity` and the stack name. */
  readonly stack: string;
}

/**
 * One unprivileged Debian 12 LXC on a named Proxmox node.
 *
 * - `unprivileged: true` is explicit: the provider's default is a privileged guest.
 * - `nesting` + `keyctl` only when the guest runs Docker (keyctl needs root@pam); `nesting`
 *   alone for guests with sandboxed in-guest systemd services.
 * - Stateful guests get Proxmox protection and Pulumi `protect`: a plan that would replace one
 *   fails instead of destroying data. Fixed VMIDs are replaced delete-first (Proxmox holds one
 *   guest per VMID).
 * - Template and creation-time SSH keys are ignored after creation: either change would
 *   otherwise force a replacement; keys are managed by the bootstrap step instead.
 */
export class LxcHost extends pulumi.ComponentResource {
  public readonly container: proxmox.ContainerLegacy;
  public readonly vmId: pulumi.Output<number>;

  constructor(name: string, args: LxcHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:proxmox:LxcHost", name, {}, opts);
    const h = args.host;
    const ipv4 = h.network.kind === "static" ? { address: h.network.ipv4Cidr, gateway: args.gateway } : { address: "dhcp" };
    this.container = new proxmox.ContainerLegacy(
      `${name}-lxc`,
      {
        nodeName: h.node,
        vmId: h.vmid,
        description: `Managed by Parity (stack ${args.stack}). Changes made in the Proxmox UI are reverted by the next deployment.`,
        tags: ["parity", args.stack, ...(h.sandboxedServices ? [SANDBOX_TAG] : []), ...h.tags],
        unprivileged: true,
        // Docker needs nesting and keyctl. systemd's namespace sandboxing (PrivateTmp,
        // ProtectSystem, ...) needs nesting under Proxmox's AppArmor profile, or units fail
        // with 226/NAMESPACE. Nothing else gets features.
        ...(h.docker ? { features: { nesting: true, keyctl: true } } : h.sandboxedServices ? { features: { nesting: true } } : {}),
        cpu: { cores: h.cores, architecture: "amd64" },
        memory: { dedicated: h.memoryMb, swap: h.swapMb },
        disk: { datastoreId: h.datastore, size: h.diskGb },
        operatingSystem: { templateFileId: args.templateFileId, type: "debian" },
        initialization: {
          hostname: h.hostname,
          ipConfigs: [{ ipv4 }],
          dns: { domain: args.searchDomain, ...(args.dnsServers.length ? { servers: [...args.dnsServers] } : {}) },
          userAccount: { keys: [...args.authorizedKeys] },
        },
        // firewall: the guest's Proxmox firewall (GuestFirewall) filters this NIC.
        networkInterfaces: [{ name: "eth0", bridge: args.bridge, firewall: true, ...(h.network.mac ? { macAddress: h.network.mac } : {}) }],
        mountPoints: h.sharedMount
          ? [{ volume: h.sharedMount.nodePath, path: h.sharedMount.guestPath, backup: false, replicate: false, shared: true }]
          : [],
        startOnBoot: true,
        started: true,
        startup: { order: h.startOrder, upDelay: 15, downDelay: 30 },
        protection: h.stateful,
      },
      {
        parent: this,
        protect: h.stateful,
        deleteBeforeReplace: true,
        ignoreChanges: ["operatingSystem.templateFileId", "initialization.userAccount"],
      },
    );
    this.vmId = this.container.vmId;
    this.registerOutputs({ vmId: this.vmId });
  }
}
