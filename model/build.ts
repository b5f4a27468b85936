import { StackConfig, ServiceConfig, WorkerPoolConfig } from "../contract/schema/stack";
import { parseImageRef } from "../core/imageRef";
import { plainValue, resolveTemplate, ResolveContext } from "./env";
import type { AzureAppSettings } from "./azure";
import { guestId } from "../contract/idmap";
import type { ManagedApps, TargetModelPart } from "./target";
import { buildHostServices } from "./hostServices";
import { deriveGuestFirewalls } from "./guestFirewall";
import { deriveNetworks } from "./networks";
import { deriveProxies, rolloutOf, withProxyMembers } from "./rollout";
import { ContainerModel, HostModel, PlatformModel, SharedStorageModel } from "./types";
import { workerInstanceName, workerSlots } from "../core/workerSlots";
import { buildObservability } from "./observability";

/**
 * Derives the platform model from a validated config. Pure: same config, same model.
 *
 * Addressing rule (proxmox and any multi-host target): a container reaches a service on its
 * own host by the service's name on the host's Docker network (`DB_HOST=db`) and its container
 * port; a service on another host by that service's FQDN and published host port.
 * Single-host targets (docker) use names and container ports throughout. Azure: one Container
 * App per service and worker slot, reached by app name (see model/azure.ts).
 */
export function buildPlatformModel(cfg: StackConfig, stack: string, target: TargetModelPart): PlatformModel {
  const multiHost = target.traits.multiHost;
  const azure = target.managedApps?.(cfg, stack);
  const hosts = cfg.hosts.map((h) => buildHost(cfg, h));
  const hostByName = new Map(hosts.map((h) => [h.name, h]));
  const services = new Map(cfg.services.map((s) => [s.name, s]));
  const fqdn = (label: string) => `${label}.${cfg.domain}`;
  const serviceFqdn = (s: ServiceConfig) => (s.dnsName ? fqdn(s.dnsName) : hostByName.get(s.host)?.fqdn ?? s.name);

  const reachFrom = (fromHost: string) => (name: string) => {
    if (azure) return azure.reach(name);
    const s = services.get(name)!;
    const port = s.ports[0];
    // On its own host a service is reached by the name its application expects: its first alias, else its name.
    if (!multiHost || s.host === fromHost) return { host: aliasesOf(cfg, s)[0] ?? s.name, ...(port ? { port: port.container } : {}) };
    return { host: serviceFqdn(s), ...(port?.host !== undefined ? { port: port.host } : {}) };
  };
  const stackCtx = { environment: cfg.environment, domain: cfg.domain, logLevel: cfg.logLevel, name: stack };

  const containers: Omit<ContainerModel, "networks">[] = [];
  for (const s of cfg.services) {
    if (azure && !azure.isContainerApp(s.name)) continue;
    const app = azure?.appSettings(s.name, s.name, s.ports[0]?.container);
    const published = app ? s.ports[0]?.container : s.ports[0]?.host ?? s.ports[0]?.container;
    const publicHost = app ? app.appName : multiHost ? serviceFqdn(s) : s.name;
    const appUrl = app && published !== undefined ? azure!.address(app).url : undefined;
    const ctx: ResolveContext = { stack: stackCtx, self: { name: s.name, host: publicHost, ...(published !== undefined ? { port: published } : {}), ...(appUrl ? { url: appUrl } : {}) }, ...sharedCtx(cfg, s), reach: reachFrom(s.host) };
    const publicUrl = appUrl ?? (published !== undefined ? `http://${publicHost}:${published}` : undefined);
    // Dev-only published ports (debugging a database or an engine locally) exist only in the dev profile.
    const ports = cfg.profile === "dev" && s.dev?.ports.length ? [...s.ports, ...s.dev.ports] : s.ports;
    containers.push(buildContainer(cfg, target, azure, s, { name: s.name, kind: "service", aliases: azure ? [] : aliasesOf(cfg, s), host: multiHost ? s.host : "local", ports, volumes: s.volumes, stateful: s.stateful, ctx, ...(publicUrl ? { publicUrl } : {}), ...(app ? { azure: app } : {}) }));
  }
  for (const w of cfg.workers) {
    for (const slot of workerSlots(w, Math.max(0, w.replicas))) {
      const name = workerInstanceName(w.name, slot.replica);
      // Azure: each slot is its own app, so each keeps its own WORKER_PUBLIC_BASE_URL.
      const app = azure?.appSettings(w.name, name, slot.port);
      const publicHost = app ? app.appName : multiHost ? hostByName.get(slot.host)?.fqdn ?? slot.host : name;
      const appUrl = app ? azure!.address(app).url : undefined;
      const ctx: ResolveContext = { stack: stackCtx, self: { name, host: publicHost, port: slot.port, replica: slot.replica, ...(appUrl ? { url: appUrl } : {}) }, ...sharedCtx(cfg, w), reach: reachFrom(slot.host) };
      containers.push(
        buildContainer(cfg, target, azure, w, {
          name, kind: "worker", aliases: [], pool: w.name, replica: slot.replica, host: multiHost ? slot.host : "local",
          ports: [{ container: slot.port, host: slot.port }], volumes: [], stateful: false, ctx, publicUrl: appUrl ?? `http://${publicHost}:${slot.port}`,
          ...(app ? { azure: app } : {}),
        }),
      );
    }
  }

  // Azure apps are found by app name inside the environment: nothing for users to publish.
  const dnsRecords = azure ? [] : [
    ...hosts.map((h) => ({ fqdn: h.fqdn, host: h.name, address: h.network.kind === "static" ? h.network.ipv4Cidr.split("/")[0]! : "(DHCP reservation)" })),
    ...cfg.services.filter((s) => s.dnsName).map((s) => {
      const h = hostByName.get(s.host);
      return { fqdn: fqdn(s.dnsName!), host: s.host, address: h && h.network.kind === "static" ? h.network.ipv4Cidr.split("/")[0]! : "(DHCP reservation)" };
    }),
  ];

  // Azure has no Docker networks: apps share one Container Apps environment.
  const flowNetworks = azure ? [] : deriveNetworks(
    stack,
    containers.map((c) => ({
      name: c.name, host: c.host, flowName: c.pool ?? c.name,
      publishes: c.ports.some((p) => p.host !== undefined),
      egress: [...cfg.services, ...cfg.workers].find((x) => x.name === (c.pool ?? c.name))!.egress,
    })),
    cfg.flows,
  );
  // Azure rolls out revisions itself: no proxy there.
  const proxies = azure ? [] : deriveProxies(containers, flowNetworks, cfg.containerLogs);
  const networks = withProxyMembers(flowNetworks, proxies);
  const observability = buildObservability(cfg, containers, multiHost);
  const withNetworks: ContainerModel[] = containers.map((c) => ({
    ...c,
    networks: networks.filter((n) => n.host === c.host && n.members.includes(c.name)).map((n) => n.name),
  }));

  return {
    stack, target: cfg.target, environment: cfg.environment, domain: cfg.domain, logLevel: cfg.logLevel, profile: cfg.profile,
    ...(cfg.proxmox ? { proxmox: { ...cfg.proxmox, ssh: { ...cfg.proxmox.ssh } } } : {}),
    hosts,
    ...(cfg.sharedStorage ? { sharedStorage: buildSharedStorage(cfg, hosts) } : {}),
    registries: cfg.registries,
    secrets: cfg.secrets,
    containers: withNetworks,
    hostServices: buildHostServices(cfg, stack),
    ...(azure ? { azure: azure.model } : {}),
    networks,
    proxies,
    ...(observability ? { observability } : {}),
    dnsRecords,
    guestFirewalls: deriveGuestFirewalls(cfg, hosts, withNetworks),
    ...target.extend?.(cfg),
  };
}

