// @ts-check
"use strict";
/**
 * `node -r ./tests/helpers/esbuildRegister.js x.ts`: plain node loading TypeScript modules through
 * the unit suite's own transform (esbuildTransform.js), for the component server. tsx does the
 * same but costs ~2 s of CPU to start; this costs esbuild's load and a millisecond per file.
 */
const { readFileSync } = require("node:fs");
const { compile } = require("./esbuildTransform.js");

require.extensions[".ts"] = (mod, filename) => {
  // Module#_compile: node's own loader step, what every require hook calls (not in Node's types).
  /** @type {NodeJS.Module & { _compile(code: string, filename: string): void }} */ (mod)._compile(compile(readFileSync(filename, "utf8"), filename).code, filename);
};
