/**
 * `promtool check config` (Debian's prometheus package, installed by
 * scripts/install-system-deps.sh) on the Prometheus configuration Parity renders for every stack
 * file that declares observability: the repository's stacks and the test bed's.
 *
 * Run: npx jest --config jest.system.config.js tests/system/real/promtool.test.ts
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { validateStackConfig } from "../../../targets";
import { buildModel } from "../../../targets";
import { renderPrometheusConfig } from "../../../renderers/observability/prometheus";
import { readStackFile } from "../../../tools/stackFiles";

const ROOT = resolve(__dirname, "../../..");
const DIRS = [ROOT, resolve(ROOT, "tools/testbed/stack")];

function stacksIn(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (/^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(f)?.[1] ? [f.slice(7, -5)] : []));
}

function rendered(): { stack: string; text: string }[] {
  const out: { stack: string; text: string }[] = [];
  for (const dir of DIRS) {
    for (const stack of stacksIn(dir)) {
      const { values } = readStackFile(stack, dir);
      const raw = Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith("parity:")).map(([k, v]) => [k.slice(7), v]));
      const model = buildModel(validateStackConfig(raw, stack), stack);
      if (model.observability) out.push({ stack, text: renderPrometheusConfig(stack, model.observability) });
    }
  }
  return out;
}

test("every rendered prometheus.yml passes promtool check config", () => {
  console.log(execFileSync("promtool", ["--version"], { encoding: "utf8" }).split("\n")[0]);
  const files = rendered();
  expect(files.map((f) => f.stack).sort()).toEqual(["homelab", "local", "testbed"]);
  const dir = mkdtempSync(join(tmpdir(), "parity-promtool-"));
  try {
    for (const f of files) {
      const path = join(dir, `${f.stack}.prometheus.yml`);
      writeFileSync(path, f.text);
      const r = spawnSync("promtool", ["check", "config", path], { encoding: "utf8" });
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers any
      expect({ stack: f.stack, code: r.status, out: r.stdout + r.stderr }).toEqual({ stack: f.stack, code: 0, out: expect.stringContaining("SUCCESS") });
    }
    // The check can fail: a job without targets' host:port is refused.
    const broken = join(dir, "broken.yml");
    writeFileSync(broken, files[0]!.text.replace("localhost:9090", "http://localhost:9090/x"));
    expect(spawnSync("promtool", ["check", "config", broken], { encoding: "utf8" }).status).not.toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
