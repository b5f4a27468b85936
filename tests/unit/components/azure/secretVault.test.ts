import { join } from "node:path";
import { runComponent, tree } from "../../../helpers/componentRun";
import type { SecretVaultInput } from "./secretVault.program";

const PROGRAM = join(__dirname, "secretVault.program.ts");
const URN = (type: string, name: string) => `urn:pulumi:unit::parity::parity:azure:SecretVault$azure-native:${type}::${name}`;
const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const role = (id: string) => `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const args = {
  resourceGroupName: "rg", location: "westeurope", vaultName: "kv-parity", identityName: "id-parity-apps",
  secrets: { "db-password": "pw", "ghcr-token": "tok" },
  extraRoles: [{ name: "acr-pull", roleId: "7f951dda-4ed3-4680-a7ca-43fe172d538d", scope: "/registries/acr" }],
};
const vault = (input: SecretVaultInput) => runComponent(PROGRAM, input);

describe("SecretVault", () => {
  it("a protected RBAC vault with purge protection, one secret resource per secret, the apps' identity granted before any app", async () => {
    const run = await vault({ args, urls: ["db-password"] });
    expect(tree(run)).toEqual([
      ["parity:azure:SecretVault", "kv", "parity-unit"],
      ["azure-native:authorization:RoleAssignment", "kv-acr-pull", "kv"],
      ["azure-native:keyvault:Secret", "kv-db-password", "kv"],
      ["azure-native:keyvault:Secret", "kv-ghcr-token", "kv"],
      ["azure-native:managedidentity:UserAssignedIdentity", "kv-identity", "kv"],
      ["azure-native:authorization:RoleAssignment", "kv-secrets-user", "kv"],
      ["azure-native:keyvault:Vault", "kv-vault", "kv"],
    ]);
    expect(run.one("kv-identity").inputs).toEqual({ resourceGroupName: "rg", location: "westeurope", resourceName: "id-parity-apps" });
    const kv = run.one("kv-vault");
    expect(kv.inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      vaultName: "kv-parity",
      properties: {
        tenantId: "11111111-1111-1111-1111-111111111111", // the identity's tenant
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
        // The provider's defaults.
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
        publicNetworkAccess: "enabled",
      },
    });
    expect(kv.protect).toBe(true);

    for (const [name, value] of Object.entries(args.secrets)) {
      const secret = run.one(`kv-${name}`);
      expect(secret.inputs).toEqual({ resourceGroupName: "rg", vaultName: "kv-parity", secretName: name, properties: { value: "[secret]" } });
      expect(secret.secretInputs).toEqual(["properties"]);
      expect(secret.rawInputs["properties"]).toEqual({ value });
    }
    expect(run.one("kv-secrets-user").inputs).toEqual({ principalId: "kv-identity-principal", principalType: "ServicePrincipal", roleDefinitionId: role("4633458b-17de-408a-b874-0445c86b69e6"), scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/keyvault/kv-vault` });
    expect(run.one("kv-acr-pull").inputs).toEqual({ principalId: "kv-identity-principal", principalType: "ServicePrincipal", roleDefinitionId: role("7f951dda-4ed3-4680-a7ca-43fe172d538d"), scope: "/registries/acr" });

    // What apps wait for: every grant and every secret.
    expect(run.outputs["ready"]).toEqual([
      URN("authorization:RoleAssignment", "kv-secrets-user"),
      URN("authorization:RoleAssignment", "kv-acr-pull"),
      URN("keyvault:Secret", "kv-db-password"),
      URN("keyvault:Secret", "kv-ghcr-token"),
    ]);
    // Versionless: a restarted revision picks up a rotated value.
    expect(run.outputs["urls"]).toEqual({ "db-password": "https://kv-parity.vault.azure.net/secrets/db-password" });
  });

  it("refuses the URL of a secret it does not hold", async () => {
    await expect(vault({ args, urls: ["smtp-password"] })).rejects.toThrow("no Key Vault secret smtp-password");
  });
});
