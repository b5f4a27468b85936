import type { PlatformModel } from "../../model/types";
import { CheckResult, PreflightDeps, fail, pass } from "../shared/preflight/types";

/** Azure targets deploy with the Azure CLI's login (or a service principal it knows). */
export async function azurePreflight(_model: PlatformModel, deps: PreflightDeps): Promise<CheckResult[]> {
  const r = await deps.run("az", ["account", "show", "--output", "json"], 30_000);
  if (r.code === 0) {
    const account = JSON.parse(r.stdout) as { name?: string; id?: string; user?: { name?: string } };
    return [pass("azure", `subscription ${account.name ?? "?"} (${account.id ?? "?"}) as ${account.user?.name ?? "?"}`)];
  }
  return [fail("azure", r.code === 127 ? "the Azure CLI (az) is not installed" : `not logged in (${r.stderr.trim().split("\n")[0] ?? ""})`, r.code === 127
    ? "install the Azure CLI: https://learn.microsoft.com/cli/azure/install-azure-cli"
    : "az login (or az login --service-principal …), then az account set --subscription <id>")];
}
