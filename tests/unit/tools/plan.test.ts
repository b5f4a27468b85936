import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify, parse } from "yaml";
import type { Plan } from "../../../tools/plan";
import { ROOT } from "../../helpers/stackConfig";

// What `npm run plan` runs (the global setup compiled it).
const PLAN = join(ROOT, "dist/plan.js");

interface Exit {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a process to its end. Async: the file's four plans run side by side (each ~1 s of CPU). */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Exit> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", fail);
    child.on("close", (status) => done({ status, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
  });
}

function planIn(dir: string, stack: string, ...args: string[]): Promise<Exit> {
  return run(process.execPath, [PLAN, stack, ...args], dir, { ...process.env, GHCR_TOKEN: "" });
}

/** A scratch project: the real program and Pulumi.yaml, with a stack file we can break. */
function scratch(edit: (doc: { config: Record<string, unknown> }) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "parity-plan-"));
  copyFileSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  const doc = parse(readFileSync(join(ROOT, "Pulumi.homelab.yaml"), "utf8")) as { config: Record<string, unknown> };
  edit(doc);
  writeFileSync(join(dir, "Pulumi.broken.yaml"), stringify(doc));
  return dir;
}

/** The plans this file runs, started together before its first test. */
let plans: Record<"json" | "large" | "invalid" | "secure", Promise<Exit>>;

beforeAll(() => {
  const large = scratch((doc) => {
    for (const pool of doc.config["parity:workers"] as { replicas: number; maxReplicas: number; limits: { memoryMb: number } }[]) {
      pool.replicas = pool.maxReplicas = 30;
      pool.limits.memoryMb = 128; // 30 + 30 replicas fit the two worker guests
    }
  });
  const invalid = scratch((doc) => {
    (doc.config["parity:hosts"] as Record<string, unknown>[])[1]!["vmid"] = 210;
    doc.config["parity:images"] = { ...(doc.config["parity:images"] as object), grafana: "grafana/grafana:latest" };
  });
  const secure = scratch((doc) => {
    doc.config["parity:grafanaPassword"] = { secure: "AAABAKx0c2VjcmV0" };
  });
  plans = {
    json: run(process.execPath, [PLAN, "homelab", "--json"], ROOT),
    // Through a pipe to a slow reader: process.exit right after a write cut it at the pipe's
    // buffer (64 KiB, or what node had written synchronously before it: 128 KiB here).
    large: run("sh", ["-c", `"${process.execPath}" "${PLAN}" broken --json | (sleep 0.2; cat)`], large, { ...process.env, GHCR_TOKEN: "" }),
    invalid: planIn(invalid, "broken"),
    secure: planIn(secure, "broken"),
  };
});

describe("npm run plan", () => {
  it("prints one JSON document with stack, target, resources, env and outputs", async () => {
    const r = await plans.json;
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(Object.keys(plan)).toEqual(["stack", "target", "resources", "env", "outputs"]);
    expect(plan.stack).toBe("homelab");
    expect(plan.target).toBe("proxmox");
    expect(plan.resources[0]).toEqual({ type: "pulumi:pulumi:Stack", name: "parity-homelab", parent: null, inputs: {} });
    expect(plan.resources.find((r: { name: string }) => r.name === "core-lxc")).toMatchObject({ type: "proxmoxve:index/containerLegacy:ContainerLegacy", parent: "core" });
    expect(plan.env["backend"]?.["DB_PASSWORD"]).toBe("[secret]");
  });

  it("writes a plan larger than a pipe's buffer in full before it exits", async () => {
    const r = await plans.large;
    expect(r.stderr).toBe("");
    expect(r.stdout.length).toBeGreaterThan(256 * 1024);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.resources.filter((x: { name: string }) => /^(backtest|training)-worker-\d+-container$/.test(x.name))).toHaveLength(60);
  });

  it("exits non-zero with the validation report on a bad config, before any resource", async () => {
    const r = await plans.invalid;
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Stack config of 'broken' is invalid: 2 problems");
    expect(r.stderr).toContain("parity:hosts[1].vmid: duplicate VMID 210");
    expect(r.stderr).toContain("parity:images.grafana: 'grafana/grafana:latest' uses the floating tag 'latest'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a secure: value in a stack file", async () => {
    const r = await plans.secure;
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("parity:grafanaPassword: is a secure: value in the stack file");
  });
});

describe("stack files in the repository", () => {
  it("hold no secrets, not even encrypted secure: values", () => {
    const files = readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(join(ROOT, f), "utf8");
      expect({ file: f, secure: /\bsecure:/.test(text), encryptionsalt: /encryptionsalt:/.test(text) }).toEqual({ file: f, secure: false, encryptionsalt: false });
    }
  });
});
