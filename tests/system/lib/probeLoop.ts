/**
 * A probe loop against one URL while a test drives an update: it runs in its own process
 * (probe.ts), because the update's steps block or busy the test's own event loop.
 */
import { spawn } from "node:child_process";
import type { Socket } from "node:net";
import { join, resolve } from "node:path";

export interface ProbeResult {
  readonly requests: number;
  readonly failed: number;
  readonly worstMs: number;
  readonly failures: readonly string[];
  /** Which upstream (container hostname) answered, and how often. */
  readonly hosts: Readonly<Record<string, number>>;
}

const TSX = resolve(__dirname, "../../../node_modules/.bin/tsx");

/** Starts the loop and resolves once it sends; `stop()` ends it and returns its figures. */
export async function startProbe(url: string): Promise<{ stop: () => Promise<ProbeResult> }> {
  const child = spawn(TSX, [join(__dirname, "probe.ts"), url], { stdio: ["ignore", "pipe", "inherit"] });
  // A test that fails before stop() must not leave jest waiting for the loop, nor the loop running after it.
  child.unref();
  (child.stdout as unknown as Socket).unref();
  const orphaned = () => child.kill("SIGKILL");
  process.once("exit", orphaned);
  let out = "";
  child.stdout.on("data", (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<number | null>((r) => child.on("exit", r));
  await Promise.race([
    new Promise<void>((ready) => { const t = setInterval(() => { if (out.includes("ready\n")) { clearInterval(t); ready(); } }, 50); }),
    exited.then((code) => { throw new Error(`probe exited ${code} before it was ready`); }),
  ]);
  return {
    stop: async () => {
      child.kill("SIGTERM");
      const code = await exited;
      process.removeListener("exit", orphaned);
      const last = out.trim().split("\n").pop() ?? "";
      if (!last.startsWith("{")) throw new Error(`probe exited ${code} without a result: ${out}`);
      return JSON.parse(last) as ProbeResult;
    },
  };
}

/** One line for the record. */
export function probeSummary(r: ProbeResult): string {
  return `${r.requests} requests, ${r.failed} failed, worst ${r.worstMs} ms`;
}
