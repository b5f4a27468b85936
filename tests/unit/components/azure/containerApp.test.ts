import type { ContainerModel } from "../../../../model/types";
import { construct, resource, standUrn, tree } from "../../../helpers/componentRun";

const probe = { initialDelaySeconds: 10, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 3 };
const container: ContainerModel = {
  name: "backend", kind: "service", aliases: [], host: "local", image: { key: "backend", ref: "ghcr.io/parity/backend:1.2.3" }, command: ["uvicorn", "app:main"],
  env: {}, ports: [], volumes: [], stateful: false, limits: { memoryMb: 1024, cpus: 0.5 }, restart: "unless-stopped", readOnlyRootFs: true, capabilities: [],
  init: true, tmpfs: [], logs: { maxSizeMb: 10, maxFiles: 3 }, files: [], networks: [], rollout: { strategy: "recreate", stopTimeoutSeconds: 30, healthTimeoutSeconds: 60 },
  azure: { appName: "ca-backend", ingress: "external", transport: "http", targetPort: 8000, allowedSources: { office: "203.0.113.0/24" }, resources: { cpu: 0.5, memory: "1Gi" }, probe },
};
const IDENTITY = "/identities/id-apps";
const args = {
  container, resourceGroupName: "rg", location: "westeurope", environmentId: "/env/cae", identityId: IDENTITY,
  env: [{ name: "APP_ENV", value: "prod" }, { name: "DB_PASSWORD", secretRef: "db-password" }],
  secrets: [{ name: "db-password", keyVaultUrl: "https://kv.vault.azure.net/secrets/db-password" }],
  registry: { server: "ghcr.io", username: "parity", passwordSecretRef: "ghcr-token" },
  volumes: [{ name: "shared", storageName: "shared-nfs", storageType: "NfsAzureFile", mountPath: "/data" }],
  minReplicas: 1, maxReplicas: 3, after: [resource("kv-secret-db-password"), resource("role-kv-reader")],
};
const containerApp = (over: object) => construct({ module: "components/azure/containerApp", export: "ContainerAppService", name: "backend", args: { ...args, ...over } });
const tcpProbes = (port: number) => [
  { type: "Liveness", tcpSocket: { port }, initialDelaySeconds: 10, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 3 },
  { type: "Readiness", tcpSocket: { port }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 3 },
];

describe("ContainerAppService", () => {
  it("an external HTTPS app: allow-listed sources, Key Vault secrets by identity, TCP probes, waiting for what it reads", async () => {
    const run = await containerApp({});
    expect(tree(run).filter(([, , parent]) => parent === "backend")).toEqual([["azure-native:app:ContainerApp", "backend-app", "backend"]]);
    const app = run.one("backend-app");
    expect(app.inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      containerAppName: "ca-backend",
      managedEnvironmentId: "/env/cae",
      workloadProfileName: "Consumption",
      identity: { type: "UserAssigned", userAssignedIdentities: [IDENTITY] },
      configuration: {
        activeRevisionsMode: "Single",
        ingress: {
          external: true, transport: "auto", targetPort: 8000, allowInsecure: false,
          ipSecurityRestrictions: [{ name: "office", ipAddressRange: "203.0.113.0/24", action: "Allow", description: "parity:azure.apps allowedSources.office" }],
        },
        secrets: [{ name: "db-password", keyVaultUrl: "https://kv.vault.azure.net/secrets/db-password", identity: IDENTITY }],
        registries: [{ server: "ghcr.io", username: "parity", passwordSecretRef: "ghcr-token" }],
      },
      template: {
        containers: [{
          name: "backend",
          image: "ghcr.io/parity/backend:1.2.3",
          args: ["uvicorn", "app:main"],
          env: [{ name: "APP_ENV", value: "prod" }, { name: "DB_PASSWORD", secretRef: "db-password" }],
          resources: { cpu: 0.5, memory: "1Gi" },
          volumeMounts: [{ volumeName: "shared", mountPath: "/data" }],
          probes: tcpProbes(8000),
        }],
        scale: { minReplicas: 1, maxReplicas: 3 },
        volumes: [{ name: "shared", storageName: "shared-nfs", storageType: "NfsAzureFile" }],
      },
    });
    // No secret value is inline: the app holds Key Vault references only.
    expect(app.secretInputs).toEqual([]);
    // The app itself waits (a component's dependsOn would not hold its children back).
    expect([...app.dependencies].sort()).toEqual([standUrn("kv-secret-db-password"), standUrn("role-kv-reader")]);
  });

  it("an internal TCP app pulling from ACR with the identity: no restrictions, the port exposed as is", async () => {
    const tcp = { ...container, azure: { ...container.azure!, ingress: "internal", transport: "tcp", targetPort: 5672 } };
    const app = (await containerApp({ container: tcp, registry: { server: "acrparity.azurecr.io", useIdentity: true }, after: [] })).one("backend-app");
    expect(app.inputs["configuration"]).toEqual({
      activeRevisionsMode: "Single",
      // allowInsecure: the provider's default.
      ingress: { external: false, transport: "tcp", targetPort: 5672, exposedPort: 5672, allowInsecure: false },
      secrets: [{ name: "db-password", keyVaultUrl: "https://kv.vault.azure.net/secrets/db-password", identity: IDENTITY }],
      registries: [{ server: "acrparity.azurecr.io", identity: IDENTITY }],
    });
    expect((app.inputs["template"] as { containers: { probes: unknown }[] }).containers[0]!.probes).toEqual(tcpProbes(5672));
    expect(app.dependencies).toEqual([]);
  });

  it("a worker without a port: no ingress, no probes, no registry when the image is public", async () => {
    const worker = { ...container, command: undefined, azure: { ...container.azure!, ingress: "internal", targetPort: undefined } };
    const app = (await containerApp({ container: worker, registry: undefined, volumes: [], minReplicas: 1, maxReplicas: 1 })).one("backend-app");
    expect(app.inputs["configuration"]).toEqual({
      activeRevisionsMode: "Single",
      secrets: [{ name: "db-password", keyVaultUrl: "https://kv.vault.azure.net/secrets/db-password", identity: IDENTITY }],
      registries: [],
    });
    expect(app.inputs["template"]).toEqual({
      containers: [{ name: "backend", image: "ghcr.io/parity/backend:1.2.3", env: [{ name: "APP_ENV", value: "prod" }, { name: "DB_PASSWORD", secretRef: "db-password" }], resources: { cpu: 0.5, memory: "1Gi" }, volumeMounts: [] }],
      scale: { minReplicas: 1, maxReplicas: 1 },
      volumes: [],
    });
  });
});
