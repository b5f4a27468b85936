import { ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

export type PlanResult = { readonly ok: true; readonly resources: number; readonly ms: number } | { readonly ok: false; readonly error: string; readonly ms: number };

/**
 * One plain-node process (planWorker.ts) that plans config after config under the mock
 * engine: the SDK loads once, so a plan costs what the program costs, not a process start.
 */
export class PlanClient {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, (r: PlanResult) => void>();
  private next = 0;
  private stderr = "";

  constructor(root = resolve(__dirname, "../..")) {
    this.child = spawn(join(root, "node_modules/.bin/tsx"), [join(root, "tools/fuzz/planWorker.ts")], { cwd: root, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, PARITY_OFFLINE_PLAN: "1" } });
    this.child.stderr!.on("data", (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000); });
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      const r = JSON.parse(line) as PlanResult & { id: number };
      this.waiting.get(r.id)?.(r);
      this.waiting.delete(r.id);
    });
    this.child.on("exit", (code) => {
      for (const resolveOne of this.waiting.values()) resolveOne({ ok: false, error: `plan worker exited (${code}): ${this.stderr}`, ms: 0 });
      this.waiting.clear();
    });
  }

  /** Plans `config` (the `parity:` keys without the namespace) as stack `stack`'s file would. */
  plan(stack: string, config: Record<string, unknown>): Promise<PlanResult> {
    const id = this.next++;
    return new Promise((res) => {
      this.waiting.set(id, res);
      this.child.stdin!.write(`${JSON.stringify({ id, stack, config })}\n`);
    });
  }

  close(): void {
    this.child.stdin!.end();
  }
}
