/**
 * Child-process entry: runs the real program on the test-bed stack under the recording mock
 * engine and prints `{ plan, resources }` as JSON (raw inputs included: the e2e test needs the
 * scripts' text and the mock secret values). A fresh process per plan, so no module state of
 * one plan carries into the next.
 *
 * Usage: tsx planRunner.ts <stackDir> <stack> '<PlanEdits JSON>'
 */
import { makePlan } from "../../plan";
import type { PlanEdits } from "./plan";

async function main(): Promise<void> {
  const [dir, stack, editsJson] = process.argv.slice(2);
  if (!dir || !stack) throw new Error("usage: planRunner.ts <stackDir> <stack> [edits-json]");
  const edits = JSON.parse(editsJson ?? "{}") as PlanEdits;
  const { plan, resources } = await makePlan(stack, dir, (values) => {
    const ssh = (values["parity:proxmox"] as { ssh: { authorizedKeys: string[] } }).ssh;
    ssh.authorizedKeys = [...ssh.authorizedKeys, ...(edits.extraAuthorizedKeys ?? [])];
    for (const [pool, replicas] of Object.entries(edits.workerReplicas ?? {})) {
      const entry = (values["parity:workers"] as { name: string; replicas: number }[]).find((w) => w.name === pool);
      if (!entry) throw new Error(`no worker pool ${pool} in stack ${stack}`);
      entry.replicas = replicas;
    }
    const images = values["parity:images"] as Record<string, string>;
    for (const [key, ref] of Object.entries(edits.images ?? {})) {
      if (!(key in images)) throw new Error(`no image ${key} in stack ${stack}`);
      images[key] = ref;
    }
  });
  // process.exit() right after write() truncates a pipe's output: exit once it is flushed.
  await new Promise<void>((flushed, broken) => process.stdout.write(JSON.stringify({ plan, resources }), (e) => (e ? broken(e) : flushed())));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
