import { resolve } from "node:path";
import { formatProblems } from "../contract/problems";
import { ContractError } from "../contract/problems";
import { buildModel, targetNamed, validateStackConfig } from "../targets";
import { PlatformModel } from "../model/types";
import { checkOnePassword } from "./preflight/credentials";
import { checkDns } from "../targets/shared/preflight/network";
import { CheckResult, PreflightDeps, fail, pass } from "../targets/shared/preflight/types";
import { realDeps } from "./preflight/realDeps";
import { StackFileError } from "../contract/stackDocument";
import { readStackFile } from "./stackFiles";

/**
 * `npm run preflight -- <stack>`: before any change, checks what a `pulumi up` of the stack will
 * rely on — a valid config, DNS names, SSH to every node and guest, Docker on Docker guests, the
 * Proxmox API credentials and their rights, 1Password for `{ env }` secrets, Azure credentials
 * for Azure targets. One line per check; exit 1 when any failed.
 *
 * Options: `--root <dir>` (where the Pulumi.*.yaml files are; default: cwd) and
 * `--ssh-option <Key=Value>` (repeatable; passed to ssh as `-o`).
 */

/** The stack's `parity:` keys, validated: a config check line plus the model, or the report. */
export function loadStack(stack: string, root: string): { result: CheckResult; model?: PlatformModel } {
  try {
    const file = readStackFile(stack, root);
    const raw = Object.fromEntries(Object.entries(file.values).filter(([k]) => k.startsWith(`${file.project}:`)).map(([k, v]) => [k.slice(file.project.length + 1), v]));
    const config = validateStackConfig(raw, stack);
    const model = buildModel(config, stack);
    return { result: pass("config", `Pulumi.${stack}.yaml is valid (target ${model.target}, ${model.hosts.length} guests, ${model.containers.length} containers)`), model };
  } catch (e) {
    if (e instanceof ContractError) return { result: fail("config", formatProblems(e.problems, stack), `fix Pulumi.${stack}.yaml as listed; npm run plan -- ${stack} shows the same report`) };
    if (e instanceof StackFileError) return { result: fail("config", e.message, `fix Pulumi.${stack}.yaml at the place named`) };
    return { result: fail("config", (e as Error).message, `create Pulumi.${stack}.yaml (see README.md)`) };
  }
}

export async function runPreflight(stack: string, root: string, deps: PreflightDeps): Promise<CheckResult[]> {
  const { result, model } = loadStack(stack, root);
  if (!model) return [result];
  const out: CheckResult[] = [result];
  out.push(...(await checkDns(model, deps)));
  // The target's own checks (its API, credentials, SSH and engines), then the secrets' source.
  out.push(...((await targetNamed(model.target).preflight?.(model, deps)) ?? []));
  out.push(...(await checkOnePassword(model, root, deps)));
  return out;
}

export function formatResults(results: readonly CheckResult[]): string {
  return results.map((r) => `${r.ok ? "ok" : "FAIL"} ${r.check}: ${r.detail}${r.ok || !r.fix ? "" : `\n  fix: ${r.fix}`}`).join("\n") + "\n";
}

export function parseArgs(argv: readonly string[]): { stack?: string; root: string; sshOptions: string[] } {
  const sshOptions: string[] = [];
  let root = process.cwd();
  let stack: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--root") root = resolve(argv[++i] ?? ".");
    else if (a === "--ssh-option") sshOptions.push(argv[++i] ?? "");
    else if (!a.startsWith("--")) stack = a;
  }
  return { ...(stack ? { stack } : {}), root, sshOptions };
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args.stack) {
    process.stderr.write("usage: npm run preflight -- <stack> [--root <dir>] [--ssh-option Key=Value ...]\n");
    return 2;
  }
  const results = await runPreflight(args.stack, args.root, realDeps(process.env, args.sshOptions));
  process.stdout.write(formatResults(results));
  const failed = results.filter((r) => !r.ok).length;
  process.stdout.write(failed ? `preflight: ${failed} of ${results.length} checks failed\n` : `preflight: all ${results.length} checks passed\n`);
  return failed ? 1 : 0;
}

if (require.main === module)
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
