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

/** The gate's command: a `remote.Command` on the Docker host, or a `local.Command` with `DOCKER_HOST`. */
export type HealthGateCommand = command.remote.Command | command.local.Command;

/**
 * The component type that parented each gate's command until the command became a direct child
 * of its service. Stacks deployed before keep the commands under it in their state.
 */
export const FORMER_GATE_TYPE = "parity:docker:HealthGate";

/**
 * Waits for a new container's health check and fails the deployment, naming the service and
 * the check, when it does not pass. Whatever depends on the gate (the pool's next slot) waits
 * for it, so an unhealthy version stops the rollout at its first container.
 *
 * One resource, `<name>-wait`, a child of `parent` (the service). It used to sit under a
 * `parity:docker:HealthGate` component named `name` under the same parent; its alias to that
 * parent chain makes the engine take a stack's existing command as this one, so nothing re-runs.
 * The alias's parent is a URN, because that component no longer exists to be referenced.
 */
export function healthGate(name: string, args: HealthGateArgs, parent: pulumi.Resource): HealthGateCommand {
  const script = pulumi.output(args.container).apply((container) => renderHealthGate({ ...args.spec, container }));
  const common = { create: script, triggers: args.triggers, addPreviousOutputInEnv: false, logging: "stdoutAndStderr" as const };
  const opts: pulumi.CustomResourceOptions = { parent, aliases: [{ parent: pulumi.createUrn(name, FORMER_GATE_TYPE, parent) }] };
  return args.runner.kind === "remote"
    ? new command.remote.Command(`${name}-wait`, { ...common, connection: args.runner.connection }, opts)
    : new command.local.Command(`${name}-wait`, { ...common, interpreter: ["/bin/sh", "-c"], environment: { DOCKER_HOST: args.runner.dockerHost } }, opts);
}
