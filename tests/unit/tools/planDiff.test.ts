import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { withWorktree } from "../../../tools/planDiff";
import { changedPaths, diffPlans } from "../../../tools/planDiffCore";
import { renderMarkdown } from "../../../tools/planDiffMarkdown";
import { PlanSnapshot, SnapshotResource, snapshotOf } from "../../../tools/planSnapshot";
import { planStack } from "../../helpers/planStack";
import { ROOT } from "../../helpers/stackConfig";

const LXC = "proxmoxve:index/containerLegacy:ContainerLegacy";
const IGNORED = ["operatingSystem.templateFileId", "initialization.userAccount"];

function res(type: string, name: string, inputs: Record<string, unknown>, opts: Partial<SnapshotResource> = {}): SnapshotResource {
  return { type, name, parent: null, inputs, protect: false, deleteBeforeReplace: false, ignoreChanges: [], ...opts };
}
const snap = (resources: SnapshotResource[], env: PlanSnapshot["env"]): PlanSnapshot => ({ stack: "lab", target: "proxmox", resources, env });

describe("plan diff of two synthetic plans", () => {
  const base = snap(
    [
      res(LXC, "core-lxc", { nodeName: "pve-a", vmId: 210, operatingSystem: { templateFileId: "local:vztmpl/d12.7" }, protection: true }, { protect: true, ignoreChanges: IGNORED }),
      res(LXC, "dns-lxc", { nodeName: "pve-c", vmId: 213 }, { ignoreChanges: IGNORED }),
      res("docker:index/container:Container", "app-container", { envs: ["A=1", "B=2"], image: "app:1.0.0" }),
    ],
    { app: { A: "1", B: "2", DB_PASSWORD: "[secret]" } },
  );
  const head = snap(
    [
      res(LXC, "core-lxc", { nodeName: "pve-b", vmId: 210, operatingSystem: { templateFileId: "local:vztmpl/d12.8" }, protection: true }, { protect: true, ignoreChanges: IGNORED }),
      res("docker:index/container:Container", "app-container", { envs: ["A=1", "AA=0", "B=3"], image: "app:1.0.1" }),
      res("docker:index/volume:Volume", "app-data", { name: "app-data" }),
    ],
    { app: { A: "1", AA: "0", B: "3", DB_PASSWORD: "[secret]" } },
  );

  it("renders warnings, added, removed, changed inputs and env as exact Markdown", () => {
    expect(renderMarkdown(diffPlans(base, head), "`main`", "working tree")).toBe(
      [
        "## Plan diff: stack `lab`, `main` → working tree",
        "",
        "> [!WARNING]",
        "> **Protected or stateful resources would be replaced or deleted.** Their data is lost, or the update stops at the protection:",
        "> - `core-lxc` (`proxmoxve:index/containerLegacy:ContainerLegacy`) **replaced** (Pulumi-protected: `pulumi up` will stop; Proxmox protection on): `nodeName` `\"pve-a\"` → `\"pve-b\"`",
        "",
        "**Resources:** 1 added, 1 removed, 2 changed, 0 unchanged.",
        "",
        "### Added (1)",
        "",
        "| type | name | parent |",
        "| --- | --- | --- |",
        "| `docker:index/volume:Volume` | `app-data` | — |",
        "",
        "### Removed (1)",
        "",
        "| type | name | parent |",
        "| --- | --- | --- |",
        "| `proxmoxve:index/containerLegacy:ContainerLegacy` | `dns-lxc` | — |",
        "",
        "### Changed (2)",
        "",
        "#### `core-lxc` (`proxmoxve:index/containerLegacy:ContainerLegacy`) — **replaced**",
        "",
        "| input | before | after | |",
        "| --- | --- | --- | --- |",
        "| `nodeName` | `\"pve-a\"` | `\"pve-b\"` | forces replacement |",
        "| `operatingSystem.templateFileId` | `\"local:vztmpl/d12.7\"` | `\"local:vztmpl/d12.8\"` | ignored (ignoreChanges) |",
        "",
        "#### `app-container` (`docker:index/container:Container`) — **replaced**",
        "",
        "| input | before | after | |",
        "| --- | --- | --- | --- |",
        "| `envs[AA]` | — | `\"0\"` | forces replacement |",
        "| `envs[B]` | `\"2\"` | `\"3\"` | forces replacement |",
        "| `image` | `\"app:1.0.0\"` | `\"app:1.0.1\"` | forces replacement |",
        "",
        "### Rollout order",
        "",
        "Rows with nothing under *after* start at once; a row waits for the health gates it lists (a pool's previous slot). A version that fails its health check halts `pulumi up` there: later rows keep the previous version.",
        "",
        "| # | container | how | after |",
        "| --- | --- | --- | --- |",
        "| 1 | `app-container` | new beside old; old stopped (SIGTERM) once the update succeeds | — |",
        "",
        "### Environment (secrets as [secret])",
        "",
        "| service | variable | before | after |",
        "| --- | --- | --- | --- |",
        "| `app` | `AA` | — | `\"0\"` |",
        "| `app` | `B` | `\"2\"` | `\"3\"` |",
        "",
      ].join("\n"),
    );
  });

  it("flags deleting a protected resource, and says so when nothing differs", () => {
    const gone = diffPlans(base, snap([base.resources[1]!, base.resources[2]!], base.env));
    expect(gone.dangers.map((d) => [d.resource.name, d.action])).toEqual([["core-lxc", "deleted"]]);
    expect(renderMarkdown(diffPlans(base, base), "a", "b")).toBe("## Plan diff: stack `lab`, a → b\n\n**Resources:** 0 added, 0 removed, 0 changed, 3 unchanged.\n\nNo differences.\n");
  });

  it("compares NAME=value lists by name and everything else by position", () => {
    expect(changedPaths({ e: ["X=1", "Y=2"], l: [1, 2] }, { e: ["W=0", "X=1", "Y=2"], l: [2] })).toEqual([
      { path: "e[W]", before: undefined, after: "0" },
      { path: "l[0]", before: 1, after: 2 },
      { path: "l[1]", before: 2, after: undefined },
    ]);
  });
});

