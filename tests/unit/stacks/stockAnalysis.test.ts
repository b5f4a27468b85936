import { bundleHash, encodeSecretStdin, renderEntrypoint } from "../../../renderers/bundle";
import { renderPostgres } from "../../../renderers/postgres";
import { planStack, PlannedStack } from "../../helpers/planStack";

const COMMAND = "command:remote:Command";
const COPY = "command:remote:CopyToRemote";
const STEP = "parity:remote:ProvisionStep";

let sa: PlannedStack;
beforeAll(async () => {
  sa = await planStack("stock-analysis");
});

const triggers = (p: PlannedStack) => Object.fromEntries(p.byType(COMMAND).map((c) => [c.name, (c.rawInputs["triggers"] as string[])[0]]));

describe("stock-analysis under mocks: one guest, services from Debian packages", () => {
  it("creates the guest stock-analysis asks for: unprivileged, nesting only (systemd sandboxing, no Docker), DHCP with a fixed MAC, reached by name", () => {
    const lxc = sa.one("proxmoxve:index/containerLegacy:ContainerLegacy", "stock-analysis-lxc");
    expect(lxc.inputs).toMatchObject({
      nodeName: "pve", vmId: 220, unprivileged: true, cpu: { cores: 4, architecture: "amd64" }, memory: { dedicated: 8192, swap: 512 },
      disk: { datastoreId: "local-lvm", size: 50 }, protection: true,
      initialization: { hostname: "stock-analysis", ipConfigs: [{ ipv4: { address: "dhcp" } }] },
      networkInterfaces: [{ name: "eth0", bridge: "vmbr0", firewall: true, macAddress: "BC:24:11:5A:00:01" }],
      mountPoints: [{ volume: "/srv/stock-analysis-shared", path: "/mnt/shared", backup: false, replicate: false, shared: true }],
    });
    // Sandboxed units need nesting under Proxmox's AppArmor; keyctl stays off (no Docker).
    expect(lxc.inputs["features"]).toEqual({ nesting: true });
    expect(lxc.inputs["tags"]).toEqual(["parity", "stock-analysis", "parity-sandboxed-services"]);
    expect(sa.byType("pulumi:providers:docker")).toEqual([]);
    expect(sa.one(COMMAND, "stock-analysis-bootstrap-run").rawInputs["connection"]).toMatchObject({ host: "stock-analysis.home.arpa" });
  });

  it("hands the guest exactly the rendered PostgreSQL bundle, shared_buffers 25% of 8 GB, password on stdin", () => {
    const bundle = renderPostgres({
      version: 15, cluster: "main", listenAddresses: ["localhost"], clients: [], maxConnections: 100, sharedBuffersMb: 2048, settings: {},
      roles: [{ name: "stock_analysis_user", passwordSecret: "PARITY_SECRET_PG_STOCK_ANALYSIS_PASSWORD", login: true, bypassRls: false, memberOf: [], connectionLimit: -1 }],
      databases: [{ name: "stock_analysis_event_store", owner: "stock_analysis_user", readWriteRoles: [], readOnlyRoles: [], extensions: [{ name: "pgcrypto", package: undefined }] }],
      eventStore: { database: "stock_analysis_event_store", writerRoles: ["stock_analysis_user"], readerRoles: [], refreshOnCalendar: "*:0/5" },
    });
    expect(sa.one(COPY, "stock-analysis-services-postgresql-copy").rawInputs["source"]).toEqual({ asset: { text: renderEntrypoint(bundle) } });
    const run = sa.one(COMMAND, "stock-analysis-services-postgresql-run");
    expect(run.rawInputs).toMatchObject({ create: `bash /var/lib/parity/steps/${bundle.name}/entrypoint.sh`, triggers: [bundleHash(bundle)], logging: "none" });
    expect(run.rawInputs["stdin"]).toBe(encodeSecretStdin({ PARITY_SECRET_PG_STOCK_ANALYSIS_PASSWORD: "mock-secrets-pgStockAnalysisPassword-value" }));
    expect(run.secretInputs).toEqual(expect.arrayContaining(["stdin"]));
    // The provider adds "connection" itself; Parity adds the output streams.
    expect(run.additionalSecretOutputs).toEqual(expect.arrayContaining(["stdout", "stderr", "connection"]));
    expect(bundle.files.map((f) => f.content).join("\n")).toContain("shared_buffers = 2048MB");
  });

  it("orders steps: bootstrap, then data services, then the native services; backups after PostgreSQL", () => {
    const urn = (name: string) => sa.one(COMMAND, `${name}-run`).urn;
    const step = (name: string) => sa.one(STEP, name);
    expect(step("stock-analysis-services-native").dependencies).toEqual(
      expect.arrayContaining([urn("stock-analysis-services-postgresql"), urn("stock-analysis-services-redis"), urn("stock-analysis-services-rabbitmq")]),
    );
    expect(step("stock-analysis-services-backup").dependencies).toEqual(expect.arrayContaining([urn("stock-analysis-services-postgresql")]));
    expect(step("stock-analysis-services-backup").dependencies).not.toContain(urn("stock-analysis-services-redis"));
    for (const key of ["postgresql", "redis", "rabbitmq", "native", "backup"])
      expect(step(`stock-analysis-services-${key}`).dependencies).toEqual(expect.arrayContaining([urn("stock-analysis-bootstrap")]));
    // Every step on the guest belongs to its component (the NFS export runs on the node).
    const guest = sa.one("parity:proxmox:Guest", "stock-analysis");
    expect(sa.byType(STEP).filter((s) => s.parentUrn !== guest.urn).map((s) => s.name)).toEqual(["shared-stock-analysis-shared-export"]);
  });

  it("re-runs only the Redis step when Redis maxmemory changes", async () => {
    const changed = await planStack("stock-analysis", (v) => {
      ((v["parity:hostServices"] as Record<string, { redis: { maxmemoryMb: number } }>)["stock-analysis"]!).redis.maxmemoryMb = 256;
    });
    const before = triggers(sa);
    const after = triggers(changed);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(Object.keys(before).filter((k) => before[k] !== after[k])).toEqual(["stock-analysis-services-redis-run"]);
  });

  it("shows the native services' env contract with secrets masked", () => {
    expect(sa.plan.env["stock-analysis/event-bus"]).toEqual({
      DATABASE_URL: "[secret]", ENVIRONMENT: "production", LOG_LEVEL: "INFO", RABBITMQ_URL: "[secret]",
      REDIS_CLUSTER_NODES: "127.0.0.1:6379,127.0.0.1:6380,127.0.0.1:6381,127.0.0.1:6382,127.0.0.1:6383,127.0.0.1:6384", REDIS_PASSWORD: "[secret]",
    });
    expect(JSON.stringify(sa.plan)).not.toContain("mock-secrets-");
  });
});
