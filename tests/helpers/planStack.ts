import type { RecordedResource } from "../../tools/mockRuntime";
import type { Plan } from "../../tools/plan";
import { ROOT } from "./stackConfig";

export interface PlannedStack {
  readonly plan: Plan;
  readonly resources: readonly RecordedResource[];
  byType(type: string): RecordedResource[];
  one(type: string, name: string): RecordedResource;
}

/**
 * Runs the real program for a stack file under the recording mock engine, in a fresh module
 * registry (the program registers resources at import time, once per registry).
 * `edit` changes the stack file's values (fully qualified keys) before the run.
 */
export async function planStack(stack: string, edit?: (values: Record<string, unknown>) => void): Promise<PlannedStack> {
  let result: { plan: Plan; resources: readonly RecordedResource[] } | undefined;
  await jest.isolateModulesAsync(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { makePlan } = require("../../tools/plan") as typeof import("../../tools/plan");
    result = await makePlan(stack, ROOT, edit);
  });
  const { plan, resources } = result!;
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
