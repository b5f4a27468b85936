import { join } from "node:path";
import { PlatformModel } from "../../model/types";
import { CheckResult, PreflightDeps, fail, pass } from "../../targets/shared/preflight/types";

/**
 * `{ env }` secrets arrive through the environment, normally filled by `op run` from
 * op/<stack>.env. Already set (preflight itself runs under `op run`): fine. Otherwise the
 * stack must list each name in its op file and the 1Password CLI must be signed in.
 */
export async function checkOnePassword(model: PlatformModel, root: string, deps: PreflightDeps): Promise<CheckResult[]> {
  const names = Object.values(model.secrets).flatMap((s) => ("env" in s ? [s.env] : []));
  if (!names.length) return [];
  const opFile = join(root, "op", `${model.stack}.env`);
  const unset = names.filter((n) => !deps.env[n]);
  if (!unset.length) return [pass("secrets-env", `${names.join(", ")} set in the environment`)];
  const opText = deps.readFile(opFile);
  if (opText === undefined)
    return [fail("secrets-env", `${unset.join(", ")} not set and there is no op/${model.stack}.env`, `export ${unset.join(", ")}, or list them as 1Password references in op/${model.stack}.env and run under op run`)];
  const out: CheckResult[] = [];
  const listed = new Set(opText.split("\n").map((l) => /^([A-Z_][A-Z0-9_]*)=/.exec(l.trim())?.[1]).filter((n): n is string => Boolean(n)));
  const notListed = unset.filter((n) => !listed.has(n));
  if (notListed.length) out.push(fail("secrets-env", `${notListed.join(", ")} neither set nor listed in op/${model.stack}.env`, `add ${notListed.map((n) => `${n}=op://<vault>/<item>/<field>`).join(", ")} to op/${model.stack}.env`));
  const who = await deps.run("op", ["whoami"], 15_000);
  if (who.code === 0) out.push(pass("1password", `signed in (${who.stdout.trim().split("\n").find((l) => /^(Email|User Type|URL):/.test(l)) ?? "op whoami ok"}); op run --env-file=op/${model.stack}.env supplies ${unset.join(", ")}`));
  else
    out.push(fail("1password", who.code === 127 ? "the 1Password CLI (op) is not installed" : `not signed in (${who.stderr.trim().split("\n")[0] ?? ""})`, who.code === 127
      ? "install the 1Password CLI: https://developer.1password.com/docs/cli/get-started/"
      : "sign in with `eval $(op signin)`, or export OP_SERVICE_ACCOUNT_TOKEN for a service account"));
  return out;
}
