/**
 * A test-bed guest created from a built LXC template (tools/template) instead of the base
 * rootfs: the archive is unpacked as Proxmox's `pct create` would, the few files `pct create`
 * writes into a Debian guest are written (hostname, hosts, resolv.conf — nothing else: no SSH
 * host keys, no machine-id, no authorized keys), optionally `/etc/parity/secrets.env` is pushed
 * into the stopped guest, and the guest boots into its own first-boot unit.
 *
 * Commands run through `lxc-attach`, not SSH: the template's bootstrap step replaces root's
 * authorized keys with the stack's, as it does on Proxmox.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { GATEWAY, PREFIX_LEN } from "../../../tools/testbed/host";
import { ExecResult, mustRun, mustRunLocked, run, shq, sleep } from "../../../tools/testbed/shell";
import { destroyGuest, ensureTestbed, lxcGuestConfig } from "../../../tools/testbed/testbed";

const LXC_PATH = "/var/lib/lxc";
const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface TemplateGuestSpec {
  /** Must start with `parity-t-tpl-`. */
  readonly name: string;
  /** The built template (.tar.gz). */
  readonly archive: string;
  readonly hostname: string;
  /** `10.231.0.N/24`, set by LXC like the test bed's other guests. */
  readonly ipv4: string;
  readonly memoryMb: number;
  /** Content for /etc/parity/secrets.env, written into the stopped guest (like `pct mount` + install). */
  readonly pushedSecretsEnv?: string;
  /** Host directory bind-mounted like a Proxmox mount point (`mp0: <hostPath>,mp=<guestPath>`). */
  readonly mount?: { readonly hostPath: string; readonly guestPath: string };
}

export interface FirstBoot {
  readonly seconds: number;
  /** `ActiveState/Result` of parity-firstboot.service when it ended. */
  readonly state: string;
}

export class TemplateGuest {
  constructor(readonly name: string, readonly ipv4: string) {}

  /** Runs `bash -c cmd` in the guest as root, stdin passed through (never argv for secrets). */
  exec(cmd: string, opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return run("lxc-attach", ["-n", this.name, "--clear-env", "--set-var", `PATH=${PATH}`, "--", "bash", "-c", cmd], {
      stdin: opts.stdin ?? "",
      timeoutMs: opts.timeoutMs ?? 120_000,
    });
  }

  async mustExec(cmd: string, opts: { stdin?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.exec(cmd, opts);
    if (r.code !== 0) throw new Error(`[template-guest] ${this.name}: '${cmd.slice(0, 100)}' failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  /**
   * Waits until parity-firstboot.service has run to an end (inactive or failed after having
   * started), measured from `startedAt`. Returns its state; the caller asserts on it.
   */
  async waitFirstBoot(startedAt: number, timeoutMs = 480_000): Promise<FirstBoot> {
    const deadline = startedAt + timeoutMs;
    while (Date.now() < deadline) {
      // `--value` would print in systemd's property order, not ours: parse key=value instead.
      const r = await this.exec("systemctl show -p ActiveState -p Result -p ExecMainExitTimestampMonotonic parity-firstboot.service", { timeoutMs: 15_000 });
      const p = Object.fromEntries(r.stdout.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
      const exited = (p["ExecMainExitTimestampMonotonic"] ?? "0") !== "0";
      if (r.code === 0 && exited && (p["ActiveState"] === "inactive" || p["ActiveState"] === "failed")) {
        return { seconds: (Date.now() - startedAt) / 1000, state: `${p["ActiveState"]}/${p["Result"]}` };
      }
      await sleep(1000);
    }
    const journal = await this.exec("journalctl -u parity-firstboot --no-pager | tail -n 60");
    throw new Error(`[template-guest] ${this.name}: first boot not finished after ${timeoutMs / 1000}s\n${journal.stdout}`);
  }

  async restart(): Promise<number> {
    await run("lxc-stop", ["-n", this.name, "-t", "60"], { timeoutMs: 90_000 });
    const started = Date.now();
    await mustRun("lxc-start", ["-n", this.name, "-d"], { timeoutMs: 60_000 });
    return started;
  }

  destroy(): Promise<void> {
    return destroyGuest(this.name);
  }
}

/** Unpacks the template into a new guest and starts it. Returns the guest and the start time (ms). */
export async function createTemplateGuest(spec: TemplateGuestSpec): Promise<{ guest: TemplateGuest; startedAt: number }> {
  if (!/^parity-t-tpl-[a-z0-9-]+$/.test(spec.name)) throw new Error(`[template-guest] name ${spec.name} must start with parity-t-tpl-`);
  if (!new RegExp(`^10\\.231\\.0\\.\\d{1,3}/${PREFIX_LEN}$`).test(spec.ipv4)) throw new Error(`[template-guest] ipv4 ${spec.ipv4}: 10.231.0.N/${PREFIX_LEN}`);
  await ensureTestbed();
  await destroyGuest(spec.name);
  const dir = `${LXC_PATH}/${spec.name}`;
  // Reserve the address under the host lock, as createGuest does, so no other guest takes it.
  await mustRunLocked(`
if grep -qsxF ${shq(`lxc.net.0.ipv4.address = ${spec.ipv4}`)} ${LXC_PATH}/parity-t-*/config; then
  echo "address ${spec.ipv4} is taken by another test-bed guest" >&2; exit 1
fi
mkdir -p ${shq(dir)}
printf '%s' ${shq(lxcGuestConfig({ name: spec.name, nesting: true, memoryMb: spec.memoryMb, binds: spec.mount ? [spec.mount] : [] }, spec.hostname, spec.ipv4))} > ${shq(`${dir}/config`)}
`);
  const root = `${dir}/rootfs`;
  await mustRun("bash", ["-euo", "pipefail", "-c", `
root=${shq(root)}
mkdir -p "$root"
tar --numeric-owner --xattrs --xattrs-include='*' -xzpf ${shq(spec.archive)} -C "$root"
# What pct create writes into a Debian guest (hostname, hosts, DNS); the rest is the template's.
echo ${shq(spec.hostname)} > "$root/etc/hostname"
printf '127.0.0.1\\tlocalhost\\n127.0.1.1\\t%s\\n::1\\tlocalhost ip6-localhost ip6-loopback\\n' ${shq(spec.hostname)} > "$root/etc/hosts"
printf 'nameserver ${GATEWAY}\\n' > "$root/etc/resolv.conf"
`], { timeoutMs: 300_000 });
  if (spec.pushedSecretsEnv !== undefined) {
    // Host uid 0 is guest root here (idmapped mount); on Proxmox the file would be 100000-owned.
    mkdirSync(`${root}/etc/parity`, { recursive: true, mode: 0o755 });
    writeFileSync(`${root}/etc/parity/secrets.env`, spec.pushedSecretsEnv, { mode: 0o600 });
  }
  const startedAt = Date.now();
  await mustRun("lxc-start", ["-n", spec.name, "-d"], { timeoutMs: 60_000 });
  return { guest: new TemplateGuest(spec.name, spec.ipv4.split("/")[0]!), startedAt };
}
