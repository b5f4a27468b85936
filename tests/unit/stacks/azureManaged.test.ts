import { validateStackConfig } from "../../../targets";
import { ContractError } from "../../../contract/problems";
import { azureNames, nameProblem } from "../../../model/azureNames";
import { buildModel } from "../../../targets";
import { planStack } from "../../helpers/planStack";
import { rawStackConfig } from "../../helpers/stackConfig";
import { policies } from "../../../policy/policies";
import { fromRecorded, runPack } from "../policy/harness";

type Values = Record<string, unknown>;
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ktrdr-azure-rg/providers";

/**
 * KTRDR production plus a Redis and a RabbitMQ service, as another stack on the azure target
 * would declare them; the backend uses Redis with the homelab's variables.
 */
function withBrokerAndCache(v: Values, broker: "containerApp" | "serviceBus", redisAuth: Values = { kind: "entraId" }) {
  v["parity:images"] = { ...(v["parity:images"] as Values), redis: "redis:7.4.1-bookworm", rabbitmq: "rabbitmq:3.13.7-management" };
  v["parity:services"] = [
    ...(v["parity:services"] as Values[]),
    { name: "redis", host: "core", image: "redis", ports: [{ container: 6379 }], limits: { memoryMb: 512, cpus: 0.5 } },
    { name: "rabbitmq", host: "core", image: "rabbitmq", ports: [{ container: 5672 }], volumes: [{ name: "data", path: "/var/lib/rabbitmq" }], stateful: true, limits: { memoryMb: 1024, cpus: 0.5 } },
  ];
  const backend = (v["parity:services"] as Values[]).find((s) => s["name"] === "backend")!;
  backend["env"] = { ...(backend["env"] as Values), REDIS_HOST: "${service.redis.host}", REDIS_PORT: "${service.redis.port}", REDIS_PASSWORD: "${secret.redisPassword}" };
  v["parity:secrets"] = { ...(v["parity:secrets"] as Values), redisPassword: { generate: { length: 32 } } };
  v["parity:flows"] = [...(v["parity:flows"] as Values[]), { from: "backend", to: "redis", port: 6379 }];
  const az = v["parity:azure"] as Values;
  az["realize"] = { ...(az["realize"] as Values), redis: "managedRedis", ...(broker === "serviceBus" ? { rabbitmq: "serviceBus" } : {}) };
  if (broker === "containerApp") az["apps"] = { ...(az["apps"] as Values), rabbitmq: { transport: "tcp" } };
  az["redis"] = { sku: "Balanced_B1", cluster: true, authentication: redisAuth };
  (az["postgres"] as Values)["extensions"] = ["VECTOR", "PG_TRGM"];
}

