/**
 * Unit suite: pure functions and stacks under Pulumi mocks. Runs anywhere Node runs.
 * Whole-stack plans run in plain node child processes, cached for the run (tests/README.md).
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/tests/unit/**/*.test.ts"],
  transform: { "^.+\\.ts$": "<rootDir>/tests/helpers/esbuildTransform.js" },
  globalSetup: "<rootDir>/tests/helpers/globalSetup.ts",
  globalTeardown: "<rootDir>/tests/helpers/globalTeardown.ts",
  testTimeout: 30000,
};
