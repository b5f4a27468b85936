import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify, parse } from "yaml";
import type { Plan } from "../../../tools/plan";
import { ROOT } from "../../helpers/stackConfig";

// What `npm run plan` runs (the global setup compiled it).
const PLAN = join(ROOT, "dist/plan.js");

function planIn(dir: string, stack: string, ...args: string[]) {
  return spawnSync(process.execPath, [PLAN, stack, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, GHCR_TOKEN: "" } });
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

describe("npm run plan", () => {
  it("prints one JSON document with stack, target, resources, env and outputs", () => {
    const out = execFileSync(process.execPath, [PLAN, "homelab", "--json"], { cwd: ROOT, encoding: "utf8" });
    const plan = JSON.parse(out) as Plan;
    expect(Object.keys(plan)).toEqual(["stack", "target", "resources", "env", "outputs"]);
    expect(plan.stack).toBe("homelab");
    expect(plan.target).toBe("proxmox");
    expect(plan.resources[0]).toEqual({ type: "pulumi:pulumi:Stack", name: "parity-homelab", parent: null, inputs: {} });
    expect(plan.resources.find((r) => r.name === "core-lxc")).toMatchObject({ type: "proxmoxve:index/containerLegacy:ContainerLegacy", parent: "core" });
    expect(plan.env["backend"]!["DB_PASSWORD"]).toBe("[secret]");
  });

  it("writes a plan larger than a pipe's buffer in full before it exits", () => {
    const dir = scratch((doc) => {
      for (const pool of doc.config["parity:workers"] as { replicas: number; maxReplicas: number; limits: { memoryMb: number } }[]) {
        pool.replicas = pool.maxReplicas = 30;
        pool.limits.memoryMb = 128; // 30 + 30 replicas fit the two worker guests
      }
    });
    // Through a pipe to a slow reader: process.exit right after a write cut it at the pipe's
    // buffer (64 KiB, or what node had written synchronously before it: 128 KiB here).
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${PLAN}" broken --json | (sleep 0.2; cat)`], { cwd: dir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GHCR_TOKEN: "" } });
    expect(r.stderr).toBe("");
    expect(r.stdout.length).toBeGreaterThan(256 * 1024);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.resources.filter((x) => /^(backtest|training)-worker-\d+-container$/.test(x.name))).toHaveLength(60);
  });

  it("exits non-zero with the validation report on a bad config, before any resource", () => {
    const dir = scratch((doc) => {
      (doc.config["parity:hosts"] as Record<string, unknown>[])[1]!["vmid"] = 210;
      doc.config["parity:images"] = { ...(doc.config["parity:images"] as object), grafana: "grafana/grafana:latest" };
    });
    const r = planIn(dir, "broken");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Stack config of 'broken' is invalid: 2 problems");
    expect(r.stderr).toContain("parity:hosts[1].vmid: duplicate VMID 210");
    expect(r.stderr).toContain("parity:images.grafana: 'grafana/grafana:latest' uses the floating tag 'latest'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a secure: value in a stack file", () => {
    const dir = scratch((doc) => {
      doc.config["parity:grafanaPassword"] = { secure: "AAABAKx0c2VjcmV0" };
    });
    const r = planIn(dir, "broken");
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
