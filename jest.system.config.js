/**
 * System suite: real Debian servers on this machine. Needs a Debian 12 host and root;
 * `scripts/install-system-deps.sh` installs what it needs first.
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/tests/system/**/*.test.ts"],
  transform: { "^.+\\.ts$": "<rootDir>/tests/helpers/esbuildTransform.js" },
  testTimeout: 600000,
  maxWorkers: 1,
};
