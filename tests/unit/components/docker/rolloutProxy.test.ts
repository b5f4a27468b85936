import { join } from "node:path";
import type { ProxyModel } from "../../../../model/rollout";
import { HAPROXY_CONFIG_PATH, renderHaproxyConfig } from "../../../../renderers/rollout/haproxyConfig";
import { runComponent, tree } from "../../../helpers/componentRun";
import type { RolloutProxyInput } from "./rolloutProxy.program";

const PROGRAM = join(__dirname, "rolloutProxy.program.ts");
const ENGINE = "urn:pulumi:unit::parity::pulumi:providers:docker::engine";
const proxy: ProxyModel = {
  host: "core",
  name: "parity-proxy",
  routes: [
    { service: "backend", hostPort: 8000, containerPort: 8000, healthPath: "/health" },
    { service: "grafana", hostPort: 3000, containerPort: 3000, healthPath: "/api/health" },
  ],
  networks: ["backend-edge", "grafana-edge"],
  logs: { maxSizeMb: 10, maxFiles: 3 },
};
const rolloutProxy = (input: RolloutProxyInput) => runComponent(PROGRAM, input);

describe("RolloutProxy", () => {
  it("is the pinned HAProxy image and one unprivileged container owning the proxied ports, replaced delete-first", async () => {
    const run = await rolloutProxy({ proxy, networks: ["backend-db", "backend-edge", "grafana-edge"], labels: { "parity.service": "parity-proxy" } });
    expect(tree(run).filter(([, , parent]) => parent === "core-proxy")).toEqual([
      ["docker:index/container:Container", "core-proxy-container", "core-proxy"],
      ["docker:index/remoteImage:RemoteImage", "core-proxy-image", "core-proxy"],
    ]);
    expect(run.one("core-proxy").parent).toBe("parity-unit");
    expect(run.one("core-proxy-image").inputs).toEqual({ name: "haproxy:2.6.22-bookworm", keepLocally: true });

    const container = run.one("core-proxy-container");
    expect(container.inputs).toEqual({
      name: "parity-proxy",
      image: "haproxy:2.6.22-bookworm",
      command: ["haproxy", "-db", "-f", HAPROXY_CONFIG_PATH],
      user: "99:99",
      capabilities: { drops: ["ALL"], adds: [] },
      securityOpts: ["no-new-privileges:true"],
      init: true,
      readOnly: false,
      restart: "unless-stopped",
      memory: 128,
      cpus: "0.5",
      ports: [{ internal: 8000, external: 8000, protocol: "tcp" }, { internal: 3000, external: 3000, protocol: "tcp" }],
      // The fronted services' edge networks only, not the host's others.
      networksAdvanced: [{ name: "backend-edge", aliases: ["parity-proxy"] }, { name: "grafana-edge", aliases: ["parity-proxy"] }],
      uploads: [{ file: HAPROXY_CONFIG_PATH, content: renderHaproxyConfig(proxy) }],
      healthcheck: { tests: ["CMD", "haproxy", "-c", "-q", "-f", HAPROXY_CONFIG_PATH], interval: "30s", timeout: "5s", retries: 3, startPeriod: "5s" },
      stopSignal: "SIGUSR1",
      stopTimeout: 30,
      destroyGraceSeconds: 30,
      labels: [
        { label: "parity.service", value: "parity-proxy" },
        { label: "parity.writable-root", value: "Docker refuses uploads into a read-only root, and the proxy's config is an upload" },
      ],
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "3" },
      mustRun: true,
    });
    expect({ deleteBeforeReplace: container.deleteBeforeReplace, provider: container.provider, secrets: container.secretInputs }).toEqual({ deleteBeforeReplace: true, provider: ENGINE, secrets: [] });
    expect([...container.dependencies].sort()).toEqual([
      "urn:pulumi:unit::parity::docker:index/network:Network::net-backend-edge",
      "urn:pulumi:unit::parity::docker:index/network:Network::net-grafana-edge",
      "urn:pulumi:unit::parity::parity:docker:RolloutProxy$docker:index/remoteImage:RemoteImage::core-proxy-image",
    ]);
  });

  it("takes another image when one is given", async () => {
    const run = await rolloutProxy({ proxy, networks: ["backend-edge", "grafana-edge"], labels: {}, image: "haproxy:3.0.5" });
    expect(run.one("core-proxy-image").inputs).toEqual({ name: "haproxy:3.0.5", keepLocally: true });
    expect(run.one("core-proxy-container").inputs["image"]).toBe("haproxy:3.0.5");
  });
});
