import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import type { ProxyModel } from "../../model/rollout";
import { HAPROXY_CONFIG_PATH, renderHaproxyConfig } from "../../renderers/rollout/haproxyConfig";
import { WRITABLE_ROOT_LABEL } from "./dockerService";

/** Official HAProxy image, pinned; the same major line as Debian 12's haproxy 2.6. */
export const DEFAULT_PROXY_IMAGE = "haproxy:2.6.22-bookworm";

export interface RolloutProxyArgs {
  readonly proxy: ProxyModel;
  readonly provider: docker.Provider;
  /** The host's networks; the proxy joins those its model lists (the fronted services' edge networks). */
  readonly networks: ReadonlyMap<string, docker.Network>;
  readonly labels: Readonly<Record<string, string>>;
  /** Default {@link DEFAULT_PROXY_IMAGE}. */
  readonly image?: string;
}

/**
 * The host's reverse proxy: it owns the published ports of the host's proxied services, so
 * their containers can be replaced create-before-delete behind it. Its config is derived from
 * services and ports only, never from versions: a rollout leaves it untouched. It changes (and
 * is replaced delete-first, a short outage of the ports it owns) only when the set of proxied
 * services or ports changes.
 */
export class RolloutProxy extends pulumi.ComponentResource {
  public readonly container: docker.Container;

  constructor(name: string, args: RolloutProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:docker:RolloutProxy", name, {}, opts);
    const p = args.proxy;
    const ref = args.image ?? DEFAULT_PROXY_IMAGE;
    const childOpts = { parent: this, provider: args.provider };
    const image = new docker.RemoteImage(`${name}-image`, { name: ref, keepLocally: true }, childOpts);
    const config = renderHaproxyConfig(p);
    this.container = new docker.Container(
      `${name}-container`,
      {
        name: p.name,
        image: image.imageId,
        command: ["haproxy", "-db", "-f", HAPROXY_CONFIG_PATH],
        // The official image's unprivileged user; every published port is above 1024, so it
        // needs no capability at all.
        user: "99:99",
        capabilities: { drops: ["ALL"], adds: [] },
        securityOpts: ["no-new-privileges:true"],
        init: true,
        // Docker refuses uploads into a read-only root filesystem, and the config is an upload.
        readOnly: false,
        restart: "unless-stopped",
        memory: 128,
        cpus: "0.5",
        ports: p.routes.map((r) => ({ internal: r.hostPort, external: r.hostPort, protocol: "tcp" })),
        networksAdvanced: p.networks.map((n) => ({ name: args.networks.get(n)!.name, aliases: [p.name] })),
        uploads: [{ file: HAPROXY_CONFIG_PATH, content: config }],
        // The image has no HTTP client: the check proves the running process's config is valid.
        healthcheck: { tests: ["CMD", "haproxy", "-c", "-q", "-f", HAPROXY_CONFIG_PATH], interval: "30s", timeout: "5s", retries: 3, startPeriod: "5s" },
        stopSignal: "SIGUSR1", // HAProxy's soft stop: finish open requests, then exit.
        stopTimeout: 30,
        destroyGraceSeconds: 30,
        labels: [
          ...Object.entries(args.labels).map(([label, value]) => ({ label, value })),
          { label: WRITABLE_ROOT_LABEL, value: "Docker refuses uploads into a read-only root, and the proxy's config is an upload" },
        ],
        logDriver: "json-file",
        logOpts: { "max-size": `${p.logs.maxSizeMb}m`, "max-file": String(p.logs.maxFiles) },
        mustRun: true,
      },
      // It owns fixed host ports: a second one could not bind them.
      { ...childOpts, deleteBeforeReplace: true },
    );
    this.registerOutputs({ name: this.container.name, routes: p.routes.map((r) => `${r.hostPort}->${r.service}:${r.containerPort}`) });
  }
}
