import type { RecordedResource } from "../../tools/mockRuntime";
import type { Plan } from "../../tools/plan";
import type { PlanRecord, PlanRequest } from "../../tools/planRecord";
import { runOnServer } from "./pools";
import { ROOT, stackFile } from "./stackConfig";

export interface PlannedStack {
  readonly plan: Plan;
  readonly resources: readonly RecordedResource[];
  byType(type: string): RecordedResource[];
  one(type: string, name: string): RecordedResource;
}

/** The plan request for a stack file, its values changed by `edit` (fully qualified keys). */
export function stackRequest(stack: string, edit?: (values: Record<string, unknown>) => void): PlanRequest {
  const file = stackFile(stack);
  edit?.(file.values);
  return { stack, root: ROOT, values: file.values };
}

/**
 * Runs the real program for a stack file under the recording mock engine and returns what it
 * registered. `edit` changes the stack file's values (fully qualified keys) before the run.
 *
 * The plan runs compiled, in a plain node process (dist/planRecord.js) that keeps the SDK
 * loaded between plans: a mocked resource costs ~15 ms inside jest and a fraction of that
 * there. The run's plan servers live in jest's parent process (pools.ts, globalSetup.ts): each
 * distinct request is planned once for the whole run, whichever test file asks, so the stacks
 * many test files share are planned once. A new edit costs one plan (0.2-0.7 s of CPU).
 */
export async function planStack(stack: string, edit?: (values: Record<string, unknown>) => void): Promise<PlannedStack> {
  const record = await runOnServer<PlanRecord>("plans", stackRequest(stack, edit));
  if ("error" in record) throw new Error(record.error.message);
  const plan = record.plan as Plan;
  const resources = record.resources as RecordedResource[];
  return {
    plan,
    resources,
    byType: (type) => resources.filter((r) => r.type === type),
    one: (type, name) => {
      const found = resources.filter((r) => r.type === type && r.name === name);
      if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
      return found[0]!;
    },
  };
}
