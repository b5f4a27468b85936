import "./sdkClosureDeferred";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import { RecordedResource, runProgram } from "./mockRuntime";
import { StackFileError } from "../contract/stackDocument";
import { readStackFile, toEngineConfig } from "./stackFiles";

/**
 * `npm run plan -- <stack> [--json]`: runs the real program offline under a recording mock
 * engine and prints what `pulumi preview` would create. No CLI, credentials or network.
 */
/** One resource as the plan prints it (long texts summarized). */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly inputs: Record<string, unknown>;
}

export interface Plan {
  readonly stack: string;
  readonly target: string;
  readonly resources: readonly PlannedResource[];
  readonly env: Record<string, Record<string, string>>;
  readonly outputs: Record<string, unknown>;
}

/**
 * Plans `stack` from the stack files in `root`. `program` is the entry module to run: the
 * TypeScript sources by default (under jest or tsx), dist/index.js when the plan runs compiled.
 */
export async function makePlan(
  stack: string,
  root = process.cwd(),
  override?: (values: Record<string, unknown>) => void,
  program = resolve(root, "index.ts"),
): Promise<{ plan: Plan; resources: readonly RecordedResource[] }> {
  const file = readStackFile(stack, root);
  override?.(file.values);
  const { config, secretKeys } = toEngineConfig(file.values);
  process.env["PARITY_OFFLINE_PLAN"] = "1";
  const run = await runProgram({ project: file.project, stack, config, secretKeys, program });
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

/** The program next to this module: dist/index.js when compiled (`npm run plan`), else the sources. */
export const PROGRAM = __filename.endsWith(".ts") ? resolve(__dirname, "..", "index.ts") : join(__dirname, "index.js");

/**
 * The SDK records a stack trace for every promise it creates; formatting them is close to half
 * of a large plan's CPU. Nothing reads them but the report of a crash in Parity's own code
 * (contract errors carry none): PARITY_STACK_TRACES=1 turns them back on.
 */
export function stackTracesOff(): boolean {
  if (process.env["PARITY_STACK_TRACES"] === "1") return false;
  Error.stackTraceLimit = 0;
  return true;
}

/** Resolves once `text` is handed to the OS: process.exit drops what a pipe has not taken yet. */
export function writeFully(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((done, fail) => stream.write(text, (e) => (e ? fail(e) : done())));
}

async function main(argv: string[]): Promise<number> {
  const tracesOff = stackTracesOff();
  const json = argv.includes("--json");
  const stack = argv.find((a) => !a.startsWith("--"));
  if (!stack) {
    await writeFully(process.stderr, "usage: npm run plan -- <stack> [--json]\n");
    return 2;
  }
  try {
    const { plan, resources } = await makePlan(stack, process.cwd(), undefined, PROGRAM);
    await writeFully(process.stdout, (json ? JSON.stringify(plan, null, 2) : renderText(plan, resources)) + "\n");
    return 0;
  } catch (e) {
    // A RunError (contract problems) carries a complete report: print it alone.
    const hint = tracesOff ? "\n(stack traces are off: set PARITY_STACK_TRACES=1 to see where this was thrown)" : "";
    const report = pulumi.RunError.isInstance(e) || e instanceof StackFileError ? e.message : `${(e as Error).stack ?? String(e)}${hint}`;
    await writeFully(process.stderr, `${report}\n`);
    return 1;
  }
}

/** For `npm run bench`: CPU and peak memory (by the kernel), and the Pulumi packages loaded (the floor loads the same). */
function usage(): { maxRssKb: number; cpuMs: number; packages: string[] } {
  const u = process.resourceUsage();
  const packages = new Set<string>();
  for (const file of Object.keys(require.cache)) {
    const m = /[/\\]node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(file);
    if (m && /pulumi/.test(m[1]!)) packages.add(m[1]!.replace(/\\/g, "/"));
  }
  return { maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, packages: [...packages].sort() };
}

// Bundled into other entry points too (dist/planRecord.js): run only as the plan itself.
if (require.main === module && /(^|[\\/])plan\.[jt]s$/.test(process.argv[1] ?? "")) {
  main(process.argv.slice(2)).then(async (code) => {
    // For `npm run bench`: peak memory of this process, measured by the kernel.
    if (process.env["PARITY_REPORT_USAGE"] === "1") await writeFully(process.stderr, `PARITY_USAGE ${JSON.stringify(usage())}\n`);
    process.exit(code);
  }, (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
