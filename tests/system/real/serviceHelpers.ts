/**
 * Helpers for the service real-server tests: run a bundle and fail loudly, snapshot what a
 * second run must not change (units, packages), and read `systemd-analyze security` scores.
 */
import type { ProvisionBundle } from "../../../renderers/bundle";
import type { BundleRun, Guest } from "../../../tools/testbed/testbed";

export function secretsFor(bundle: ProvisionBundle, all: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of bundle.secretEnv) {
    const v = all[name];
    if (v === undefined) throw new Error(`test secret ${name} missing`);
    out[name] = v;
  }
  return out;
}

export async function mustRunBundle(g: Guest, bundle: ProvisionBundle, all: Readonly<Record<string, string>>): Promise<BundleRun> {
  const r = await g.runBundle(bundle, secretsFor(bundle, all));
  if (r.code !== 0) throw new Error(`bundle ${bundle.name} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  for (const v of Object.values(all)) {
    if (r.stdout.includes(v) || r.stderr.includes(v)) throw new Error(`bundle ${bundle.name} printed a secret`);
  }
  return r;
}

export async function sh(g: Guest, cmd: string, stdin?: string): Promise<string> {
  const r = await g.exec(cmd, stdin === undefined ? {} : { stdin });
  if (r.code !== 0) throw new Error(`${g.name}: '${cmd}' exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

/** Properties that change whenever systemd (re)starts a unit or its main process. */
export async function unitStates(g: Guest, units: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const u of units) {
    out[u] = await sh(g, `systemctl show -p ActiveEnterTimestampMonotonic,InactiveExitTimestampMonotonic,MainPID,NRestarts ${u} | sort | tr '\\n' ' '`);
  }
  return out;
}

/** Installed packages and versions, to prove a second run installs nothing. */
export function packageList(g: Guest): Promise<string> {
  return sh(g, "dpkg-query -W -f '${Package}=${Version} ${Status}\\n' | sort | sha256sum");
}

/** `systemd-analyze security` overall exposure of one unit (lower is better). */
export async function securityExposure(g: Guest, unit: string): Promise<number> {
  const out = await sh(g, `systemd-analyze security --no-pager ${unit} 2>&1 | tail -n 3`);
  const m = /Overall exposure level for \S+:\s*([0-9.]+)/.exec(out);
  if (!m?.[1]) throw new Error(`no exposure level for ${unit}: ${out}`);
  return Number(m[1]);
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function basicAuth(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`, "content-type": "application/json" };
}
