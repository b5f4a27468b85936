import { ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { RecordedResource } from "../../tools/mockRuntime";
import type { Plan } from "../../tools/plan";
import type { PlanRecord, PlanRequest } from "../../tools/planRecord";
import { readStackFile } from "../../tools/stackFiles";
import { ROOT } from "./stackConfig";

export interface PlannedStack {
  readonly plan: Plan;
  readonly resources: readonly RecordedResource[];
  byType(type: string): RecordedResource[];
  one(type: string, name: string): RecordedResource;
}

const WAIT_MS = 180_000;

/**
 * Runs the real program for a stack file under the recording mock engine and returns what it
 * registered. `edit` changes the stack file's values (fully qualified keys) before the run.
 *
 * The plan runs compiled, in a plain node child process (dist/planRecord.js) that keeps the SDK
 * loaded between plans: a mocked resource costs ~15 ms inside jest and a fraction of that
 * there. Plans are cached by their exact input for the whole run (globalSetup.ts), so the
 * stacks many test files share are planned once. A new edit costs one plan (0.2-0.7 s of CPU).
 */
export async function planStack(stack: string, edit?: (values: Record<string, unknown>) => void): Promise<PlannedStack> {
  const file = readStackFile(stack, ROOT);
  edit?.(file.values);
  const record = await recordPlan({ stack, root: ROOT, values: file.values });
  if ("error" in record) throw new Error(record.error.message);
  const plan = record.plan as Plan;
  const resources = record.resources as RecordedResource[];
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

let ownCache: string | undefined;

/** The run's plan cache; without the global setup (system suite), this process's own. */
function cacheDir(): string {
  const shared = process.env["PARITY_PLAN_CACHE"];
  if (shared) return shared;
  if (!ownCache) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("../../tools/build.js") as { buildIfStale(): boolean }).buildIfStale();
    const dir = mkdtempSync(join(tmpdir(), "parity-plans-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    ownCache = dir;
  }
  return ownCache;
}

/**
 * One plan per distinct request across every jest worker: the first to claim the request
 * (an exclusive lock file) plans it, the others wait for its result file.
 */
async function recordPlan(request: PlanRequest): Promise<PlanRecord> {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const key = createHash("sha256").update(JSON.stringify(request)).digest("hex").slice(0, 24);
  const out = join(dir, `${key}.json`);
  if (!existsSync(out)) {
    let claimed = false;
    try {
      closeSync(openSync(`${out}.lock`, "wx"));
      claimed = true;
    } catch {
      // another worker is planning it
    }
    if (claimed) {
      await server().plan(request, out);
    } else {
      const deadline = Date.now() + WAIT_MS;
      while (!existsSync(out)) {
        if (Date.now() > deadline) throw new Error(`no plan of ${request.stack} after ${WAIT_MS / 1000} s (${out})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  return JSON.parse(readFileSync(out, "utf8")) as PlanRecord;
}

interface PlanServer {
  plan(request: PlanRequest, out: string): Promise<void>;
}

let current: PlanServer | undefined;

/** This worker's plan server (dist/planRecord.js), started on first use and after a failed plan. */
function server(): PlanServer {
  if (current) return current;
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "dist/planRecord.js")], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  const waiting = new Map<string, { done: () => void; fail: (e: Error) => void }>();
  let exited: Error | undefined;
  const self: PlanServer = {
    plan: (request, out) =>
      new Promise<void>((done, fail) => {
        if (exited) return fail(exited);
        waiting.set(out, { done, fail });
        child.stdin!.write(`${JSON.stringify({ request, out })}\n`);
      }),
  };
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const out = line.replace(/^done /, "");
    waiting.get(out)?.done();
    waiting.delete(out);
  });
  child.on("exit", (code) => {
    exited = new Error(`the plan server exited (${code}) with ${waiting.size} plans pending`);
    if (current === self) current = undefined;
    // A server that exits after a failed plan has answered it; anything else still waiting fails,
    // and so do the other workers waiting for the same plan (they read the error record).
    for (const [out, { done, fail }] of waiting) {
      if (existsSync(out)) done();
      else {
        writeFileSync(out, JSON.stringify({ error: { message: exited.message, contract: false } }));
        fail(exited);
      }
    }
    waiting.clear();
  });
  // The worker may exit with the server idle: closing stdin then ends it.
  child.unref();
  for (const stream of [child.stdin, child.stdout] as unknown as { unref?: () => void }[]) stream.unref?.();
  current = self;
  return self;
}
