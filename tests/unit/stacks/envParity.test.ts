import { planStack } from "../../helpers/planStack";
import { rawStackConfig } from "../../helpers/stackConfig";

type Env = Record<string, Record<string, string>>;
const names = (env: Env) => Object.fromEntries(Object.entries(env).map(([svc, vars]) => [svc, Object.keys(vars).sort()]));

/**
 * The environment contract: every service receives the same variable names on every target.
 * A deliberate difference is declared in the stack (`parity:envDifferences`) and asserted here.
 */
describe("env parity across targets", () => {
  it("gives every KTRDR service the same variable names in the homelab (proxmox) and locally (docker, dev)", async () => {
    const homelab = await planStack("homelab");
    const local = await planStack("local");
    expect(Object.keys(local.plan.env).sort()).toEqual(Object.keys(homelab.plan.env).sort());
    expect(names(local.plan.env)).toEqual(names(homelab.plan.env));
    // Same names, target-specific values: the derived addresses differ, the contract does not.
    expect(homelab.plan.env["backtest-worker-1"]!["KTRDR_API_URL"]).toBe("http://backend.ktrdr.home.mynerd.place:8000");
    expect(local.plan.env["backtest-worker-1"]!["KTRDR_API_URL"]).toBe("http://backend:8000");
  });

  it("gives every KTRDR service the homelab's variable names on Azure, except exactly the declared differences", async () => {
    const homelab = await planStack("homelab");
    const azure = await planStack("azure");
    const cfg = rawStackConfig("azure");
    const realized = cfg["azure"] as { realize: Record<string, string> };
    const diffs = cfg["envDifferences"] as { target: string; services: string[]; rename: Record<string, string>; drop?: string[] }[];
    // Services realized by a managed service have no container, hence no env: declared in parity:azure.realize.
    expect(Object.keys(realized.realize).sort()).toEqual(["db", "grafana", "jaeger", "prometheus"]);
    const expected: Record<string, string[]> = {};
    for (const [svc, vars] of Object.entries(names(homelab.plan.env))) {
      if (realized.realize[svc]) continue;
      const pool = svc.replace(/-\d+$/, "");
      const mine = diffs.filter((d) => d.target === "azure" && (d.services.includes(svc) || d.services.includes(pool)));
      expected[svc] = vars
        .filter((v) => !mine.some((d) => d.drop?.includes(v)))
        .map((v) => mine.map((d) => d.rename[v]).find((x) => x !== undefined) ?? v)
        .sort();
    }
    expect(names(azure.plan.env)).toEqual(expected);
    // The one declared difference, and what stays identical around it.
    expect(diffs).toEqual([expect.objectContaining({ target: "azure", services: ["backend", "backtest-worker", "training-worker"], rename: { OTEL_EXPORTER_OTLP_ENDPOINT: "APPLICATIONINSIGHTS_CONNECTION_STRING" } })]);
    expect(azure.plan.env["backend"]!["APPLICATIONINSIGHTS_CONNECTION_STRING"]).toBe("[secret]");
    expect(azure.plan.env["backtest-worker-1"]!["KTRDR_API_URL"]).toBe("http://ktrdr-azure-backend");
    expect(azure.plan.env["backtest-worker-1"]!["WORKER_PUBLIC_BASE_URL"]).toBe("http://ktrdr-azure-backtest-worker-1");
    expect(azure.plan.env["backend"]!["DB_HOST"]).toBe("ktrdr-azure-pg.postgres.database.azure.com");
    expect(azure.plan.env["backend"]!["SHARED_MOUNT_PATH"]).toBe("/mnt/shared");
  });
});
