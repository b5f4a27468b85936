import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import fc from "fast-check";
import type { SampleResult } from "../../../tools/fuzz/sampleCases";
import { planStack } from "../../helpers/planStack";
import { ROOT } from "../../helpers/stackConfig";

/**
 * The contract's promise, as a property over random mutations of every stack file at the
 * repository root: a config is either refused with problems that each name a key path, what
 * is wrong and what is allowed, or it is accepted and the program built from it does not throw.
 *
 * What runs per accepted mutation: the model and every in-guest renderer, in a plain node
 * process (tools/fuzz/sampleCases.ts): jest's module sandbox makes that loop ~3x slower.
 * The whole program under the mock engine (components, provider inputs, resource names) costs
 * ~0.5 s per config, so only a seeded sample of the accepted ones is planned here (PLANNED),
 * by the run's plan servers (helpers/planStack.ts); `npm run bench:contract` plans many more. Reproduce a failure
 * with the seed it prints: PARITY_FUZZ_SEED=<seed> npx jest tests/unit/contract/property.
 */
const STACKS = readdirSync(ROOT).flatMap((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1] ?? []).sort();
const SEED = Number(process.env["PARITY_FUZZ_SEED"] ?? 20261201);
const RUNS = 500;
const PLANNED = 2;

/** The seeded run, started when the file loads, in a plain node process (compiled by the global setup). */
const sample: Promise<SampleResult> = new Promise((done, fail) => {
  const args = ["dist/fuzz/sampleCases.js", String(SEED), String(RUNS), ...STACKS];
  execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 }, (e, stdout, stderr) => (e ? fail(new Error(`${e.message}\n${stderr}`)) : done(JSON.parse(stdout) as SampleResult)));
});

/** A stack file's values with its `parity:` keys replaced by `raw`'s. */
function withConfig(raw: Record<string, unknown>): (values: Record<string, unknown>) => void {
  return (values) => {
    for (const key of Object.keys(values)) if (key.startsWith("parity:")) delete values[key];
    for (const [key, v] of Object.entries(raw)) values[`parity:${key}`] = v;
  };
}

describe(`${RUNS} seeded mutations of ${STACKS.length} stack files (seed ${SEED})`, () => {
  it("are each refused with key-path problems, or accepted with a model and renderers that do not throw", async () => {
    expect(STACKS).toEqual(expect.arrayContaining(["azure", "homelab", "lifebuddy", "local", "stock-analysis"]));
    const { rejected, accepted, failure } = await sample;
    if (failure) throw new Error(failure);
    // Both sides of the property are exercised, or the mutations have gone blind.
    expect(rejected).toBeGreaterThan(RUNS / 10);
    expect(accepted.length).toBeGreaterThan(RUNS / 20);
  });

  it(`plan as a whole program under the mock engine: a seeded sample of ${PLANNED} accepted ones`, async () => {
    const { accepted } = await sample;
    expect(accepted.length).toBeGreaterThanOrEqual(PLANNED);
    // Distinct stacks first, so each run plans different targets; then the seed decides.
    const rng = fc.sample(fc.nat(), { seed: SEED, numRuns: 64 });
    const byStack = new Map<string, typeof accepted>();
    for (const a of accepted) byStack.set(a.stack, [...(byStack.get(a.stack) ?? []), a]);
    const stacks = [...byStack.keys()];
    const picked = Array.from({ length: PLANNED }, (_, i) => {
      const pool = byStack.get(stacks[(rng[i]! + i) % stacks.length]!)!;
      return pool[rng[i + PLANNED]! % pool.length]!;
    });
    const results = await Promise.all(picked.map((a) => planStack(a.stack, withConfig(a.raw)).then((p) => ({ resources: p.resources.length }), (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }))));
    results.forEach((r, i) => {
      if ("error" in r) throw new Error(`accepted ${picked[i]!.stack} mutation ${picked[i]!.mutations} failed to plan: ${r.error}`);
      expect(r.resources).toBeGreaterThan(5);
    });
  });
});
