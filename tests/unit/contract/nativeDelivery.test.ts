import { ContractError, Problem } from "../../../contract/problems";
import { validateStackConfig } from "../../../targets";
import { buildHostServices } from "../../../model/hostServices";
import { rawStackConfig } from "../../helpers/stackConfig";

// These tests edit raw stack documents into shapes the config types forbid: `any` is their type.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access */
type Raw = Record<string, any>;
const BASE = "parity:hostServices.stock-analysis.native";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

function problemsOf(raw: Raw): Problem[] {
  try {
    validateStackConfig(raw, "stock-analysis");
  } catch (e) {
    if (e instanceof ContractError) return [...e.problems];
    throw e;
  }
  return [];
}

function expectProblem(raw: Raw, path: string, problem: RegExp): void {
  const problems = problemsOf(raw);
  if (!problems.some((p) => p.path === path && (problem.test(p.problem) || problem.test(p.allowed))))
    throw new Error(`no problem at ${path} matching ${problem}; got:\n${problems.map((p) => `${p.path}: ${p.problem} | ${p.allowed}`).join("\n")}`);
}

function withNative(edit: (n: Raw) => void): Raw {
  const raw: Raw = rawStackConfig("stock-analysis");
  edit(raw["hostServices"]["stock-analysis"]["native"]);
  return raw;
}

describe("native services' sources and health checks in the contract", () => {
  it("the stack file declares a pinned source and a health check per service", () => {
    const cfg = validateStackConfig(rawStackConfig("stock-analysis"), "stock-analysis");
    const native = buildHostServices(cfg, "stock-analysis")[0]!.native!;
    expect(native.sources).toEqual([{ name: "app", git: { url: "https://github.com/example/stock-analysis.git", commit: expect.stringMatching(/^[0-9a-f]{40}$/) } }]);
    expect(native.keepReleases).toBe(3);
    expect(native.services.map((s) => [s.name, s.path, s.health])).toEqual(
      ["broker-gateway", "intelligent-core", "event-bus", "monitoring", "frontend"].map((n) => [n, `services/${n}`, { http: "/health", timeoutSeconds: 60 }]),
    );
  });

  it("refuses floating refs: a branch, a short SHA, a branch name as commit", () => {
    expectProblem(withNative((n) => (n.sources.app.branch = "main")), `${BASE}.sources.app.branch`, /'branch' is refused/);
    expectProblem(withNative((n) => (n.sources.app.commit = "main")), `${BASE}.sources.app.commit`, /full 40-hex commit SHA/);
    expectProblem(withNative((n) => (n.sources.app.commit = "3f6c2a1")), `${BASE}.sources.app.commit`, /full 40-hex commit SHA/);
    expectProblem(withNative((n) => delete n.sources.app.commit), `${BASE}.sources.app.commit`, /must pin a commit/);
  });

  it("refuses credentials in a URL, mixed forms, and credentials that do not fit the transport", () => {
    expectProblem(withNative((n) => (n.sources.app.git = "https://me:tok@github.com/o/r.git")), `${BASE}.sources.app.git`, /must not carry credentials/);
    expectProblem(withNative((n) => (n.sources.app.archive = "https://x.example/a.tar.gz")), `${BASE}.sources.app`, /both git and archive/);
    expectProblem(withNative((n) => (n.sources.app = { archive: "https://x.example/a.tar.gz" })), `${BASE}.sources.app.sha256`, /must pin its sha256/);
    expectProblem(withNative((n) => (n.sources.app.credentials = { sshKey: "redisPassword" })), `${BASE}.sources.app.credentials.sshKey`, /needs an ssh git URL/);
    expectProblem(withNative((n) => (n.sources.app.credentials = { token: "gitTokn" })), `${BASE}.sources.app.credentials.token`, /unknown secret 'gitTokn'/);
  });

  it("every service names a declared source and exactly one health check", () => {
    expectProblem(withNative((n) => (n.services[0].source = "web")), `${BASE}.services[0].source`, /unknown source 'web'/);
    expectProblem(withNative((n) => (n.sources.other = { git: "git@github.com:o/other.git", commit: COMMIT })), `${BASE}.services[0].source`, /there are 2 sources/);
    expectProblem(withNative((n) => delete n.services[0].health), `${BASE}.services[0].health`, /missing required key/);
    expectProblem(withNative((n) => (n.services[0].health = { http: "/health", command: ["true"] })), `${BASE}.services[0].health`, /both http and command/);
    expectProblem(withNative((n) => (n.services[0].path = "../../etc")), `${BASE}.services[0].path`, /inside the release/);
    expectProblem(withNative((n) => (n.sources = {})), `${BASE}.sources`, /at least one source/);
  });

  it("a private repository over ssh with a deploy key from a stack secret reaches the step as a secret env name", () => {
    const raw = withNative((n) => (n.sources.app = { git: "git@github.com:me/stock-analysis.git", commit: COMMIT, tag: "v1.0.0", credentials: { sshKey: "deployKey" } }));
    raw["secrets"]["deployKey"] = { env: "STOCK_ANALYSIS_DEPLOY_KEY" };
    const m = buildHostServices(validateStackConfig(raw, "stock-analysis"), "stock-analysis")[0]!;
    expect(m.native!.sources[0]).toEqual({ name: "app", git: { url: "git@github.com:me/stock-analysis.git", commit: COMMIT, tag: "v1.0.0" }, credentials: { kind: "sshKey", secret: "PARITY_SECRET_DEPLOY_KEY" } });
    expect(m.secretEnv["PARITY_SECRET_DEPLOY_KEY"]).toBe("deployKey");
  });
});
