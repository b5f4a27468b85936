import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PlanPool } from "./planPool";
import { requestRecord } from "./planSocket";
import { ROOT } from "./stackConfig";

/**
 * The run's server pools. Whole-stack plans: two servers, since a plan costs 0.2-0.7 s of CPU
 * and a test file waiting for one leaves the other core free (each costs ~200 MB). Components:
 * one server; a component's run costs milliseconds.
 */
export const POOLS = {
  plans: { command: ["dist/planRecord.js"], size: 2 },
  components: { command: ["-r", "./tests/helpers/esbuildRegister.js", "tests/helpers/componentServer.ts"], size: 1 },
} as const;
export type PoolName = keyof typeof POOLS;

/** Where the pools listen, in the run's cache directory (globalSetup.ts). */
export const POOL_SOCKET = "pools.sock";

export function startPools(dir: string): Record<PoolName, PlanPool> {
  return {
    plans: new PlanPool(ROOT, dir, POOLS.plans.command, POOLS.plans.size),
    components: new PlanPool(ROOT, dir, POOLS.components.command, POOLS.components.size),
  };
}

let own: Record<PoolName, PlanPool> | undefined;

/**
 * Runs `request` on a server of `pool` and returns its record (parsed JSON): through the run's
 * pools (globalSetup.ts), or without the global setup (system suites), this test file's own.
 */
export async function runOnServer<T>(pool: PoolName, request: unknown): Promise<T> {
  const shared = process.env["PARITY_PLAN_CACHE"];
  let out: string;
  if (shared) {
    out = await requestRecord(join(shared, POOL_SOCKET), { pool, request });
  } else {
    if (!own) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require("../../tools/build.js") as { buildIfStale(): boolean }).buildIfStale();
      const dir = mkdtempSync(join(tmpdir(), "parity-plans-"));
      process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
      own = startPools(dir);
    }
    out = await own[pool].plan(request);
  }
  return JSON.parse(readFileSync(out, "utf8")) as T;
}
