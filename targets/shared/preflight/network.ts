import { PlatformModel } from "../../../model/types";
import { CheckResult, PreflightDeps, fail, pass } from "./types";

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Every name users must publish (the stack output `dnsRecords`: guests and services with a
 * `dnsName`) resolves, and to the guest's static address where it has one. Services on other
 * guests are reached by these names, so a missing record breaks them after a "successful" up.
 */
export async function checkDns(model: PlatformModel, deps: PreflightDeps): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const names = [...model.dnsRecords.map((r) => ({ fqdn: r.fqdn, expect: IPV4.test(r.address) ? r.address : undefined }))];
  const endpointHost = model.proxmox ? new URL(model.proxmox.endpoint).hostname : undefined;
  if (endpointHost && !IPV4.test(endpointHost)) names.unshift({ fqdn: endpointHost, expect: undefined });
  for (const { fqdn, expect } of names) {
    const check = `dns ${fqdn}`;
    let addresses: readonly string[];
    try {
      addresses = await deps.lookup(fqdn);
    } catch (e) {
      out.push(fail(check, `does not resolve (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, `publish an A record ${fqdn} → ${expect ?? "the guest's DHCP reservation"} (see the stack output dnsRecords)`));
      continue;
    }
    if (expect && !addresses.includes(expect))
      out.push(fail(check, `resolves to ${addresses.join(", ")}, expected ${expect}`, `point ${fqdn} at ${expect}, or fix the guest's address in the stack file`));
    else out.push(pass(check, `resolves to ${addresses.join(", ")}`));
  }
  return out;
}

export interface SshTarget {
  /** `node pve-a` or `guest core`. */
  readonly label: string;
  readonly user: string;
  readonly address: string;
  /** Not created yet (per the Proxmox API): nothing to reach. */
  readonly absent?: string;
}

/** `ssh` as Parity uses it: non-interactive, short connect timeout, the caller's extra options last. */
export function sshArgs(deps: PreflightDeps, t: SshTarget, remote: readonly string[]): string[] {
  return ["-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "StrictHostKeyChecking=accept-new", ...deps.sshOptions.flatMap((o) => ["-o", o]), `${t.user}@${t.address}`, ...remote];
}

function lastLine(text: string): string {
  return text.trim().split("\n").filter(Boolean).pop() ?? "";
}

/** SSH reaches each target as the configured user, with the agent's or configured key. */
export async function checkSsh(targets: readonly SshTarget[], deps: PreflightDeps): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const t of targets) {
    const check = `ssh ${t.label} (${t.user}@${t.address})`;
    if (t.absent) {
      out.push(pass(check, `skipped: ${t.absent}`));
      continue;
    }
    const r = await deps.run("ssh", sshArgs(deps, t, ["true"]), 20_000);
    if (r.code === 0) out.push(pass(check, "reachable"));
    else
      out.push(fail(check, lastLine(r.stderr) || `ssh exited ${r.code}`, r.code === 127
        ? "install the OpenSSH client"
        : /denied/i.test(r.stderr)
          ? `load the deploy key into ssh-agent (ssh-add) and make sure its public half is in ${t.user}'s authorized_keys on ${t.address}`
          : `check that ${t.address} is up and sshd listens (port 22 unless ~/.ssh/config says otherwise); from here: ssh ${t.user}@${t.address} true`));
  }
  return out;
}

/** The Docker engine answers on every guest that runs containers (over the same SSH hop the provider uses). */
export async function checkDocker(targets: readonly SshTarget[], deps: PreflightDeps): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const t of targets) {
    const check = `docker ${t.label}`;
    if (t.absent) {
      out.push(pass(check, `skipped: ${t.absent}`));
      continue;
    }
    const r = await deps.run("ssh", sshArgs(deps, t, ["docker", "info", "--format", "{{.ServerVersion}}"]), 30_000);
    const version = r.stdout.trim();
    if (r.code === 0 && version) out.push(pass(check, `Docker ${version} answers`));
    else
      out.push(fail(check, lastLine(r.stderr) || `docker info exited ${r.code}`, /command not found|not found/i.test(r.stderr)
        ? "the guest has no Docker CLI yet: `pulumi up` installs it in the docker-engine step; if it already ran, re-run that step"
        : `start the engine on ${t.address} (systemctl start docker) and check it with: ssh ${t.user}@${t.address} docker info`));
  }
  return out;
}
