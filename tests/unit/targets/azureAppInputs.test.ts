import { buildModel, validateStackConfig } from "../../../targets";
import { appInputs, envSecretName, vaultSecretName } from "../../../targets/azure/appInputs";
import { rawStackConfig } from "../../helpers/stackConfig";

/** The Container App inputs of the shipped azure stack, derived without running the program. */
const model = buildModel(validateStackConfig(rawStackConfig("azure"), "azure"), "azure");
const container = (name: string) => model.containers.find((c) => c.name === name)!;

describe("azure app inputs (pure)", () => {
  it("names Key Vault secrets the way Key Vault allows", () => {
    expect(vaultSecretName("dbPassword")).toBe("db-password");
    expect(vaultSecretName("GHCR_TOKEN")).toBe("ghcr-token");
    expect(envSecretName(container("backend"), "DB_PASSWORD")).toBe("db-password");
    // A value composed around a secret is a secret of its own, named after the app and variable.
    expect(envSecretName(container("backend"), "DATABASE_URL")).toBe("backend-database-url");
    expect(envSecretName(container("backend"), "DB_HOST")).toBeUndefined();
  });

  it("gives the backend plain values, Key Vault references, the GHCR login and the NFS share", () => {
    expect(appInputs(model, container("backend"))).toEqual({
      env: [
        { name: "DATABASE_URL", secretRef: "backend-database-url" },
        { name: "DB_HOST", value: "ktrdr-azure-pg.postgres.database.azure.com" },
        { name: "DB_NAME", value: "ktrdr" },
        { name: "DB_PASSWORD", secretRef: "db-password" },
        { name: "DB_PORT", value: "5432" },
        { name: "DB_USER", value: "ktrdr" },
        { name: "ENVIRONMENT", value: "production" },
        { name: "KTRDR_API_URL", value: "http://ktrdr-azure-backend" },
        { name: "LOG_LEVEL", value: "INFO" },
        { name: "SHARED_MOUNT_PATH", value: "/mnt/shared" },
      ],
      registry: { server: "ghcr.io", username: "ktrdr-deploy", passwordSecretRef: "ghcr-token" },
      secretNames: ["backend-database-url", "db-password", "ghcr-token"],
      volumes: [{ name: "shared", storageName: "ktrdr-shared", storageType: "NfsAzureFile", mountPath: "/mnt/shared" }],
    });
  });

  it("never hands a secret's value to an app as plain text", () => {
    for (const c of model.containers)
      for (const e of appInputs(model, c).env)
        if ("value" in e) expect(c.env[e.name]!.secret).toBe(false);
  });
});
