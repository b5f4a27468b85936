// @ts-check
"use strict";
/**
 * What the Pulumi CLI runs (package.json "main"; Pulumi.yaml sets `typescript: false`): Parity
 * compiled into dist/ by `npm run build`, which `npm ci` runs too. The CLI has no build step of
 * its own, so this refuses a build that no longer matches the sources: a preview never shows
 * an older program than the one checked out. Why compiled and not ts-node: README, "Performance".
 */

// The SDK records a stack trace for every promise it creates; formatting them is close to half
// of a large preview's CPU. Nothing reads them but the report of a crash in Parity's own code,
// and the SDK's colourised report of an error whose trace ends in a scoped package's file
// (node_modules/@pulumi/resource.ts) never returns on Node versions with nodejs/node#64011.
// PARITY_STACK_TRACES=1 turns them back on, mapped to the TypeScript sources.
const traces = process.env["PARITY_STACK_TRACES"] === "1";
if (traces) process.setSourceMapsEnabled(true);
else Error.stackTraceLimit = 0;

const { staleInputs } = require("./tools/build.js");
const stale = staleInputs();
// Before anything requires the SDK: its function-serialization modules, a TypeScript compiler
// and npm's dependency-tree library among them, then load only if something calls them.
// tools/sdkClosure.ts says why and how.
if (stale.length === 0) require("./dist/sdkClosureDeferred.js");

const { RunError } = require("@pulumi/pulumi");
if (stale.length > 0) {
  const shown = stale.slice(0, 5).join(", ") + (stale.length > 5 ? `, and ${stale.length - 5} more` : "");
  throw new RunError(`dist/ was not built from these sources (${shown} differ): run \`npm run build\`, then retry.`);
}

/** @param {unknown} e */
function withTraceHint(e) {
  // Checked first: RunError adds no members, so after `instanceof Error` its type guard would
  // leave nothing (never) for the other branch.
  const ours = RunError.isInstance(e);
  if (!traces && !ours && e instanceof Error) e.message += "\n(stack traces are off: set PARITY_STACK_TRACES=1 to see where this was thrown)";
  return e;
}

/** @type {() => Promise<Record<string, unknown>>} the program: index.ts, an async function the CLI calls and awaits. */
let program;
try {
  program = require("./dist/index.js");
} catch (e) {
  throw withTraceHint(e);
}
module.exports = async () => {
  try {
    return await program();
  } catch (e) {
    throw withTraceHint(e);
  }
};
