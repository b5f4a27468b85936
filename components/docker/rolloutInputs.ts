import type { RolloutModel } from "../../model/rollout";

/**
 * The container inputs that make a stop graceful: SIGTERM, then `stopTimeoutSeconds` before
 * Docker kills it — on `docker stop`, on a daemon shutdown, and when Pulumi deletes it (the
 * provider stops with `destroyGraceSeconds` before it removes; without it, it removes by force,
 * which kills at once).
 */
export function rolloutContainerInputs(r: RolloutModel): { stopSignal: string; stopTimeout: number; destroyGraceSeconds: number } {
  return { stopSignal: "SIGTERM", stopTimeout: r.stopTimeoutSeconds, destroyGraceSeconds: r.stopTimeoutSeconds };
}
