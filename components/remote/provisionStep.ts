import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { ProvisionBundle, bundleDir, bundleHash, encodeSecretStdin, renderEntrypoint } from "../../renderers/bundle";

export type SshConnection = command.types.input.remote.ConnectionArgs;

export interface ProvisionStepArgs {
  /** Where to run: a guest or a Proxmox node, as root. */
  readonly connection: pulumi.Input<SshConnection>;
  /** The rendered step; its content hash is the only trigger, so an unchanged bundle never re-runs. */
  readonly bundle: ProvisionBundle;
  /** Values for `bundle.secretEnv`, passed on stdin. Every name in `secretEnv` must be given. */
  readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * Copies one rendered bundle to a host and runs it: `remote.CopyToRemote` of the self-contained
 * entrypoint, then `remote.Command` running it with secrets on stdin. The same text is what the
 * real-server tests execute.
 */
export class ProvisionStep extends pulumi.ComponentResource {
  public readonly stdout: pulumi.Output<string>;
  public readonly hash: string;

  constructor(name: string, args: ProvisionStepArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:remote:ProvisionStep", name, {}, opts);
    const { bundle } = args;
    const missing = bundle.secretEnv.filter((n) => !args.secrets?.[n]);
    if (missing.length) throw new Error(`ProvisionStep ${name}: no value for secret env ${missing.join(", ")}`);
    this.hash = bundleHash(bundle);
    const dir = bundleDir(bundle);
    const entrypoint = `${dir}/entrypoint.sh`;

    const copy = new command.remote.CopyToRemote(
      `${name}-copy`,
      { connection: args.connection, source: new pulumi.asset.StringAsset(renderEntrypoint(bundle)), remotePath: entrypoint, triggers: [this.hash] },
      { parent: this },
    );

    const hasSecrets = bundle.secretEnv.length > 0;
    const stdin = hasSecrets
      ? pulumi.secret(pulumi.all(args.secrets!).apply((values) => encodeSecretStdin(Object.fromEntries(bundle.secretEnv.map((n) => [n, values[n]!])))))
      : undefined;
    const run = new command.remote.Command(
      `${name}-run`,
      {
        connection: args.connection,
        create: `bash ${entrypoint}`,
        ...(stdin ? { stdin } : {}),
        triggers: [this.hash],
        // Scripts never print secrets, but a failing tool might: steps that hold secrets keep their output out of logs.
        logging: hasSecrets ? "none" : "stdoutAndStderr",
        addPreviousOutputInEnv: false,
      },
      { parent: this, dependsOn: [copy], ...(hasSecrets ? { additionalSecretOutputs: ["stdout", "stderr"] } : {}) },
    );
    this.stdout = run.stdout;
    this.registerOutputs({ stdout: this.stdout, hash: this.hash });
  }
}