/** The network aliases of a service in this stack's profile (dev may name them differently). */
export function aliasesOf(cfg: StackConfig, s: ServiceConfig): readonly string[] {
  return cfg.profile === "dev" && s.dev?.aliases ? s.dev.aliases : s.aliases;
}

function sharedCtx(cfg: StackConfig, c: ServiceConfig | WorkerPoolConfig): { sharedPath?: string } {
  return c.sharedStorage && cfg.sharedStorage ? { sharedPath: cfg.sharedStorage.containerPath } : {};
}

interface InstanceFields {
  name: string; kind: "service" | "worker"; aliases: readonly string[]; pool?: string; replica?: number; host: string;
  ports: ContainerModel["ports"]; volumes: ContainerModel["volumes"]; stateful: boolean; ctx: ResolveContext; publicUrl?: string;
  azure?: AzureAppSettings;
}

function buildContainer(cfg: StackConfig, target: TargetModelPart, apps: ManagedApps | undefined, c: ServiceConfig | WorkerPoolConfig, f: InstanceFields): Omit<ContainerModel, "networks"> {
  const ref = cfg.images[c.image]!;
  const registry = parseImageRef(ref).registry;
  // The dev profile overrides what a dev compose file would change: command, source mount, a few env values.
  const dev = cfg.profile === "dev" ? c.dev : undefined;
  const envTemplates = { ...c.env, ...(dev?.env ?? {}) };
  // The templates as written; a managed-app platform supplies some values itself.
  const resolve = (t: string) => resolveTemplate(t, f.ctx);
  const env = apps ? apps.env(f.pool ?? f.name, envTemplates, resolve) : Object.fromEntries(Object.entries(envTemplates).map(([k, t]) => [k, resolve(t)]));
  const plain = (t: string) => plainValue(resolveTemplate(t, f.ctx));
  const command = dev?.command ?? c.command;
  return {
    name: f.name, kind: f.kind, aliases: f.aliases, ...(f.pool ? { pool: f.pool, replica: f.replica! } : {}), host: f.host,
    image: { key: c.image, ref, ...(registry ? { registry } : {}) },
    ...(command ? { command: command.map(plain) } : {}),
    env, ports: f.ports, volumes: f.volumes, stateful: f.stateful, limits: c.limits,
    // The dev profile edits code in place (a bind-mounted source that reloads): its containers
    // publish their own ports and are replaced delete-first, with no proxy in the loop.
    rollout: rolloutOf({ kind: f.kind, stateful: f.stateful, volumes: f.volumes, ports: f.ports, ...(c.healthcheck ? { healthcheck: c.healthcheck } : {}), rollout: cfg.profile === "dev" ? { ...c.rollout, recreate: true } : c.rollout }),
    files: "files" in c ? c.files : [],
    ...(c.healthcheck ? { healthcheck: { ...c.healthcheck, test: c.healthcheck.test.map(plain) } } : {}),
    restart: c.restart, ...(c.user ? { user: c.user } : {}), ...(c.allowRoot ? { allowRoot: c.allowRoot } : {}),
    // A bind-mounted source tree is written by reloaders and tools: dev relaxes the read-only root.
    readOnlyRootFs: dev?.sourceMount ? false : c.readOnlyRootFs,
    ...(dev?.sourceMount ? { writableRootReason: "dev profile: reloaders and tools write next to the bind-mounted source tree" }
      : c.writableRootReason ? { writableRootReason: c.writableRootReason } : {}),
    capabilities: c.capabilities, init: c.init, tmpfs: [...new Set(["/tmp", ...c.tmpfs])], logs: cfg.containerLogs,
    ...(dev?.sourceMount ? { sourceMount: dev.sourceMount } : {}),
    ...(c.sharedStorage && cfg.sharedStorage ? { sharedMount: target.sharedMount(cfg.sharedStorage, f.ctx.stack.name) } : {}),
    ...(f.publicUrl ? { publicUrl: f.publicUrl } : {}),
    ...(f.azure ? { azure: f.azure } : {}),
  };
}

