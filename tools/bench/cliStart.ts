// First, as main.js does: the language host's cmd/run loads none of the deferred modules before
// it requires the program (a unit test checks), but the mock engine below loads the SDK.
import "../sdkClosureDeferred";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { useRecordingEngine } from "../mockRuntime";
import { readStackFile, toEngineConfig } from "../stackFiles";

/**
 * The Pulumi CLI's start of this program, emulated under the recording mock engine. The nodejs
 * language host runs `node @pulumi/pulumi/cmd/run --monitor=<addr> … <program>` with
 * PULUMI_NODEJS_TYPESCRIPT from Pulumi.yaml's `runtime.options.typescript`. This runs that very
 * module of the SDK with those arguments (its instrumentation, source-map-support, v8 hooks,
 * ts-node registration when TypeScript is on, entry point from package.json, root stack,
 * shutdown handshake), only with `--monitor=mock`: the SDK then talks to the recording mock
 * engine installed here instead of gRPC. PARITY_OFFLINE_PLAN=1 stands in for the credentials.
 *
 * Cold: ts-node's cache goes to a fresh directory per run, as on a CI runner.
 * Usage: node dist/bench/cliStart.js <stack> [--ts-node]
 *   --ts-node  the former setup instead of Pulumi.yaml's: `typescript: true`, index.ts as main,
 *              and a tsconfig without `checkers` (a TypeScript 7 option the SDK's TypeScript 5
 *              ts-node refuses), the file `runtime.options.tsconfig` would name
 */
const ROOT = resolve(__dirname, "../..");

const stack = process.argv[2];
if (!stack) throw new Error("usage: cliStart.js <stack> [--ts-node]");
const formerSetup = process.argv.includes("--ts-node");
const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string; runtime: { options?: { typescript?: boolean } }; main?: string };
const typescript = formerSetup || project.runtime.options?.typescript !== false;
// The language host passes Pulumi.yaml's `main` as the program, else "." (package.json decides).
const program = formerSetup ? "index.ts" : (project.main ?? ".");
const cache = mkdtempSync(join(tmpdir(), "parity-ts-node-cache-"));
Object.assign(process.env, { PULUMI_NODEJS_TYPESCRIPT: String(typescript), TS_NODE_CACHE_DIRECTORY: cache, PARITY_OFFLINE_PLAN: "1" });
if (formerSetup) process.env["PULUMI_NODEJS_TSCONFIG_PATH"] = tsconfigForTsNode();

/** dist/tsconfig.ts-node.json: tsconfig.json's compiler options without `checkers` (under dist/, so types resolve from the root's node_modules). */
function tsconfigForTsNode(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- TypeScript is needed only by this comparison, which runs ts-node anyway
  const ts = require("typescript") as typeof import("typescript");
  const read = ts.readConfigFile(join(ROOT, "tsconfig.json"), (f) => ts.sys.readFile(f));
  if (read.error) throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(read.error.messageText, "\n")}`);
  const { checkers: _lintOnly, ...compilerOptions } = (read.config as { compilerOptions: Record<string, unknown> }).compilerOptions;
  const path = join(ROOT, "dist", "tsconfig.ts-node.json");
  writeFileSync(path, JSON.stringify({ compilerOptions }, null, 2));
  return path;
}

const file = readStackFile(stack, ROOT);
const engine = useRecordingEngine({ project: file.project, stack, ...toEngineConfig(file.values), sourcePositions: true });

process.on("exit", (code) => {
  rmSync(cache, { recursive: true, force: true });
  const usage = process.resourceUsage();
  const outputs = Object.keys(engine.stackOutputs() ?? {});
  const report = { maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, resources: engine.recorded.length, duplicates: engine.duplicates.length, outputs };
  writeSync(2, `PARITY_USAGE ${JSON.stringify(report)}\n`);
  // A run that registered nothing, or no stack outputs, is a broken emulation, not a fast one.
  if (code === 0 && (engine.recorded.length < 2 || engine.duplicates.length > 0 || outputs.length === 0)) process.exitCode = 1;
});

process.argv = [process.argv[0]!, require.resolve("@pulumi/pulumi/cmd/run"), "--monitor=mock", `--project=${project.name}`, `--stack=${stack}`, "--dry-run", `--pwd=${ROOT}`, program];
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CLI entry runs on load, after argv is set; an import would be hoisted above it
require("@pulumi/pulumi/cmd/run");