describe("plan diff of the real homelab plan", () => {
  it("shows one more backtest worker as added resources and env, and Prometheus's new scrape job", async () => {
    const base = await planStack("homelab");
    const head = await planStack("homelab", (v) => {
      ((v["parity:workers"] as Record<string, unknown>[])[0]!)["replicas"] = 2;
    });
    const diff = diffPlans(snapshotOf(base.plan, base.resources), snapshotOf(head.plan, head.resources));
    expect(diff.added.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "command:remote:Command backtest-worker-2-health-wait",
      "docker:index/container:Container backtest-worker-2-container",
      "docker:index/network:Network workers-c-docker-parity-homelab--backtest-worker-2--edge",
      "docker:index/remoteImage:RemoteImage workers-c-docker-image-backend",
      "parity:docker:DockerService backtest-worker-2",
    ]);
    expect(diff.removed).toEqual([]);
    // The new replica publishes 5004 on workers-c and has flows to backend and jaeger on core:
    // both guests' firewalls (in Proxmox and in the guest) change. Prometheus's configuration
    // changed too (one more job): new uploaded file and hash label (the provider replaces the
    // container), so its health gate waits for the new one. Nothing else changes.
    expect(diff.changed.map((c) => `${c.resource.type} ${c.resource.name}`).sort()).toEqual([
      "command:remote:Command core-guest-firewall-run",
      "command:remote:Command prometheus-health-wait",
      "command:remote:Command workers-c-guest-firewall-run",
      "command:remote:CopyToRemote core-guest-firewall-copy",
      "command:remote:CopyToRemote workers-c-guest-firewall-copy",
      "docker:index/container:Container prometheus-container",
      "proxmoxve:firewall/rulesLegacy:RulesLegacy core-firewall-rules",
      "proxmoxve:firewall/rulesLegacy:RulesLegacy workers-c-firewall-rules",
    ]);
    const prometheus = diff.changed.find((c) => c.resource.name === "prometheus-container")!;
    expect(prometheus.changes.map((c) => c.path.replace(/\[\d+\]/g, "[]")).sort()).toEqual(["labels[].value", "uploads[].content"]);
    // Slots roll one at a time: slot 2 waits for slot 1's health gate, on another guest too.
    expect(head.one("parity:docker:DockerService", "backtest-worker-2").dependencies).toContain(head.one("command:remote:Command", "backtest-worker-1-health-wait").urn);
    expect(snapshotOf(head.plan, head.resources).resources.find((r) => r.name === "backtest-worker-2-container")!.waitsFor).toEqual(["backtest-worker-1-health-wait"]);
    expect(diff.dangers).toEqual([]);
    expect(diff.env.filter((e) => e.variable === "WORKER_PUBLIC_BASE_URL")).toEqual([
      { service: "backtest-worker-2", variable: "WORKER_PUBLIC_BASE_URL", after: "http://workers-c.ktrdr.home.mynerd.place:5004" },
    ]);
    expect(new Set(diff.env.map((e) => e.service))).toEqual(new Set(["backtest-worker-2"]));
    expect(renderMarkdown(diff, "homelab", "homelab + 1 worker")).toContain("**Resources:** 5 added, 0 removed, 8 changed, ");
  });
});

describe("plan:diff's base checkout", () => {
  it("checks the base out with this checkout's node_modules, and removes it afterwards", () => {
    const seen = withWorktree(ROOT, "HEAD", (dir) => ({ dir, plan: fs.existsSync(`${dir}/tools/plan.ts`), modules: fs.realpathSync(`${dir}/node_modules`) }));
    expect(seen.plan).toBe(true);
    expect(seen.modules).toBe(fs.realpathSync(`${ROOT}/node_modules`));
    expect(fs.existsSync(seen.dir)).toBe(false);
    expect(execFileSync("git", ["worktree", "list"], { cwd: ROOT, encoding: "utf8" })).not.toContain(seen.dir);
  });

  it("says clearly when the base has no offline plan, and when the ref does not exist", () => {
    const repo = fs.mkdtempSync(`${tmpdir()}/parity-old-`);
    const run = (...a: string[]) => execFileSync("git", a, { cwd: repo, encoding: "utf8" });
    run("init", "-q");
    fs.writeFileSync(`${repo}/README.md`, "before the offline plan\n");
    run("add", "README.md");
    run("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "old");
    expect(() => withWorktree(repo, "HEAD", () => 0)).toThrow(/^base HEAD \([0-9a-f]{12}\) has no tools\/plan\.ts: it predates the offline plan/);
    expect(() => withWorktree(repo, "no-such-branch", () => 0)).toThrow("'no-such-branch' is not a commit");
    fs.rmSync(repo, { recursive: true, force: true });
  });
});
