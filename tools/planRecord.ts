import "./sdkClosureDeferred";
import { appendFileSync, renameSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import * as pulumi from "@pulumi/pulumi";
import { makePlan, PROGRAM, stackTracesOff } from "./plan";

/**
 * Child-process server of the unit suite's whole-stack plans (tests/helpers/planStack.ts): runs
 * the compiled program under the recording mock engine in plain node, where a mocked resource
 * costs a fraction of what it costs inside jest. Reads one `{ request, out }` JSON per stdin
 * line, writes `{ plan, resources }` (raw inputs included) or `{ error }` as JSON to `out`, then
 * answers `done <out>` on stdout. The SDK and providers stay loaded from one plan to the next;
 * the program's bundle is loaded afresh for each (no module state carries over) and the
 * recording engine is installed anew, so a plan does not depend on the plans before it
 * (tests/unit/tools/planRecord.test.ts). After a failed plan the server exits: the next plan
 * gets a fresh process.
 *
 * Usage: node dist/planRecord.js   (stdin/stdout as above)
 */
export interface PlanRequest {
  readonly stack: string;
  /** Directory holding Pulumi.yaml and the stack files. */
  readonly root: string;
  /** The stack file's values (fully qualified keys) to plan instead of the file's own. */
  readonly values?: Record<string, unknown>;
}

export type PlanRecord = { readonly plan: unknown; readonly resources: unknown } | { readonly error: { readonly message: string; readonly contract: boolean } };

async function record(request: PlanRequest): Promise<PlanRecord> {
  try {
    const replace = request.values
      ? (values: Record<string, unknown>) => {
          for (const key of Object.keys(values)) delete values[key];
          Object.assign(values, request.values);
        }
      : undefined;
    delete require.cache[PROGRAM];
    const { plan, resources } = await makePlan(request.stack, request.root, replace, PROGRAM);
    return { plan, resources };
  } catch (e) {
    return { error: { message: e instanceof Error ? e.message : String(e), contract: pulumi.RunError.isInstance(e) } };
  }
}

if (require.main === module) {
  stackTracesOff();
  const lines = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  lines.on("line", (line) => {
    queue = queue.then(async () => {
      const { request, out } = JSON.parse(line) as { request: PlanRequest; out: string };
      const result = await record(request);
      // Written whole, then renamed: a reader never sees half a plan.
      writeFileSync(`${out}.tmp`, JSON.stringify(result));
      renameSync(`${out}.tmp`, out);
      await new Promise<void>((done) => process.stdout.write(`done ${out}\n`, () => done()));
      if ("error" in result) process.exit(0);
    });
  });
  // The test worker that started this server is gone.
  lines.on("close", () => void queue.then(() => process.exit(0)));
  // Nobody waits for this process, so `time npm test` misses its CPU: PARITY_PLAN_CPU_LOG=<file>
  // collects it (tests/README.md, "Keeping the suite fast").
  const log = process.env["PARITY_PLAN_CPU_LOG"];
  if (log) process.on("exit", () => appendFileSync(log, `${JSON.stringify({ cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000), maxRssKb: process.resourceUsage().maxRSS })}\n`));
}
