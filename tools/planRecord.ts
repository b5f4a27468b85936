import { renameSync, readFileSync, writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { makePlan, PROGRAM, stackTracesOff } from "./plan";

/**
 * Child-process entry of the unit suite's whole-stack plans (tests/helpers/planStack.ts): runs
 * the compiled program under the recording mock engine in plain node, where a mocked resource
 * costs a fraction of what it costs inside jest, and writes `{ plan, resources }` (raw inputs
 * included) or `{ error }` as JSON to a file. One process per plan: the program registers its
 * resources at import time, once per process.
 *
 * Usage: node dist/planRecord.js <request.json> <out.json>
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
    const { plan, resources } = await makePlan(request.stack, request.root, replace, PROGRAM);
    return { plan, resources };
  } catch (e) {
    return { error: { message: (e as Error).message ?? String(e), contract: pulumi.RunError.isInstance(e) } };
  }
}

if (require.main === module) {
  stackTracesOff();
  const [requestFile, outFile] = process.argv.slice(2);
  if (!requestFile || !outFile) throw new Error("usage: planRecord.js <request.json> <out.json>");
  void record(JSON.parse(readFileSync(requestFile, "utf8")) as PlanRequest).then((result) => {
    // Written whole, then renamed: a reader never sees half a plan.
    writeFileSync(`${outFile}.tmp`, JSON.stringify(result));
    renameSync(`${outFile}.tmp`, outFile);
    process.exit(0);
  });
}
