import * as docker from "@pulumi/docker";
import { DockerHost } from "../../components/docker/dockerHost";
import { DockerService } from "../../components/docker/dockerService";
import { RolloutProxy } from "../../components/docker/rolloutProxy";
import { PROXY_SETTLE_SECONDS } from "../../renderers/rollout/haproxyConfig";
import { StackSecrets } from "../../components/secrets/stackSecrets";
import { PlatformModel } from "../../model/types";
import { envEntries } from "../shared/envEntries";
import { containerLabels, proxyLabels } from "../shared/labels";
import { withObservabilityConfig } from "../shared/observabilityConfig";
import { projectRoot, withAbsoluteSourceMount } from "../shared/devSource";
import type { DeployOptions } from "../types";
import { yieldToSdk } from "../shared/yieldToSdk";

/**
 * One Docker engine (the user's machine, or any host reachable as ssh://): the same services,
 * flows and env names as the homelab, on one host. Shared storage is a named volume.
 */
export async function deployDocker(model: PlatformModel, opts: DeployOptions): Promise<void> {
  const endpoint = model.docker!.endpoint;
  const secrets = new StackSecrets("secrets", { secrets: model.secrets, environment: opts.environment, placeholderForMissing: opts.offlinePlan });
  const engine = new DockerHost("local-docker", {
    endpoint,
    registries: model.registries.map((r) => ({ server: r.server, username: r.username, password: secrets.values[r.passwordSecret]! })),
    networks: model.networks,
  });
  const sharedVolumes = [...new Set(model.containers.flatMap((c) => (c.sharedMount?.type === "volume" ? [c.sharedMount.source] : [])))];
  const shared = sharedVolumes.map(
    (name) =>
      new docker.Volume(name, { name, labels: [{ label: "managed-by", value: "parity" }] }, { provider: engine.provider, protect: true, retainOnDelete: true }),
  );
  for (const p of model.proxies) {
    new RolloutProxy("local-docker-proxy", { proxy: p, provider: engine.provider, networks: engine.networks, labels: proxyLabels(model, p) });
  }
  const root = projectRoot();
  // A pool's slots roll one at a time: each waits for the previous slot's health gate.
  const previousSlot = new Map<string, DockerService>();
  for (const declared of model.containers) {
    const { container: configured, labels: configLabels } = withObservabilityConfig(model, declared);
    const c = withAbsoluteSourceMount(configured, root);
    const previous = c.pool ? previousSlot.get(c.pool) : undefined;
    const service = new DockerService(
      c.name,
      {
        container: c,
        provider: engine.provider,
        networks: engine.networks,
        image: engine.image(c.image.key, c.image.ref),
        envs: envEntries(c.env, secrets.values),
        labels: { ...containerLabels(model, c), ...configLabels },
        gateRunner: { kind: "local", dockerHost: endpoint },
        proxySettleSeconds: PROXY_SETTLE_SECONDS,
      },
      { dependsOn: [...(c.sharedMount?.type === "volume" ? shared : []), ...(previous ? [previous.ready] : [])] },
    );
    if (c.pool) previousSlot.set(c.pool, service);
    await yieldToSdk();
  }
}

