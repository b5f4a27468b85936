import * as pulumi from "@pulumi/pulumi";
import { HostServicesModel } from "../../model/hostServices";
import { guestSteps } from "../../renderers/guestServices";
import { ProvisionStep, SshConnection } from "../remote/provisionStep";

export interface GuestServicesArgs {
  readonly connection: pulumi.Input<SshConnection>;
  /** The guest's services as renderer specs, with the parity secret behind each secret env name. */
  readonly services: HostServicesModel;
  /** Every stack secret by parity name (StackSecrets.values). */
  readonly secrets: Readonly<Record<string, pulumi.Output<string>>>;
}

/**
 * Data and application services inside one guest, each an idempotent provisioning step:
 * PostgreSQL, Redis, RabbitMQ (independent of each other), then the native services that use
 * them, and the backup timer after PostgreSQL. A changed setting re-runs only its own step.
 */
export class GuestServices extends pulumi.ComponentResource {
  public readonly steps: Readonly<Record<string, ProvisionStep>>;

  constructor(name: string, args: GuestServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:guest:GuestServices", name, {}, opts);
    const s = args.services;
    const steps: Record<string, ProvisionStep> = {};
    for (const { key, bundle, after } of guestSteps(s)) {
      steps[key] = new ProvisionStep(
        `${name}-${key}`,
        {
          connection: args.connection,
          bundle,
          secrets: Object.fromEntries(bundle.secretEnv.map((env) => [env, args.secrets[s.secretEnv[env]!]!])),
        },
        { parent: this, dependsOn: after.map((k) => steps[k]!) },
      );
    }
    this.steps = steps;
    this.registerOutputs({});
  }
}
