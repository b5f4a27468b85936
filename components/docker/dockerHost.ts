import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";

export interface RegistryCredential {
  readonly server: string;
  readonly username: string;
  readonly password: pulumi.Input<string>;
}

export interface DockerHostArgs {
  /** `root@address` the Docker CLI-style SSH transport connects to. */
  readonly sshTarget: string;
  /** Private registries the engine pulls from (e.g. GHCR with a read:packages token). */
  readonly registries: readonly RegistryCredential[];
  /** Name of the bridge network every container on this host joins. */
  readonly networkName: string;
}

/**
 * One Docker engine reached over SSH, and the user-defined network that gives containers on
 * this host DNS names for each other (`DB_HOST=db`). Each guest gets its own provider so a
 * resource can never land on the wrong engine.
 */
export class DockerHost extends pulumi.ComponentResource {
  public readonly provider: docker.Provider;
  public readonly network: docker.Network;
  private readonly images = new Map<string, docker.RemoteImage>();

  private readonly resourceName: string;

  constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:docker:DockerHost", name, {}, opts);
    this.resourceName = name;
    this.provider = new docker.Provider(
      `${name}-provider`,
      {
        host: `ssh://${args.sshTarget}`,
        // New guests have new host keys; accept the first one, refuse a changed one.
        sshOpts: ["-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=20", "-o", "ServerAliveInterval=15"],
        registryAuth: args.registries.map((r) => ({ address: r.server, username: r.username, password: pulumi.secret(r.password) })),
      },
      { parent: this },
    );
    this.network = new docker.Network(
      `${name}-network`,
      { name: args.networkName, driver: "bridge", attachable: false, labels: [{ label: "managed-by", value: "parity" }] },
      { parent: this, provider: this.provider },
    );
    this.registerOutputs({ network: this.network.name });
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
