import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { DockerService, DockerServiceArgs } from "../../../../components/docker/dockerService";
import type { GateRunner } from "../../../../components/docker/healthGate";
import type { ContainerModel } from "../../../../model/types";

export interface DockerServiceInput {
  readonly container: ContainerModel;
  /** Env entries; `secret` ones arrive secret, as resolved stack secrets do. */
  readonly envs: readonly { readonly entry: string; readonly secret?: boolean }[];
  readonly labels: Readonly<Record<string, string>>;
  readonly gateRunner?: GateRunner;
  readonly proxySettleSeconds?: number;
}

/**
 * dockerService.test.ts's services, on what a DockerHost would hand them: an engine's provider,
 * the container's networks and its pulled image, registered here beside the service.
 */
export default function build(input: DockerServiceInput): Record<string, unknown> {
  const provider = new docker.Provider("engine", { host: "unix:///var/run/docker.sock" });
  const networks = new Map(input.container.networks.map((n) => [n, new docker.Network(`net-${n}`, { name: n }, { provider })]));
  const image = new docker.RemoteImage("image", { name: input.container.image.ref, keepLocally: true }, { provider });
  const envs = input.envs.map((e) => (e.secret ? pulumi.secret(e.entry) : e.entry));
  const args: DockerServiceArgs = { container: input.container, provider, networks, image, envs, labels: input.labels, ...(input.gateRunner ? { gateRunner: input.gateRunner } : {}), ...(input.proxySettleSeconds !== undefined ? { proxySettleSeconds: input.proxySettleSeconds } : {}) };
  const service = new DockerService("db", args);
  return { ready: service.ready.urn };
}
