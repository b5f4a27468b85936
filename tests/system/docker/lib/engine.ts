/**
 * A local Docker engine for the isolation test: the stand-in image built from the test bed's
 * cached Debian rootfs (no registry here), tagged with every image reference a plan uses.
 */
import { mkdtempSync, copyFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBaseRootfs } from "../../../../tools/testbed/rootfs";
import { mustRunSync, runSync } from "../../../../tools/testbed/shell";
import { STANDIN_PY } from "../../../../tools/testbed/deploy/standins";

export const DOCKER = "/usr/bin/docker";
export const BASE = "parity-it/base:bookworm";
// Bumped whenever the stand-in changes: images are cached per machine by tag.
const STANDIN = "parity-it/standin:3";
const BROKEN = "parity-it/standin-unhealthy:3";
const PROXY = "parity-it/haproxy:bookworm";

export function docker(args: readonly string[], input?: string): string {
  return mustRunSync(DOCKER, args, { ...(input === undefined ? {} : { stdin: input }), label: "docker" });
}

/** Runs docker and returns the exit code instead of throwing (probes, cleanups). */
export function dockerStatus(args: readonly string[]): number {
  return runSync(DOCKER, args).code;
}

function imageExists(ref: string): boolean {
  return dockerStatus(["image", "inspect", ref]) === 0;
}

/** Builds the stand-in once per machine and tags it as each of `refs`. */
export async function standInImages(refs: readonly string[]): Promise<void> {
  if (!imageExists(BASE)) {
    const { path } = await ensureBaseRootfs();
    mustRunSync("bash", ["-euo", "pipefail", "-c", `zstd -dc '${path}' | ${DOCKER} import --change 'ENV LANG=C.UTF-8' - ${BASE}`], { label: "docker" });
  }
  if (!imageExists(STANDIN)) {
    const ctx = mkdtempSync(join(tmpdir(), "parity-standin-"));
    copyFileSync(STANDIN_PY, join(ctx, "parity-standin"));
    // `python` and `uvicorn …--port N` as the stacks' health checks and commands call them.
    writeFileSync(join(ctx, "uvicorn"), "#!/bin/sh\nexec python3 /usr/local/bin/parity-standin \"$@\"\n");
    writeFileSync(
      join(ctx, "Dockerfile"),
      `FROM ${BASE}\nCOPY parity-standin uvicorn /usr/local/bin/\nRUN chmod 0755 /usr/local/bin/parity-standin /usr/local/bin/uvicorn && ln -sf /usr/bin/python3 /usr/local/bin/python\n`,
    );
    docker(["build", "-q", "-t", STANDIN, ctx]);
  }
  for (const ref of refs) docker(["tag", STANDIN, ref]);
}

/** The stand-in whose /health answers 503: a version that must never receive traffic. */
export function unhealthyImage(ref: string): void {
  if (!imageExists(BROKEN)) {
    const ctx = mkdtempSync(join(tmpdir(), "parity-broken-"));
    writeFileSync(join(ctx, "Dockerfile"), `FROM ${STANDIN}\nENV PARITY_STANDIN_HEALTH=fail\n`);
    docker(["build", "-q", "-t", BROKEN, ctx]);
  }
  docker(["tag", BROKEN, ref]);
}

/**
 * The proxy image: no registry here, so Debian 12's own haproxy 2.6 (the official image's
 * major line) at the official image's config path, tagged as the ref the plan pulls.
 */
export function proxyImage(ref: string): void {
  if (!imageExists(PROXY)) {
    const ctx = mkdtempSync(join(tmpdir(), "parity-haproxy-"));
    writeFileSync(
      join(ctx, "Dockerfile"),
      `FROM ${BASE}\nRUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null && rm -rf /var/lib/apt/lists/* && mkdir -p /usr/local/etc/haproxy\n`,
    );
    docker(["build", "-q", "-t", PROXY, ctx]);
  }
  docker(["tag", PROXY, ref]);
}
