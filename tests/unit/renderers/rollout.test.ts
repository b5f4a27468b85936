import { execFileSync } from "node:child_process";
import { renderHaproxyConfig } from "../../../renderers/rollout/haproxyConfig";
import { renderHealthGate } from "../../../renderers/rollout/healthGate";
import { rolloutSteps } from "../../../tools/planDiffCore";

describe("rollout renderers", () => {
  it("routes each published port to the service alias, health-checked, retrying only requests no upstream answered", () => {
    const cfg = renderHaproxyConfig({ host: "core", name: "parity-proxy", networks: ["n"], routes: [{ service: "backend", hostPort: 8000, containerPort: 8000, healthPath: "/health" }], logs: { maxSizeMb: 10, maxFiles: 3 } });
    expect(cfg).toContain("frontend backend-8000\n  bind :8000\n  default_backend backend-8000");
    expect(cfg).toContain("  option httpchk GET /health\n  http-check expect status 200-399\n  server-template backend 4 backend:8000 check");
    expect(cfg).toContain("retry-on conn-failure empty-response");
    expect(cfg).toContain("nameserver dockerdns 127.0.0.11:53");
  });

  it("renders a gate script that is valid POSIX sh and names service, container and check on failure", () => {
    const script = renderHealthGate({ service: "backend", container: "backend-1234abcd", check: ["CMD", "python", "-c", "print('x')"], timeoutSeconds: 60, settleSeconds: 4 });
    execFileSync("sh", ["-n"], { input: script });
    expect(script).toContain("name='backend-1234abcd'");
    expect(script).toContain("check='CMD python -c print('\\''x'\\'')'");
    expect(script).toContain("rollout of service $service halted: new container $name failed its health check [$check]");
  });
});

describe("plan diff: rollout order", () => {
  const container = (name: string, dbr: boolean, waitsFor: string[], grace?: number) => ({
    resource: { type: "docker:index/container:Container", name, parent: null, inputs: grace ? { destroyGraceSeconds: grace } : {}, protect: false, deleteBeforeReplace: dbr, ignoreChanges: [], waitsFor },
    changes: [{ path: "image", before: "a", after: "b", ignored: false, replaces: true }],
    replaced: true,
  });
  it("lists replaced containers in plan order with how and after what", () => {
    expect(rolloutSteps([container("backend-container", false, []), container("w-1-container", true, [], 300), container("w-2-container", true, ["w-1-health"], 300)])).toEqual([
      { container: "backend-container", order: "create-first", after: [] },
      { container: "w-1-container", order: "delete-first", stopGraceSeconds: 300, after: [] },
      { container: "w-2-container", order: "delete-first", stopGraceSeconds: 300, after: ["w-1-health"] },
    ]);
  });
});
