import { resolve } from "node:path";

describe("the recording mock engine", () => {
  it("fails on duplicate resource names, which stock mocks accept and the engine rejects", async () => {
    await jest.isolateModulesAsync(async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runProgram } = require("../../../tools/mockRuntime") as typeof import("../../../tools/mockRuntime");
      await expect(
        runProgram({ project: "parity", stack: "dup", config: {}, program: resolve(__dirname, "../../fixtures/programs/duplicateNames.ts") }),
      ).rejects.toThrow(/duplicate resource names: urn:pulumi:dup::parity::\S*random:index\/randomPassword:RandomPassword::same-name$/);
    });
  });
});
