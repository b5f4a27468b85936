import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Once per `jest` run, before any worker starts: compile dist/ if the sources changed (the
 * whole-stack plans run compiled, see planStack.ts) and create the run's plan cache, which the
 * workers inherit through the environment.
 */
export default function globalSetup(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require("../../tools/build.js") as { buildIfStale(): boolean }).buildIfStale();
  process.env["PARITY_PLAN_CACHE"] = mkdtempSync(join(tmpdir(), "parity-plans-"));
}
