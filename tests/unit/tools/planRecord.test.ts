import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ROOT } from "../../helpers/stackConfig";

describe("the unit suite's plan server", () => {
  it("plans a stack after another exactly as it plans it first: nothing leaks between plans", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parity-plan-server-"));
    const child = spawn(process.execPath, [join(ROOT, "dist/planRecord.js")], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
    const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const plan = async (stack: string, name: string) => {
      const out = join(dir, `${name}.json`);
      child.stdin.write(`${JSON.stringify({ request: { stack, root: ROOT }, out })}\n`);
      expect((await answers.next()).value).toBe(`done ${out}`);
      return readFileSync(out, "utf8");
    };
    try {
      const first = await plan("local", "first");
      await plan("lifebuddy", "other");
      const again = await plan("local", "again");
      expect((JSON.parse(first) as { resources: unknown[] }).resources.length).toBeGreaterThan(10);
      expect(again).toBe(first);
    } finally {
      child.stdin.end();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
