import { spawn } from "node:child_process";
import { lookup } from "node:dns/promises";
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:https";
import type { CommandResult, HttpsRequest, PreflightDeps } from "../../targets/shared/preflight/types";

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

/** The checks' view of the world, for real: DNS, processes, HTTPS and files of this machine. */
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
