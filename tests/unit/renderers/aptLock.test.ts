import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aptInstallSnippet } from "../../../renderers/aptInstall";
import { scriptPrelude } from "../../../renderers/common/shell";

/**
 * Steps that Pulumi starts side by side on one guest must not run apt at the same time. Real
 * bash and flock run the rendered text; apt-get and dpkg-query are stand-ins on PATH that
 * record whether two of them ever overlapped (apt itself would fail with "Could not get lock").
 */
function fakeApt(dir: string): void {
  writeFileSync(join(dir, "apt-get"), `#!/bin/bash
if ! mkdir "${dir}/running" 2>/dev/null; then echo overlap >> "${dir}/overlaps"; exit 100; fi
echo "$*" >> "${dir}/calls"
sleep 0.2
rmdir "${dir}/running"
`);
  writeFileSync(join(dir, "dpkg-query"), "#!/bin/bash\nexit 1\n");
  chmodSync(join(dir, "apt-get"), 0o755);
  chmodSync(join(dir, "dpkg-query"), 0o755);
}

function run(script: string, dir: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script], { env: { ...process.env, PATH: `${dir}:${process.env["PATH"] ?? ""}`, PARITY_APT_LOCK: join(dir, "apt.lock") }, stdio: "ignore" });
    child.on("close", (code) => resolve(code ?? 1));
  });
}

describe("apt, one step at a time", () => {
  it("serializes ensure_packages and the apt snippet of steps running side by side", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parity-apt-"));
    fakeApt(dir);
    const scripts = [
      `${scriptPrelude("postgresql")}\nensure_packages postgresql-15`,
      `${scriptPrelude("redis")}\nensure_packages redis-server`,
      `set -euo pipefail\n${aptInstallSnippet(["nftables"])}`,
    ];
    const codes = await Promise.all(scripts.map((s) => run(s, dir)));
    expect(codes).toEqual([0, 0, 0]);
    expect(existsSync(join(dir, "overlaps"))).toBe(false);
    // Each step refreshed the lists and installed its package: six apt runs, none at once.
    expect(readFileSync(join(dir, "calls"), "utf8").trim().split("\n")).toHaveLength(6);
  });

  it("would overlap without the lock (the stand-in detects it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parity-apt-"));
    fakeApt(dir);
    const bare = (pkg: string) => `apt-get install ${pkg}`;
    const codes = await Promise.all([bare("a"), bare("b")].map((s) => run(s, dir)));
    expect(codes.sort()).toEqual([0, 100]);
  });
});
