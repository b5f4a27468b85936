import type { DataService } from "../../core/guestDataServices";
import type { HostServicesModel } from "../../model/hostServices";
import { renderPgBackup } from "../../renderers/backup";
import type { ProvisionBundle } from "../../renderers/bundle";
import { renderNativeServices } from "../../renderers/nativeServices";
import { renderPostgres } from "../../renderers/postgres";
import { renderRabbit } from "../../renderers/rabbitmq";
import { renderRedis } from "../../renderers/redis";

/** Key of an in-guest service step, also the suffix of its resource name. */
export type ServiceStepKey = DataService | "native" | "backup";

export interface ServiceStep {
  readonly key: ServiceStepKey;
  readonly bundle: ProvisionBundle;
  /** Keys of service steps that must finish first. */
  readonly after: readonly ServiceStepKey[];
}

/**
 * A guest's in-LXC services as ordered steps: data services first (independent of each other),
 * then the native services that use them, and the backup timer after PostgreSQL. The guest plan
 * places them after bootstrap; the real-server tests and the config fuzzer render through here.
 */
export function serviceSteps(s: HostServicesModel): ServiceStep[] {
  const steps: ServiceStep[] = [];
  if (s.postgres) steps.push({ key: "postgresql", bundle: renderPostgres(s.postgres), after: [] });
  if (s.redis) steps.push({ key: "redis", bundle: renderRedis(s.redis), after: [] });
  if (s.rabbitmq) steps.push({ key: "rabbitmq", bundle: renderRabbit(s.rabbitmq), after: [] });
  const data = steps.map((x) => x.key);
  if (s.native) steps.push({ key: "native", bundle: renderNativeServices(s.native), after: data });
  if (s.backup) steps.push({ key: "backup", bundle: renderPgBackup(s.backup), after: s.postgres ? ["postgresql"] : [] });
  return steps;
}
