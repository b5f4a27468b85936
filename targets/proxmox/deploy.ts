import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import type { DockerService } from "../../components/docker/dockerService";
import { PROXY_SETTLE_SECONDS } from "../../renderers/rollout/haproxyConfig";
import { ContainerTemplate } from "../../components/proxmox/containerTemplate";
import type { LxcHost } from "../../components/proxmox/lxcHost";
import { NfsSharedStorage } from "../../components/proxmox/nfsSharedStorage";
import { ProxmoxGuest } from "../../components/proxmox/proxmoxGuest";
import type { SshConnection } from "../../components/remote/provisionStep";
import { StackSecrets } from "../../components/secrets/stackSecrets";
import type { PlatformModel } from "../../model/types";
import { guestPlan } from "./guestPlan";
import { envEntries } from "../shared/envEntries";
import { containerLabels, proxyLabels } from "../shared/labels";
import { withObservabilityConfig } from "../shared/observabilityConfig";
import type { DeployOptions } from "../types";
import { yieldToSdk } from "../shared/yieldToSdk";

export interface ProxmoxDeployment {
  readonly hosts: Record<string, LxcHost>;
  readonly services: Record<string, DockerService>;
}

/**
 * The homelab: LXC guests on Proxmox nodes, provisioned over SSH, running Docker services.
 *
 * Shared parts (provider, secrets, stock templates, NFS storage), then one ProxmoxGuest per host,
 * which runs its guest plan's steps, then the containers on each guest's Docker host. Cross-node
 * start order does not exist in Proxmox, so services retry their dependencies (restart policies
 * and health checks), not the plan.
 */
export async function deployProxmox(model: PlatformModel, opts: DeployOptions): Promise<ProxmoxDeployment> {
  const px = model.proxmox!;
  const provider = new proxmox.Provider("proxmox", {
    endpoint: px.endpoint,
    insecure: px.insecure,
    // Bind mounts and the keyctl feature need root@pam (ticket auth, not an API token), and the
    // provider itself SSHes to nodes for what the API cannot do. Credentials come from
    // PROXMOX_VE_USERNAME/PROXMOX_VE_PASSWORD (or PROXMOX_VE_API_TOKEN) in the environment.
    ssh: { agent: true, username: px.ssh.user },
  });
  const secrets = new StackSecrets("secrets", { secrets: model.secrets, environment: opts.environment, placeholderForMissing: opts.offlinePlan });
  const privateKey = px.ssh.privateKeySecret ? secrets.values[px.ssh.privateKeySecret] : undefined;
  const connect = (host: string): SshConnection => ({
    host,
    user: px.ssh.user,
    ...(privateKey ? { privateKey } : {}),
    dialErrorLimit: 30,
    perDialTimeout: 10,
  });

  // The stock template only on nodes where some guest uses it; built templates per guest.
  const nodesWithGuests = [...new Set(model.hosts.filter((h) => !h.builtTemplate).map((h) => h.node))];
  const templates = Object.fromEntries(
    nodesWithGuests.map((node) => [
      node,
      new ContainerTemplate(`template-${node}`, { node, ...px.template }, { provider }),
    ]),
  );

  let storageReady: pulumi.Resource[] = [];
  if (model.sharedStorage) {
    const nodeAddress = px.nodes.find((n) => n.name === model.sharedStorage!.serverNode)!.address;
    const storage = new NfsSharedStorage(`shared-${model.sharedStorage.name}`, { storage: model.sharedStorage, serverConnection: connect(nodeAddress) }, { provider });
    storageReady = storage.ready;
  }

  const guests: Record<string, ProxmoxGuest> = {};
  for (const h of model.hosts) {
    const fw = model.guestFirewalls.find((f) => f.host === h.name);
    guests[h.name] = new ProxmoxGuest(h.name, {
      host: h,
      provider,
      lxc: {
        bridge: px.network.bridge,
        gateway: px.network.gateway,
        dnsServers: px.network.dnsServers,
        searchDomain: model.domain,
        authorizedKeys: px.ssh.authorizedKeys,
        stack: model.stack,
      },
      ...(h.builtTemplate ? {} : { stockTemplateFileId: templates[h.node]!.fileId }),
      lxcDependsOn: h.sharedMount ? storageReady : [],
      connection: connect(h.sshAddress),
      steps: guestPlan(model, h).steps,
      secrets: secrets.values,
      ...(fw ? { firewall: fw } : {}),
      ...(h.docker
        ? {
            docker: {
              endpoint: `ssh://${px.ssh.user}@${h.sshAddress}`,
              registries: model.registries.map((r) => ({ server: r.server, username: r.username, password: secrets.values[r.passwordSecret]! })),
              networks: model.networks.filter((n) => n.host === h.name),
            },
          }
        : {}),
      proxies: model.proxies.filter((p) => p.host === h.name).map((proxy) => ({ proxy, labels: proxyLabels(model, proxy) })),
    });
    await yieldToSdk();
  }

  const services: Record<string, DockerService> = {};
  // A pool's slots roll one at a time, across its guests: each waits for the previous slot's health gate.
  const previousSlot = new Map<string, DockerService>();
  for (const declared of model.containers) {
    const { container: c, labels: configLabels } = withObservabilityConfig(model, declared);
    const previous = c.pool ? previousSlot.get(c.pool) : undefined;
    services[c.name] = guests[c.host]!.placeService(
      {
        container: c,
        envs: envEntries(c.env, secrets.values),
        labels: { ...containerLabels(model, c), ...configLabels },
        proxySettleSeconds: PROXY_SETTLE_SECONDS,
      },
      previous ? [previous.ready] : [],
    );
    if (c.pool) previousSlot.set(c.pool, services[c.name]!);
    await yieldToSdk();
  }
  return { hosts: Object.fromEntries(Object.entries(guests).map(([name, g]) => [name, g.lxc])), services };
}
