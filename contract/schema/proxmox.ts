import { z } from "./zod";
import { absolutePath, dnsLabel, ipv4, ipv4Cidr, memoryMb, secretName } from "./primitives";

/** A physical Proxmox VE node, with the capacity the contract checks guests against. */
export const proxmoxNode = z.strictObject({
  /** The node's name in the Proxmox cluster (as `pvecm nodes` shows it). */
  name: dnsLabel,
  /** Address Parity uses to SSH to the node itself (NFS export, storage registration). */
  address: ipv4,
  /** CPU cores of the node: no guest may ask for more. */
  cores: z.number().int().min(1),
  /** Memory of the node in MiB: the guests on it must fit together. */
  memoryMb,
});

/** The Debian 12 container template, pinned by URL and checksum so every node gets the same bytes. */
export const containerTemplate = z.strictObject({
  /**
   * Where each node downloads the template from, e.g. Proxmox's own image server
   * (https://download.proxmox.com/images/system/<fileName>). https only: the checksum proves the
   * bytes, TLS keeps the download from being tampered with or stalled on the way.
   */
  url: z.url({ protocol: /^https$/, error: "must be an https:// URL (plain http is not accepted for the template)" }),
  /** Name in the node's template storage; the version in it is the pin. */
  fileName: z.string().regex(/^[A-Za-z0-9._-]+\.tar\.(zst|gz|xz)$/, {
    error: "must be a template file name ending in .tar.zst, .tar.gz or .tar.xz",
  }),
  /**
   * Required: the digest of the template file, e.g. the `sha512sum` Proxmox's appliance index
   * (aplinfo, what `pveam available` reads) publishes for it. The node refuses bytes that differ.
   */
  checksum: z.string().regex(/^[a-f0-9]{64}$|^[a-f0-9]{128}$/, { error: "must be a sha256 (64 hex) or sha512 (128 hex) digest" }),
  checksumAlgorithm: z.enum(["sha256", "sha512"]).default("sha512"),
  /** Proxmox storage with `vztmpl` content on every node that hosts a guest. */
  datastore: z.string().min(1).default("local"),
}).superRefine((template, ctx) => {
  const hexLength = template.checksumAlgorithm === "sha512" ? 128 : 64;
  if (template.checksum.length !== hexLength) {
    ctx.addIssue({ code: "custom", path: ["checksum"], message: `a ${template.checksumAlgorithm} digest of ${hexLength} hex digits (checksumAlgorithm is ${template.checksumAlgorithm}; this one has ${template.checksum.length})` });
  }
});

export const proxmoxSettings = z.strictObject({
  /** API endpoint, e.g. https://192.168.1.10:8006/. Credentials come from the environment, never from here. */
  endpoint: z.url({ protocol: /^https$/ }),
  /** Accept the node's self-signed certificate. */
  insecure: z.boolean().default(false),
  nodes: z.array(proxmoxNode).min(1),
  template: containerTemplate,
  network: z.strictObject({
    /** Linux bridge on every node the guests attach to. */
    bridge: z.string().min(1).default("vmbr0"),
    /** Default gateway of statically addressed guests. */
    gateway: ipv4,
    /** Resolvers written into each guest; empty keeps the node's. */
    dnsServers: z.array(ipv4).default([]),
    /** The LAN the guests live on; static addresses and the gateway must be inside it. */
    subnet: ipv4Cidr,
    /**
     * Where people and tools that administer the platform connect from: SSH, web UIs, published
     * ports, health endpoints. Each guest's firewall admits these plus exactly what the declared
     * flows need from other guests, and drops everything else. Default: the whole `subnet`
     * (anyone on the LAN); narrow it to an admin workstation or VLAN, e.g. [192.168.1.20/32].
     */
    adminSources: z.array(ipv4Cidr).min(1).optional(),
    /**
     * Also enforce those rules inside each guest with nftables (default `true`): Proxmox's own
     * firewall does nothing while the datacenter firewall is off (see docs/ARCHITECTURE.md).
     */
    inGuestFirewall: z.boolean().default(true),
  }),
  /** Default storage for guest root disks. */
  datastore: z.string().min(1).default("local-lvm"),
  ssh: z
    .strictObject({
      /** User Parity (and the provider) SSH in as on nodes and guests. */
      user: z.string().min(1).default("root"),
      /** Secret holding an SSH private key; without it the SSH agent (SSH_AUTH_SOCK) is used. */
      privateKeySecret: secretName.optional(),
      /** Public keys installed in every guest's root account. */
      authorizedKeys: z.array(z.string().regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( .*)?$/, {
        error: "must be an OpenSSH public key line (ssh-ed25519/ssh-rsa/ecdsa-…)",
      })).min(1),
    }),
});