describe("azure managed realizations under mocks", () => {
  it("realizes Redis as Azure Managed Redis (OSS cluster, TLS 10000, private endpoint) and RabbitMQ as a TCP Container App on Azure Files", async () => {
    const p = await planStack("azure", (v) => withBrokerAndCache(v, "containerApp"));
    expect(p.one("azure-native:redisenterprise:RedisEnterprise", "redis-cluster").inputs).toEqual({
      clusterName: "ktrdr-azure-redis", location: "westeurope", minimumTlsVersion: "1.2", publicNetworkAccess: "Disabled", resourceGroupName: "ktrdr-azure-rg", sku: { name: "Balanced_B1" },
    });
    expect(p.one("azure-native:redisenterprise:Database", "redis-database").inputs).toMatchObject({
      clusterName: "ktrdr-azure-redis", databaseName: "default", clientProtocol: "Encrypted", port: 10000, clusteringPolicy: "OSSCluster", accessKeysAuthentication: "Disabled",
    });
    // Entra ID: access keys are off, the apps' identity gets the database's default access policy...
    expect(p.one("azure-native:redisenterprise:AccessPolicyAssignment", "redis-apps-access").inputs).toEqual({
      resourceGroupName: "ktrdr-azure-rg", clusterName: "ktrdr-azure-redis", databaseName: "default",
      accessPolicyAssignmentName: "parity-apps", accessPolicyName: "default", user: { objectId: "vault-identity-principal" },
    });
    // ...and the app that uses Redis (and only it) gets that identity's client id for the token flow.
    const appEnv = (name: string) => Object.fromEntries(((p.one("azure-native:app:ContainerApp", name).inputs["template"] as { containers: { env: { name: string; value?: string; secretRef?: string }[] }[] }).containers[0]!.env).map((e) => [e.name, e.value ?? `secretRef:${e.secretRef}`]));
    expect(appEnv("backend-app")).toMatchObject({ AZURE_CLIENT_ID: "vault-identity-client", REDIS_HOST: "ktrdr-azure-redis.westeurope.redis.azure.net", REDIS_PORT: "10000" });
    expect(p.plan.env["backend"]!["AZURE_CLIENT_ID"]).toBe("<client id of the apps' managed identity>");
    for (const other of ["backtest-worker-1-app", "rabbitmq-app"]) expect(appEnv(other)).not.toHaveProperty("AZURE_CLIENT_ID");
    // The one name Azure adds to the declared env, and only for Entra ID: the identity's client id.
    const declared = Object.keys((rawStackConfig("azure")["services"] as { name: string; env: Values }[]).find((s) => s.name === "backend")!.env);
    expect(Object.keys(p.plan.env["backend"]!).sort()).toEqual([...declared, "REDIS_HOST", "REDIS_PASSWORD", "REDIS_PORT", "AZURE_CLIENT_ID"].sort());
    expect(p.one("azure-native:network:PrivateEndpoint", "redis-endpoint").inputs).toMatchObject({
      subnet: { id: `${SUB}/network/network-private-endpoints` },
      privateLinkServiceConnections: [{ name: "ktrdr-azure-redis", groupIds: ["redisEnterprise"], privateLinkServiceId: `${SUB}/redisenterprise/redis-cluster` }],
    });
    const rabbit = p.one("azure-native:app:ContainerApp", "rabbitmq-app").inputs as { configuration: Values; template: Values };
    expect(rabbit.configuration["ingress"]).toEqual({ allowInsecure: false, external: false, transport: "tcp", targetPort: 5672, exposedPort: 5672 });
    expect(rabbit.configuration["registries"]).toEqual([]);
    expect(rabbit.template["volumes"]).toEqual([{ name: "data", storageName: "rabbitmq-data", storageType: "AzureFile" }]);
    expect(p.one("azure-native:storage:FileShare", "files-rabbitmq-data").inputs).toMatchObject({ enabledProtocols: "SMB", shareName: "rabbitmq-data" });
    expect(p.one("azure-native:app:ManagedEnvironmentsStorage", "files-rabbitmq-data-env").inputs["properties"]).toEqual({
      azureFile: { accessMode: "ReadWrite", accountKey: "[secret]", accountName: "ktrdrazurefiles", shareName: "rabbitmq-data" },
    });
    // extensions allow-listed first, then the database: chained against ServerBusy.
    const ext = p.one("azure-native:dbforpostgresql:Configuration", "postgres-extensions");
    expect(ext.inputs).toEqual({ configurationName: "azure.extensions", resourceGroupName: "ktrdr-azure-rg", serverName: "ktrdr-azure-pg", source: "user-override", value: "VECTOR,PG_TRGM" });
    expect(ext.dependencies).toContain(p.one("azure-native:dbforpostgresql:Server", "postgres-server").urn);
    expect(p.one("azure-native:dbforpostgresql:Database", "postgres-ktrdr").dependencies).toContain(ext.urn);
    expect(p.plan.env["rabbitmq"]).toEqual({});
  });

  // One plan for three opt-ins: Service Bus, access-key Redis, an external app.
  it("realizes RabbitMQ as a Service Bus namespace only when opted in; access-key Redis keeps the env contract as is; external ingress admits the declared sources only", async () => {
    const p = await planStack("azure", (v) => {
      withBrokerAndCache(v, "serviceBus", { kind: "accessKey", passwordSecret: "redisPassword" });
      // An app a flow reaches from outside: external ingress, the declared sources only.
      (v["parity:azure"] as Values)["apps"] = { ...((v["parity:azure"] as Values)["apps"] as Values), backend: { ingress: "external", allowedSources: { office: "203.0.113.0/24", vpn: "198.51.100.7/32" } } };
    });
    expect(p.one("azure-native:servicebus:Namespace", "broker-namespace").inputs).toMatchObject({ namespaceName: "ktrdr-azure-bus", sku: { name: "Standard", tier: "Standard" }, disableLocalAuth: true, minimumTlsVersion: "1.2" });
    expect(p.byType("azure-native:app:ContainerApp").map((a) => a.name)).not.toContain("rabbitmq-app");
    const role = p.one("azure-native:authorization:RoleAssignment", "vault-bus-data-owner");
    expect(role.inputs["roleDefinitionId"]).toMatch(/090c5cfd-751d-490a-894a-3ce6f1109419$/);
    for (const app of p.byType("azure-native:app:ContainerApp")) expect(app.dependencies).toContain(role.urn);
    // Access-key Redis: the database's key from Key Vault is the Redis password secret.
    expect(p.one("azure-native:redisenterprise:Database", "redis-database").inputs["accessKeysAuthentication"]).toBe("Enabled");
    expect(p.byType("azure-native:redisenterprise:AccessPolicyAssignment")).toEqual([]);
    // No generated password for it on Azure: the vault holds the database's key under its name.
    expect(p.byType("random:index/randomPassword:RandomPassword").map((r) => r.name)).not.toContain("secrets-redisPassword");
    const key = p.one("azure-native:keyvault:Secret", "vault-redis-password");
    expect(key.inputs["properties"]).toEqual({ value: "[secret]" });
    expect((key.rawInputs["properties"] as { value: string }).value).toBe("mock-ktrdr-azure-redis-primary-key");
    const backend = p.one("azure-native:app:ContainerApp", "backend-app").inputs as { configuration: { ingress: Values }; template: { containers: { env: Values[] }[] } };
    expect(backend.template.containers[0]!.env).toEqual(expect.arrayContaining([{ name: "REDIS_PASSWORD", secretRef: "redis-password" }]));
    expect(Object.keys(p.plan.env["backend"]!)).not.toContain("AZURE_CLIENT_ID");
    expect(backend.configuration.ingress).toEqual({
      external: true, transport: "auto", targetPort: 8000, allowInsecure: false,
      ipSecurityRestrictions: [
        { name: "office", ipAddressRange: "203.0.113.0/24", action: "Allow", description: "parity:azure.apps allowedSources.office" },
        { name: "vpn", ipAddressRange: "198.51.100.7/32", action: "Allow", description: "parity:azure.apps allowedSources.vpn" },
      ],
    });
    // An external app needs the environment's public load balancer; the workers stay internal.
    expect((p.one("azure-native:app:ManagedEnvironment", "apps-environment").inputs["vnetConfiguration"] as Values)["internal"]).toBe(false);
    expect((p.one("azure-native:app:ContainerApp", "backtest-worker-1-app").inputs["configuration"] as { ingress: Values }).ingress).toEqual({ allowInsecure: true, external: false, targetPort: 5003, transport: "auto" });
    // The policy pack (ingress rules among them) finds nothing in this plan.
    expect(await runPack(policies, fromRecorded(p.resources))).toEqual([]);
  });

  it("pulls from ACR with the identity, AcrPull granted before the apps", async () => {
    const p = await planStack("azure", (v) => {
      (v["parity:azure"] as Values)["registry"] = { kind: "acr", name: "ktrdrprod" };
      v["parity:images"] = { ...(v["parity:images"] as Values), backend: "ktrdrprod.azurecr.io/ktrdr-backend:5e1c2a9" };
      v["parity:registries"] = [];
      v["parity:secrets"] = { dbPassword: { generate: { length: 32 } }, grafanaAdminPassword: { generate: { length: 24 } } };
    });
    const role = p.one("azure-native:authorization:RoleAssignment", "vault-acr-pull");
    expect(role.inputs["roleDefinitionId"]).toMatch(/7f951dda-4ed3-4680-a7ca-43fe172d538d$/);
    const backend = p.one("azure-native:app:ContainerApp", "backend-app");
    expect((backend.inputs["configuration"] as Values)["registries"]).toEqual([{ server: "ktrdrprod.azurecr.io", identity: `${SUB}/managedidentity/vault-identity` }]);
    expect(backend.dependencies).toContain(role.urn);
  });
});

