import { join } from "node:path";
import type { HealthGateArgs } from "../../../../components/docker/healthGate";
import { renderHealthGate } from "../../../../renderers/rollout/healthGate";
import { runComponent, tree } from "../../../helpers/componentRun";

const PROGRAM = join(__dirname, "healthGate.program.ts");
const OWNER = "urn:pulumi:unit::parity::test:index:Owner::backend";
const spec = { service: "backend", check: ["CMD", "curl", "-f", "http://localhost:8000/health"], timeoutSeconds: 60, settleSeconds: 4 };
const gate = (name: string, args: Omit<HealthGateArgs, "spec" | "container">) => runComponent(PROGRAM, { owner: "backend", name, args: { spec, container: "backend-1234abcd", ...args } });
/** The alias the SDK sends for the command: its own name and type, under the HealthGate component it used to have. */
const formerParent = (name: string) => ({ spec: { name: "", type: "", project: "", stack: "", parentUrn: `urn:pulumi:unit::parity::test:index:Owner$parity:docker:HealthGate::${name}` } });

describe("healthGate", () => {
  it("runs the rendered gate on the Docker host over SSH, re-run by the container's fingerprint", async () => {
    const connection = { host: "10.0.0.2", user: "root", privateKey: "KEY" };
    const run = await gate("backend-health", { triggers: ["1234abcd"], runner: { kind: "remote", connection } });
    // One resource, the owner's own child: no component of its own.
    expect(tree(run)).toEqual([
      ["test:index:Owner", "backend", "parity-unit"],
      ["command:remote:Command", "backend-health-wait", "backend"],
    ]);
    const wait = run.one("backend-health-wait");
    expect(run.outputs["gate"]).toBe(`urn:pulumi:unit::parity::test:index:Owner$command:remote:Command::backend-health-wait`);
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
    // A stack deployed before holds the command under a HealthGate component: the alias names that URN.
    expect(wait.aliases).toEqual([
      { sent: formerParent("backend-health"), urn: `urn:pulumi:unit::parity::test:index:Owner$parity:docker:HealthGate$command:remote:Command::backend-health-wait` },
    ]);
    expect(wait.parentUrn).toBe(OWNER);
  });

  it("runs it where Pulumi runs, with DOCKER_HOST set, when the engine is reached directly", async () => {
    const run = await gate("web-health", { triggers: ["1234abcd", "5678"], runner: { kind: "local", dockerHost: "tcp://127.0.0.1:2375" } });
    expect(tree(run)).toEqual([
      ["test:index:Owner", "backend", "parity-unit"],
      ["command:local:Command", "web-health-wait", "backend"],
    ]);
    const wait = run.one("web-health-wait");
    expect(wait.inputs).toEqual({
      create: renderHealthGate({ ...spec, container: "backend-1234abcd" }),
      triggers: ["1234abcd", "5678"],
      addPreviousOutputInEnv: false,
      logging: "stdoutAndStderr",
      interpreter: ["/bin/sh", "-c"],
      environment: { DOCKER_HOST: "tcp://127.0.0.1:2375" },
    });
    expect(wait.secretInputs).toEqual([]);
    expect(wait.aliases).toEqual([
      { sent: formerParent("web-health"), urn: `urn:pulumi:unit::parity::test:index:Owner$parity:docker:HealthGate$command:local:Command::web-health-wait` },
    ]);
  });
});
