import { containerAppSizing } from "../../../model/azure";

// The Container App component takes these as they are: it neither clamps nor defaults. The
// contract refuses what a Container App cannot take (tests/unit/contract/holes.test.ts).
describe("containerAppSizing: a Container App's size and probe timings, resolved by the model", () => {
  it("memory follows the CPU limit at 2 GiB per CPU", () => {
    expect(containerAppSizing({ limits: { cpus: 0.25, memoryMb: 512 } }).resources).toEqual({ cpu: 0.25, memory: "0.5Gi" });
    expect(containerAppSizing({ limits: { cpus: 1.5, memoryMb: 512 } }).resources).toEqual({ cpu: 1.5, memory: "3Gi" });
    // Float noise the contract tolerates lands on the step.
    expect(containerAppSizing({ limits: { cpus: 0.75 + 1e-12, memoryMb: 512 } }).resources).toEqual({ cpu: 0.75, memory: "1.5Gi" });
  });

  it("probe timings are the health check's", () => {
    const hc = { test: ["CMD", "true"], intervalSeconds: 10, timeoutSeconds: 3, retries: 6, startPeriodSeconds: 45 };
    expect(containerAppSizing({ limits: { cpus: 1, memoryMb: 512 }, healthcheck: hc }).probe).toEqual({ periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6, initialDelaySeconds: 45 });
  });

  it("without a health check, the schema's health-check defaults (30 s, 5 s, 3 tries, 20 s)", () => {
    expect(containerAppSizing({ limits: { cpus: 1, memoryMb: 512 } }).probe).toEqual({ periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3, initialDelaySeconds: 20 });
  });
});
