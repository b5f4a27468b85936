// @ts-check
"use strict";
/**
 * `npm run build` (and `npm ci`, through `prepare`): compiles Parity into dist/ with esbuild.
 *   dist/index.js       the program the Pulumi CLI runs (through main.js)
 *   dist/sdkClosureDeferred.js  what main.js loads before the SDK (tools/sdkClosure.ts)
 *   dist/plan.js        `npm run plan`
 *   dist/planRecord.js  whole-stack plans for the unit suite, under plain node
 *   dist/fuzz/sampleCases.js  the unit suite's seeded contract property run, under plain node
 *   dist/bench*.js      `npm run bench` and the processes it measures
 * Packages stay in node_modules (not bundled). This only transpiles (~0.2 s): type-checking is
 * `npm test`'s first step. dist/build-info.json records a hash of every source file the
 * bundles were built from, so main.js can refuse a build that no longer matches the sources.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled.
 * Usage: node tools/build.js [--if-stale]
 */
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const INFO = path.join(DIST, "build-info.json");
/** Bundle name → entry module (relative to the repository root). */
const ENTRIES = {
  index: "index.ts",
  plan: "tools/plan.ts",
  sdkClosureDeferred: "tools/sdkClosureDeferred.ts",
  planRecord: "tools/planRecord.ts",
  "fuzz/sampleCases": "tools/fuzz/sampleCases.ts",
  bench: "tools/bench.ts",
  "bench/loadSdk": "tools/bench/loadSdk.ts",
  "bench/cliStart": "tools/bench/cliStart.ts",
  "bench/sdkReplay": "tools/bench/sdkReplay.ts",
};
/** Files that change the output without being imported by it. */
const BUILD_INPUTS = ["tsconfig.json", "tools/build.js"];

/** @param {string} rel path relative to the repository root */
function hashFile(rel) {
  return createHash("sha256").update(fs.readFileSync(path.join(ROOT, rel))).digest("hex");
}

/**
 * The sources that differ from what dist/ was built from (changed, deleted, or every entry
 * when there is no build). Empty when dist/ is current. Costs a few milliseconds: it hashes
 * the ~150 source files, because modification times lie after checkouts and copies.
 * @returns {string[]}
 */
function staleInputs() {
  /** @type {{ inputs: Record<string, string> }} */
  let info;
  try {
    info = JSON.parse(fs.readFileSync(INFO, "utf8"));
  } catch {
    return Object.values(ENTRIES);
  }
  const stale = [];
  for (const [rel, hash] of Object.entries(info.inputs)) {
    let now;
    try {
      now = hashFile(rel);
    } catch {
      now = "missing";
    }
    if (now !== hash) stale.push(rel);
  }
  return stale;
}

/** Compiles every bundle, then records the hashes of its inputs (last, so a failed build stays stale). */
function build() {
  // Loaded here: checking freshness (main.js, every CLI run) must not pay for esbuild.
  const esbuild = require("esbuild");
  const result = esbuild.buildSync({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: DIST,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // The SDK and providers load from node_modules, one instance shared by the plan tools and
    // the program (the mock engine and the program must talk to the same SDK state).
    packages: "external",
    // Not read at run time (no source-map hook is installed, see main.js); for debugging.
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
  });
  const sources = Object.keys(result.metafile?.inputs ?? {}).filter((f) => !f.startsWith("node_modules/"));
  /** @type {Record<string, string>} */
  const inputs = {};
  for (const rel of [...sources, ...BUILD_INPUTS].sort()) inputs[rel] = hashFile(rel);
  const tmp = `${INFO}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ inputs }, null, 1)}\n`);
  fs.renameSync(tmp, INFO);
  return sources.length;
}

/** Builds only when dist/ does not match the sources. Returns whether it built. */
function buildIfStale() {
  if (staleInputs().length === 0) return false;
  build();
  return true;
}

module.exports = { ROOT, DIST, staleInputs, build, buildIfStale };

if (require.main === module) {
  const started = Date.now();
  if (process.argv.includes("--if-stale")) {
    buildIfStale();
  } else {
    const n = build();
    process.stderr.write(`built dist/ from ${n} source files in ${Date.now() - started} ms\n`);
  }
}
