// Loads the SDK as the plan does (sdkClosure.ts), so the floor pays no more than the plan.
import "../sdkClosureDeferred";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { useRecordingEngine } from "../mockRuntime";
import type { Plan, PlannedResource } from "../plan";
import { containerPerServiceOf } from "./containerPerService";
import { yieldToSdk } from "../../targets/shared/yieldToSdk";

/**
 * The SDK's own floor for a plan's resources: registers the very resources a plan printed
 * (same types, names, parents and inputs as `npm run plan -- <stack> --json` shows them), each
 * through its provider package's generated class as a program would, under the same recording
 * mock engine, with none of Parity's code: no contract, model, renderers, Output chains,
 * secrets, dependsOn or provider references. Long texts arrive as the plan's summaries, and the
 * SDK runs after each resource (the program yields, as Parity's targets do between batches), so
 * this is a lower bound on what any program registering these resources pays.
 * The bench compares each plan with it to tell Parity's cost from the SDK's.
 *
 * `--container-per-service` replays a smaller set: each Docker service as its container alone
 * (no DockerService component, no health-gate command, no per-service edge network), the least
 * any design that runs a replica as a container registers. The bench uses it to tell what
 * fewer resources per worker slot could at best gain.
 *
 * Usage: node dist/bench/sdkReplay.js [--container-per-service] <plan.json> <package>...
 *   <package>: the packages the plan loaded (the SDK and the providers), loaded the same way.
 */
const args = process.argv.slice(2);
const containerPerService = args[0] === "--container-per-service";
const [planFile, ...packages] = containerPerService ? args.slice(1) : args;
if (!planFile) throw new Error("usage: sdkReplay [--container-per-service] <plan.json> <package>...");
// The plan runs with stack traces off (plan.ts's stackTracesOff); the floor must too.
Error.stackTraceLimit = 0;
/** Provider package by the first segment of a type token. */
const PACKAGE_OF: Readonly<Record<string, string>> = {
  docker: "@pulumi/docker",
  command: "@pulumi/command",
  proxmoxve: "@muhlba91/pulumi-proxmoxve",
  random: "@pulumi/random",
  "azure-native": "@pulumi/azure-native",
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loaded = new Map(packages.map((pkg) => [pkg, require(pkg) as Record<string, unknown>]));

type ResourceClass = new (name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/** The generated class of a type token ("docker:index/container:Container" → docker.Container), if its package is loaded. */
function classOf(type: string): ResourceClass | undefined {
  const [pkgToken, module, className] = type.split(":") as [string, string, string];
  const pkg = loaded.get(PACKAGE_OF[pkgToken] ?? "");
  if (!pkg) return undefined;
  const namespace = module.split("/")[0]!;
  const mod = (namespace === "index" ? pkg : pkg[namespace]) as Record<string, unknown> | undefined;
  return mod?.[className] as ResourceClass | undefined;
}

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

async function replay(resources: readonly PlannedResource[]): Promise<void> {
  // Resource names are unique within a plan (the recording engine refuses duplicate URNs).
  const byName = new Map<string, pulumi.Resource>();
  for (const r of resources) {
    if (r.type === "pulumi:pulumi:Stack") continue;
    const parent = r.parent === null ? undefined : byName.get(r.parent);
    const opts = parent ? { parent } : {};
    let res: pulumi.Resource;
    const generated = r.type.startsWith("pulumi:providers:")
      ? (loaded.get(PACKAGE_OF[r.type.slice("pulumi:providers:".length)] ?? "")?.["Provider"] as ResourceClass | undefined)
      : classOf(r.type);
    if (generated) {
      res = new generated(r.name, r.inputs, opts);
    } else if (r.type.startsWith("pulumi:providers:")) {
      res = new BareProvider(r.type.slice("pulumi:providers:".length), r.name, r.inputs, opts);
    } else if (r.type.startsWith("parity:")) {
      res = new BareComponent(r.type, r.name, opts);
    } else {
      res = new BareResource(r.type, r.name, r.inputs, opts);
    }
    byName.set(r.name, res);
    await yieldToSdk();
  }
}

async function main(): Promise<void> {
  const engine = useRecordingEngine({ project: "parity", stack: plan.stack, config: {} });
  const resources = containerPerService ? containerPerServiceOf(plan.resources) : plan.resources;
  await pulumi.runtime.runInPulumiStack(async () => {
    await replay(resources);
    return {};
  });
  const run = await engine.finish({});
  if (run.resources.length !== resources.length) throw new Error(`replayed ${run.resources.length} resources, meant ${resources.length}`);
  if (process.env["PARITY_REPORT_USAGE"] === "1") {
    const u = process.resourceUsage();
    process.stderr.write(`PARITY_USAGE ${JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })}\n`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
