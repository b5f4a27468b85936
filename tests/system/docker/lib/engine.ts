/**
 * A local Docker engine for the isolation test: the stand-in image built from the test bed's
 * cached Debian rootfs (no registry here), tagged with every image reference a plan uses.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, copyFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBaseRootfs } from "../../lib/testbed-rootfs";

export const DOCKER = "/usr/bin/docker";
export const BASE = "parity-it/base:bookworm";
const STANDIN = "parity-it/standin:1";

export function docker(args: readonly string[], input?: string): string {
  return execFileSync(DOCKER, [...args], { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
}

/** Runs docker and returns the exit code instead of throwing (probes, cleanups). */
export function dockerStatus(args: readonly string[]): number {
  return spawnSync(DOCKER, [...args], { stdio: "ignore" }).status ?? 1;
}

function imageExists(ref: string): boolean {
  return dockerStatus(["image", "inspect", ref]) === 0;
}

/** Builds the stand-in once per machine and tags it as each of `refs`. */
export async function standInImages(refs: readonly string[]): Promise<void> {
  if (!imageExists(BASE)) {
    const { path } = await ensureBaseRootfs();
    execFileSync("bash", ["-c", `zstd -dc '${path}' | ${DOCKER} import --change 'ENV LANG=C.UTF-8' - ${BASE}`], { stdio: "inherit" });
  }
  if (!imageExists(STANDIN)) {
    const ctx = mkdtempSync(join(tmpdir(), "parity-standin-"));
    copyFileSync(join(__dirname, "standin.py"), join(ctx, "parity-standin"));
    writeFileSync(join(ctx, "Dockerfile"), `FROM ${BASE}\nCOPY parity-standin /usr/local/bin/parity-standin\nRUN chmod 0755 /usr/local/bin/parity-standin\n`);
    execFileSync(DOCKER, ["build", "-q", "-t", STANDIN, ctx], { stdio: "inherit" });
  }
  for (const ref of refs) docker(["tag", STANDIN, ref]);
}
