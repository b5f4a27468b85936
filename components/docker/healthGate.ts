import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { HealthGateSpec, renderHealthGate } from "../../renderers/rollout/healthGate";

/**
 * Where the gate's `docker inspect` runs: on the Docker host over SSH (a guest), or on the
 * machine running Pulumi with `DOCKER_HOST` set to the engine's endpoint.
 */
export type GateRunner =
  | { readonly kind: "remote"; readonly connection: pulumi.Input<command.types.input.remote.ConnectionArgs> }
  | { readonly kind: "local"; readonly dockerHost: string };

export interface HealthGateArgs {
  readonly spec: Omit<HealthGateSpec, "container">;
  /** The new container's name (its version's name). */
  readonly container: pulumi.Input<string>;
  /** Re-runs when any of these change: the container's version fingerprint. */
  readonly triggers: pulumi.Input<pulumi.Input<string>[]>;
  readonly runner: GateRunner;
}

/**
 * Waits for a new container's health check and fails the deployment, naming the service and
 * the check, when it does not pass. Whatever depends on the gate (the pool's next slot) waits
 * for it, so an unhealthy version stops the rollout at its first container.
 */
export class HealthGate extends pulumi.ComponentResource {
  public readonly stdout: pulumi.Output<string>;

  constructor(name: string, args: HealthGateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:docker:HealthGate", name, {}, opts);
    const script = pulumi.output(args.container).apply((container) => renderHealthGate({ ...args.spec, container }));
    const common = { create: script, triggers: args.triggers, addPreviousOutputInEnv: false, logging: "stdoutAndStderr" as const };
    const run = args.runner.kind === "remote"
      ? new command.remote.Command(`${name}-wait`, { ...common, connection: args.runner.connection }, { parent: this })
      : new command.local.Command(`${name}-wait`, { ...common, interpreter: ["/bin/sh", "-c"], environment: { DOCKER_HOST: args.runner.dockerHost } }, { parent: this });
    this.stdout = run.stdout;
    this.registerOutputs({ stdout: this.stdout });
  }
}