describe("azure names and contract", () => {
  const long = "production-eu-west-with-a-very-long-stack-name_2024.v2";

  it("derives names that fit Azure's rules for any stack name, deterministically", () => {
    const cfg = validateStackConfig(rawStackConfig("azure"), long);
    const model = buildModel(cfg, long);
    const n = model.azure!.names;
    expect(nameProblem("keyVault", n.keyVault)).toBeUndefined();
    expect(nameProblem("storageAccount", n.storageAccount)).toBeUndefined();
    expect(nameProblem("postgresServer", n.postgresServer)).toBeUndefined();
    expect(n.keyVault).toBe("ktrdr-production-ec851b"); // cut, then a hash of the whole name
    expect(n.storageAccount).toMatch(/^[a-z0-9]{3,24}$/);
    for (const c of model.containers) expect(nameProblem("containerApp", c.azure!.appName)).toBeUndefined();
    expect(azureNames("ktrdr", long).app("training-worker-8")).toBe(azureNames("ktrdr", long).app("training-worker-8"));
    expect(azureNames("ktrdr", long).app("training-worker-8")).not.toBe(azureNames("ktrdr", long).app("training-worker-7"));
    expect(model.azure!.postgres!.fqdn).toBe(`${n.postgresServer}.postgres.database.azure.com`);
  });

  it("reports each setting Azure cannot take, with key path and rule", () => {
    const raw = rawStackConfig("azure");
    const az = raw["azure"] as Values;
    az["registry"] = { kind: "acr", name: "ktrdr-prod" };
    az["network"] = { vnetCidr: "10.40.0.0/16", appsSubnet: "10.40.0.0/28", postgresSubnet: "10.41.0.0/28", privateEndpointsSubnet: "10.40.0.0/27" };
    az["redis"] = { cluster: false, clusteringPolicy: "OSSCluster", authentication: { kind: "accessKey", passwordSecret: "redisPass" } };
    az["apps"] = { backend: { ingress: "external" }, "backtest-worker": { allowedSources: { office: "203.0.113.0/24" } } };
    const services = raw["services"] as { name: string; env: Values }[];
    services.find((s) => s.name === "backend")!.env["OTEL_TRACES_ENDPOINT"] = "${service.jaeger.url}/v1/traces";
    services.find((s) => s.name === "backend")!.env["METRICS_URL"] = "${service.prometheus.url}";
    raw["docker"] = { host: "unix:///var/run/docker.sock" };
    let err: ContractError | undefined;
    try { validateStackConfig(raw, "azure"); } catch (e) { err = e as ContractError; }
    const paths = err!.problems.map((p) => `${p.path}: ${p.problem}`);
    expect(paths).toEqual(expect.arrayContaining([
      "parity:azure.redis: is set but no service is realized as managedRedis",
      "parity:azure.redis.clusteringPolicy: OSSCluster does not match cluster: false",
      "parity:azure.network.appsSubnet: 10.40.0.0/28 is too small",
      "parity:azure.network.appsSubnet: 10.40.0.0/28 overlaps privateEndpointsSubnet 10.40.0.0/27",
      "parity:azure.network.postgresSubnet: 10.41.0.0/28 is outside the VNet 10.40.0.0/16",
      "parity:azure.registry.name: derives the container registry name 'ktrdr-prod', which has characters or a shape the rule refuses",
      "parity:azure.redis.authentication.passwordSecret: names unknown secret 'redisPass'",
      "parity:azure.apps.backend.allowedSources: is empty, but 'backend' has external ingress",
      "parity:azure.apps.backtest-worker.allowedSources: is set, but 'backtest-worker' has internal ingress, which nothing outside the environment reaches",
      "parity:services[1].env.OTEL_TRACES_ENDPOINT: references 'jaeger', realized as applicationInsights, which has no address on Azure",
      "parity:services[1].env.METRICS_URL: references 'prometheus', realized as azureMonitor, which has no address on Azure",
      "parity:docker: is only used by target 'docker', this stack's target is 'azure'",
    ]));
    // The agent's own variable, as the traces service's URL, is what the contract admits.
    expect(paths.filter((p) => p.includes("OTEL_EXPORTER_OTLP_ENDPOINT"))).toEqual([]);
  });

  it("refuses AZURE_CLIENT_ID declared by an app that Parity gives the identity's client id (Entra ID Redis)", () => {
    const raw = rawStackConfig("azure");
    const v: Values = Object.fromEntries(Object.entries(raw).map(([k, x]) => [`parity:${k}`, x]));
    withBrokerAndCache(v, "containerApp");
    const cfg = Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/^parity:/, ""), x]));
    (cfg["services"] as { name: string; env: Values }[]).find((s) => s.name === "backend")!.env["AZURE_CLIENT_ID"] = "00000000-0000-0000-0000-000000000000";
    expect(() => validateStackConfig(cfg, "azure")).toThrow("parity:services[1].env.AZURE_CLIENT_ID: is declared, but with Entra ID Redis authentication Parity sets it to the apps' identity on Azure");
    // No silent default for how apps log in: it decides the application code.
    delete ((cfg["azure"] as Values)["redis"] as Values)["authentication"];
    expect(() => validateStackConfig(cfg, "azure")).toThrow("parity:azure.redis.authentication: missing: how the apps log in to Azure Managed Redis");
  });
});
