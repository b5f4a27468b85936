import fc from "fast-check";
import { applyMutations, caseArb, Raw } from "./configMutations";
import { checkConfig } from "./checkConfig";
import { rawStackConfig } from "../stackFiles";

/** One seeded run of the contract's property over `stacks` (tests/unit/contract/property.test.ts). */
export interface SampleResult {
  readonly rejected: number;
  readonly accepted: readonly { readonly stack: string; readonly raw: Raw; readonly mutations: string }[];
  /** fast-check's report of the first counterexample (with its seed and path), if any. */
  readonly failure?: string;
}

/**
 * `runs` seeded mutations of the stack files in `root`: each is either refused with problems
 * that each name a key path, what is wrong and what is allowed, or accepted with a model and
 * renderers that do not throw (checkConfig.ts).
 */
export function sampleCases(stacks: readonly string[], root: string, seed: number, runs: number): SampleResult {
  const raw: Record<string, Raw> = Object.fromEntries(stacks.map((s) => [s, rawStackConfig(s, root)]));
  const accepted: { stack: string; raw: Raw; mutations: string }[] = [];
  let rejected = 0;
  try {
    fc.assert(
      fc.property(caseArb(stacks), ({ stack, mutations }) => {
        const mutated = applyMutations(raw[stack]!, mutations);
        const outcome = checkConfig(mutated, stack);
        if (outcome.kind === "crash") throw new Error(`${stack}: ${outcome.where} crashed: ${outcome.error.slice(0, 1500)}`);
        if (outcome.kind === "rejected") rejected++;
        else accepted.push({ stack, raw: mutated, mutations: JSON.stringify(mutations).slice(0, 300) });
      }),
      { seed, numRuns: runs },
    );
  } catch (e) {
    return { rejected, accepted, failure: e instanceof Error ? e.message : String(e) };
  }
  return { rejected, accepted };
}

/**
 * `node dist/fuzz/sampleCases.js <seed> <runs> <stack>...` (compiled by tools/build.js, which
 * the unit suite's global setup runs) prints the SampleResult as JSON for the stack files in
 * the working directory. The unit suite runs it in plain node: the same loop takes about three
 * times as long inside jest's module sandbox (zod's parsing in particular).
 */
if (require.main === module) {
  const [seed, runs, ...stacks] = process.argv.slice(2);
  const result = sampleCases(stacks, process.cwd(), Number(seed), Number(runs));
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
}
