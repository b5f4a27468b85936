import { spawn } from "node:child_process";
import { join } from "node:path";
import { DEFERRED } from "../../../tools/sdkClosure";
import { ROOT } from "../../helpers/stackConfig";

const FIXTURES = join(ROOT, "tests/fixtures/sdkClosure");

/** Runs a fixture under plain node (the global setup built dist/) and parses its JSON line. */
function runFixture(script: string, ...args: string[]): Promise<Record<string, unknown>> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(FIXTURES, script), ...args], { cwd: ROOT });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", fail);
    child.on("close", (status) => {
      if (status !== 0) fail(new Error(`${script} exited with ${status}: ${Buffer.concat(err).toString("utf8")}`));
      else done(JSON.parse(Buffer.concat(out).toString("utf8")) as Record<string, unknown>);
    });
  });
}

// Started together when the file loads: each is a plain node process, about 0.5 s of CPU.
const deferred = runFixture("deferred.js", ...Object.keys(DEFERRED));
const languageHost = runFixture("languageHost.js");
const mainJs = runFixture("mainJs.js");

describe("the SDK's function-serialization modules, deferred (tools/sdkClosure.ts)", () => {
  it("are not loaded with the SDK, and load when a deferred function is called", async () => {
    const r = await deferred;
    expect(r["afterSdk"]).toBe(0);
    expect(r["afterCall"]).toBeGreaterThan(0);
    // The call went through the stand-in to the real serializer.
    expect(r["serialized"]).toContain("return () => 6 * 7;");
  });

  it("stand in with exactly the installed SDK's exports (runtime/index.js copies them onto pulumi.runtime)", async () => {
    const r = await deferred;
    expect(r["exportsOf"]).toEqual(Object.fromEntries(Object.entries(DEFERRED).map(([rel, names]) => [rel, [...names].sort()])));
  });

  it("the Pulumi CLI's language host (the SDK's cmd/run) loads neither them nor the SDK's index before the program, so main.js can defer them", async () => {
    const r = await languageHost;
    expect({ ...r, modules: undefined }).toEqual({ modules: undefined, sdkIndex: false, deferred: [], heavy: 0 });
    // It did load the SDK's runtime modules it needs (settings, log, stack, ...).
    expect(r["modules"]).toBeGreaterThan(100);
  });

  it("main.js defers them before it loads the SDK and the program", async () => {
    // No engine config here: the program ran as far as its contract check.
    const r = await mainJs;
    expect(r["error"]).toMatch(/^Stack config of '\w+' is invalid/);
    expect(r["heavy"]).toBe(0);
  });
});
