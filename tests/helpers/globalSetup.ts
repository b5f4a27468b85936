import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { readStackFile } from "../../tools/stackFiles";
import { stackRequest } from "./planStack";
import { servePools } from "./planSocket";
import { POOL_SOCKET, startPools } from "./pools";
import { ROOT, STACK_FILES } from "./stackConfig";

/** Shared with globalTeardown.ts (jest runs both in its parent process). */
export const RUN = Symbol.for("parity.unitRun");
export interface Run {
  readonly close: () => void;
}

/**
 * Once per `jest` run, before any test file: compiles dist/ if the sources changed (the
 * whole-stack plans run compiled, see planStack.ts), creates the run's cache directory, which
 * the test files find through the environment, reads every stack file into it once, and
 * starts the run's servers (pools.ts) while jest starts: the plan servers plan the stack files
 * as they are (most stack test files assert on them), the component server loads the SDK.
 */
export default async function globalSetup(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require("../../tools/build.js") as { buildIfStale(): boolean }).buildIfStale();
  const dir = mkdtempSync(join(tmpdir(), "parity-plans-"));
  process.env["PARITY_PLAN_CACHE"] = dir;

  const stacks = readdirSync(ROOT).flatMap((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1] ?? []);
  const files: Record<string, string> = {};
  for (const stack of stacks) {
    const file = readStackFile(stack, ROOT);
    const text = JSON.stringify(file);
    // Only what JSON carries unchanged is cached; anything else is read from the YAML each time.
    if (isDeepStrictEqual(JSON.parse(text), file)) files[stack] = text;
  }
  writeFileSync(join(dir, STACK_FILES), JSON.stringify(files));

  const pools = startPools(dir);
  const server = await servePools(pools, join(dir, POOL_SOCKET));
  for (const stack of stacks) void pools.plans.plan(stackRequest(stack));
  pools.components.warm();
  const close = () => {
    server.close();
    for (const pool of Object.values(pools)) pool.close();
  };
  (globalThis as Record<symbol, Run>)[RUN] = { close };
}
