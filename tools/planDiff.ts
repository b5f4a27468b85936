import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { diffPlans } from "./planDiffCore";
import { renderMarkdown } from "./planDiffMarkdown";
import type { PlanSnapshot } from "./planSnapshot";

/**
 * `npm run plan:diff -- <stack> <base-ref>`: the offline plan of the working tree against the
 * offline plan of `<base-ref>`, as Markdown — for reviewers without cloud access. The base is
 * checked out into a temporary `git worktree` sharing this checkout's node_modules, and planned
 * with its own program and its own tools/plan.ts. Nothing touches a network or a cloud.
 */

const SNAPSHOT = resolve(__dirname, "planSnapshot.ts");
const TSX = resolve(__dirname, "../node_modules/.bin/tsx");

export class PlanDiffError extends Error {}

function git(root: string, args: readonly string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}

/** Plans `<root>` in a child process (one program per process) and returns its snapshot. */
export function snapshotIn(root: string, stack: string, label: string): PlanSnapshot {
  const r = spawnSync(TSX, [SNAPSHOT, stack, root], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env } });
  if (r.status !== 0) throw new PlanDiffError(`planning ${label} failed:\n${(r.stderr || r.stdout).trim()}`);
  return JSON.parse(r.stdout) as PlanSnapshot;
}

/** Checks `ref` out into a temporary worktree (node_modules shared), runs `use`, and always removes it. */
export function withWorktree<T>(root: string, ref: string, use: (dir: string, commit: string) => T): T {
  const commit = git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (!commit.ok) throw new PlanDiffError(`'${ref}' is not a commit in ${root} (try a branch, tag or SHA; in CI fetch the base first)`);
  if (!git(root, ["cat-file", "-e", `${commit.out}:tools/plan.ts`]).ok)
    throw new PlanDiffError(`base ${ref} (${commit.out.slice(0, 12)}) has no tools/plan.ts: it predates the offline plan, so there is no plan to compare against. Choose a newer base.`);
  const dir = mkdtempSync(join(tmpdir(), "parity-plan-base-"));
  rmSync(dir, { recursive: true });
  const added = git(root, ["worktree", "add", "--detach", "--quiet", dir, commit.out]);
  if (!added.ok) throw new PlanDiffError(`git worktree add failed: ${added.err}`);
  try {
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    return use(dir, commit.out);
  } finally {
    git(root, ["worktree", "remove", "--force", dir]);
    rmSync(dir, { recursive: true, force: true });
    git(root, ["worktree", "prune"]);
  }
}

export function planDiffMarkdown(root: string, stack: string, baseRef: string): string {
  const head = snapshotIn(root, stack, "the working tree");
  return withWorktree(root, baseRef, (dir, commit) => {
    const base = snapshotIn(dir, stack, `${baseRef} (${commit.slice(0, 12)})`);
    return renderMarkdown(diffPlans(base, head), `\`${baseRef}\` (${commit.slice(0, 12)})`, "working tree");
  });
}

function main(argv: readonly string[]): number {
  const [stack, baseRef] = argv.filter((a) => !a.startsWith("--"));
  if (!stack || !baseRef) {
    process.stderr.write("usage: npm run plan:diff -- <stack> <base-ref>\n");
    return 2;
  }
  try {
    process.stdout.write(planDiffMarkdown(process.cwd(), stack, baseRef));
    return 0;
  } catch (e) {
    process.stderr.write(`plan:diff: ${e instanceof PlanDiffError ? e.message : (e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
