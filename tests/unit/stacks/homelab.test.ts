import { bundleHash, renderEntrypoint } from "../../../renderers/bundle";
import { renderDockerEngine } from "../../../renderers/dockerEngine";
import { renderHostBootstrap } from "../../../renderers/hostBootstrap";
import { planStack, PlannedStack } from "../../helpers/planStack";

const LXC = "proxmoxve:index/containerLegacy:ContainerLegacy";
const CONTAINER = "docker:index/container:Container";
const COMMAND = "command:remote:Command";
const COPY = "command:remote:CopyToRemote";

let homelab: PlannedStack;
beforeAll(async () => {
  homelab = await planStack("homelab");
});

describe("homelab under mocks: LXC guests", () => {
  it("creates one unprivileged guest per host with exactly the configured settings", () => {
    const core = homelab.one(LXC, "core-lxc");
    expect(core.inputs).toEqual({
      nodeName: "pve-a",
      vmId: 210,
      description: "Managed by Parity (stack homelab). Changes made in the Proxmox UI are reverted by the next deployment.",
      tags: ["parity", "homelab"],
      unprivileged: true,
      features: { nesting: true, keyctl: true },
      cpu: { cores: 4, architecture: "amd64" },
      memory: { dedicated: 12288, swap: 512 },
      disk: { datastoreId: "local-lvm", size: 64 },
      operatingSystem: { templateFileId: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", type: "debian" },
      initialization: {
        hostname: "ktrdr-core",
        ipConfigs: [{ ipv4: { address: "192.168.1.50/24", gateway: "192.168.1.1" } }],
        dns: { domain: "ktrdr.home.mynerd.place", servers: ["192.168.1.1"] },
        userAccount: { keys: [expect.stringMatching(/^ssh-ed25519 /)] },
      },
      networkInterfaces: [{ name: "eth0", bridge: "vmbr0", firewall: true }],
      mountPoints: [{ volume: "/srv/ktrdr-shared", path: "/mnt/ktrdr-shared", backup: false, replicate: false, shared: true }],
      startOnBoot: true,
      started: true,
      startup: { order: 1, upDelay: 15, downDelay: 30 },
      protection: true,
    });
    expect(homelab.byType(LXC).map((r) => [r.name, r.inputs["nodeName"], r.inputs["vmId"], (r.inputs["cpu"] as { cores: number }).cores, (r.inputs["memory"] as { dedicated: number }).dedicated])).toEqual([
      ["core-lxc", "pve-a", 210, 4, 12288],
      ["workers-b-lxc", "pve-b", 211, 4, 12288],
      ["workers-c-lxc", "pve-c", 212, 4, 6144],
    ]);
    expect(homelab.one(LXC, "workers-b-lxc").inputs["mountPoints"]).toEqual([{ volume: "/mnt/pve/ktrdr-shared", path: "/mnt/ktrdr-shared", backup: false, replicate: false, shared: true }]);
  });

  it("protects the stateful guest, replaces fixed VMIDs delete-first, ignores template and key drift", () => {
    const opts = homelab.byType(LXC).map((r) => [r.name, r.protect, r.deleteBeforeReplace, r.ignoreChanges]);
    expect(opts).toEqual([
      ["core-lxc", true, true, ["operatingSystem.templateFileId", "initialization.userAccount"]],
      ["workers-b-lxc", false, true, ["operatingSystem.templateFileId", "initialization.userAccount"]],
      ["workers-c-lxc", false, true, ["operatingSystem.templateFileId", "initialization.userAccount"]],
    ]);
  });

  it("gives nesting and keyctl only to guests that run Docker", async () => {
    const withDns = await planStack("homelab", (v) => {
      (v["parity:hosts"] as object[]).push({ name: "dns", node: "pve-c", vmid: 213, hostname: "dns", cores: 1, memoryMb: 512, diskGb: 8, network: { ipv4: "192.168.1.53/24" }, startOrder: 3 });
    });
    expect(withDns.one(LXC, "dns-lxc").inputs["features"]).toBeUndefined();
    expect(withDns.one(LXC, "workers-c-lxc").inputs["features"]).toEqual({ nesting: true, keyctl: true });
    expect(withDns.resources.filter((r) => r.name.startsWith("dns-docker"))).toEqual([]);
  });

  // Proxmox's appliance index (aplinfo) entry for debian-12-standard 12.7-1.
  const DEBIAN_12_7_SHA512 = "39f6d06e082d6a418438483da4f76092ebd0370a91bad30b82ab6d0f442234d63fe27a15569895e34d6d1e5ca50319f62637f7fb96b98dbde4f6103cf05bff6d";
  it("downloads the pinned template once per node, over https, checked against its sha512", () => {
    expect(homelab.byType("proxmoxve:download/file:File").map((r) => r.inputs)).toEqual(
      ["pve-a", "pve-b", "pve-c"].map((nodeName) => ({
        contentType: "vztmpl", datastoreId: "local", nodeName, overwrite: false, overwriteUnmanaged: false,
        url: "https://download.proxmox.com/images/system/debian-12-standard_12.7-1_amd64.tar.zst", fileName: "debian-12-standard_12.7-1_amd64.tar.zst",
        checksum: DEBIAN_12_7_SHA512, checksumAlgorithm: "sha512",
      })),
    );
  });
});

describe("homelab under mocks: guest firewalls from flows", () => {
  it("gives every guest Proxmox firewall options (DROP in) and one ACCEPT rule per port and source", () => {
    const opts = homelab.one("proxmoxve:firewall/optionsLegacy:OptionsLegacy", "core-firewall-options").inputs;
    expect(opts).toEqual({ nodeName: "pve-a", containerId: 210, enabled: true, inputPolicy: "DROP", outputPolicy: "ACCEPT", dhcp: false, ndp: true, macfilter: true, ipfilter: false, radv: false });
    const rules = homelab.one("proxmoxve:firewall/rulesLegacy:RulesLegacy", "core-firewall-rules").inputs as { rules: Record<string, unknown>[] };
    expect(rules.rules[0]).toEqual({ type: "in", action: "ACCEPT", proto: "tcp", dport: "22", source: "192.168.1.0/24", comment: "parity: ssh: provisioning and operators", enabled: true });
    expect(rules.rules.filter((r) => r["dport"] === "8000").map((r) => r["source"])).toEqual(["192.168.1.0/24", "192.168.1.51/32"]);
    expect(homelab.byType("proxmoxve:firewall/optionsLegacy:OptionsLegacy")).toHaveLength(3);
  });
  it("runs the same rules in each guest as an nftables step after bootstrap", () => {
    expect(homelab.resources.filter((r) => r.name.endsWith("-guest-firewall-run")).map((r) => r.name).sort()).toEqual(["core-guest-firewall-run", "workers-b-guest-firewall-run", "workers-c-guest-firewall-run"]);
  });
});

describe("homelab under mocks: one component per guest", () => {
  it("parents each guest's LXC, firewall, steps, Docker host, proxy and containers; shared parts stay under the stack", () => {
    const guests = homelab.byType("parity:proxmox:Guest");
    expect(guests.map((g) => [g.name, g.parentType])).toEqual([["core", "pulumi:pulumi:Stack"], ["workers-b", "pulumi:pulumi:Stack"], ["workers-c", "pulumi:pulumi:Stack"]]);
    const under = (guest: string) => homelab.resources.filter((r) => r.parentUrn === homelab.one("parity:proxmox:Guest", guest).urn).map((r) => `${r.type.split(":").pop()} ${r.name}`).sort();
    expect(under("core")).toEqual([
      "DockerHost core-docker", "DockerService backend", "DockerService db", "DockerService grafana", "DockerService jaeger", "DockerService prometheus",
      "GuestFirewall core-firewall", "LxcHost core", "ProvisionStep core-bootstrap", "ProvisionStep core-docker-engine", "ProvisionStep core-guest-firewall",
      "RolloutProxy core-proxy",
    ]);
    expect(under("workers-b")).toEqual([
      "DockerHost workers-b-docker", "DockerService backtest-worker-1", "DockerService training-worker-1", "GuestFirewall workers-b-firewall", "LxcHost workers-b",
      "ProvisionStep workers-b-bootstrap", "ProvisionStep workers-b-docker-engine", "ProvisionStep workers-b-guest-firewall",
    ]);
    for (const [type, name] of [["parity:secrets:StackSecrets", "secrets"], ["parity:proxmox:ContainerTemplate", "template-pve-a"], ["parity:proxmox:NfsSharedStorage", "shared-ktrdr-shared"]] as const)
      expect(homelab.one(type, name).parentType).toBe("pulumi:pulumi:Stack");
  });

  it("rolls a pool's slots one at a time across guests: each waits for the previous slot's health gate", async () => {
    const p = await planStack("homelab", (v) => {
      (v["parity:workers"] as { replicas: number }[])[0]!.replicas = 3;
    });
    const svc = (name: string) => p.one("parity:docker:DockerService", name);
    const gate = (name: string) => p.one("command:remote:Command", `${name}-health-wait`).urn;
    expect([svc("backtest-worker-2").parentUrn, svc("backtest-worker-3").parentUrn]).toEqual([p.one("parity:proxmox:Guest", "workers-c").urn, p.one("parity:proxmox:Guest", "workers-b").urn]);
    expect(svc("backtest-worker-2").dependencies).toContain(gate("backtest-worker-1"));
    expect(svc("backtest-worker-3").dependencies).toContain(gate("backtest-worker-2"));
    expect(svc("backtest-worker-1").dependencies).not.toContain(gate("training-worker-1"));
  });
});

describe("homelab under mocks: provisioning over SSH", () => {
  it("copies each bundle and runs it with its content hash as the only trigger", () => {
    const bundle = renderHostBootstrap({
      hostname: "ktrdr-workers-b", fqdn: "workers-b.ktrdr.home.mynerd.place", sharedPath: "/mnt/ktrdr-shared",
      authorizedKeys: (homelab.one(LXC, "workers-b-lxc").inputs["initialization"] as { userAccount: { keys: string[] } }).userAccount.keys,
    });
    const copy = homelab.one(COPY, "workers-b-bootstrap-copy");
    expect(copy.rawInputs["remotePath"]).toBe("/var/lib/parity/steps/bootstrap/entrypoint.sh");
    expect(copy.rawInputs["source"]).toEqual({ asset: { text: renderEntrypoint(bundle) } });
    expect(copy.rawInputs["triggers"]).toEqual([bundleHash(bundle)]);
    const run = homelab.one(COMMAND, "workers-b-bootstrap-run");
    expect(run.rawInputs).toMatchObject({ create: "bash /var/lib/parity/steps/bootstrap/entrypoint.sh", triggers: [bundleHash(bundle)], logging: "stdoutAndStderr" });
    expect(run.rawInputs["connection"]).toMatchObject({ host: "192.168.1.51", user: "root" });
    expect(run.dependencies).toContain(copy.urn);
  });

  it("orders guest → bootstrap → Docker engine → Docker provider", () => {
    const lxc = homelab.one(LXC, "core-lxc");
    const bootstrapCopy = homelab.one(COPY, "core-bootstrap-copy");
    const bootstrapStep = homelab.one("parity:remote:ProvisionStep", "core-bootstrap");
    // The SDK expands a dependency on a component into its custom-resource children.
    expect(bootstrapStep.dependencies).toEqual([lxc.urn]);
    expect(bootstrapCopy.parentUrn).toBe(bootstrapStep.urn);
    const engineStep = homelab.one("parity:remote:ProvisionStep", "core-docker-engine");
    expect(engineStep.dependencies).toEqual(expect.arrayContaining([bootstrapCopy.urn, homelab.one(COMMAND, "core-bootstrap-run").urn]));
    expect(homelab.one("parity:docker:DockerHost", "core-docker").dependencies).toEqual(expect.arrayContaining([homelab.one(COMMAND, "core-docker-engine-run").urn]));
    expect(homelab.one(COPY, "core-docker-engine-copy").rawInputs["triggers"]).toEqual([bundleHash(renderDockerEngine())]);
    expect(lxc.urn).toBeTruthy();
  });

  it("exports the shared directory from the server node and registers it on the others", () => {
    const exportRun = homelab.one(COMMAND, "shared-ktrdr-shared-export-run");
    expect(exportRun.rawInputs["connection"]).toMatchObject({ host: "192.168.1.10", user: "root" });
    const storage = homelab.one("proxmoxve:storage/nfs:Nfs", "shared-ktrdr-shared-storage");
    expect(storage.inputs).toEqual({ resourceId: "ktrdr-shared", server: "192.168.1.10", export: "/srv/ktrdr-shared", nodes: ["pve-b", "pve-c"], contents: ["backup"], options: "vers=4.2,hard" });
    const storageComponent = homelab.one("parity:proxmox:NfsSharedStorage", "shared-ktrdr-shared");
    expect(homelab.one("parity:proxmox:LxcHost", "workers-b").dependencies).toEqual(expect.arrayContaining([storage.urn]));
    expect(storageComponent).toBeTruthy();
  });
});

describe("homelab under mocks: Docker services", () => {
  it("uses one Docker provider per guest, with registry auth from a secret", () => {
    const providers = homelab.byType("pulumi:providers:docker");
    expect(providers.map((p) => [p.name, p.inputs["host"]])).toEqual([
      ["core-docker-provider", "ssh://root@192.168.1.50"],
      ["workers-b-docker-provider", "ssh://root@192.168.1.51"],
      ["workers-c-docker-provider", "ssh://root@192.168.1.52"],
    ]);
    expect(providers.every((p) => p.secretInputs.includes("registryAuth"))).toBe(true);
    const containers = homelab.byType(CONTAINER);
    const providerOf = (name: string) => homelab.one(CONTAINER, `${name}-container`).provider;
    expect(providerOf("db")).toBe(providers[0]!.urn);
    expect(providerOf("backtest-worker-1")).toBe(providers[1]!.urn);
    // Seven services and workers, and the core guest's rollout proxy.
    expect(containers).toHaveLength(8);
  });

  it("runs PostgreSQL as `db` with a protected, retained volume", () => {
    const volume = homelab.one("docker:index/volume:Volume", "db-pgdata");
    expect([volume.inputs["name"], volume.protect, volume.retainOnDelete]).toEqual(["db-pgdata", true, true]);
    const db = homelab.one(CONTAINER, "db-container");
    expect(db.rawInputs).toMatchObject({
      name: "db",
      image: "postgres:16.4-bookworm",
      restart: "unless-stopped",
      memory: 2048,
      cpus: "1",
      volumes: [{ volumeName: "db-pgdata", containerPath: "/var/lib/postgresql/data" }],
      networksAdvanced: [{ name: "parity-homelab--backend--db", aliases: ["db"] }],
      healthcheck: { tests: ["CMD-SHELL", "pg_isready -U ktrdr -d ktrdr"], interval: "10s", timeout: "5s", retries: 3, startPeriod: "20s" },
      ports: [],
    });
    expect(db.secretInputs).toContain("envs");
  });

  it("runs the backend with its limits, health check, user, port and the shared mount", () => {
    const backend = homelab.one(CONTAINER, "backend-container");
    // A proxied service: its name carries its version, its port belongs to the proxy.
    expect(String(backend.rawInputs["name"])).toMatch(/^backend-[0-9a-f]{8}$/);
    expect(backend.deleteBeforeReplace).toBe(false);
    expect(backend.rawInputs).toMatchObject({
      image: "ghcr.io/ktrdr/ktrdr-backend:5e1c2a9",
      command: ["uvicorn", "ktrdr.api.main:app", "--host", "0.0.0.0", "--port", "8000"],
      user: "1000:1000",
      memory: 3072,
      cpus: "2",
      ports: [],
      stopSignal: "SIGTERM",
      stopTimeout: 30,
      destroyGraceSeconds: 30,
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers any
      networksAdvanced: expect.arrayContaining([{ name: "parity-homelab--backend--edge", aliases: ["backend"] }]),
      mounts: [{ type: "bind", source: "/mnt/ktrdr-shared", target: "/mnt/shared", readOnly: false }],
      labels: [
        { label: "managed-by", value: "parity" }, { label: "parity.stack", value: "homelab" }, { label: "parity.service", value: "backend" },
        { label: "parity.profile", value: "prod" },
        { label: "parity.networks", value: "parity-homelab--backend--db,parity-homelab--backend--edge,parity-homelab--backend--jaeger,parity-homelab--backend--prometheus" },
      ],
    });
  });

  it("pulls the backend image once per worker host and lets workers share it", () => {
    const images = homelab.byType("docker:index/remoteImage:RemoteImage").map((r) => `${r.name} ${String(r.inputs["name"])}`).sort();
    expect(images).toEqual([
      "core-docker-image-backend ghcr.io/ktrdr/ktrdr-backend:5e1c2a9",
      "core-docker-image-grafana grafana/grafana:11.2.0",
      "core-docker-image-jaeger jaegertracing/all-in-one:1.60.0",
      "core-docker-image-postgres postgres:16.4-bookworm",
      "core-docker-image-prometheus prom/prometheus:v2.54.1",
      "core-proxy-image haproxy:2.6.22-bookworm",
      "workers-b-docker-image-backend ghcr.io/ktrdr/ktrdr-backend:5e1c2a9",
    ]);
  });

  it("gives the core guest a proxy that owns the backend's published port and joins only its edge network", () => {
    const proxy = homelab.one(CONTAINER, "core-proxy-container");
    expect(proxy.deleteBeforeReplace).toBe(true);
    expect(proxy.rawInputs).toMatchObject({
      name: "parity-proxy",
      ports: [{ internal: 8000, external: 8000, protocol: "tcp" }],
      networksAdvanced: [{ name: "parity-homelab--backend--edge", aliases: ["parity-proxy"] }],
      user: "99:99",
    });
    const cfg = (proxy.rawInputs["uploads"] as { content: string }[])[0]!.content;
    expect(cfg).toContain("server-template backend 4 backend:8000 check");
    expect(cfg).toContain("option httpchk GET /health");
  });

  it("rolls worker slots one at a time with a graceful stop, gated on health", () => {
    const w = homelab.one(CONTAINER, "backtest-worker-1-container");
    expect([w.rawInputs["name"], w.deleteBeforeReplace, w.rawInputs["stopSignal"], w.rawInputs["stopTimeout"], w.rawInputs["destroyGraceSeconds"]]).toEqual(["backtest-worker-1", true, "SIGTERM", 300, 300]);
    const gate = homelab.one("command:remote:Command", "backtest-worker-1-health-wait");
    expect(gate.rawInputs["connection"]).toMatchObject({ host: "192.168.1.51" });
    expect(String(gate.rawInputs["create"])).toContain("name='backtest-worker-1'");
  });

  it("keeps each gate's deployed command: a child of its service, aliased to the URN it had under a HealthGate component", () => {
    const backend = homelab.one("command:remote:Command", "backend-health-wait");
    expect(backend.urn).toBe("urn:pulumi:homelab::parity::parity:proxmox:Guest$parity:docker:DockerService$command:remote:Command::backend-health-wait");
    // What the code before this change registered, as the engine names it.
    expect(backend.aliases.map((a) => a.urn)).toEqual(["urn:pulumi:homelab::parity::parity:proxmox:Guest$parity:docker:DockerService$parity:docker:HealthGate$command:remote:Command::backend-health-wait"]);
    const gates = homelab.resources.filter((r) => r.name.endsWith("-health-wait"));
    expect(gates.map((g) => [g.name, g.parentType, g.aliases.map((a) => a.urn)])).toEqual(
      gates.map((g) => [g.name, "parity:docker:DockerService", [g.urn.replace("$command:remote:Command::", "$parity:docker:HealthGate$command:remote:Command::")]]),
    );
    expect(gates).toHaveLength(7);
    // (Provider packages add aliases of their own, such as a storage type's former token.)
    expect(homelab.resources.filter((r) => r.aliases.some((x) => x.urn.includes("HealthGate")))).toEqual(gates);
    expect(homelab.byType("parity:docker:HealthGate")).toEqual([]);
  });
});

describe("homelab under mocks: networks from flows", () => {
  it("gives each same-guest pair with a flow its own internal network, and an edge network to what publishes ports", () => {
    const nets = homelab.byType("docker:index/network:Network").map((n) => [String(n.provider).split("::").pop(), n.inputs["name"], n.inputs["internal"]]);
    expect(nets).toEqual([
      ["core-docker-provider", "parity-homelab--backend--db", true],
      ["core-docker-provider", "parity-homelab--backend--edge", false],
      ["core-docker-provider", "parity-homelab--backend--jaeger", true],
      ["core-docker-provider", "parity-homelab--backend--prometheus", true],
      ["core-docker-provider", "parity-homelab--grafana--edge", false],
      ["core-docker-provider", "parity-homelab--grafana--jaeger", true],
      ["core-docker-provider", "parity-homelab--grafana--prometheus", true],
      ["core-docker-provider", "parity-homelab--jaeger--edge", false],
      ["core-docker-provider", "parity-homelab--prometheus--edge", false],
      ["workers-b-docker-provider", "parity-homelab--backtest-worker-1--edge", false],
      ["workers-b-docker-provider", "parity-homelab--training-worker-1--edge", false],
    ]);
  });

  it("attaches each container to exactly its networks: the database to the backend's only", () => {
    const joined = (name: string) => (homelab.one(CONTAINER, `${name}-container`).rawInputs["networksAdvanced"] as { name: string }[]).map((n) => n.name);
    expect(joined("db")).toEqual(["parity-homelab--backend--db"]);
    expect(joined("grafana")).toEqual(["parity-homelab--grafana--edge", "parity-homelab--grafana--jaeger", "parity-homelab--grafana--prometheus"]);
    expect(joined("backend")).toEqual(["parity-homelab--backend--db", "parity-homelab--backend--edge", "parity-homelab--backend--jaeger", "parity-homelab--backend--prometheus"]);
  });
});

describe("homelab under mocks: environment contract", () => {
  it("gives every service exactly its declared variables", () => {
    expect(homelab.plan.env).toEqual({
      db: { POSTGRES_DB: "ktrdr", POSTGRES_PASSWORD: "[secret]", POSTGRES_USER: "ktrdr" },
      backend: {
        DATABASE_URL: "[secret]", DB_HOST: "db", DB_NAME: "ktrdr", DB_PASSWORD: "[secret]", DB_PORT: "5432", DB_USER: "ktrdr",
        ENVIRONMENT: "homelab", KTRDR_API_URL: "http://backend.ktrdr.home.mynerd.place:8000", LOG_LEVEL: "INFO",
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4317", SHARED_MOUNT_PATH: "/mnt/shared",
      },
      prometheus: {},
      grafana: { GF_SECURITY_ADMIN_PASSWORD: "[secret]", GF_SERVER_ROOT_URL: "http://core.ktrdr.home.mynerd.place:3000" },
      jaeger: { COLLECTOR_OTLP_ENABLED: "true" },
      "backtest-worker-1": workerEnv("backtest-worker-1", "workers-b", 5003),
      "training-worker-1": workerEnv("training-worker-1", "workers-b", 5005),
    });
  });

  it("hands the containers the same names and plain values, with secrets resolved and marked secret", () => {
    const envs = homelab.one(CONTAINER, "backend-container").rawInputs["envs"] as string[];
    expect(envs.map((e) => e.split("=")[0])).toEqual(Object.keys(homelab.plan.env["backend"]!).sort());
    expect(envs).toContain("DATABASE_URL=postgresql://ktrdr:mock-secrets-dbPassword-value@db:5432/ktrdr");
    const workerEnvs = homelab.one(CONTAINER, "backtest-worker-1-container").rawInputs["envs"] as string[];
    expect(workerEnvs).toContain("WORKER_PUBLIC_BASE_URL=http://workers-b.ktrdr.home.mynerd.place:5003");
  });

  it("keeps secret values out of the plan and the stack outputs", () => {
    const printed = JSON.stringify(homelab.plan);
    expect(printed).not.toContain("mock-secrets-dbPassword-value");
    expect(printed).not.toContain("mock-secrets-grafanaAdminPassword-value");
    expect(printed).not.toContain("<GHCR_TOKEN from the environment>");
    expect(homelab.plan.outputs["secrets"]).toEqual({ dbPassword: "generated (encrypted state)", grafanaAdminPassword: "generated (encrypted state)", ghcrToken: "environment GHCR_TOKEN" });
  });
});

describe("homelab under mocks: scaling workers by config", () => {
  const ports = async (backtest: number) => {
    const p = await planStack("homelab", (v) => {
      (v["parity:workers"] as { replicas: number }[])[0]!.replicas = backtest;
    });
    return p.byType(CONTAINER).filter((c) => String(c.inputs["name"]).startsWith("backtest")).map((c) => {
      const port = (c.rawInputs["ports"] as { external: number }[])[0]!.external;
      const provider = String(c.provider).split("::").pop();  // the provider URN's name
      return [c.inputs["name"], port, provider];
    }).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  };

  it("assigns 5003, 5004, 5007 to replicas 1-3 and the overflow rule beyond, spread over the worker guests", async () => {
    expect(await ports(1)).toEqual([["backtest-worker-1", 5003, "workers-b-docker-provider"]]);
    expect(await ports(2)).toEqual([["backtest-worker-1", 5003, "workers-b-docker-provider"], ["backtest-worker-2", 5004, "workers-c-docker-provider"]]);
    expect(await ports(3)).toEqual([
      ["backtest-worker-1", 5003, "workers-b-docker-provider"], ["backtest-worker-2", 5004, "workers-c-docker-provider"], ["backtest-worker-3", 5007, "workers-b-docker-provider"],
    ]);
    expect(await ports(6)).toEqual([
      ["backtest-worker-1", 5003, "workers-b-docker-provider"], ["backtest-worker-2", 5004, "workers-c-docker-provider"], ["backtest-worker-3", 5007, "workers-b-docker-provider"],
      ["backtest-worker-4", 5100, "workers-c-docker-provider"], ["backtest-worker-5", 5101, "workers-b-docker-provider"], ["backtest-worker-6", 5102, "workers-c-docker-provider"],
    ]);
  });
});

function workerEnv(name: string, host: string, port: number) {
  return {
    ENVIRONMENT: "homelab", KTRDR_API_URL: "http://backend.ktrdr.home.mynerd.place:8000", LOG_LEVEL: "INFO",
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://core.ktrdr.home.mynerd.place:4317", SHARED_MOUNT_PATH: "/mnt/shared",
    WORKER_ID: name, WORKER_PORT: String(port), WORKER_PUBLIC_BASE_URL: `http://${host}.ktrdr.home.mynerd.place:${port}`,
  };
}
