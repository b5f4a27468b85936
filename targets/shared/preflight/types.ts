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

