import type { HostServicesModel } from "../model/hostServices";
import { renderPgBackup } from "./backup";
import { ProvisionBundle } from "./bundle";
import type { DataService } from "../core/guestDataServices";
import { renderNativeServices } from "./nativeServices";
import { renderPostgres } from "./postgres";
import { renderRabbit } from "./rabbitmq";
import { renderRedis } from "./redis";

export interface GuestStep {
  /** Step key, also the suffix of its resource name. */
  readonly key: DataService | "native" | "backup";
  readonly bundle: ProvisionBundle;
  /** Keys of steps that must finish first. */
  readonly after: readonly GuestStep["key"][];
}

/**
 * A guest's in-LXC services as ordered steps: data services first (independent of each other),
 * then the native services that use them, and the backup timer after PostgreSQL. The component
 * and the real-server tests both take their bundles from here.
 */
export function guestSteps(s: HostServicesModel): GuestStep[] {
  const steps: GuestStep[] = [];
  if (s.postgres) steps.push({ key: "postgresql", bundle: renderPostgres(s.postgres), after: [] });
  if (s.redis) steps.push({ key: "redis", bundle: renderRedis(s.redis), after: [] });
  if (s.rabbitmq) steps.push({ key: "rabbitmq", bundle: renderRabbit(s.rabbitmq), after: [] });
  const data = steps.map((x) => x.key);
  if (s.native) steps.push({ key: "native", bundle: renderNativeServices(s.native), after: data });
  if (s.backup) steps.push({ key: "backup", bundle: renderPgBackup(s.backup), after: s.postgres ? ["postgresql"] : [] });
  return steps;
}
