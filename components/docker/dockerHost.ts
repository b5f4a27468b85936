import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { NetworkModel } from "../../model/types";

export interface RegistryCredential {
  readonly server: string;
  readonly username: string;
  readonly password: pulumi.Input<string>;
}

export interface DockerHostArgs {
  /** Docker API endpoint: `ssh://root@address` for a guest, `unix:///var/run/docker.sock` locally. */
  readonly endpoint: string;
  /** Private registries the engine pulls from (e.g. GHCR with a read:packages token). */
  readonly registries: readonly RegistryCredential[];
  /** This host's networks, derived from flows by the model. */
  readonly networks: readonly NetworkModel[];
}

/**
 * One Docker engine and its user-defined networks: containers sharing one resolve each other by
 * name (`DB_HOST=db`). Each host gets its own provider so a resource can never land on the
 * wrong engine.
 */
export class DockerHost extends pulumi.ComponentResource {
  public readonly provider: docker.Provider;
  /** Network resources by network name. */
  public readonly networks: ReadonlyMap<string, docker.Network>;
  private readonly images = new Map<string, docker.RemoteImage>();

  private readonly resourceName: string;

  constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:docker:DockerHost", name, {}, opts);
    this.resourceName = name;
    this.provider = new docker.Provider(
      `${name}-provider`,
      {
        host: args.endpoint,
        // New guests have new host keys; accept the first one, refuse a changed one.
        ...(args.endpoint.startsWith("ssh://") ? { sshOpts: ["-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=20", "-o", "ServerAliveInterval=15"] } : {}),
        registryAuth: args.registries.map((r) => ({ address: r.server, username: r.username, password: pulumi.secret(r.password) })),
      },
      { parent: this },
    );
    this.networks = new Map(
      args.networks.map((n) => [
        n.name,
        new docker.Network(
          `${name}-${n.name}`,
          { name: n.name, driver: "bridge", internal: n.internal, attachable: false, labels: [{ label: "managed-by", value: "parity" }] },
          { parent: this, provider: this.provider },
        ),
      ]),
    );
    this.registerOutputs({ networks: [...this.networks.keys()] });
  }

  /**
   * The engine's copy of an image, pulled once per host however many containers use it
   * (workers share the backend image). `key` is the `parity:images` name.
   */
  image(key: string, ref: string): docker.RemoteImage {
    let img = this.images.get(key);
    if (!img) {
      img = new docker.RemoteImage(`${this.resourceName}-image-${key}`, { name: ref, keepLocally: true }, { parent: this, provider: this.provider });
      this.images.set(key, img);
    }
    return img;
  }
}
