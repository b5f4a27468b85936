import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { SecretSource } from "../../contract/schema/stack";

export interface StackSecretsArgs {
  readonly secrets: Readonly<Record<string, SecretSource>>;
  /**
   * Environment the `{ env }` sources read (normally process.env, filled by `op run`).
   * Missing names are a contract problem reported before this component is created.
   */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** Offline plan: `{ env }` sources that are unset resolve to a placeholder instead. */
  readonly placeholderForMissing?: boolean;
}

/**
 * Every secret of the stack as a secret Output. Generated ones live only in the encrypted
 * state (RandomPassword.result is secret); env ones are wrapped in `pulumi.secret` at once.
 */
export class StackSecrets extends pulumi.ComponentResource {
  public readonly values: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: StackSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:secrets:StackSecrets", name, {}, opts);
    const values: Record<string, pulumi.Output<string>> = {};
    for (const [secretName, source] of Object.entries(args.secrets)) {
      if ("generate" in source) {
        const pw = new random.RandomPassword(
          `${name}-${secretName}`,
          { length: source.generate.length, special: source.generate.special },
          { parent: this },
        );
        values[secretName] = pw.result;
      } else {
        const v = args.environment[source.env];
        if (v === undefined && !args.placeholderForMissing) throw new Error(`secret ${secretName}: environment variable ${source.env} is not set`);
        values[secretName] = pulumi.secret(v ?? `<${source.env} from the environment>`);
      }
    }
    this.values = values;
    this.registerOutputs({});
  }
}
