import type { GuestFirewallModel } from "./guestFirewall";
import { SecretSource, Target } from "../contract/schema/stack";
import { AzureAppSettings, AzureModel } from "./azure";
import { HostServicesModel } from "./hostServices";
import { NetworkModel } from "./networks";
import type { ProxyModel, RolloutModel } from "./rollout";
import type { ObservabilityModel } from "./observability";

export type { NetworkModel } from "./networks";

/**
 * The platform model: pure data derived from a validated stack config. Targets read only
 * this; nothing here knows about Pulumi.
 */
export interface PlatformModel {
  readonly stack: string;
  readonly target: Target;
  readonly environment: string;
  readonly domain: string;
  readonly logLevel: string;
  readonly proxmox?: ProxmoxModel;
  readonly hosts: readonly HostModel[];
  readonly sharedStorage?: SharedStorageModel;
  readonly registries: readonly RegistryModel[];
  readonly secrets: Readonly<Record<string, SecretSource>>;
  readonly containers: readonly ContainerModel[];
  /** Services installed inside guests, as renderer specs (see model/hostServices.ts). */
  readonly hostServices: readonly HostServicesModel[];
  /** Docker networks per host, derived from flows (see model/networks.ts). */
  readonly networks: readonly NetworkModel[];
  /** Per Docker host with proxied services: the proxy that owns their published ports (model/rollout.ts). */
  readonly proxies: readonly ProxyModel[];
  /** Ingress rules per Proxmox guest, from flows, published ports and in-guest listeners (model/guestFirewall.ts). */
  readonly guestFirewalls: readonly GuestFirewallModel[];
  /** Target azure: region, names, network and managed realizations (model/azure.ts). */
  readonly azure?: AzureModel;
  /** The docker target's engine. */
  readonly docker?: { readonly endpoint: string };
  readonly profile: "prod" | "dev";
  /** Prometheus's scrape targets and Grafana's data sources (targets proxmox and docker). */
  readonly observability?: ObservabilityModel;
  /** Names users must publish in DNS, and the guest address each points at. */
  readonly dnsRecords: readonly { readonly fqdn: string; readonly host: string; readonly address: string }[];
}

export interface ProxmoxModel {
  readonly endpoint: string;
  readonly insecure: boolean;
  readonly nodes: readonly { readonly name: string; readonly address: string; readonly cores: number; readonly memoryMb: number }[];
  readonly template: { readonly url: string; readonly fileName: string; readonly checksum: string; readonly checksumAlgorithm: "sha256" | "sha512"; readonly datastore: string };
  readonly network: { readonly bridge: string; readonly gateway: string; readonly dnsServers: readonly string[]; readonly subnet: string; readonly adminSources?: readonly string[]; readonly inGuestFirewall: boolean };
  readonly ssh: { readonly user: string; readonly privateKeySecret?: string; readonly authorizedKeys: readonly string[] };
}

export interface HostModel {
  readonly name: string;
  readonly node: string;
  readonly vmid: number;
  readonly hostname: string;
  /** `<dnsName>.<domain>`. */
  readonly fqdn: string;
  /** Where Parity connects over SSH: the static address, or the FQDN for DHCP guests (never a polled address). */
  readonly sshAddress: string;
  readonly network: { readonly kind: "static"; readonly ipv4Cidr: string; readonly mac?: string } | { readonly kind: "dhcp"; readonly mac?: string };
  readonly cores: number;
  readonly memoryMb: number;
  readonly swapMb: number;
  readonly diskGb: number;
  readonly datastore: string;
  readonly docker: boolean;
  /** Runs systemd services with namespace sandboxing (in-guest services): needs `nesting` on Proxmox. */
  readonly sandboxedServices: boolean;
  readonly stateful: boolean;
  readonly startOrder: number;
  readonly tags: readonly string[];
  /** A template built for this guest, uploaded instead of downloading the stock one. */
  readonly builtTemplate?: { readonly path: string; readonly fileName: string; readonly sha256: string; readonly datastore: string };
  /** Bind mount of the shared storage into this guest, when it uses it. */
  readonly sharedMount?: { readonly nodePath: string; readonly guestPath: string;
    /** The share's common group as the guest sees it (see renderers/sharedDirectory.ts). */
    readonly group: number };
}

