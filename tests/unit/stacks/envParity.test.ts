import { planStack } from "../../helpers/planStack";

/**
 * The environment contract: every service receives the same variable names on every target.
 * A deliberate difference would have to be declared in the contract; there is none today.
 */
describe("env parity across targets", () => {
  it("gives every KTRDR service the same variable names in the homelab (proxmox) and locally (docker, dev)", async () => {
    const homelab = await planStack("homelab");
    const local = await planStack("local");
    const names = (env: Record<string, Record<string, string>>) => Object.fromEntries(Object.entries(env).map(([svc, vars]) => [svc, Object.keys(vars).sort()]));
    expect(Object.keys(local.plan.env).sort()).toEqual(Object.keys(homelab.plan.env).sort());
    expect(names(local.plan.env)).toEqual(names(homelab.plan.env));
    // Same names, target-specific values: the derived addresses differ, the contract does not.
    expect(homelab.plan.env["backtest-worker-1"]!["KTRDR_API_URL"]).toBe("http://backend.ktrdr.home.mynerd.place:8000");
    expect(local.plan.env["backtest-worker-1"]!["KTRDR_API_URL"]).toBe("http://backend:8000");
  });
});
