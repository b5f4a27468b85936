import { validateStackConfig } from "../../../targets";
import { buildModel } from "../../../targets";
import { DEFAULT_STOP_TIMEOUT_SECONDS, deriveProxies, healthTimeoutSeconds, rolloutOf, versionedName, withProxyMembers } from "../../../model/rollout";
import { rawStackConfig } from "../../helpers/stackConfig";

const hc = { intervalSeconds: 10, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 20 };
const base = { kind: "service" as const, stateful: false, volumes: [], ports: [{ container: 8000, host: 8000 }], healthcheck: hc };

describe("rollout strategy per container", () => {
  it("proxies a stateless HTTP service with a published port and a health path", () => {
    expect(rolloutOf({ ...base, rollout: { healthPath: "/health" } })).toEqual({ strategy: "proxied", stopTimeoutSeconds: 30, healthPath: "/health", healthTimeoutSeconds: 20 + 4 * 15 + 30 });
  });

  it("recreates what holds data, has no health check, is not known to be HTTP, or asks for it", () => {
    expect(rolloutOf({ ...base, stateful: true, rollout: { healthPath: "/health" } }).strategy).toBe("recreate");
    expect(rolloutOf({ ...base, volumes: [{}], rollout: { healthPath: "/health" } }).strategy).toBe("recreate");
    const { healthcheck: _, ...noCheck } = base;
    expect(rolloutOf({ ...noCheck, rollout: { healthPath: "/health" } }).strategy).toBe("recreate");
    expect(rolloutOf(base).strategy).toBe("recreate");
    expect(rolloutOf({ ...base, rollout: { healthPath: "/health", recreate: true } }).strategy).toBe("recreate");
  });

  it("overlaps a stateless service reached only by name, and drains workers with the pool's stop timeout", () => {
    expect(rolloutOf({ ...base, ports: [{ container: 8001 }] }).strategy).toBe("overlap");
    expect(rolloutOf({ ...base, kind: "worker" })).toMatchObject({ strategy: "drain", stopTimeoutSeconds: DEFAULT_STOP_TIMEOUT_SECONDS.worker });
    expect(rolloutOf({ ...base, kind: "worker", rollout: { stopTimeoutSeconds: 900 } }).stopTimeoutSeconds).toBe(900);
  });

  it("waits as long as Docker may take to call a container unhealthy, plus a margin", () => {
    expect(healthTimeoutSeconds({ intervalSeconds: 1, timeoutSeconds: 1, retries: 2, startPeriodSeconds: 0 })).toBe(36);
  });

  it("names a version by its fingerprint: same inputs, same name", () => {
    expect(versionedName("backend", "a")).toBe(versionedName("backend", "a"));
    expect(versionedName("backend", "a")).not.toBe(versionedName("backend", "b"));
    expect(versionedName("backend", "a")).toMatch(/^backend-[0-9a-f]{8}$/);
  });
});

describe("proxies from the model", () => {
  it("puts one proxy on LifeBuddy's engine, in the app's edge network only, routing 8000 to the app", () => {
    const model = buildModel(validateStackConfig(rawStackConfig("lifebuddy"), "lifebuddy"), "lifebuddy");
    expect(model.proxies).toEqual([
      { host: "local", name: "parity-proxy", routes: [{ service: "app", hostPort: 8000, containerPort: 8000, healthPath: "/health" }], networks: ["parity-lifebuddy--app--edge"], logs: { maxSizeMb: 10, maxFiles: 3 } },
    ]);
    expect(model.networks.filter((n) => n.members.includes("parity-proxy")).map((n) => [n.name, n.members])).toEqual([["parity-lifebuddy--app--edge", ["app", "parity-proxy"]]]);
    // Env values do not move: the app's own URL is still its name and port.
    expect(model.containers.find((c) => c.name === "cognitive-engine")!.rollout.strategy).toBe("overlap");
    expect(model.containers.find((c) => c.name === "db")!.rollout.strategy).toBe("recreate");
  });

  it("joins a flow-less host's shared network and adds itself once", () => {
    const nets = [{ name: "parity-x", host: "local", internal: false, members: ["a", "b"] }];
    const proxies = deriveProxies([{ name: "a", host: "local", ports: [{ container: 80, host: 8080 }], rollout: rolloutOf({ ...base, rollout: { healthPath: "/" } }) }], nets, { maxSizeMb: 10, maxFiles: 3 });
    expect(proxies[0]!.networks).toEqual(["parity-x"]);
    expect(withProxyMembers(withProxyMembers(nets, proxies), proxies)[0]!.members).toEqual(["a", "b", "parity-proxy"]);
  });
});

describe("rollout settings in the contract", () => {
  it("rejects the proxy's name and a health path that cannot reach a proxy, naming the keys", () => {
    const raw = rawStackConfig("lifebuddy");
    const services = raw["services"] as Record<string, unknown>[];
    const broker = services.find((s) => s["name"] === "message-broker")!;
    broker["rollout"] = { healthPath: "/health" };
    services.find((s) => s["name"] === "ollama")!["name"] = "parity-proxy";
    let report = "";
    try {
      validateStackConfig(raw, "lifebuddy");
    } catch (e) {
      report = (e as Error).message;
    }
    expect(report).toContain("parity:services[1].name");
    expect(report).toContain("'parity-proxy' is the name of each Docker host's rollout proxy");
    expect(report).toContain("parity:services[2].rollout.healthPath");
    expect(report).toContain("has no effect: it publishes no host port");
  });
});
