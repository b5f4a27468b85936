/**
 * The one process runner of the test bed, the template build and the system tests: run host
 * commands and bash scripts with stdin and a timeout, and serialize host-side changes across
 * processes with one lock file.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string | Buffer;
  timeoutMs?: number;
  /** Prefix of a failure's message, e.g. `template`; default `testbed`. */
  label?: string;
  /** Added to this process's environment for the child. */
  env?: Record<string, string>;
}

/** Host-side state (SSH key, dnsmasq files, lock) lives here; it survives between runs. */
export const STATE_DIR = "/var/lib/parity-testbed";
/** One lock for every host-side mutation: two jest processes may share this machine. */
const LOCK_FILE = `${STATE_DIR}/host.lock`;

export { shq } from "../../core/shell";

/**
 * Runs a program without a shell. On timeout the child gets SIGKILL and the result has
 * code 124 (like coreutils `timeout`), so callers see a failure instead of hanging jest.
 */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, [...args], { stdio: ["pipe", "pipe", "pipe"], ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, opts.timeoutMs);
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    // A child that exits without reading all of stdin makes the write fail with EPIPE;
    // that is the child's business and shows in its exit code.
    child.stdin.on("error", () => undefined);
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: 127, stdout: "", stderr: `${cmd}: ${e.message}` });
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      let stderr = Buffer.concat(err).toString("utf8");
      if (timedOut) stderr += `\n[${opts.label ?? "testbed"}] ${cmd} killed after ${opts.timeoutMs} ms`;
      resolve({
        code: timedOut ? 124 : (code ?? (signal ? 128 : 1)),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr,
      });
    });
    child.stdin.end(opts.stdin ?? "");
  });
}

/** Like {@link run}, but a non-zero exit throws with the command's output in the message. */
export async function mustRun(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return checked(cmd, args, opts, await run(cmd, args, opts));
}

/**
 * {@link run} for synchronous callers (jest hooks that shell out to docker between steps):
 * the same result shape and timeout code, without a shell.
 */
export function runSync(cmd: string, args: readonly string[], opts: RunOptions = {}): ExecResult {
  const r = spawnSync(cmd, [...args], {
    input: opts.stdin ?? "",
    maxBuffer: 256 * 1024 * 1024,
    ...(opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs, killSignal: "SIGKILL" as const }),
  });
  const timedOut = r.error !== undefined && "code" in r.error && r.error.code === "ETIMEDOUT";
  if (r.error && !timedOut) return { code: 127, stdout: "", stderr: `${cmd}: ${r.error.message}` };
  return {
    code: timedOut ? 124 : (r.status ?? (r.signal ? 128 : 1)),
    stdout: r.stdout.toString("utf8"),
    stderr: r.stderr.toString("utf8") + (timedOut ? `\n[${opts.label ?? "testbed"}] ${cmd} killed after ${opts.timeoutMs} ms` : ""),
  };
}

/** Like {@link runSync}, but a non-zero exit throws as {@link mustRun} does. */
export function mustRunSync(cmd: string, args: readonly string[], opts: RunOptions = {}): string {
  return checked(cmd, args, opts, runSync(cmd, args, opts));
}

/** Runs a strict-mode bash script (no lock); rejects with the script's output tail on failure. */
export function mustRunBash(script: string, opts: RunOptions = {}): Promise<string> {
  return mustRun("bash", ["-euo", "pipefail", "-c", script], opts);
}

function checked(cmd: string, args: readonly string[], opts: RunOptions, r: ExecResult): string {
  if (r.code !== 0) {
    const shown = [cmd, ...args].join(" ");
    throw new Error(
      `[${opts.label ?? "testbed"}] command failed (exit ${r.code}): ${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown}\n` +
        `--- stdout ---\n${tail(r.stdout)}\n--- stderr ---\n${tail(r.stderr)}`,
    );
  }
  return r.stdout;
}

/** Runs a bash script (strict mode) on the host while holding the test-bed lock. */
export function mustRunLocked(script: string, opts: RunOptions = {}): Promise<string> {
  mkdirSync(STATE_DIR, { recursive: true, mode: 0o711 });
  return mustRun("flock", ["-x", LOCK_FILE, "bash", "-euo", "pipefail", "-c", script], opts);
}

function tail(s: string, lines = 40): string {
  return s.trimEnd().split("\n").slice(-lines).join("\n");
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
