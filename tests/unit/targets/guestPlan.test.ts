/** The proxmox target's guest plan, pure: which steps, in which order, with which packages and secrets. */
import type { HostModel } from "../../../model/types";
import { renderDockerEngine } from "../../../renderers/dockerEngine";
import { guestPlan, planMaskUnits, planPackages } from "../../../targets/proxmox/guestPlan";
import { loadStackModel } from "../../../tools/stackFiles";
import { ROOT } from "../../helpers/stackConfig";

const homelab = loadStackModel("homelab", ROOT);
const sa = loadStackModel("stock-analysis", ROOT);

describe("guest plan", () => {
  test("a Docker guest: bootstrap, the in-guest firewall, then the engine (it publishes ports; both use apt)", () => {
    const plan = guestPlan(homelab, homelab.hosts.find((h) => h.name === "workers-b")!);
    expect(plan.steps.map((s) => [s.key, s.after, s.service])).toEqual([
      ["bootstrap", [], false],
      ["guest-firewall", ["bootstrap"], false],
      ["docker-engine", ["bootstrap", "guest-firewall"], false],
    ]);
    expect(plan.steps[2]!.bundle).toEqual(renderDockerEngine());
    expect(planPackages(plan.steps)).toEqual(["ca-certificates", "curl", "docker.io", "gnupg", "nftables"]);
    expect(plan.services).toBeUndefined();
  });

  test("no in-guest firewall step while the stack leaves it off", () => {
    const off = { ...homelab, proxmox: { ...homelab.proxmox!, network: { ...homelab.proxmox!.network, inGuestFirewall: false } } };
    expect(guestPlan(off, homelab.hosts[0]!).steps.map((s) => [s.key, s.after])).toEqual([["bootstrap", []], ["docker-engine", ["bootstrap"]]]);
  });

  test("in-guest services after bootstrap, in their own order, with their secrets by stack name", () => {
    const plan = guestPlan(sa, sa.hosts[0]!);
    expect(plan.steps.map((s) => [s.key, s.after])).toEqual([
      ["bootstrap", []],
      ["guest-firewall", ["bootstrap"]],
      ["postgresql", ["bootstrap"]],
      ["redis", ["bootstrap"]],
      ["rabbitmq", ["bootstrap"]],
      ["native", ["bootstrap", "postgresql", "redis", "rabbitmq"]],
      ["backup", ["bootstrap", "postgresql"]],
    ]);
    for (const s of plan.steps) {
      expect(Object.keys(s.secrets).sort()).toEqual([...s.bundle.secretEnv].sort());
      for (const [env, secret] of Object.entries(s.secrets)) expect(sa.hostServices[0]!.secretEnv[env]).toBe(secret);
    }
    expect(planMaskUnits(plan.steps)).toEqual(["redis-server.service"]);
    expect(plan.steps.find((s) => s.key === "redis")!.bundle.packages).toEqual(["redis-server", "redis-tools"]);
  });

  test("a guest from a built template first waits for its first boot, with every service secret", () => {
    const h: HostModel = { ...sa.hosts[0]!, builtTemplate: { path: "/t.tar.gz", fileName: "t.tar.gz", sha256: "0".repeat(64), datastore: "local" } };
    const plan = guestPlan(sa, h);
    expect(plan.steps.slice(0, 2).map((s) => [s.key, s.after])).toEqual([["firstboot", []], ["bootstrap", ["firstboot"]]]);
    expect(plan.steps[0]!.secrets).toEqual(sa.hostServices[0]!.secretEnv);
  });

  test("only proxmox stacks have guest plans", () => {
    const local = loadStackModel("local", ROOT);
    expect(() => guestPlan(local, homelab.hosts[0]!)).toThrow(/targets docker: guest plans exist only for proxmox stacks/);
  });
});
