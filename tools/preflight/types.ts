import { spawn } from "node:child_process";
import { lookup } from "node:dns/promises";
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:https";

/** One line of the report: `ok|FAIL <check>: <detail>`, and for a failure the fix. */
export interface CheckResult {
  readonly ok: boolean;
  readonly check: string;
  readonly detail: string;
  readonly fix?: string;
}

export const pass = (check: string, detail: string): CheckResult => ({ ok: true, check, detail });
export const fail = (check: string, detail: string, fix: string): CheckResult => ({ ok: false, check, detail, fix });

export interface CommandResult {
  /** Exit code; 127 when the command is not installed, 124 when it timed out. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HttpsRequest {
  readonly url: string;
  readonly method: "GET" | "POST";
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Accept a self-signed certificate (parity:proxmox.insecure). */
  readonly insecure: boolean;
  readonly timeoutMs: number;
}

/**
 * Everything a check touches outside the process, injectable so tests point the checks at
 * fakes or at local servers only (never at a stack file's real hosts).
 */
export interface PreflightDeps {
  lookup(name: string): Promise<readonly string[]>;
  run(command: string, args: readonly string[], timeoutMs: number): Promise<CommandResult>;
  https(req: HttpsRequest): Promise<{ readonly status: number; readonly body: string }>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Extra `ssh -o` options (`Port=2222`, `IdentityFile=…`), after Parity's own. */
  readonly sshOptions: readonly string[];
  /** A file's text, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
}

function runCommand(command: string, args: readonly string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: e.code === "ENOENT" ? 127 : 1, stdout, stderr: e.code === "ENOENT" ? `${command}: command not found` : e.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? 124 : code ?? 1, stdout, stderr: timedOut ? `${stderr}timed out after ${timeoutMs / 1000}s` : stderr });
    });
  });
}

function httpsCall(req: HttpsRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(req.url, { method: req.method, headers: req.headers, rejectUnauthorized: !req.insecure, timeout: req.timeoutMs }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on("timeout", () => r.destroy(new Error(`no answer within ${req.timeoutMs / 1000}s`)));
    r.on("error", reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

export function realDeps(env: Readonly<Record<string, string | undefined>>, sshOptions: readonly string[]): PreflightDeps {
  return {
    lookup: async (name) => (await lookup(name, { all: true })).map((a) => a.address),
    run: runCommand,
    https: httpsCall,
    env,
    sshOptions,
    readFile: (path) => (existsSync(path) ? readFileSync(path, "utf8") : undefined),
  };
}