export const hostNetwork = z.union([
  z.strictObject({ dhcp: z.literal(true), mac: z.string().regex(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/, { error: "must be an uppercase MAC such as BC:24:11:00:00:01" }).optional() }),
  z.strictObject({ ipv4: ipv4Cidr, mac: z.string().regex(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/, { error: "must be an uppercase MAC such as BC:24:11:00:00:01" }).optional() }),
]);

/** One LXC guest. */
export const lxcHost = z.strictObject({
  /** Logical name used by services (`host: core`). */
  name: dnsLabel,
  /** Proxmox node the guest lives on (changing it replaces the guest). */
  node: dnsLabel,
  /** Fixed VMID; fixed VMIDs are replaced delete-first because Proxmox will not hold two. */
  vmid: z.number().int().min(100).max(999999999),
  /** Hostname inside the guest. */
  hostname: dnsLabel,
  /** DNS label under `parity:domain` other hosts use for this guest; defaults to `hostname`. */
  dnsName: dnsLabel.optional(),
  /** vCPUs of the guest (at most the node's cores). */
  cores: z.number().int().min(1),
  /** Memory of the guest in MiB; container limits on it must fit. */
  memoryMb,
  /** Swap of the guest in MiB. */
  swapMb: z.number().int().min(0).default(512),
  /** Root disk in GiB. */
  diskGb: z.number().int().min(4),
  /** Storage for the root disk; default `parity:proxmox.datastore` (changing it replaces the guest). */
  datastore: z.string().min(1).optional(),
  /** `{ ipv4: a.b.c.d/nn }` (recommended) or `{ dhcp: true }`, each with an optional fixed `mac`. */
  network: hostNetwork,
  /** Runs a Docker engine: gets `nesting` and `keyctl`, nothing else does. */
  docker: z.boolean().default(false),
  /** Holds data: `protect` in Pulumi and Proxmox protection, so no plan can destroy it silently. */
  stateful: z.boolean().default(false),
  /** Boot order on the node (lower first). Consumers still retry: Proxmox has no cross-node order. */
  startOrder: z.number().int().min(1).max(1000),
  /** Extra Proxmox tags besides `parity` and the stack name. */
  tags: z.array(dnsLabel).default([]),
  /**
   * Create this guest from a template built by `npm run build:template` (uploaded to the node's
   * template storage) instead of `parity:proxmox.template`. First boot provisions the guest;
   * Parity then pushes the stack's secrets and runs its steps as usual.
   */
  template: z.strictObject({
    built: z.strictObject({
      /** The built `.tar.gz`, relative to the project. */
      path: z.string().regex(/^[^\0]*[A-Za-z0-9._-]+\.tar\.(gz|zst|xz)$/, { error: "must be the path of a built template archive (.tar.gz, .tar.zst or .tar.xz)" }),
      /** From the `.sha256` file next to it: a rebuilt template shows in the plan. */
      sha256: z.string().regex(/^[a-f0-9]{64}$/, { error: "must be a sha256 hex digest" }),
      /** Storage with `vztmpl` content; default `parity:proxmox.template.datastore`. */
      datastore: z.string().min(1).optional(),
    }),
  }).optional(),
});

export const sharedStorage = z.strictObject({
  /** Proxmox storage ID registered on the consuming nodes. */
  name: dnsLabel,
  /** Proxmox node that exports the directory over NFS (never an unprivileged LXC: it cannot run nfsd). Required on target proxmox. */
  serverNode: dnsLabel.optional(),
  exportPath: absolutePath.default("/srv/ktrdr-shared"),
  /** Path inside every LXC (a bind mount point). */
  guestPath: absolutePath.default("/mnt/ktrdr-shared"),
  /** Path inside containers. */
  containerPath: absolutePath.default("/mnt/shared"),
  /** Host UID/GID that owns the export; 100000 is root of an unprivileged LXC with Proxmox's default idmap. */
  ownerUid: z.number().int().min(0).default(101000),
  ownerGid: z.number().int().min(0).default(101000),
  /** Hosts (by name) that mount it. Required on target proxmox; single-host targets use a named volume. */
  hosts: z.array(dnsLabel).min(1).optional(),
});
