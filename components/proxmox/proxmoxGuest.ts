import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import type { GuestFirewallModel } from "../../model/guestFirewall";
import type { HostModel } from "../../model/types";
import type { ProxyModel } from "../../model/rollout";
import type { ProvisionBundle } from "../../renderers/bundle";
import { DockerHost, DockerHostArgs } from "../docker/dockerHost";
import { DockerService, DockerServiceArgs } from "../docker/dockerService";
import { RolloutProxy } from "../docker/rolloutProxy";
import { ProvisionStep, SshConnection } from "../remote/provisionStep";
import { BuiltTemplate } from "./builtTemplate";
import { GuestFirewall } from "./guestFirewall";
import { LxcHost, LxcHostArgs } from "./lxcHost";

/** One provisioning step of the guest, as the proxmox target's guest plan lists it. */
export interface GuestStepSpec {
  /** Stable key; the step's resource is `<guest>-<key>`, or `<guest>-services-<key>` for service steps. */
  readonly key: string;
  readonly bundle: ProvisionBundle;
  /** Keys of earlier steps it waits for; a step that names none waits for the LXC. */
  readonly after: readonly string[];
  /** Step env name (what the bundle reads on stdin) → `parity:secrets` name; one entry per `bundle.secretEnv`. */
  readonly secrets: Readonly<Record<string, string>>;
  /** An in-guest service step: its resource is named `<guest>-services-<key>`, as it always was. */
  readonly service: boolean;
}

export interface ProxmoxGuestArgs {
  readonly host: HostModel;
  /** The Proxmox provider, for the LXC, the uploaded template and the firewall. */
  readonly provider: proxmox.Provider;
  /** LXC settings other than the host model and the template. */
  readonly lxc: Omit<LxcHostArgs, "host" | "templateFileId">;
  /** The node's stock template; used when the host has no built template of its own. */
  readonly stockTemplateFileId?: pulumi.Input<string>;
  /** What the LXC must wait for (the shared storage, for guests that mount it). */
  readonly lxcDependsOn?: readonly pulumi.Resource[];
  /** Where provisioning steps, health gates and the Docker provider connect. */
  readonly connection: SshConnection;
  /** Ordered steps from the guest plan (firstboot wait, bootstrap, in-guest firewall, engine, services). */
  readonly steps: readonly GuestStepSpec[];
  /** Every stack secret by parity name (StackSecrets.values). */
  readonly secrets: Readonly<Record<string, pulumi.Output<string>>>;
  /** Proxmox firewall rules for this guest, when it has any. */
  readonly firewall?: GuestFirewallModel;
  /** The guest's Docker provider and networks (Docker guests only); waits for the `docker-engine` step. */
  readonly docker?: DockerHostArgs;
  /** Rollout proxies this guest runs, with their labels. */
  readonly proxies?: readonly { readonly proxy: ProxyModel; readonly labels: Readonly<Record<string, string>> }[];
}

/** A container placed on the guest: everything DockerService needs except what the guest owns. */
export type PlacedServiceArgs = Omit<DockerServiceArgs, "provider" | "networks" | "image" | "gateRunner">;

/**
 * One Proxmox guest and everything on it: its built template (if any), the LXC, the Proxmox
 * firewall, the provisioning steps over SSH (in the guest plan's order), the Docker host, its
 * rollout proxies and — through {@link ProxmoxGuest.placeService} — the containers placed on it.
 * The stack places containers itself because a worker pool's slots roll one at a time across
 * guests, an order no single guest knows.
 */
export class ProxmoxGuest extends pulumi.ComponentResource {
  public readonly lxc: LxcHost;
  public readonly steps: Readonly<Record<string, ProvisionStep>>;
  public readonly dockerHost?: DockerHost;
  private readonly connection: SshConnection;

  constructor(name: string, args: ProxmoxGuestArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:proxmox:Guest", name, {}, opts);
    const h = args.host;
    const provider = args.provider;
    this.connection = args.connection;
    const templateFileId = h.builtTemplate
      ? new BuiltTemplate(`${h.name}-template`, { node: h.node, ...h.builtTemplate }, { parent: this, provider }).fileId
      : args.stockTemplateFileId;
    if (templateFileId === undefined) throw new Error(`guest ${h.name}: no built template and no stock template on node ${h.node}`);
    this.lxc = new LxcHost(h.name, { host: h, templateFileId, ...args.lxc }, { parent: this, provider, dependsOn: [...(args.lxcDependsOn ?? [])] });
    if (args.firewall)
      new GuestFirewall(`${h.name}-firewall`, { node: h.node, vmid: h.vmid, firewall: args.firewall, dhcp: h.network.kind === "dhcp" }, { parent: this, provider, dependsOn: [this.lxc] });

    const steps: Record<string, ProvisionStep> = {};
    for (const s of args.steps) {
      const waits = s.after.map((k) => {
        const step = steps[k];
        if (!step) throw new Error(`guest ${h.name}: step ${s.key} waits for ${k}, which is not an earlier step`);
        return step;
      });
      steps[s.key] = new ProvisionStep(
        s.service ? `${h.name}-services-${s.key}` : `${h.name}-${s.key}`,
        {
          connection: args.connection,
          bundle: s.bundle,
          secrets: Object.fromEntries(Object.entries(s.secrets).map(([env, secret]) => {
            const value = args.secrets[secret];
            if (!value) throw new Error(`guest ${h.name}: step ${s.key} needs stack secret ${secret}, which the stack does not have`);
            return [env, value];
          })),
        },
        { parent: this, dependsOn: waits.length ? waits : [this.lxc] },
      );
    }
    this.steps = steps;

    if (args.docker) {
      const engine = steps["docker-engine"];
      if (!engine) throw new Error(`guest ${h.name}: a Docker host needs the docker-engine step`);
      const dh = new DockerHost(`${h.name}-docker`, args.docker, { parent: this, dependsOn: [engine] });
      this.dockerHost = dh;
      for (const p of args.proxies ?? [])
        new RolloutProxy(`${p.proxy.host}-proxy`, { proxy: p.proxy, provider: dh.provider, networks: dh.networks, labels: p.labels }, { parent: this, dependsOn: [dh] });
    } else if (args.proxies?.length) {
      throw new Error(`guest ${h.name} runs no Docker: it cannot run a rollout proxy`);
    }
    this.registerOutputs({});
  }

  /**
   * A container on this guest, through its Docker provider and networks, health-gated over its
   * SSH connection. `after` is what it must wait for besides the Docker host (the previous slot
   * of its pool).
   */
  placeService(args: PlacedServiceArgs, after: readonly pulumi.Resource[] = []): DockerService {
    const c = args.container;
    const dh = this.dockerHost;
    if (!dh) throw new Error(`service ${c.name} is placed on ${c.host}, which runs no Docker`);
    return new DockerService(
      c.name,
      { ...args, provider: dh.provider, networks: dh.networks, image: dh.image(c.image.key, c.image.ref), gateRunner: { kind: "remote", connection: this.connection } },
      { parent: this, dependsOn: [dh, ...after] },
    );
  }
}
