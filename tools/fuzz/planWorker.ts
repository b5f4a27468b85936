import "../sdkClosureDeferred";
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import { runProgram } from "../mockRuntime";
import { readStackFile, toEngineConfig } from "../stackFiles";

/**
 * Plans many configs in one process: reads JSON lines `{ id, stack, config }` (`config`: the
 * `parity:` keys without the namespace) and answers each with `{ id, ok, resources | error }`.
 * Each run is the real program under the recording mock engine, as `npm run plan` runs it; the
 * program's own modules are loaded afresh per config (no module state carries from one config to
 * the next), the SDK and providers once.
 */
const ROOT = resolve(__dirname, "../..");
process.env["PARITY_OFFLINE_PLAN"] = "1";
process.setSourceMapsEnabled(false);

let current: ((e: unknown) => void) | undefined;
process.on("unhandledRejection", (e) => current?.(e));
process.on("uncaughtException", (e) => current?.(e));

function freshProgram(): void {
  for (const k of Object.keys(require.cache)) if (k.startsWith(ROOT) && !k.includes("/node_modules/") && !k.startsWith(resolve(ROOT, "tools"))) delete require.cache[k];
}

async function planOne(stack: string, config: Record<string, unknown>): Promise<number> {
  freshProgram();
  const file = readStackFile(stack, ROOT);
  const values = Object.fromEntries(Object.entries(file.values).filter(([k]) => !k.startsWith(`${file.project}:`)));
  for (const [k, v] of Object.entries(config)) values[`${file.project}:${k}`] = v;
  const engine = toEngineConfig(values);
  const failed = new Promise<never>((_, reject) => { current = reject; });
  const run = runProgram({ project: file.project, stack, config: engine.config, secretKeys: engine.secretKeys, program: resolve(ROOT, "index.ts") });
  try {
    return (await Promise.race([run, failed])).resources.length;
  } finally {
    current = undefined;
  }
}

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const { id, stack, config } = JSON.parse(line) as { id: number; stack: string; config: Record<string, unknown> };
    const start = Date.now();
    try {
      const resources = await planOne(stack, config);
      process.stdout.write(`${JSON.stringify({ id, ok: true, resources, ms: Date.now() - start })}\n`);
    } catch (e) {
      process.stdout.write(`${JSON.stringify({ id, ok: false, error: (e instanceof Error ? e.message : String(e)).slice(0, 2000), ms: Date.now() - start })}\n`);
    }
  }
}

// The handlers above hand a rejection to the plan in flight and drop it otherwise: a failure of
// main() itself would go unnoticed, so it ends the worker here with a failing status.
main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
