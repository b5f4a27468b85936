import { ResourceValidationPolicy } from "@pulumi/policy";
import { SECRET_NAME, TYPES, inputsOf, known, knownItems } from "./common";

type Obj = Record<string, unknown>;

const items = (v: unknown): Obj[] => knownItems(v as readonly Obj[] | undefined);
const str = (o: Obj, k: string): string | undefined => {
  const v = known(() => o[k]);
  return typeof v === "string" && v !== "" ? v : undefined;
};

/**
 * Container App secrets come from Key Vault only, through a user-assigned identity:
 * - every `configuration.secrets[]` entry has `keyVaultUrl` and an `identity` that is a
 *   user-assigned identity's resource ID — an inline `value` would sit in the app's ARM
 *   definition, and a system-assigned identity cannot be granted Key Vault access before the
 *   app exists, while the app cannot be created before it can read its secrets (a deadlock);
 * - every env `secretRef` and registry `passwordSecretRef` names such an entry;
 * - no env var with a secret-looking name carries a plain `value`.
 */
export const azureKeyVaultSecrets: ResourceValidationPolicy = {
  name: "azure-secrets-from-key-vault",
  description: "Azure Container App secrets are Key Vault references with a user-assigned identity; secret env vars use secretRef.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== TYPES.containerApp) return;
    const configuration = (known(() => inputsOf(args)["configuration"]) ?? {}) as Obj;
    const template = (known(() => inputsOf(args)["template"]) ?? {}) as Obj;

    const vaultSecrets = new Set<string>();
    items(known(() => configuration["secrets"])).forEach((s, i) => {
      const name = str(s, "name") ?? `#${i}`;
      const identity = str(s, "identity");
      if ("value" in s) report(`configuration.secrets[${i}] (${name}) has an inline value; reference Key Vault with keyVaultUrl and a user-assigned identity`);
      if (!("keyVaultUrl" in s)) report(`configuration.secrets[${i}] (${name}) has no keyVaultUrl`);
      if (!("identity" in s)) report(`configuration.secrets[${i}] (${name}) has no identity; use a user-assigned identity with Key Vault Secrets User`);
      else if (identity !== undefined && identity.toLowerCase() === "system")
        report(`configuration.secrets[${i}] (${name}) uses the system-assigned identity, which cannot be granted Key Vault access before the app exists; use a user-assigned identity`);
      if (!("value" in s) && "keyVaultUrl" in s && "identity" in s && identity?.toLowerCase() !== "system") vaultSecrets.add(name);
    });

    const checkRef = (where: string, ref: string | undefined) => {
      if (ref !== undefined && !vaultSecrets.has(ref)) report(`${where} references secret '${ref}', which is not a Key Vault secret in configuration.secrets`);
    };
    items(known(() => configuration["registries"])).forEach((r, i) => checkRef(`configuration.registries[${i}].passwordSecretRef`, str(r, "passwordSecretRef")));

    for (const key of ["containers", "initContainers"] as const) {
      items(known(() => template[key])).forEach((c, ci) => {
        items(known(() => c["env"])).forEach((e, ei) => {
          const name = str(e, "name") ?? `#${ei}`;
          const where = `template.${key}[${ci}].env[${ei}] (${name})`;
          checkRef(where, str(e, "secretRef"));
          if ("value" in e && SECRET_NAME.test(name)) report(`${where} looks like a secret but has a plain value; use secretRef to a Key Vault secret`);
        });
      });
    }
  },
};
