import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { ContainerModel } from "../../model/types";
import { createsBeforeDelete, versionedName } from "../../model/rollout";
import { GateRunner, healthGate } from "./healthGate";
import { rolloutContainerInputs } from "./rolloutInputs";

export interface DockerServiceArgs {
  readonly container: ContainerModel;
  readonly provider: docker.Provider;
  /** The host's networks; the container joins those its model lists. */
  readonly networks: ReadonlyMap<string, docker.Network>;
  /** The host's pulled image for this container. */
  readonly image: docker.RemoteImage;
  /** Env entries, `NAME=value`, secrets already resolved and marked secret. */
  readonly envs: pulumi.Input<pulumi.Input<string>[]>;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Where the rollout's health gate runs `docker inspect` (see healthGate). Without it no gate
   * is created: nothing waits for the new container's health.
   */
  readonly gateRunner?: GateRunner;
  /** Seconds the gate waits after healthy for the host's proxy to route to the new container. Default 0. */
  readonly proxySettleSeconds?: number;
}

function seconds(n: number): string {
  return `${n}s`;
}

/** Label prefix of the reason each added capability carries (`parity.capability.CHOWN=...`). */
export const CAPABILITY_LABEL_PREFIX = "parity.capability.";
/** Label carrying why a container's root filesystem is writable. */
export const WRITABLE_ROOT_LABEL = "parity.writable-root";

/**
 * The least-privilege settings of every container: all capabilities dropped and only the
 * declared ones added back, `no-new-privileges` (setuid binaries cannot raise privileges),
 * rotated json-file logs, Docker's init as PID 1, and a read-only root with tmpfs where the
 * model allows it. The reasons travel as labels, so `docker inspect` and the policy pack see them.
 */
export function hardeningInputs(c: ContainerModel): Pick<docker.ContainerArgs, "capabilities" | "securityOpts" | "logDriver" | "logOpts" | "init" | "readOnly" | "tmpfs"> & { labels: { label: string; value: string }[] } {
  return {
    capabilities: { drops: ["ALL"], adds: c.capabilities.map((g) => g.add) },
    securityOpts: ["no-new-privileges:true"],
    logDriver: "json-file",
    logOpts: { "max-size": `${c.logs.maxSizeMb}m`, "max-file": String(c.logs.maxFiles) },
    init: c.init,
    readOnly: c.readOnlyRootFs,
    ...(c.readOnlyRootFs ? { tmpfs: Object.fromEntries(c.tmpfs.map((path) => [path, "rw,noexec,nosuid,size=64m"])) } : {}),
    labels: [
      ...c.capabilities.map((g) => ({ label: `${CAPABILITY_LABEL_PREFIX}${g.add}`, value: g.reason })),
      ...(!c.readOnlyRootFs && c.writableRootReason ? [{ label: WRITABLE_ROOT_LABEL, value: c.writableRootReason }] : []),
    ],
  };
}

/**
 * One container: the pinned image its host pulled, named volumes (protected when the
 * service is stateful), limits, health check, restart policy, user and the shared mount.
 */
export class DockerService extends pulumi.ComponentResource {
  public readonly container: docker.Container;
  /** What the next step of a rollout waits for: the health gate, or the container without one. */
  public readonly ready: pulumi.Resource;

  constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:docker:DockerService", name, {}, opts);
    const c = args.container;
    const childOpts = { parent: this, provider: args.provider };

    const volumes = c.volumes.map(
      (v) =>
        new docker.Volume(
          `${name}-${v.name}`,
          { name: `${c.name}-${v.name}`, labels: [{ label: "managed-by", value: "parity" }] },
          // A stateful volume outlives any plan: protect blocks deletion, retainOnDelete keeps the data if the protection is lifted.
          { ...childOpts, protect: c.stateful, retainOnDelete: c.stateful },
        ),
    );

    // Everything that makes this version; a version that runs beside its predecessor is named by it.
    const fingerprint = pulumi.unsecret(pulumi.output(args.envs).apply((envs) => versionedName(c.name, JSON.stringify({ c, envs, labels: args.labels }))));
    const cbr = createsBeforeDelete(c.rollout.strategy);
    const hardening = hardeningInputs(c);
    this.container = new docker.Container(
      `${name}-container`,
      {
        name: cbr ? fingerprint : c.name,
        image: args.image.imageId,
        ...(c.command ? { command: [...c.command] } : {}),
        envs: args.envs,
        restart: c.restart,
        memory: c.limits.memoryMb,
        cpus: String(c.limits.cpus),
        ...(c.user ? { user: c.user } : {}),
        // The share's common group: whatever user the image runs as may write the setgid share.
        ...(c.sharedMount?.group !== undefined ? { groupAdds: [String(c.sharedMount.group)] } : {}),
        ...hardening,
        // A proxied service's host ports belong to the host's proxy.
        ports: c.rollout.strategy === "proxied" ? [] : c.ports.filter((p) => p.host !== undefined).map((p) => ({ internal: p.container, external: p.host!, protocol: "tcp" })),
        ...(c.networks.length
          ? { networksAdvanced: c.networks.map((n) => ({ name: args.networks.get(n)!.name, aliases: [c.name, ...c.aliases] })) }
          : { networkMode: "none" }),
        volumes: volumes.map((vol, i) => ({ volumeName: vol.name, containerPath: c.volumes[i]!.path })),
        mounts: [
          ...(c.sharedMount ? [{ type: c.sharedMount.type, source: c.sharedMount.source, target: c.sharedMount.target, readOnly: false }] : []),
          ...(c.sourceMount ? [{ type: "bind", source: c.sourceMount.hostPath, target: c.sourceMount.containerPath, readOnly: false }] : []),
        ],
        ...(c.healthcheck
          ? {
              healthcheck: {
                tests: [...c.healthcheck.test],
                interval: seconds(c.healthcheck.intervalSeconds),
                timeout: seconds(c.healthcheck.timeoutSeconds),
                retries: c.healthcheck.retries,
                startPeriod: seconds(c.healthcheck.startPeriodSeconds),
              },
            }
          : {}),
        uploads: c.files.map((f) => ({ file: f.path, content: f.content, executable: f.executable })),
        labels: [...Object.entries(args.labels).map(([label, value]) => ({ label, value })), ...hardening.labels],
        mustRun: true,
        ...rolloutContainerInputs(c.rollout),
      },
      // Delete-first unless this version may run beside the old one (model/rollout.ts).
      { ...childOpts, dependsOn: volumes, deleteBeforeReplace: !cbr },
    );
    // The gate's command is the service's own child (`<name>-health-wait`), aliased to where it used to be.
    this.ready = c.healthcheck && args.gateRunner
      ? healthGate(
          `${name}-health`,
          {
            spec: { service: c.pool ?? c.name, check: c.healthcheck.test, timeoutSeconds: c.rollout.healthTimeoutSeconds, settleSeconds: c.rollout.strategy === "proxied" ? args.proxySettleSeconds ?? 0 : 0 },
            container: this.container.name,
            triggers: [fingerprint],
            runner: args.gateRunner,
          },
          this,
        )
      : this.container;
    this.registerOutputs({ name: this.container.name });
  }
}
