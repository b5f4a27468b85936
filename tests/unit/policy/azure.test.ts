import { azureKeyVaultSecrets } from "../../../policy/azure";
import { checkResource } from "./harness";

const APP = "azure-native:app:ContainerApp";
const IDENTITY = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ktrdr";
const vault = (name: string) => ({ name, keyVaultUrl: `https://ktrdr.vault.azure.net/secrets/${name}`, identity: IDENTITY });

function app(secrets: object[], env: object[], registries: object[] = []) {
  return { type: APP, name: "backend", props: { configuration: { secrets, registries }, template: { containers: [{ name: "backend", image: "ghcr.io/ktrdr/backend:5e1c2a9", env }] } } };
}

describe("policy azure-secrets-from-key-vault", () => {
  it("accepts Key Vault references through a user-assigned identity, used by secretRef", async () => {
    const ok = app([vault("db-password"), vault("ghcr-token")], [{ name: "DB_PASSWORD", secretRef: "db-password" }, { name: "LOG_LEVEL", value: "INFO" }], [{ server: "ghcr.io", username: "ktrdr", passwordSecretRef: "ghcr-token" }]);
    expect(await checkResource(azureKeyVaultSecrets, ok)).toEqual([]);
  });
  it("rejects inline secret values, missing Key Vault URLs, and system-assigned identities", async () => {
    const bad = app([{ name: "inline", value: "s3cr3t" }, { name: "system", keyVaultUrl: "https://v.vault.azure.net/secrets/x", identity: "system" }], []);
    expect(await checkResource(azureKeyVaultSecrets, bad)).toEqual([
      "configuration.secrets[0] (inline) has an inline value; reference Key Vault with keyVaultUrl and a user-assigned identity",
      "configuration.secrets[0] (inline) has no keyVaultUrl",
      "configuration.secrets[0] (inline) has no identity; use a user-assigned identity with Key Vault Secrets User",
      "configuration.secrets[1] (system) uses the system-assigned identity, which cannot be granted Key Vault access before the app exists; use a user-assigned identity",
    ]);
  });
  it("rejects references to non-vault secrets and plain values under secret-looking names", async () => {
    const bad = app([{ name: "inline", value: "x" }], [{ name: "DB_PASSWORD", secretRef: "inline" }, { name: "JWT_SECRET_KEY", value: "plain" }, { name: "X", secretRef: "missing" }], [{ server: "ghcr.io", passwordSecretRef: "nope" }]);
    expect((await checkResource(azureKeyVaultSecrets, bad)).slice(3)).toEqual([
      "configuration.registries[0].passwordSecretRef references secret 'nope', which is not a Key Vault secret in configuration.secrets",
      "template.containers[0].env[0] (DB_PASSWORD) references secret 'inline', which is not a Key Vault secret in configuration.secrets",
      "template.containers[0].env[1] (JWT_SECRET_KEY) looks like a secret but has a plain value; use secretRef to a Key Vault secret",
      "template.containers[0].env[2] (X) references secret 'missing', which is not a Key Vault secret in configuration.secrets",
    ]);
  });
});
