import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { RecordedResource, runProgram } from "./mockRuntime";
import { StackFileError } from "../contract/stackDocument";
import { readStackFile, toEngineConfig } from "./stackFiles";

/**
 * `npm run plan -- <stack> [--json]`: runs the real program offline under a recording mock
 * engine and prints what `pulumi preview` would create. No CLI, credentials or network.
 */
export interface Plan {
  readonly stack: string;
  readonly target: string;
  readonly resources: readonly { type: string; name: string; parent: string | null; inputs: Record<string, unknown> }[];
  readonly env: Record<string, Record<string, string>>;
  readonly outputs: Record<string, unknown>;
}

export async function makePlan(stack: string, root = process.cwd(), override?: (values: Record<string, unknown>) => void): Promise<{ plan: Plan; resources: readonly RecordedResource[] }> {
  const file = readStackFile(stack, root);
  override?.(file.values);
  const { config, secretKeys } = toEngineConfig(file.values);
  process.env["PARITY_OFFLINE_PLAN"] = "1";
  const run = await runProgram({ project: file.project, stack, config, secretKeys, program: resolve(root, "index.ts") });
  const plan: Plan = {
    stack,
    target: String(run.outputs["target"] ?? file.values[`${file.project}:target`]),
    resources: run.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent ?? null, inputs: summarize(r.inputs) as Record<string, unknown> })),
    env: (run.outputs["env"] ?? {}) as Plan["env"],
    outputs: run.outputs,
  };
  return { plan, resources: run.resources };
}

/** Long text (scripts, assets) becomes its size and hash, so the plan stays readable and diffable. */
function summarize(v: unknown): unknown {
  if (typeof v === "string" && v.length > 160) return `<${v.length} bytes sha256:${createHash("sha256").update(v).digest("hex").slice(0, 12)}>`;
  if (Array.isArray(v)) return v.map(summarize);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, summarize(x)]));
  return v;
}

function compact(inputs: Record<string, unknown>): string {
  const text = JSON.stringify(inputs);
  return text.length > 220 ? `${text.slice(0, 217)}...` : text;
}

export function renderText(plan: Plan, resources: readonly RecordedResource[]): string {
  const lines: string[] = [`Parity plan for stack '${plan.stack}' (target ${plan.target}): ${plan.resources.length} resources`, ""];
  const children = new Map<string | undefined, RecordedResource[]>();
  for (const r of resources) children.set(r.parentUrn, [...(children.get(r.parentUrn) ?? []), r]);
  const visit = (parentUrn: string | undefined, depth: number) => {
    for (const r of children.get(parentUrn) ?? []) {
      const inputs = Object.keys(r.inputs).length ? `  ${compact(summarize(r.inputs) as Record<string, unknown>)}` : "";
      const flags = [r.protect ? "protect" : "", r.deleteBeforeReplace ? "delete-before-replace" : ""].filter(Boolean).join(",");
      lines.push(`${"  ".repeat(depth)}+ ${r.type}  ${r.name}${flags ? ` [${flags}]` : ""}${inputs}`);
      visit(r.urn, depth + 1);
    }
  };
  visit(undefined, 0);
  lines.push("", "Environment per service (secrets masked):");
  for (const [svc, vars] of Object.entries(plan.env)) {
    lines.push(`  ${svc}`);
    for (const [k, v] of Object.entries(vars)) lines.push(`    ${k}=${v}`);
  }
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  // The SDK captures a full stack trace for every resource it registers; mapping each frame
  // through source maps costs ~10% of the plan. Contract errors carry no trace, so nothing
  // users read is lost.
  process.setSourceMapsEnabled(false);
  const json = argv.includes("--json");
  const stack = argv.find((a) => !a.startsWith("--"));
  if (!stack) {
    process.stderr.write("usage: npm run plan -- <stack> [--json]\n");
    return 2;
  }
  try {
    const { plan, resources } = await makePlan(stack);
    process.stdout.write((json ? JSON.stringify(plan, null, 2) : renderText(plan, resources)) + "\n");
    return 0;
  } catch (e) {
    // A RunError (contract problems) carries a complete report: print it alone.
    const report = pulumi.RunError.isInstance(e) || e instanceof StackFileError ? e.message : (e as Error).stack ?? String(e);
    process.stderr.write(`${report}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    // For `npm run bench`: peak memory of this process, measured by the kernel.
    if (process.env["PARITY_REPORT_USAGE"] === "1") process.stderr.write(`PARITY_USAGE ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
    process.exit(code);
  });
}
