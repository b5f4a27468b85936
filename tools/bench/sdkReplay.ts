import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { useRecordingEngine } from "../mockRuntime";
import type { Plan } from "../plan";

/**
 * The SDK's own floor for a plan's resources: registers the very resources a plan printed
 * (same types, names, parents and inputs as `npm run plan -- <stack> --json` shows them) under
 * the same recording mock engine, with none of Parity's code: no contract, model, renderers,
 * Output chains, secrets, dependsOn or provider references. Long texts arrive as the plan's
 * summaries, so this is a lower bound on what any program registering these resources pays.
 * The bench compares each plan with it to tell Parity's cost from the SDK's.
 *
 * Usage: node dist/bench/sdkReplay.js <plan.json> <package>...
 *   <package>: the packages the plan loaded (the SDK and the providers), loaded the same way.
 */
const [planFile, ...packages] = process.argv.slice(2);
if (!planFile) throw new Error("usage: sdkReplay <plan.json> <package>...");
// The plan runs with stack traces off (plan.ts's stackTracesOff); the floor must too.
Error.stackTraceLimit = 0;
// eslint-disable-next-line @typescript-eslint/no-require-imports
for (const pkg of packages) require(pkg);

const plan = JSON.parse(readFileSync(planFile, "utf8")) as Plan;

// The SDK's base classes, made constructible: generated provider classes are exactly these with a type token.
class BareProvider extends pulumi.ProviderResource {}
class BareResource extends pulumi.CustomResource {}
class BareComponent extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs({});
  }
}

function replay(resources: Plan["resources"]): void {
  // Resource names are unique within a plan (the recording engine refuses duplicate URNs).
  const byName = new Map<string, pulumi.Resource>();
  for (const r of resources) {
    if (r.type === "pulumi:pulumi:Stack") continue;
    const parent = r.parent === null ? undefined : byName.get(r.parent);
    const opts = parent ? { parent } : {};
    let res: pulumi.Resource;
    if (r.type.startsWith("pulumi:providers:")) {
      res = new BareProvider(r.type.slice("pulumi:providers:".length), r.name, r.inputs, opts);
    } else if (r.type.startsWith("parity:")) {
      res = new BareComponent(r.type, r.name, opts);
    } else {
      res = new BareResource(r.type, r.name, r.inputs, opts);
    }
    byName.set(r.name, res);
  }
}

async function main(): Promise<void> {
  const engine = useRecordingEngine({ project: "parity", stack: plan.stack, config: {} });
  await pulumi.runtime.runInPulumiStack(async () => {
    replay(plan.resources);
    return {};
  });
  const run = await engine.finish({});
  if (run.resources.length !== plan.resources.length) throw new Error(`replayed ${run.resources.length} resources, the plan has ${plan.resources.length}`);
  if (process.env["PARITY_REPORT_USAGE"] === "1") {
    const u = process.resourceUsage();
    process.stderr.write(`PARITY_USAGE ${JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })}\n`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).message ?? String(e)}\n`);
    process.exit(1);
  },
);
