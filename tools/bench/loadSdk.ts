import { deferSdkClosure } from "../sdkClosure";

// The floor for the plan benchmark: plain node loading the packages a stack's plan loaded (the
// SDK and the target's providers, as reported by that plan), then stopping.
//   --deferred  the SDK as the plan loads it: its function-serialization modules deferred
//               (tools/sdkClosure.ts); without it, the SDK as a plain require loads it.
// Usage: node dist/bench/loadSdk.js [--deferred] <package>...
const args = process.argv.slice(2);
if (args[0] === "--deferred") deferSdkClosure();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the packages are named on the command line
for (const pkg of args.filter((a) => a !== "--deferred")) require(pkg);

if (process.env["PARITY_REPORT_USAGE"] === "1") {
  const usage = process.resourceUsage();
  process.stderr.write(`PARITY_USAGE ${JSON.stringify({ maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 })}\n`);
}
