import { rmSync } from "node:fs";
import { Run, RUN } from "./globalSetup";

/** Stops the run's plan pool and removes the run's cache (globalSetup.ts). */
export default function globalTeardown(): void {
  (globalThis as Record<symbol, Run | undefined>)[RUN]?.close();
  const dir = process.env["PARITY_PLAN_CACHE"];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
