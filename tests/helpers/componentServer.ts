import "../../tools/sdkClosureDeferred";
import { appendFileSync, renameSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import * as pulumi from "@pulumi/pulumi";
import { useRecordingEngine } from "../../tools/mockRuntime";
import type { ComponentRecord, ComponentRequest } from "./componentRun";

/**
 * Child-process server of the component tests (componentRun.ts), the component counterpart of
 * the plan servers (tools/planRecord.ts): plain node, TypeScript loaded through esbuild
 * (esbuildRegister.js), the SDK and providers loaded once for the whole run instead of once in
 * every component test file (0.7-2.5 s of CPU in jest each). Reads one `{ request, out }` JSON
 * per stdin line, runs the request's program under the recording mock engine, writes
 * `{ resources, outputs }` or `{ error }` to `out`, then answers `done <out>` on stdout.
 * A program that throws (a component refusing its arguments) leaves registrations in flight:
 * they are drained before the next run. Anything that fails past that (a rejection inside the
 * SDK) ends the server, which may be left mid-registration: the next request gets a fresh one.
 *
 * Usage: node -r ./tests/helpers/esbuildRegister.js tests/helpers/componentServer.ts
 */
let failRun: ((e: unknown) => void) | undefined;
// A component whose outputs throw fails inside the SDK, not in the program's call stack.
process.on("unhandledRejection", (e) => failRun?.(e));
process.on("uncaughtException", (e) => failRun?.(e));

/** Waits for every registration the SDK has in flight. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const drain = () => (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();

async function run(request: ComponentRequest): Promise<{ record: ComponentRecord; clean: boolean }> {
  let thrown = false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const build = (require(request.program) as { default: (input: unknown) => Record<string, unknown> | undefined }).default;
    const engine = useRecordingEngine({ project: request.project, stack: request.stack, config: request.config });
    const failed = new Promise<never>((_, reject) => (failRun = reject));
    const outputs = await Promise.race([
      pulumi.runtime.runInPulumiStack(async () => {
        try {
          return { ...(build(request.input) ?? {}) };
        } catch (e) {
          thrown = true;
          throw e;
        }
      }),
      failed,
    ]);
    const done = await Promise.race([engine.finish(outputs), failed]);
    return { record: { resources: done.resources, outputs: done.outputs }, clean: true };
  } catch (e) {
    const record = { error: { message: e instanceof Error ? e.message : String(e) } };
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set inside the callback above, which flow analysis does not follow
    if (!thrown) return { record, clean: false };
    try {
      await Promise.race([drain(), failedAgain()]);
      return { record, clean: true };
    } catch {
      return { record, clean: false };
    }
  } finally {
    failRun = undefined;
  }
}

/** A rejection inside the SDK while draining. */
function failedAgain(): Promise<never> {
  return new Promise<never>((_, reject) => (failRun = reject));
}

const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    const { request, out } = JSON.parse(line) as { request: ComponentRequest; out: string };
    const { record, clean } = await run(request);
    writeFileSync(`${out}.tmp`, JSON.stringify(record));
    renameSync(`${out}.tmp`, out);
    await new Promise<void>((done) => process.stdout.write(`done ${out}\n`, () => done()));
    if (!clean) process.exit(0);
  });
});
lines.on("close", () => void queue.then(() => process.exit(0)));
// As the plan servers do (tools/planRecord.ts): nobody waits for this process, so its CPU is
// appended to PARITY_PLAN_CPU_LOG when set (tests/README.md).
const cpuLog = process.env["PARITY_PLAN_CPU_LOG"];
if (cpuLog) process.on("exit", () => appendFileSync(cpuLog, `${JSON.stringify({ server: "components", cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000), maxRssKb: process.resourceUsage().maxRSS })}\n`));
