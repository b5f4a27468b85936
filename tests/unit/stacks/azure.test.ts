import { planStack, PlannedStack } from "../../helpers/planStack";

const APP = "azure-native:app:ContainerApp";
const ROLE = "azure-native:authorization:RoleAssignment";
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ktrdr-azure-rg/providers";
const IDENTITY = `${SUB}/managedidentity/vault-identity`;
const kvRef = (name: string) => ({ name, keyVaultUrl: `https://ktrdr-azure-kv.vault.azure.net/secrets/${name}`, identity: IDENTITY });

let azure: PlannedStack;
beforeAll(async () => {
  azure = await planStack("azure");
});

describe("azure under mocks: KTRDR production", () => {
  it("creates every resource kind of the target, and nothing for services realized by managed services", () => {
    const count = (type: string) => azure.byType(type).length;
    expect({
      rg: count("azure-native:resources:ResourceGroup"), logs: count("azure-native:operationalinsights:Workspace"), insights: count("azure-native:applicationinsights:Component"),
      vnet: count("azure-native:network:VirtualNetwork"), subnets: count("azure-native:network:Subnet"), env: count("azure-native:app:ManagedEnvironment"),
      identity: count("azure-native:managedidentity:UserAssignedIdentity"), vault: count("azure-native:keyvault:Vault"), secrets: count("azure-native:keyvault:Secret"), roles: count(ROLE),
      pg: count("azure-native:dbforpostgresql:Server"), pgDbs: count("azure-native:dbforpostgresql:Database"), dnsZones: count("azure-native:privatedns:PrivateZone"),
      account: count("azure-native:storage:StorageAccount"), shares: count("azure-native:storage:FileShare"), envStorage: count("azure-native:app:ManagedEnvironmentsStorage"), apps: count(APP),
    }).toEqual({ rg: 1, logs: 1, insights: 1, vnet: 1, subnets: 3, env: 1, identity: 1, vault: 1, secrets: 4, roles: 1, pg: 1, pgDbs: 1, dnsZones: 1, account: 1, shares: 1, envStorage: 1, apps: 3 });
    expect(azure.byType(APP).map((r) => r.inputs["containerAppName"]).sort()).toEqual(["ktrdr-azure-backend", "ktrdr-azure-backtest-worker-1", "ktrdr-azure-training-worker-1"]);
    expect(azure.resources).toHaveLength(38);
  });

  it("runs the backend as an internal Container App on 8000 with Key Vault references only", () => {
    const backend = azure.one(APP, "backend-app").inputs;
    expect(backend["configuration"]).toEqual({
      activeRevisionsMode: "Single",
      ingress: { allowInsecure: true, external: false, targetPort: 8000, transport: "auto" },
      registries: [{ passwordSecretRef: "ghcr-token", server: "ghcr.io", username: "ktrdr-deploy" }],
      secrets: [kvRef("backend-database-url"), kvRef("db-password"), kvRef("ghcr-token")],
    });
    expect(backend["identity"]).toEqual({ type: "UserAssigned", userAssignedIdentities: [IDENTITY] });
    expect(backend["template"]).toEqual({
      containers: [{
        name: "backend",
        image: "ghcr.io/ktrdr/ktrdr-backend:5e1c2a9",
        args: ["uvicorn", "ktrdr.api.main:app", "--host", "0.0.0.0", "--port", "8000"],
        // OTEL_EXPORTER_OTLP_ENDPOINT is absent on purpose: the environment's agent injects it.
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
        resources: { cpu: 2, memory: "4Gi" },
        volumeMounts: [{ mountPath: "/mnt/shared", volumeName: "shared" }],
        // The stack's exec health check timings, as TCP probes on the app's port.
        probes: [
          { type: "Liveness", tcpSocket: { port: 8000 }, initialDelaySeconds: 20, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
          { type: "Readiness", tcpSocket: { port: 8000 }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
        ],
      }],
      scale: { minReplicas: 1, maxReplicas: 1 },
      volumes: [{ name: "shared", storageName: "ktrdr-shared", storageType: "NfsAzureFile" }],
    });
    expect(backend["workloadProfileName"]).toBe("Consumption");
    expect(backend["managedEnvironmentId"]).toBe(`${SUB}/app/apps-environment`);
  });

  it("keeps every secret value out of every Container App definition", () => {
    const secretValues = azure.byType("random:index/randomPassword:RandomPassword").map((r) => `mock-${r.name}-value`);
    expect(secretValues).toEqual(["mock-secrets-dbPassword-value", "mock-secrets-grafanaAdminPassword-value"]);
    for (const app of azure.byType(APP)) {
      const raw = JSON.stringify(app.rawInputs);
      for (const v of [...secretValues, "<GHCR_TOKEN from the environment>", "InstrumentationKey="]) expect(raw).not.toContain(v);
      const cfg = app.rawInputs["configuration"] as { secrets: Record<string, unknown>[] };
      for (const s of cfg.secrets) expect(Object.keys(s).sort()).toEqual(["identity", "keyVaultUrl", "name"]);
    }
    // The values live in Key Vault, as secrets.
    const dbUrl = azure.one("azure-native:keyvault:Secret", "vault-backend-database-url");
    expect(dbUrl.inputs["properties"]).toEqual({ value: "[secret]" });
    expect((dbUrl.rawInputs["properties"] as { value: string }).value).toBe("postgresql://ktrdr:mock-secrets-dbPassword-value@ktrdr-azure-pg.postgres.database.azure.com:5432/ktrdr");
  });

  it("grants the identity Key Vault Secrets User before any Container App exists", () => {
    const role = azure.one(ROLE, "vault-secrets-user");
    expect(role.inputs).toEqual({
      principalId: "vault-identity-principal",
      principalType: "ServicePrincipal",
      roleDefinitionId: "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
      scope: `${SUB}/keyvault/vault-vault`,
    });
    const secrets = azure.byType("azure-native:keyvault:Secret").map((s) => s.urn);
    for (const app of azure.byType(APP)) {
      expect(app.dependencies).toEqual(expect.arrayContaining([role.urn, ...secrets]));
      expect(app.dependencies).toContain(azure.one("azure-native:app:ManagedEnvironmentsStorage", "files-ktrdr-shared-env").urn);
    }
  });

  it("gives each worker slot its own app, port and URL, never scaled to zero", () => {
    for (const [name, port] of [["backtest-worker-1-app", 5003], ["training-worker-1-app", 5005]] as const) {
      const app = azure.one(APP, name).inputs as { configuration: { ingress: unknown }; template: { scale: unknown; containers: { env: { name: string; value?: string }[] }[] } };
      expect(app.configuration.ingress).toEqual({ allowInsecure: true, external: false, targetPort: port, transport: "auto" });
      expect(app.template.scale).toEqual({ minReplicas: 1, maxReplicas: 1 });
      const env = Object.fromEntries(app.template.containers[0]!.env.map((e) => [e.name, e.value]));
      expect(env["WORKER_PORT"]).toBe(String(port));
      expect(env["WORKER_PUBLIC_BASE_URL"]).toBe(`http://ktrdr-azure-${name.replace(/-app$/, "")}`);
      expect(env["KTRDR_API_URL"]).toBe("http://ktrdr-azure-backend");
    }
  });

  it("realizes PostgreSQL as a protected Flexible Server 16 with private access only", () => {
    const server = azure.one("azure-native:dbforpostgresql:Server", "postgres-server");
    expect(server.protect).toBe(true);
    expect(server.inputs).toEqual({
      administratorLogin: "ktrdr",
      administratorLoginPassword: "[secret]",
      authConfig: { activeDirectoryAuth: "Disabled", passwordAuth: "Enabled", tenantId: "" },
      availabilityZone: "",
      backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" },
      highAvailability: { mode: "Disabled", standbyAvailabilityZone: "" },
      location: "westeurope",
      network: { delegatedSubnetResourceId: `${SUB}/network/network-postgres`, privateDnsZoneArmResourceId: `${SUB}/privatedns/postgres-dns`, publicNetworkAccess: "Disabled" },
      resourceGroupName: "ktrdr-azure-rg",
      serverName: "ktrdr-azure-pg",
      sku: { name: "Standard_B2s", tier: "Burstable" },
      storage: { autoGrow: "Enabled", storageSizeGB: 64 },
      version: "16",
    });
    expect(azure.one("azure-native:privatedns:PrivateZone", "postgres-dns").inputs["privateZoneName"]).toBe("ktrdr-azure-pg.private.postgres.database.azure.com");
    // No extension configured: azure.extensions is left alone; the database waits for the server.
    expect(azure.byType("azure-native:dbforpostgresql:Configuration")).toEqual([]);
    expect(azure.one("azure-native:dbforpostgresql:Database", "postgres-ktrdr").dependencies).toContain(server.urn);
  });

  it("delegates the subnets and puts the environment on the apps subnet", () => {
    const subnet = (name: string) => azure.one("azure-native:network:Subnet", name).inputs;
    expect(subnet("network-apps")["delegations"]).toEqual([{ name: "container-apps", serviceName: "Microsoft.App/environments" }]);
    expect(subnet("network-apps")["serviceEndpoints"]).toEqual([{ service: "Microsoft.Storage" }]);
    expect(subnet("network-postgres")["delegations"]).toEqual([{ name: "flexible-server", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }]);
    expect(azure.one("azure-native:app:ManagedEnvironment", "apps-environment").inputs).toEqual({
      appInsightsConfiguration: { connectionString: "[secret]" },
      appLogsConfiguration: { destination: "log-analytics", logAnalyticsConfiguration: { customerId: "observability-logs-customer-id", sharedKey: "[secret]" } },
      environmentName: "ktrdr-azure-env",
      location: "westeurope",
      resourceGroupName: "ktrdr-azure-rg",
      openTelemetryConfiguration: { logsConfiguration: { destinations: ["appInsights"] }, tracesConfiguration: { destinations: ["appInsights"] } },
      vnetConfiguration: { infrastructureSubnetId: `${SUB}/network/network-apps`, internal: true },
      workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
      zoneRedundant: false,
    });
  });

  it("keeps secrets in a protected RBAC Key Vault with purge protection", () => {
    const vault = azure.one("azure-native:keyvault:Vault", "vault-vault");
    expect(vault.protect).toBe(true);
    expect(vault.inputs["properties"]).toMatchObject({ enableRbacAuthorization: true, enablePurgeProtection: true, enableSoftDelete: true, sku: { family: "A", name: "standard" } });
    expect(azure.byType("azure-native:keyvault:Secret").map((s) => s.inputs["secretName"]).sort()).toEqual(["backend-database-url", "db-password", "ghcr-token", "grafana-admin-password"]);
  });

  it("mounts /mnt/shared from a protected premium NFS share with secure transfer off", () => {
    const account = azure.one("azure-native:storage:StorageAccount", "files-account");
    expect(account.protect).toBe(true);
    expect(account.inputs).toEqual({
      accountName: "ktrdrazurefiles",
      allowBlobPublicAccess: false,
      enableHttpsTrafficOnly: false,
      kind: "FileStorage",
      location: "westeurope",
      minimumTlsVersion: "TLS1_2",
      networkRuleSet: { bypass: "AzureServices", defaultAction: "Deny", virtualNetworkRules: [{ virtualNetworkResourceId: `${SUB}/network/network-apps` }] },
      resourceGroupName: "ktrdr-azure-rg",
      sku: { name: "Premium_LRS" },
    });
    expect(azure.one("azure-native:storage:FileShare", "files-ktrdr-shared").inputs).toEqual({
      accountName: "ktrdrazurefiles", enabledProtocols: "NFS", resourceGroupName: "ktrdr-azure-rg", rootSquash: "NoRootSquash", shareName: "ktrdr-shared", shareQuota: 100,
    });
    expect(azure.one("azure-native:app:ManagedEnvironmentsStorage", "files-ktrdr-shared-env").inputs).toEqual({
      environmentName: "ktrdr-azure-env",
      properties: { nfsAzureFile: { accessMode: "ReadWrite", server: "ktrdrazurefiles.file.core.windows.net", shareName: "/ktrdrazurefiles/ktrdr-shared" } },
      resourceGroupName: "ktrdr-azure-rg",
      storageName: "ktrdr-shared",
    });
  });

  it("sends logs to Log Analytics and traces, through the environment's OpenTelemetry agent, to workspace-based Application Insights", () => {
    expect(azure.one("azure-native:operationalinsights:Workspace", "observability-logs").inputs).toEqual({
      location: "westeurope", resourceGroupName: "ktrdr-azure-rg", retentionInDays: 30, sku: { name: "PerGB2018" }, workspaceName: "ktrdr-azure-logs",
    });
    expect(azure.one("azure-native:applicationinsights:Component", "observability-insights").inputs).toMatchObject({
      kind: "web", applicationType: "web", ingestionMode: "LogAnalytics", resourceName: "ktrdr-azure-ai", workspaceResourceId: `${SUB}/operationalinsights/observability-logs`, disableLocalAuth: false,
    });
    // The agent's destination is this component: the environment carries its connection string.
    const env = azure.one("azure-native:app:ManagedEnvironment", "apps-environment");
    expect((env.rawInputs["appInsightsConfiguration"] as { connectionString: string }).connectionString).toBe("InstrumentationKey=mock-ktrdr-azure-ai;IngestionEndpoint=https://westeurope.in.applicationinsights.azure.com/");
    // No app sets the agent's variable (that would override the endpoint it injects).
    for (const app of azure.byType(APP)) {
      const names = (app.inputs["template"] as { containers: { env: { name: string }[] }[] }).containers[0]!.env.map((e) => e.name);
      expect(names).not.toContain("OTEL_EXPORTER_OTLP_ENDPOINT");
      expect(names).not.toContain("APPLICATIONINSIGHTS_CONNECTION_STRING");
    }
  });
});

describe("azure scaling: replicas from the same config keys as the homelab", () => {
  it("adds one app per replica with the homelab's port rule", async () => {
    const scaled = await planStack("azure", (v) => {
      const workers = v["parity:workers"] as { name: string; replicas: number }[];
      workers.find((w) => w.name === "backtest-worker")!.replicas = 4;
    });
    const apps = scaled.byType(APP).filter((r) => String(r.inputs["containerAppName"]).includes("backtest")).sort((a, b) => String(a.inputs["containerAppName"]).localeCompare(String(b.inputs["containerAppName"])));
    expect(apps.map((a) => [a.inputs["containerAppName"], (a.inputs["configuration"] as { ingress: { targetPort: number } }).ingress.targetPort])).toEqual([
      ["ktrdr-azure-backtest-worker-1", 5003], ["ktrdr-azure-backtest-worker-2", 5004], ["ktrdr-azure-backtest-worker-3", 5007], ["ktrdr-azure-backtest-worker-4", 5100],
    ]);
    for (const a of apps) expect((a.inputs["template"] as { scale: { minReplicas: number } }).scale.minReplicas).toBeGreaterThanOrEqual(1);
  });
});
