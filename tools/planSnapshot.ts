import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { RecordedResource } from "./mockRuntime";
import type { Plan } from "./plan";

/**
 * What plan:diff compares: the offline plan's resources (inputs summarized, secrets as
 * "[secret]") with the options that decide what a change costs — protect and ignoreChanges.
 */
export interface SnapshotResource {
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly inputs: Record<string, unknown>;
  readonly protect: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: readonly string[];
  /** Names of the resources it and its ancestors wait for (explicit dependsOn): a rollout's order. Absent in older snapshots. */
  readonly waitsFor?: readonly string[];
}

export interface PlanSnapshot {
  readonly stack: string;
  readonly target: string;
  readonly resources: readonly SnapshotResource[];
  /** Service → variable → value, secrets as "[secret]". */
  readonly env: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** What a resource and its ancestors explicitly wait for, by name (a child waits for what its parents wait for). */
function waitsFor(r: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>): string[] {
  const out = new Set<string>();
  for (let a: RecordedResource | undefined = r; a; a = a.parentUrn ? byUrn.get(a.parentUrn) : undefined) {
    for (const d of a.dependencies) {
      const dr = byUrn.get(d);
      // What orders a rollout: a health gate (a pool's previous slot) or a volume; not the host's images and networks.
      if (dr && (dr.name.endsWith("-health-wait") || dr.type === "docker:index/volume:Volume")) out.add(dr.name);
    }
  }
  return [...out].sort();
}

/** Joins a plan with the recorded options of the same run (both list resources in registration order). */
export function snapshotOf(plan: Plan, recorded: readonly RecordedResource[]): PlanSnapshot {
  const byUrn = new Map(recorded.map((r) => [r.urn, r]));
  if (plan.resources.length !== recorded.length) throw new Error(`plan lists ${plan.resources.length} resources, the run recorded ${recorded.length}`);
  return {
    stack: plan.stack,
    target: plan.target,
    env: plan.env,
    resources: plan.resources.map((r, i) => {
      const rec = recorded[i]!;
      if (rec.type !== r.type || rec.name !== r.name) throw new Error(`resource ${i}: plan has ${r.type} ${r.name}, the run recorded ${rec.type} ${rec.name}`);
      return { ...r, protect: rec.protect, deleteBeforeReplace: rec.deleteBeforeReplace, ignoreChanges: rec.ignoreChanges, waitsFor: waitsFor(rec, byUrn) };
    }),
  };
}

type MakePlan = (stack: string, root?: string) => Promise<{ plan: Plan; resources: readonly RecordedResource[] }>;

/**
 * `tsx tools/planSnapshot.ts <stack> <root>`: plans `<root>`'s program and stack file with
 * `<root>`'s own tools/plan.ts (a base checkout has its own), printing one PlanSnapshot.
 * One plan per process: a base checkout's program may register its resources as it loads.
 */
async function main(argv: readonly string[]): Promise<number> {
  const [stack, rootArg] = argv;
  if (!stack || !rootArg) {
    process.stderr.write("usage: tsx tools/planSnapshot.ts <stack> <root>\n");
    return 2;
  }
  const root = resolve(rootArg);
  const planModule = join(root, "tools/plan.ts");
  if (!existsSync(planModule)) {
    process.stderr.write(`${root} has no tools/plan.ts\n`);
    return 3;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { makePlan } = require(planModule) as { makePlan?: MakePlan };
  if (typeof makePlan !== "function") {
    process.stderr.write(`${planModule} does not export makePlan(stack, root): too old to compare\n`);
    return 3;
  }
  const { plan, resources } = await makePlan(stack, root);
  process.stdout.write(JSON.stringify(snapshotOf(plan, resources)) + "\n");
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      // A contract report (RunError) is the whole message; anything else keeps its trace.
      const report = (e as { __pulumiRunError?: boolean } | undefined)?.__pulumiRunError ? (e as Error).message : e instanceof Error ? e.stack ?? e.message : String(e);
      process.stderr.write(`${report}\n`);
      process.exit(1);
    },
  );
}