function buildHost(cfg: StackConfig, h: StackConfig["hosts"][number]): HostModel {
  const fqdn = `${h.dnsName ?? h.hostname}.${cfg.domain}`;
  const network: HostModel["network"] = "ipv4" in h.network
    ? { kind: "static", ipv4Cidr: h.network.ipv4, ...(h.network.mac ? { mac: h.network.mac } : {}) }
    : { kind: "dhcp", ...(h.network.mac ? { mac: h.network.mac } : {}) };
  const storage = cfg.sharedStorage;
  const mounts = storage?.hosts?.includes(h.name);
  return {
    name: h.name, node: h.node, vmid: h.vmid, hostname: h.hostname, fqdn,
    sshAddress: network.kind === "static" ? network.ipv4Cidr.split("/")[0]! : fqdn,
    network, cores: h.cores, memoryMb: h.memoryMb, swapMb: h.swapMb, diskGb: h.diskGb,
    datastore: h.datastore ?? cfg.proxmox?.datastore ?? "local-lvm",
    ...(h.template?.built
      ? { builtTemplate: { path: h.template.built.path, fileName: h.template.built.path.split("/").pop()!, sha256: h.template.built.sha256, datastore: h.template.built.datastore ?? cfg.proxmox?.template.datastore ?? "local" } }
      : {}),
    docker: h.docker, sandboxedServices: h.name in cfg.hostServices, stateful: h.stateful, startOrder: h.startOrder, tags: h.tags,
    ...(storage && mounts
      ? { sharedMount: { nodePath: h.node === storage.serverNode ? storage.exportPath : `/mnt/pve/${storage.name}`, guestPath: storage.guestPath, group: guestId(storage.ownerGid) } }
      : {}),
  };
}

function buildSharedStorage(cfg: StackConfig, hosts: readonly HostModel[]): SharedStorageModel {
  const s = cfg.sharedStorage!;
  const nodes = cfg.proxmox?.nodes ?? [];
  const server = nodes.find((n) => n.name === s.serverNode);
  const mounting = s.hosts ?? [];
  const clientNames = [...new Set(hosts.filter((h) => mounting.includes(h.name) && h.node !== s.serverNode).map((h) => h.node))];
  return {
    name: s.name, serverNode: s.serverNode ?? "", serverAddress: server?.address ?? "",
    exportPath: s.exportPath, guestPath: s.guestPath, containerPath: s.containerPath,
    ownerUid: s.ownerUid, ownerGid: s.ownerGid, guestGid: guestId(s.ownerGid),
    clientNodes: clientNames.map((n) => ({ name: n, address: nodes.find((x) => x.name === n)?.address ?? "" })),
    clientMountPath: `/mnt/pve/${s.name}`,
    hosts: mounting,
  };
}
