import * as pulumi from "@pulumi/pulumi";
import { DockerHost, DockerHostArgs } from "../../../../components/docker/dockerHost";

export interface DockerHostInput {
  readonly args: Omit<DockerHostArgs, "registries"> & { registries: { server: string; username: string; password: string }[] };
  /** `image(key, ref)` calls, in order. */
  readonly images: readonly (readonly [string, string])[];
}

/** dockerHost.test.ts's hosts: registry passwords arrive secret, as the stack's secrets do. */
export default function build(input: DockerHostInput): Record<string, unknown> {
  const host = new DockerHost("core", { ...input.args, registries: input.args.registries.map((r) => ({ ...r, password: pulumi.secret(r.password) })) });
  const images = input.images.map(([key, ref]) => host.image(key, ref));
  return { networks: [...host.networks.keys()], sameImage: images.map((i) => images.indexOf(i)) };
}
