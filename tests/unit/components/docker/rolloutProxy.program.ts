import * as docker from "@pulumi/docker";
import { RolloutProxy } from "../../../../components/docker/rolloutProxy";
import type { ProxyModel } from "../../../../model/rollout";

export interface RolloutProxyInput {
  readonly proxy: ProxyModel;
  /** The host's networks: the proxy joins those its model lists. */
  readonly networks: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly image?: string;
}

/** rolloutProxy.test.ts's proxies, on a host's provider and networks registered beside them. */
export default function build(input: RolloutProxyInput): void {
  const provider = new docker.Provider("engine", { host: "unix:///var/run/docker.sock" });
  const networks = new Map(input.networks.map((n) => [n, new docker.Network(`net-${n}`, { name: n }, { provider })]));
  new RolloutProxy("core-proxy", { proxy: input.proxy, provider, networks, labels: input.labels, ...(input.image ? { image: input.image } : {}) });
}
