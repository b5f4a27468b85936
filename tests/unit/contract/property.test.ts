import fc from "fast-check";
import { readdirSync } from "node:fs";
import { caseArb, applyMutations, Raw } from "../../../tools/fuzz/configMutations";
import { checkConfig } from "../../../tools/fuzz/checkConfig";
import { planStack } from "../../helpers/planStack";
import { ROOT, rawStackConfig } from "../../helpers/stackConfig";

/**
 * The contract's promise, as a property over random mutations of every stack file at the
 * repository root: a config is either refused with problems that each name a key path, what
 * is wrong and what is allowed, or it is accepted and the program built from it does not throw.
 *
 * What runs per accepted mutation: the model and every in-guest renderer, in this process.
 * The whole program under the mock engine (components, provider inputs, resource names) costs
 * ~0.5 s per config, so only a seeded sample of the accepted ones is planned here (PLANNED),
 * by the run's plan servers (helpers/planStack.ts); `npm run bench:contract` plans many more. Reproduce a failure
 * with the seed it prints: PARITY_FUZZ_SEED=<seed> npx jest tests/unit/contract/property.
 */
const STACKS = readdirSync(ROOT).flatMap((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1] ?? []).sort();
const RAW: Record<string, Raw> = Object.fromEntries(STACKS.map((s) => [s, rawStackConfig(s)]));
const SEED = Number(process.env["PARITY_FUZZ_SEED"] ?? 20261201);
const RUNS = 500;
const PLANNED = 2;

const accepted: { stack: string; raw: Raw; mutations: string }[] = [];
let rejected = 0;

/** A stack file's values with its `parity:` keys replaced by `raw`'s. */
function withConfig(raw: Raw): (values: Record<string, unknown>) => void {
  return (values) => {
    for (const key of Object.keys(values)) if (key.startsWith("parity:")) delete values[key];
    for (const [key, v] of Object.entries(raw)) values[`parity:${key}`] = v;
  };
}

describe(`${RUNS} seeded mutations of ${STACKS.length} stack files (seed ${SEED})`, () => {
  it("are each refused with key-path problems, or accepted with a model and renderers that do not throw", () => {
    expect(STACKS).toEqual(expect.arrayContaining(["azure", "homelab", "lifebuddy", "local", "stock-analysis"]));
    fc.assert(
      fc.property(caseArb(STACKS), ({ stack, mutations }) => {
        const raw = applyMutations(RAW[stack]!, mutations);
        const outcome = checkConfig(raw, stack);
        if (outcome.kind === "crash") throw new Error(`${stack}: ${outcome.where} crashed: ${outcome.error.slice(0, 1500)}`);
        if (outcome.kind === "rejected") rejected++;
        else accepted.push({ stack, raw, mutations: JSON.stringify(mutations).slice(0, 300) });
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Both sides of the property are exercised, or the mutations have gone blind.
    expect(rejected).toBeGreaterThan(RUNS / 10);
    expect(accepted.length).toBeGreaterThan(RUNS / 20);
  });

  it(`plan as a whole program under the mock engine: a seeded sample of ${PLANNED} accepted ones`, async () => {
    expect(accepted.length).toBeGreaterThanOrEqual(PLANNED);
    // Distinct stacks first, so each run plans different targets; then the seed decides.
    const rng = fc.sample(fc.nat(), { seed: SEED, numRuns: 64 });
    const byStack = new Map<string, typeof accepted>();
    for (const a of accepted) byStack.set(a.stack, [...(byStack.get(a.stack) ?? []), a]);
    const stacks = [...byStack.keys()];
    const sample = Array.from({ length: PLANNED }, (_, i) => {
      const pool = byStack.get(stacks[(rng[i]! + i) % stacks.length]!)!;
      return pool[rng[i + PLANNED]! % pool.length]!;
    });
    const results = await Promise.all(sample.map((a) => planStack(a.stack, withConfig(a.raw)).then((p) => ({ resources: p.resources.length }), (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }))));
    results.forEach((r, i) => {
      if ("error" in r) throw new Error(`accepted ${sample[i]!.stack} mutation ${sample[i]!.mutations} failed to plan: ${r.error}`);
      expect(r.resources).toBeGreaterThan(5);
    });
  });
});
