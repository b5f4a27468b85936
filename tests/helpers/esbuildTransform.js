// @ts-check
"use strict";
/**
 * Jest transform for the unit and system suites: TypeScript to CommonJS with esbuild, the compiler that
 * builds dist/ (tools/build.js), with the same tsconfig.json. It only strips types, as ts-jest
 * did (isolatedModules): type errors are `npm run lint`'s job (its type check), the step before jest.
 * ts-jest loaded the TypeScript compiler into every jest process; esbuild transforms a file in
 * about a millisecond. The component server (componentServer.ts) loads TypeScript through it too.
 *
 * Plain JavaScript on purpose: it is what compiles the rest.
 */
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const esbuild = require("esbuild");

const TSCONFIG = readFileSync(join(__dirname, "../../tsconfig.json"), "utf8");
/** This file, tsconfig.json and esbuild's version change every output: each cache key has them. */
const SALT = createHash("sha256").update(readFileSync(__filename)).update(TSCONFIG).update(esbuild.version).digest("hex");

/**
 * `path`'s TypeScript as CommonJS, for node 20 as tools/build.js targets it; esbuild reads the
 * strictness and class-field semantics from tsconfig.json. The source map (external: a string)
 * lets failures and stack traces point at TypeScript lines.
 * @param {string} source @param {string} path @returns {{ code: string, map: string }}
 */
function compile(source, path) {
  const { code, map } = esbuild.transformSync(source, { loader: "ts", format: "cjs", target: "node20", tsconfigRaw: TSCONFIG, sourcefile: path, sourcemap: "external", sourcesContent: false });
  return { code, map };
}

module.exports = {
  compile,
  /** @param {string} source @param {string} path */
  getCacheKey: (source, path) => createHash("sha256").update(SALT).update(path).update("\0").update(source).digest("hex"),
  /** @param {string} source @param {string} path */
  process: (source, path) => compile(source, path),
};
