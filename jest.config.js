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
  // The SDK as the plan and the CLI load it: its function-serialization modules (TypeScript and
  // npm's dependency-tree library among them) only when called. tools/sdkClosure.ts.
  moduleNameMapper: { "^\\./closure/(codePaths|serializeClosure)$": "<rootDir>/tests/helpers/sdkClosure/$1.js" },
  testTimeout: 30000,
  // Two test workers even on two cores (jest's default would be one): test files wait on the
  // plan servers and child processes much of the time, so a second worker fills those waits.
  // Measured on this 2-core machine, idle: 24–25 s against 31–33 s with one, ~10% more CPU.
  maxWorkers: 2,
};
