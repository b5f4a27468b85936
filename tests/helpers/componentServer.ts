import { renameSync, writeFileSync } from "node:fs";
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
 * After a failed run it exits (the SDK's state may be left mid-registration): the next request
 * gets a fresh server.
 *
 * Usage: node -r ./tests/helpers/esbuildRegister.js tests/helpers/componentServer.ts
 */
let failRun: ((e: unknown) => void) | undefined;
// A component whose outputs throw fails inside the SDK, not in the program's call stack.
process.on("unhandledRejection", (e) => failRun?.(e));
process.on("uncaughtException", (e) => failRun?.(e));

async function run(request: ComponentRequest): Promise<ComponentRecord> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const build = (require(request.program) as { default: (input: unknown) => Record<string, unknown> | void }).default;
    const engine = useRecordingEngine({ project: request.project, stack: request.stack, config: request.config });
    const failed = new Promise<never>((_, reject) => (failRun = reject));
    const outputs = await Promise.race([pulumi.runtime.runInPulumiStack(async () => ({ ...(build(request.input) ?? {}) })), failed]);
    const done = await Promise.race([engine.finish(outputs), failed]);
    return { resources: done.resources, outputs: done.outputs };
  } catch (e) {
    return { error: { message: (e as Error).message ?? String(e) } };
  } finally {
    failRun = undefined;
  }
}

const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    const { request, out } = JSON.parse(line) as { request: ComponentRequest; out: string };
    const result = await run(request);
    writeFileSync(`${out}.tmp`, JSON.stringify(result));
    renameSync(`${out}.tmp`, out);
    await new Promise<void>((done) => process.stdout.write(`done ${out}\n`, () => done()));
    if ("error" in result) process.exit(0);
  });
});
lines.on("close", () => void queue.then(() => process.exit(0)));
