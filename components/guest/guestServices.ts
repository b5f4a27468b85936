import * as pulumi from "@pulumi/pulumi";
import { HostServicesModel } from "../../model/hostServices";
import { renderPgBackup } from "../../renderers/backup";
import { ProvisionBundle } from "../../renderers/bundle";
import { renderNativeServices } from "../../renderers/nativeServices";
import { renderPostgres } from "../../renderers/postgres";
import { renderRabbit } from "../../renderers/rabbitmq";
import { renderRedis } from "../../renderers/redis";
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
    const step = (suffix: string, bundle: ProvisionBundle, dependsOn: pulumi.Resource[] = []) =>
      new ProvisionStep(
        `${name}-${suffix}`,
        {
          connection: args.connection,
          bundle,
          secrets: Object.fromEntries(bundle.secretEnv.map((env) => [env, args.secrets[s.secretEnv[env]!]!])),
        },
        { parent: this, dependsOn },
      );
    const steps: Record<string, ProvisionStep> = {};
    if (s.postgres) steps["postgresql"] = step("postgresql", renderPostgres(s.postgres));
    if (s.redis) steps["redis"] = step("redis", renderRedis(s.redis));
    if (s.rabbitmq) steps["rabbitmq"] = step("rabbitmq", renderRabbit(s.rabbitmq));
    const data = Object.values(steps);
    if (s.native) steps["native"] = step("native", renderNativeServices(s.native), data);
    if (s.backup) steps["backup"] = step("backup", renderPgBackup(s.backup), steps["postgresql"] ? [steps["postgresql"]] : []);
    this.steps = steps;
    this.registerOutputs({});
  }
}
