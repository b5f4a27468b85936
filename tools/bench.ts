import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

/**
 * `npm run bench`: the offline plan's wall time and peak memory next to the floor of merely
 * starting the runner and loading the SDK and providers. Each command runs in a fresh process,
 * alternately, RUNS times; medians are reported. Figures, not assertions: run it by hand or
 * as a CI report.
 */
const ROOT = resolve(__dirname, "..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
const RUNS = Number(process.env["BENCH_RUNS"] ?? 7);

interface Sample { ms: number; maxRssKb: number }

function measure(args: string[]): Sample {
  const start = process.hrtime.bigint();
  const r = spawnSync(TSX, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, PARITY_REPORT_USAGE: "1" }, maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed:\n${r.stderr}`);
  const line = r.stderr.split("\n").find((l) => l.startsWith("PARITY_USAGE "));
  if (!line) throw new Error(`${args.join(" ")} reported no usage`);
  return { ms, maxRssKb: (JSON.parse(line.slice("PARITY_USAGE ".length)) as { maxRssKb: number }).maxRssKb };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function main(): void {
  const stack = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "homelab";
  const floor: Sample[] = [];
  const plan: Sample[] = [];
  measure(["tools/bench/loadSdk.ts"]); // warm the file cache once, unmeasured
  for (let i = 0; i < RUNS; i++) {
    floor.push(measure(["tools/bench/loadSdk.ts"]));
    plan.push(measure(["tools/plan.ts", stack, "--json"]));
  }
  const f = { ms: median(floor.map((s) => s.ms)), rss: median(floor.map((s) => s.maxRssKb)) / 1024 };
  const p = { ms: median(plan.map((s) => s.ms)), rss: median(plan.map((s) => s.maxRssKb)) / 1024 };
  const rows = [
    ["measure", "median wall ms", "median peak RSS MiB"],
    ["floor: runner + SDK + providers loaded", f.ms.toFixed(0), f.rss.toFixed(1)],
    [`plan ${stack} (offline, --json)`, p.ms.toFixed(0), p.rss.toFixed(1)],
    ["ratio plan / floor", (p.ms / f.ms).toFixed(2), (p.rss / f.rss).toFixed(2)],
  ];
  console.log(`Parity bench: ${RUNS} runs each, alternating, fresh process per run`);
  for (const r of rows) console.log(`${r[0]!.padEnd(42)} ${r[1]!.padStart(16)} ${r[2]!.padStart(20)}`);
  console.log(`target: plan wall time <= 1.5x floor -> ${p.ms / f.ms <= 1.5 ? "met" : "NOT met"}`);
  if (process.argv.includes("--testbed")) {
    // The LXC test bed's figures need root on Debian 12 and a few minutes: opt-in.
    const r = spawnSync(TSX, ["tools/bench/testbed.ts"], { cwd: ROOT, stdio: "inherit" });
    if (r.status !== 0) throw new Error("test bed bench failed");
  }
}

main();
