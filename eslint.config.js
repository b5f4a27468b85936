// @ts-check
"use strict";
/**
 * `npm run lint` (part of `npm test`). TypeScript is linted with type information from
 * tsconfig.json, so every file the type-check covers is linted too; a folder added to its
 * "include" is linted without a change here. The few plain JavaScript files (they run before
 * anything is compiled) get ESLint's own recommended rules.
 *
 * strictTypeChecked, not just recommendedTypeChecked: what it adds found real things here
 * (String() of values that could be objects, casts that hid an absent value, deprecated zod
 * parameters, a rejected main() nobody handled) at the price of a few rules turned down below,
 * each with its reason.
 *
 * `npm run lint` caches results under dist/eslint/ by file content. The cache is per file: a
 * change to a type a file imports does not invalidate that file's entry, so a warm run can miss
 * a finding a cold run reports. CI starts without dist/, so it always lints cold; locally,
 * `rm -rf dist/eslint` forces the same.
 */
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const { defineConfig, globalIgnores } = require("eslint/config");

/** What Node gives a CommonJS module; the .js files are CommonJS (package.json has no "type"). */
const nodeCommonJsGlobals = {
  require: "readonly",
  module: "writable",
  exports: "writable",
  __dirname: "readonly",
  __filename: "readonly",
  process: "readonly",
  console: "readonly",
  Buffer: "readonly",
};

module.exports = defineConfig([
  globalIgnores(["dist/", "coverage/", ".parity/"]),
  {
    // A disable comment that disables nothing is a lie about the code: it fails the run.
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  {
    files: ["**/*.js"],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: "commonjs", ecmaVersion: 2022, globals: nodeCommonJsGlobals },
    rules: { eqeqeq: "error" },
  },
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        // One program for the whole repository, the same one `npm run typecheck` builds.
        project: "./tsconfig.json",
        tsconfigRootDir: __dirname,
      },
    },
    rules: {
      // == coerces; nothing here wants that.
      eqeqeq: "error",
      // Strict forbids numbers in templates too; a number prints the same in every locale, and
      // the code writes ports, sizes and counts into bash and config text all the time.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // tsconfig's noUncheckedIndexedAccess makes every index T | undefined; a `!` after a length
      // or key check is how the code says "checked above". Forbidding it would trade each one
      // for a runtime throw that can never fire.
      "@typescript-eslint/no-non-null-assertion": "off",
      // `(x) => report(x)` and `return fail(e)` in a function that returns nothing are the
      // shorthands for "do this, then stop"; the rule's aim, a void result used as a value, is
      // still caught everywhere else.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // `const { drop: _drop, ...rest } = x` is how the code copies an object without a key.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
      // Every delete by computed key is on require.cache (Node's only way to reload a module) or
      // on a raw YAML document or config record edited in place (plain objects, never Maps).
      "@typescript-eslint/no-dynamic-delete": "off",
      // An async function without await is how the code implements a promise-returning
      // interface (the SDK's callbacks, fakes in tests): a throw becomes a rejection, as the
      // caller expects. The mistakes the rule is after, promises not awaited or passed where a
      // plain function is expected, are what no-floating-promises and no-misused-promises catch.
      "@typescript-eslint/require-await": "off",

      // Stricter than strictTypeChecked, where it pays here. A switch over a union (targets,
      // step kinds, realizations) must name every member, or say `default:`, so adding one
      // shows each place that has to decide about it.
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
    },
  },
]);
