import { join } from "node:path";
import type { HealthGateArgs } from "../../../../components/docker/healthGate";
import { renderHealthGate } from "../../../../renderers/rollout/healthGate";
import { runComponent, tree } from "../../../helpers/componentRun";

const PROGRAM = join(__dirname, "healthGate.program.ts");
const spec = { service: "backend", check: ["CMD", "curl", "-f", "http://localhost:8000/health"], timeoutSeconds: 60, settleSeconds: 4 };
const gate = (name: string, args: Omit<HealthGateArgs, "spec" | "container">) => runComponent(PROGRAM, { name, args: { spec, container: "backend-1234abcd", ...args } });

describe("HealthGate", () => {
  it("runs the rendered gate on the Docker host over SSH, re-run by the container's fingerprint", async () => {
    const connection = { host: "10.0.0.2", user: "root", privateKey: "KEY" };
    const run = await gate("backend-gate", { triggers: ["1234abcd"], runner: { kind: "remote", connection } });
    expect(tree(run)).toEqual([
      ["parity:docker:HealthGate", "backend-gate", "parity-unit"],
      ["command:remote:Command", "backend-gate-wait", "backend-gate"],
    ]);
    const wait = run.one("backend-gate-wait");
    expect(wait.inputs).toEqual({
      create: renderHealthGate({ ...spec, container: "backend-1234abcd" }),
      triggers: ["1234abcd"],
      addPreviousOutputInEnv: false,
      logging: "stdoutAndStderr",
      connection: "[secret]",
    });
    // The provider keeps the connection secret: it holds the private key.
    expect(wait.secretInputs).toEqual(["connection"]);
    expect(wait.rawInputs["connection"]).toEqual({ ...connection, dialErrorLimit: 10, perDialTimeout: 15, port: 22 });
    expect(wait.dependencies).toEqual([]);
  });

  it("runs it where Pulumi runs, with DOCKER_HOST set, when the engine is reached directly", async () => {
    const run = await gate("web-gate", { triggers: ["1234abcd", "5678"], runner: { kind: "local", dockerHost: "tcp://127.0.0.1:2375" } });
    expect(tree(run)).toEqual([
      ["parity:docker:HealthGate", "web-gate", "parity-unit"],
      ["command:local:Command", "web-gate-wait", "web-gate"],
    ]);
    expect(run.one("web-gate-wait").inputs).toEqual({
      create: renderHealthGate({ ...spec, container: "backend-1234abcd" }),
      triggers: ["1234abcd", "5678"],
      addPreviousOutputInEnv: false,
      logging: "stdoutAndStderr",
      interpreter: ["/bin/sh", "-c"],
      environment: { DOCKER_HOST: "tcp://127.0.0.1:2375" },
    });
    expect(run.one("web-gate-wait").secretInputs).toEqual([]);
  });
});
