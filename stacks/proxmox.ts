import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import { DockerHost } from "../components/docker/dockerHost";
import { DockerService } from "../components/docker/dockerService";
import { RolloutProxy } from "../components/docker/rolloutProxy";
import { PROXY_SETTLE_SECONDS } from "../renderers/rollout/haproxyConfig";
import type { GuestServices } from "../components/guest/guestServices";
import { BuiltTemplate } from "../components/proxmox/builtTemplate";
import { ContainerTemplate } from "../components/proxmox/containerTemplate";
import { GuestFirewall } from "../components/proxmox/guestFirewall";
import { renderGuestFirewall } from "../renderers/guestFirewall";
import { LxcHost } from "../components/proxmox/lxcHost";
import { NfsSharedStorage } from "../components/proxmox/nfsSharedStorage";
import { ProvisionStep, SshConnection } from "../components/remote/provisionStep";
import { StackSecrets } from "../components/secrets/stackSecrets";
import { HostModel, PlatformModel } from "../model/types";
import { renderDockerEngine } from "../renderers/dockerEngine";
import { renderFirstbootWait } from "../renderers/firstbootWait";
import { renderHostBootstrap } from "../renderers/hostBootstrap";
import { envEntries } from "./envEntries";
import { containerLabels, proxyLabels } from "./labels";
import { withObservabilityConfig } from "./observability";
import type { DeployOptions } from "../targets/types";

export interface ProxmoxDeployment {
  readonly hosts: Record<string, LxcHost>;
  readonly services: Record<string, DockerService>;
}

/**
 * The homelab: LXC guests on Proxmox nodes, provisioned over SSH, running Docker services.
 *
 * Order: templates and shared storage → guests → bootstrap → Docker engine → per-host Docker
 * provider and network → containers. Cross-node start order does not exist in Proxmox, so
 * services retry their dependencies (restart policies and health checks), not the plan.
 */
export function deployProxmox(model: PlatformModel, opts: DeployOptions): ProxmoxDeployment {
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

  const hosts: Record<string, LxcHost> = {};
  const dockerHosts: Record<string, DockerHost> = {};
  for (const h of model.hosts) {
    const lxc = new LxcHost(
      h.name,
      {
        host: h,
        templateFileId: h.builtTemplate
          ? new BuiltTemplate(`${h.name}-template`, { node: h.node, ...h.builtTemplate }, { provider }).fileId
          : templates[h.node]!.fileId,
        bridge: px.network.bridge,
        gateway: px.network.gateway,
        dnsServers: px.network.dnsServers,
        searchDomain: model.domain,
        authorizedKeys: px.ssh.authorizedKeys,
        stack: model.stack,
      },
      { provider, dependsOn: h.sharedMount ? storageReady : [] },
    );
    hosts[h.name] = lxc;
    const inGuest = model.hostServices.find((x) => x.host === h.name);
    // A guest from a built template provisions itself at first boot: wait for it, then hand it the stack's secrets.
    const firstboot = h.builtTemplate
      ? new ProvisionStep(
          `${h.name}-firstboot`,
          {
            connection: connect(h.sshAddress),
            bundle: renderFirstbootWait(Object.keys(inGuest?.secretEnv ?? {})),
            secrets: Object.fromEntries(Object.entries(inGuest?.secretEnv ?? {}).map(([env, secret]) => [env, secrets.values[secret]!])),
          },
          { dependsOn: [lxc] },
        )
      : undefined;
    const bootstrap = new ProvisionStep(
      `${h.name}-bootstrap`,
      { connection: connect(h.sshAddress), bundle: renderHostBootstrap({ hostname: h.hostname, fqdn: h.fqdn, authorizedKeys: px.ssh.authorizedKeys, ...(h.sharedMount ? { sharedPath: h.sharedMount.guestPath } : {}) }) },
      { dependsOn: [firstboot ?? lxc] },
    );
    const fw = model.guestFirewalls.find((f) => f.host === h.name);
    if (fw) {
      new GuestFirewall(`${h.name}-firewall`, { node: h.node, vmid: h.vmid, firewall: fw, dhcp: h.network.kind === "dhcp" }, { provider, dependsOn: [lxc] });
      // The same rules inside the guest: Proxmox's firewall does nothing while the datacenter firewall is off.
      if (px.network.inGuestFirewall)
        new ProvisionStep(`${h.name}-guest-firewall`, { connection: connect(h.sshAddress), bundle: renderGuestFirewall(fw) }, { dependsOn: [bootstrap] });
    }
    if (inGuest) {
      // Loaded only for guests with in-guest services: their renderers are most of Parity's code.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { GuestServices: Services } = require("../components/guest/guestServices") as { GuestServices: typeof GuestServices };
      new Services(`${h.name}-services`, { connection: connect(h.sshAddress), services: inGuest, secrets: secrets.values }, { dependsOn: [bootstrap] });
    }
    if (h.docker) dockerHosts[h.name] = dockerHost(model, h, secrets, connect, bootstrap);
  }

  for (const p of model.proxies) {
    const dh = dockerHosts[p.host]!;
    new RolloutProxy(`${p.host}-proxy`, { proxy: p, provider: dh.provider, networks: dh.networks, labels: proxyLabels(model, p) }, { dependsOn: [dh] });
  }
  const services: Record<string, DockerService> = {};
  // A pool's slots roll one at a time, across its hosts: each waits for the previous slot's health gate.
  const previousSlot = new Map<string, DockerService>();
  for (const declared of model.containers) {
    const { container: c, labels: configLabels } = withObservabilityConfig(model, declared);
    const dh = dockerHosts[c.host]!;
    const previous = c.pool ? previousSlot.get(c.pool) : undefined;
    const sshAddress = model.hosts.find((h) => h.name === c.host)!.sshAddress;
    services[c.name] = new DockerService(
      c.name,
      {
        container: c,
        provider: dh.provider,
        networks: dh.networks,
        image: dh.image(c.image.key, c.image.ref),
        envs: envEntries(c.env, secrets.values),
        labels: { ...containerLabels(model, c), ...configLabels },
        gateRunner: { kind: "remote", connection: connect(sshAddress) },
        proxySettleSeconds: PROXY_SETTLE_SECONDS,
      },
      { dependsOn: [dh, ...(previous ? [previous.ready] : [])] },
    );
    if (c.pool) previousSlot.set(c.pool, services[c.name]!);
  }
  return { hosts, services };
}

function dockerHost(
  model: PlatformModel,
  h: HostModel,
  secrets: StackSecrets,
  connect: (host: string) => SshConnection,
  bootstrap: ProvisionStep,
): DockerHost {
  const engine = new ProvisionStep(`${h.name}-docker-engine`, { connection: connect(h.sshAddress), bundle: renderDockerEngine() }, { dependsOn: [bootstrap] });
  return new DockerHost(
    `${h.name}-docker`,
    {
      endpoint: `ssh://${model.proxmox!.ssh.user}@${h.sshAddress}`,
      registries: model.registries.map((r) => ({ server: r.server, username: r.username, password: secrets.values[r.passwordSecret]! })),
      networks: model.networks.filter((n) => n.host === h.name),
    },
    { dependsOn: [engine] },
  );
}
