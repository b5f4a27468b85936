import { spawn } from "node:child_process";
import { join } from "node:path";
import { planStack } from "../../helpers/planStack";
import { ROOT } from "../../helpers/stackConfig";

/**
 * The program as the Pulumi CLI's language host starts it: the SDK's own cmd/run entry point
 * (what the nodejs language host runs) given Pulumi.yaml's main, main.js, against the recording
 * engine (dist/bench/cliStart.js, built by the global setup). main.js exports an async function,
 * which cmd/run must call and await: the stack's outputs are what it resolves to.
 */
function cliStart(stack: string): Promise<{ status: number | null; usage: Record<string, unknown> | undefined; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, "dist/bench/cliStart.js"), stack], { cwd: ROOT });
    const err: Buffer[] = [];
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.stdout.resume();
    child.on("error", fail);
    child.on("close", (status) => {
      const stderr = Buffer.concat(err).toString("utf8");
      const line = stderr.split("\n").find((l) => l.startsWith("PARITY_USAGE "));
      done({ status, usage: line ? (JSON.parse(line.slice("PARITY_USAGE ".length)) as Record<string, unknown>) : undefined, stderr });
    });
  });
}

// Started when the file loads: one plain node process, about 1.3 s of CPU.
const homelab = cliStart("homelab");

describe("the program under the SDK's cmd/run, as the Pulumi CLI starts it", () => {
  it("registers every resource the offline plan does and the stack's six outputs", async () => {
    const [run, plan] = await Promise.all([homelab, planStack("homelab")]);
    expect({ status: run.status, stderr: run.status === 0 ? "" : run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.usage).toMatchObject({ resources: plan.resources.length, duplicates: 0 });
    expect(run.usage?.["outputs"]).toEqual(["dnsRecords", "endpoints", "env", "hosts", "secrets", "target"]);
  });
});
