import { rmSync } from "node:fs";

/** Removes the run's plan cache (globalSetup.ts). */
export default function globalTeardown(): void {
  const dir = process.env["PARITY_PLAN_CACHE"];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
