import fc from "fast-check";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { applyMutations, caseArb, Raw } from "../fuzz/configMutations";
import { checkConfig } from "../fuzz/checkConfig";
import { PlanClient } from "../fuzz/planClient";
import { readStackFile } from "../stackFiles";

/**
 * `npm run bench:contract [-- --runs N --seed S --plans P]`: the contract's property at scale.
 * Mutates every stack file's config N times (default 10,000), validates each, takes accepted
 * ones through the model and the in-guest renderers, and plans P of the accepted ones (default
 * 200; `--plans all` for every one) as whole programs under the mock engine. Prints mutations
 * run, crashes found by kind, and the median validation time. Figures, not assertions: the exit
 * code is 1 when anything crashed, so a CI report shows it.
 */
const ROOT = resolve(__dirname, "../..");

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i !== -1 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function signature(error: string): string {
  return (error.split("\n")[0] ?? "").replace(/\d+/g, "N").slice(0, 160);
}

async function main(): Promise<number> {
  const runs = Number(arg("runs", "10000"));
  const seed = Number(arg("seed", "20261201"));
  const plansArg = arg("plans", "200");
  const stacks = readdirSync(ROOT).flatMap((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1] ?? []).sort();
  const raw: Record<string, Raw> = Object.fromEntries(stacks.map((s) => {
    const { values } = readStackFile(s, ROOT);
    return [s, Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith("parity:")).map(([k, v]) => [k.slice(7), v]))];
  }));
  const planner = new PlanClient(ROOT);
  const cases = fc.sample(caseArb(stacks), { seed, numRuns: runs });
  const times: number[] = [];
  const crashes = new Map<string, { count: number; example: string }>();
  const accepted: { stack: string; raw: Raw; mutations: string }[] = [];
  let rejected = 0;
  const started = Date.now();
  for (const c of cases) {
    const mutated = applyMutations(raw[c.stack]!, c.mutations);
    const o = checkConfig(mutated, c.stack);
    times.push(o.ms);
    if (o.kind === "rejected") rejected++;
    else if (o.kind === "accepted") accepted.push({ stack: c.stack, raw: mutated, mutations: JSON.stringify(c.mutations).slice(0, 400) });
    else {
      const key = `${o.where}: ${signature(o.error)}`;
      const seen = crashes.get(key);
      crashes.set(key, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? `${c.stack} ${JSON.stringify(c.mutations).slice(0, 400)}` });
    }
  }
  const validateSeconds = (Date.now() - started) / 1000;
  const plans = plansArg === "all" ? accepted.length : Math.min(Number(plansArg), accepted.length);
  // Spread over the accepted ones, so every stack and every kind of mutation gets planned.
  const toPlan = Array.from({ length: plans }, (_, i) => accepted[Math.floor((i * accepted.length) / Math.max(plans, 1))]!);
  const planTimes: number[] = [];
  let planned = 0;
  for (const a of toPlan) {
    const r = await planner.plan(a.stack, a.raw);
    planned++;
    planTimes.push(r.ms);
    if (!r.ok) {
      const key = `plan: ${signature(r.error)}`;
      const seen = crashes.get(key);
      crashes.set(key, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? `${a.stack} ${a.mutations}` });
    }
  }
  planner.close();
  const crashCount = [...crashes.values()].reduce((a, c) => a + c.count, 0);
  console.log(`Parity contract fuzz: seed ${seed}, stacks ${stacks.join(", ")}`);
  console.log(`mutations run:              ${runs}`);
  console.log(`  refused by the contract:  ${rejected}`);
  console.log(`  accepted:                 ${accepted.length} (each built into a model and rendered)`);
  console.log(`  planned as whole program: ${planned} of the accepted (median ${median(planTimes).toFixed(0)} ms per plan)`);
  console.log(`crashes found:              ${crashCount} (${crashes.size} kinds)`);
  for (const [k, v] of [...crashes.entries()].sort((a, b) => b[1].count - a[1].count)) console.log(`  ${String(v.count).padStart(5)}  ${k}\n         e.g. ${v.example}`);
  console.log(`median validation time:     ${median(times).toFixed(2)} ms (p90 ${[...times].sort((a, b) => a - b)[Math.floor(times.length * 0.9)]?.toFixed(2)} ms; ${validateSeconds.toFixed(1)} s for all, incl. model and renderers)`);
  return crashCount ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => { console.error(e); process.exit(2); });