export interface SharedStorageModel {
  readonly name: string;
  readonly serverNode: string;
  readonly serverAddress: string;
  readonly exportPath: string;
  readonly guestPath: string;
  readonly containerPath: string;
  readonly ownerUid: number;
  readonly ownerGid: number;
  /** The common group as guests see it (ownerGid through the unprivileged idmap). */
  readonly guestGid: number;
  /** Nodes other than the server that mount the export (as Proxmox NFS storage). */
  readonly clientNodes: readonly { readonly name: string; readonly address: string }[];
  /** Where the export appears on a client node: Proxmox mounts NFS storage at /mnt/pve/<id>. */
  readonly clientMountPath: string;
  readonly hosts: readonly string[];
}

export interface RegistryModel {
  readonly server: string;
  readonly username: string;
  readonly passwordSecret: string;
}

/** A value's pieces: literal text and secret references, in order. */
export type ValuePart = string | { readonly secret: string };

export interface EnvValue {
  readonly parts: readonly ValuePart[];
  /** True when any part is a secret: the whole value is then secret. */
  readonly secret: boolean;
  /**
   * The platform, not Parity, supplies the value (azure only; `parts` is then empty):
   * `openTelemetryAgent` — injected by the Container Apps environment's OpenTelemetry agent;
   * `identityClientId` — the client id of the apps' user-assigned identity, known once it exists.
   */
  readonly platform?: "openTelemetryAgent" | "identityClientId";
}

export interface ContainerModel {
  /** Container name and Docker DNS name on its host. */
  readonly name: string;
  readonly kind: "service" | "worker";
  /** Further names on its Docker networks (network aliases), in the stack's profile; none on Azure. */
  readonly aliases: readonly string[];
  readonly pool?: string;
  readonly replica?: number;
  readonly host: string;
  readonly image: { readonly key: string; readonly ref: string; readonly registry?: string };
  readonly command?: readonly string[];
  readonly env: Readonly<Record<string, EnvValue>>;
  readonly ports: readonly { readonly container: number; readonly host?: number }[];
  readonly volumes: readonly { readonly name: string; readonly path: string }[];
  readonly stateful: boolean;
  readonly limits: { readonly memoryMb: number; readonly cpus: number };
  readonly healthcheck?: { readonly test: readonly string[]; readonly intervalSeconds: number; readonly timeoutSeconds: number; readonly retries: number; readonly startPeriodSeconds: number };
  readonly restart: "always" | "unless-stopped" | "on-failure";
  readonly user?: string;
  /** Why the container runs as root, when it must (declared in the stack, checked by policy). */
  readonly allowRoot?: string;
  readonly readOnlyRootFs: boolean;
  /** Why the root is writable, when `readOnlyRootFs` is false (the stack's, or the dev profile's). */
  readonly writableRootReason?: string;
  /** Capabilities added back after dropping all, each with its reason. */
  readonly capabilities: readonly { readonly add: string; readonly reason: string }[];
  /** Docker's init as PID 1 (reaps children, forwards signals). */
  readonly init: boolean;
  /** Writable tmpfs paths on a read-only root, `/tmp` first. */
  readonly tmpfs: readonly string[];
  /** json-file log rotation (`parity:containerLogs`). */
  readonly logs: { readonly maxSizeMb: number; readonly maxFiles: number };
  /** Shared storage: a bind of the guest path (multi-host), a named volume (single host), or the Azure Files NFS share. */
  readonly sharedMount?: { readonly type: "bind" | "volume" | "nfs"; readonly source: string; readonly target: string;
    /** Bind (proxmox): the share's common group (guest gid), added to the container's groups so any user can write. */
    readonly group?: number };
  /** Public address other hosts use: `<fqdn>:<port>`, when it publishes a port. */
  readonly publicUrl?: string;
  /** Files uploaded into the container before start. */
  readonly files: readonly { readonly path: string; readonly content: string; readonly executable: boolean }[];
  /** Networks it joins on its host; none means no network at all. */
  readonly networks: readonly string[];
  /** Target azure: its Container App's name and ingress. */
  readonly azure?: AzureAppSettings;
  /** How a change replaces it: order, graceful stop, health gate (model/rollout.ts). */
  readonly rollout: RolloutModel;
  /** Dev profile: the source tree bound into the container. */
  readonly sourceMount?: { readonly hostPath: string; readonly containerPath: string };
}
