import { planStack } from "../../helpers/planStack";
import { rawStackConfig } from "../../helpers/stackConfig";

type Env = Record<string, Record<string, string>>;
const names = (env: Env) => Object.fromEntries(Object.entries(env).map(([svc, vars]) => [svc, Object.keys(vars).sort()]));

/**
 * The environment contract: every service receives the same variable names on every target,
 * with no declared exception. Services realized by a managed service on Azure have no container.
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

  it("gives every KTRDR service exactly the homelab's variable names on Azure", async () => {
    const homelab = await planStack("homelab");
    const azure = await planStack("azure");
    const realized = (rawStackConfig("azure")["azure"] as { realize: Record<string, string> }).realize;
    // Services realized by a managed service have no container, hence no env: declared in parity:azure.realize.
    expect(Object.keys(realized).sort()).toEqual(["db", "grafana", "jaeger", "prometheus"]);
    const expected = Object.fromEntries(Object.entries(names(homelab.plan.env)).filter(([svc]) => !realized[svc]));
    expect(names(azure.plan.env)).toEqual(expected);
    expect(Object.keys(expected).sort()).toEqual(["backend", "backtest-worker-1", "training-worker-1"]);
    // Same names, Azure's values: the agent's OTLP endpoint is the platform's, the rest derived.
    expect(homelab.plan.env["backend"]!["OTEL_EXPORTER_OTLP_ENDPOINT"]).toBe("http://jaeger:4317");
    expect(homelab.plan.env["backtest-worker-1"]!["OTEL_EXPORTER_OTLP_ENDPOINT"]).toBe("http://core.ktrdr.home.mynerd.place:4317");
    for (const svc of ["backend", "backtest-worker-1", "training-worker-1"])
      expect(azure.plan.env[svc]!["OTEL_EXPORTER_OTLP_ENDPOINT"]).toBe("<injected by the Container Apps OpenTelemetry agent>");
    expect(azure.plan.env["backtest-worker-1"]!["KTRDR_API_URL"]).toBe("http://ktrdr-azure-backend");
    expect(azure.plan.env["backtest-worker-1"]!["WORKER_PUBLIC_BASE_URL"]).toBe("http://ktrdr-azure-backtest-worker-1");
    expect(azure.plan.env["backend"]!["DB_HOST"]).toBe("ktrdr-azure-pg.postgres.database.azure.com");
    expect(azure.plan.env["backend"]!["SHARED_MOUNT_PATH"]).toBe("/mnt/shared");
  });
});
