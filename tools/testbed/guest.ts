/**
 * A running test-bed guest as tests see it: reached only over SSH as root, the way Pulumi's
 * `remote.CopyToRemote` + `remote.Command` reach a Proxmox LXC, so bundles run exactly as
 * they would in a deployment.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProvisionBundle, bundleDir, encodeSecretStdin, writeBundle } from "../../renderers/bundle";
import { testbedSshKey } from "./host";
import { ExecResult, mustRun, run, shq, sleep } from "./shell";

export interface BundleRun extends ExecResult {
  /** Destination paths the entrypoint (re)installed in this run, in bundle order. */
  changedFiles: string[];
  /** Wall time of the entrypoint run alone (not the copy). */
  seconds: number;
}

export interface Guest {
  readonly name: string;
  /** Bare address, no prefix. */
  readonly ipv4: string;
  exec(cmd: string, opts?: { stdin?: string; timeoutMs?: number }): Promise<ExecResult>;
  runBundle(bundle: ProvisionBundle, secrets?: Record<string, string>): Promise<BundleRun>;
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

const DEFAULT_EXEC_TIMEOUT_MS = 10 * 60_000;

/** ssh argv prefix: the harness key only, no host-key bookkeeping (guests are re-created). */
export function sshArgs(ipv4: string): string[] {
  return [
    "-i", testbedSshKey().privateKeyPath,
    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
    "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
    "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=15",
    `root@${ipv4}`,
  ];
}

/** ssh's own failures to connect: the remote command never started, so a retry is safe. */
const DIAL_FAILURE = /Connection refused|Connection reset|Connection closed|kex_exchange_identification|No route to host/;

/**
 * Runs `remoteCommand` as given (it goes to root's login shell via `-c`, as with Pulumi).
 * Like Pulumi's command provider (dialErrorLimit), failures to connect are retried: sshd is
 * briefly unreachable while a provisioning step reloads it.
 */
export async function sshRaw(ipv4: string, remoteCommand: string, opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  for (let attempt = 1; ; attempt++) {
    const r = await run("ssh", [...sshArgs(ipv4), remoteCommand], {
      stdin: opts.stdin ?? "",
      timeoutMs: opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
    });
    if (r.code !== 255 || !DIAL_FAILURE.test(r.stderr) || attempt >= 20) return r;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * One line per destination path: inode, owner, mode, sha256. The entrypoint installs a file
 * by renaming a fresh temporary file over it, so a new inode (or different bytes, owner or
 * mode) is exactly "the entrypoint installed this file" without touching the entrypoint.
 */
export function snapshotScript(paths: readonly string[]): string {
  return `for p in ${paths.map(shq).join(" ")}; do
  if [ -f "$p" ]; then printf '%s\\t%s\\t%s\\n' "$p" "$(stat -c '%i %U:%G %a' "$p")" "$(sha256sum < "$p" | cut -d' ' -f1)"
  else printf '%s\\tmissing\\t-\\n' "$p"; fi
done`;
}

export function parseSnapshot(stdout: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const [path, ...rest] = line.split("\t");
    if (path) m.set(path, rest.join("\t"));
  }
  return m;
}

export class LxcGuest implements Guest {
  constructor(
    readonly name: string,
    readonly ipv4: string,
    private readonly waitReady: () => Promise<void>,
    private readonly destroyer: () => Promise<void>,
  ) {}

  exec(cmd: string, opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return sshRaw(this.ipv4, `bash -lc ${shq(cmd)}`, opts);
  }

  async runBundle(bundle: ProvisionBundle, secrets?: Record<string, string>): Promise<BundleRun> {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(bundle.name)) {
      throw new Error(`[testbed] bundle name '${bundle.name}' is not a DNS-label-like name`);
    }
    const dir = bundleDir(bundle);
    const paths = bundle.files.map((f) => f.path);
    const before = parseSnapshot(await this.mustExec(snapshotScript(paths)));

    // Same tree Pulumi copies; stale files from an earlier version of the bundle are removed.
    const local = mkdtempSync(join(tmpdir(), "parity-bundle-"));
    try {
      writeBundle(bundle, local);
      const remote = `rm -rf ${shq(dir)} && mkdir -p ${shq(dir)} && tar --no-same-owner -xf - -C ${shq(dir)}`;
      await mustRun("bash", ["-o", "pipefail", "-c",
        `tar --owner=0 --group=0 --numeric-owner -C ${shq(local)} -cf - . | ssh ${sshArgs(this.ipv4).map(shq).join(" ")} ${shq(remote)}`,
      ], { timeoutMs: 120_000 });
    } finally {
      rmSync(local, { recursive: true, force: true });
    }

    // The exact command line a remote.Command would send; secrets only on stdin.
    const started = Date.now();
    const result = await sshRaw(this.ipv4, `bash ${dir}/entrypoint.sh`, {
      ...(secrets === undefined ? {} : { stdin: encodeSecretStdin(secrets) }),
      timeoutMs: 20 * 60_000,
    });
    const seconds = (Date.now() - started) / 1000;

    const after = parseSnapshot(await this.mustExec(snapshotScript(paths)));
    const changedFiles = paths.filter((p) => after.get(p) !== before.get(p));
    return { ...result, changedFiles, seconds };
  }

  async restart(): Promise<void> {
    // -t: clean shutdown via lxc.signal.halt (SIGRTMIN+3 = systemd halt), then kill.
    await run("lxc-stop", ["-n", this.name, "-t", "60"], { timeoutMs: 90_000 });
    await mustRun("lxc-start", ["-n", this.name, "-d"], { timeoutMs: 60_000 });
    await this.waitReady();
  }

  destroy(): Promise<void> {
    return this.destroyer();
  }

  private async mustExec(cmd: string): Promise<string> {
    const r = await this.exec(cmd, { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`[testbed] ${this.name}: '${cmd.slice(0, 80)}…' failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }
}

/**
 * Waits until systemd in the guest finished booting (running or degraded) and sshd accepts
 * the harness key. On timeout the error carries the console log and failed units.
 */
export async function waitForGuest(name: string, ipv4: string, consoleLog: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const state = await run("lxc-attach", ["-n", name, "--", "systemctl", "is-system-running"], { timeoutMs: 15_000 });
    last = `systemd: ${state.stdout.trim() || state.stderr.trim()}`;
    if (/^(running|degraded)$/.test(state.stdout.trim())) {
      const ssh = await sshRaw(ipv4, "true", { timeoutMs: 15_000 });
      if (ssh.code === 0) return;
      last = `ssh: ${ssh.stderr.trim()}`;
    }
    await sleep(500);
  }
  const failed = await run("lxc-attach", ["-n", name, "--", "systemctl", "--failed", "--no-pager"], { timeoutMs: 15_000 });
  const consoleTail = await run("tail", ["-n", "40", consoleLog]);
  throw new Error(
    `[testbed] guest ${name} (${ipv4}) not ready after ${timeoutMs / 1000}s; last: ${last}\n` +
      `--- failed units ---\n${failed.stdout}${failed.stderr}\n--- console ---\n${consoleTail.stdout}`,
  );
}
