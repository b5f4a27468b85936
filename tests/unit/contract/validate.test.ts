import { ContractError, Problem } from "../../../contract/problems";
import { validateStackConfig } from "../../../targets";
import { rawStackConfig } from "../../helpers/stackConfig";

// These tests edit raw stack documents into shapes the config types forbid: `any` is their type.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access */
type Raw = Record<string, any>;

function problemsOf(raw: Raw): Problem[] {
  try {
    validateStackConfig(raw, "test");
  } catch (e) {
    if (e instanceof ContractError) return [...e.problems];
    throw e;
  }
  return [];
}

function expectProblem(raw: Raw, path: string, problem: RegExp, allowed?: RegExp): void {
  const problems = problemsOf(raw);
  const hit = problems.find((p) => p.path === path && problem.test(p.problem) && (!allowed || allowed.test(p.allowed)));
  if (!hit) throw new Error(`no problem at ${path} matching ${problem}; got:\n${problems.map((p) => `${p.path}: ${p.problem} | ${p.allowed}`).join("\n")}`);
}

let raw: Raw;
beforeEach(() => {
  raw = rawStackConfig("homelab");
});

describe("the homelab stack file", () => {
  it("is valid and gets defaults applied", () => {
    const cfg = validateStackConfig(raw, "homelab");
    expect(cfg.target).toBe("proxmox");
    expect(cfg.hosts.map((h) => [h.name, h.node, h.vmid])).toEqual([["core", "pve-a", 210], ["workers-b", "pve-b", 211], ["workers-c", "pve-c", 212]]);
    expect(cfg.hosts[0]!.swapMb).toBe(512);
    expect(cfg.services.find((s) => s.name === "backend")!.restart).toBe("unless-stopped");
  });
});

describe("bad input: every problem named with key path, what is wrong and what is allowed", () => {
  it("missing keys", () => {
    delete raw["domain"];
    delete raw["hosts"][0]["vmid"];
    expectProblem(raw, "parity:domain", /missing required key/, /string/);
    expectProblem(raw, "parity:hosts[0].vmid", /missing required key/, /number/);
  });

  it("wrong types", () => {
    raw["hosts"][1]["cores"] = "four";
    raw["proxmox"]["insecure"] = "yes";
    expectProblem(raw, "parity:hosts[1].cores", /wrong type: got string "four"/, /a number/);
    expectProblem(raw, "parity:proxmox.insecure", /wrong type/, /true or false/);
  });

  it("unknown keys with a did-you-mean, and still runs the cross-checks", () => {
    raw["hosts"][0]["memroyMb"] = 1024;
    raw["servcies"] = [];
    raw["hosts"][2]["vmid"] = 210;
    expectProblem(raw, "parity:hosts[0].memroyMb", /unknown key \(did you mean 'memoryMb'\?\)/, /memoryMb/);
    expectProblem(raw, "parity:servcies", /unknown key \(did you mean 'services'\?\)/);
    expectProblem(raw, "parity:hosts[2].vmid", /duplicate VMID 210 \(already used by parity:hosts\[0\]\.vmid\)/);
  });

  it("duplicate hostnames, VMIDs and IP addresses", () => {
    raw["hosts"][1]["hostname"] = "ktrdr-core";
    raw["hosts"][1]["vmid"] = 210;
    raw["hosts"][2]["network"] = { ipv4: "192.168.1.50/24" };
    expectProblem(raw, "parity:hosts[1].hostname", /duplicate hostname "ktrdr-core"/);
    expectProblem(raw, "parity:hosts[1].vmid", /duplicate VMID 210/);
    expectProblem(raw, "parity:hosts[2].network.ipv4", /duplicate IPv4 address "192.168.1.50"/);
  });

  it("two services on one host port", () => {
    raw["services"].find((s: Raw) => s.name === "grafana").ports = [{ container: 3000, host: 8000 }];
    const i = raw["services"].findIndex((s: Raw) => s.name === "grafana");
    expectProblem(raw, `parity:services[${i}].ports[0].host`, /service 'grafana' uses host port 8000 on host 'core', already taken by service 'backend'/);
  });

  it("a worker port colliding with another pool at maxReplicas", () => {
    raw["workers"][1]["overflowPortBase"] = 5100; // replica 4 of both pools lands on workers-c at 5100
    expectProblem(raw, "parity:workers[1].overflowPortBase", /worker 'training-worker' replica 4 uses host port 5100 on host 'workers-c', already taken by worker 'backtest-worker' replica 4/);
  });

  it("a service, worker, mount or flow naming an unknown host or service", () => {
    raw["services"][0]["host"] = "kore";
    raw["workers"][0]["hosts"] = ["workers-b", "workers-d"];
    raw["sharedStorage"]["hosts"] = ["core", "wrokers-b"];
    raw["workers"][0]["env"]["KTRDR_API_URL"] = "${service.backnd.url}";
    expectProblem(raw, "parity:services[0].host", /names unknown host 'kore' \(did you mean 'core'\?\)/, /one of core, workers-b, workers-c/);
    expectProblem(raw, "parity:workers[0].hosts[1]", /names unknown host 'workers-d'/);
    expectProblem(raw, "parity:sharedStorage.hosts[1]", /names unknown host 'wrokers-b' \(did you mean 'workers-b'\?\)/);
    expectProblem(raw, "parity:workers[0].env.KTRDR_API_URL", /references unknown service 'backnd' \(did you mean 'backend'\?\)/);
  });

  it("a shared-storage owner outside the unprivileged guests' idmap", () => {
    raw["sharedStorage"]["ownerGid"] = 1000;
    expectProblem(raw, "parity:sharedStorage.ownerGid", /1000 is not mapped into unprivileged guests/, /100000\.\.165535/);
  });

  it("cores or memory over a node's declared capacity", () => {
    raw["hosts"][0]["cores"] = 6;
    raw["hosts"][2]["memoryMb"] = 9000;
    expectProblem(raw, "parity:hosts[0].cores", /6 cores exceed node 'pve-a' \(4 cores\)/, /at most 4/);
    expectProblem(raw, "parity:proxmox.nodes[2].memoryMb", /guests on node 'pve-c' would need 9000 MiB \(workers-c 9000\), the node has 8192 MiB/);
  });

  it("container memory over the guest's memory", () => {
    raw["workers"][1]["replicas"] = 6; // 3 training replicas x 3072 MiB land on workers-c (6144 MiB)
    expectProblem(raw, "parity:hosts[2].memoryMb", /limits on host 'workers-c' add up to 9216 MiB \(training-worker 9216\), the guest has 6144 MiB/);
  });

  it("worker replicas below 0 or over the maximum", () => {
    raw["workers"][0]["replicas"] = -1;
    raw["workers"][1]["replicas"] = 9;
    expectProblem(raw, "parity:workers[0].replicas", /-1 replicas of 'backtest-worker'/, /0 to maxReplicas \(8\)/);
    expectProblem(raw, "parity:workers[1].replicas", /9 replicas of 'training-worker'/);
  });

  it("malformed IPv4, CIDR and gateway", () => {
    raw["hosts"][0]["network"] = { ipv4: "192.168.1.300/24" };
    raw["hosts"][1]["network"] = { ipv4: "192.168.1.51" };
    raw["proxmox"]["network"]["gateway"] = "192.168.1";
    raw["proxmox"]["network"]["subnet"] = "192.168.1.0/33";
    const problems = problemsOf(raw);
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(["parity:hosts[0].network.ipv4", "parity:hosts[1].network.ipv4", "parity:proxmox.network.gateway", "parity:proxmox.network.subnet"]));
    expectProblem(raw, "parity:proxmox.network.gateway", /got string "192.168.1"/, /IPv4 address/);
    expectProblem(raw, "parity:proxmox.network.subnet", /got string/, /prefix length/);
  });

  it("a gateway or static address outside the subnet", () => {
    raw["proxmox"]["network"]["gateway"] = "10.0.0.1";
    raw["hosts"][1]["network"] = { ipv4: "192.168.2.51/24" };
    expectProblem(raw, "parity:proxmox.network.gateway", /10.0.0.1 is outside subnet 192.168.1.0\/24/);
    expectProblem(raw, "parity:hosts[1].network.ipv4", /192.168.2.51 is outside subnet/);
  });

  it("an image without a pinned tag", () => {
    raw["images"]["grafana"] = "grafana/grafana";
    raw["images"]["prometheus"] = "prom/prometheus:latest";
    raw["images"]["backend"] = "ghcr.io/ktrdr/ktrdr-backend:v1.2";
    expectProblem(raw, "parity:images.grafana", /has no tag/, /pinned version tag/);
    expectProblem(raw, "parity:images.prometheus", /floating tag 'latest'/);
    expectProblem(raw, "parity:images.backend", /private CI image without a git-SHA tag/, /7–40 lowercase hex/);
  });

  it("a secret given as plain text", () => {
    const db = raw["services"].find((s: Raw) => s.name === "db");
    db.env.POSTGRES_PASSWORD = "hunter2hunter2";
    const backend = raw["services"].find((s: Raw) => s.name === "backend");
    backend.env.DATABASE_URL = "postgresql://ktrdr:hunter2@db:5432/ktrdr";
    expectProblem(raw, "parity:services[0].env.POSTGRES_PASSWORD", /looks like a secret given as plain text/, /\$\{secret\.NAME\}/);
    expectProblem(raw, "parity:services[1].env.DATABASE_URL", /embeds a plain-text password in a URL/);
  });

  it("a secret reference to an undeclared secret, and a secret on a command line", () => {
    raw["services"][1]["env"]["DB_PASSWORD"] = "${secret.dbPasword}";
    raw["services"][1]["command"] = ["uvicorn", "--token", "${secret.dbPassword}"];
    expectProblem(raw, "parity:services[1].env.DB_PASSWORD", /unknown secret 'dbPasword' \(did you mean 'dbPassword'\?\)/);
    expectProblem(raw, "parity:services[1].command[2]", /puts a secret on a command line/);
  });

  it("a malformed env reference", () => {
    raw["workers"][0]["env"]["WORKER_PUBLIC_BASE_URL"] = "${self.address}";
    expectProblem(raw, "parity:workers[0].env.WORKER_PUBLIC_BASE_URL", /'\$\{self.address\}' is not a known reference/, /\$\{self.name\|host\|port\|url\|replica\}/);
  });

  it("a cross-host reference to a service that publishes no port", () => {
    raw["workers"][0]["env"]["DB"] = "${service.db.url}";
    expectProblem(raw, "parity:workers[0].env.DB", /reaches 'db' from another host, but 'db' publishes no host port/);
  });

  it("containers on a host without docker", () => {
    raw["hosts"][2]["docker"] = false;
    expectProblem(raw, "parity:hosts[2].docker", /runs containers but docker is false/);
  });

  it("a wrong enum value and a bad secret source", () => {
    raw["target"] = "proxmx";
    raw["secrets"]["ghcrToken"] = { vault: "x" };
    expectProblem(raw, "parity:target", /got string "proxmx"/, /"proxmox", "azure", "docker"/);
    expectProblem(raw, "parity:secrets.ghcrToken", /does not match any accepted form/, /generate.*env/);
  });

  it("a flow naming an unknown service or a port the target does not listen on", () => {
    raw["flows"].push({ from: "backend", to: "dbb", port: 5432 }, { from: "grafana", to: "prometheus", port: 9091 }, { from: "backend", to: "backtest-worker", port: 5003 });
    const n = raw["flows"].length;
    expectProblem(raw, `parity:flows[${n - 3}].to`, /names unknown service 'dbb' \(did you mean 'db'\?\)/);
    expectProblem(raw, `parity:flows[${n - 2}].port`, /'prometheus' does not listen on 9091/, /one of 9090/);
    expectProblem(raw, `parity:flows[${n - 1}].port`, /is a worker pool: each replica listens on its own port/);
  });

  it("an env reference to a service without a flow to it", () => {
    raw["flows"] = raw["flows"].filter((f: Raw) => !(f.from === "backend" && f.to === "db"));
    expectProblem(raw, "parity:services[1].env.DB_HOST", /points 'backend' at 'db', but no flow backend → db is declared/, /add \{ from: backend, to: db/);
  });

  it("a required variable that is not declared", () => {
    raw["services"][1]["requiredEnv"] = ["DB_HOST", "JWT_SECRET_KEY"];
    expectProblem(raw, "parity:services[1].env.JWT_SECRET_KEY", /missing: 'backend' requires JWT_SECRET_KEY/);
  });

  it("a dev override that adds a variable the service does not declare", () => {
    raw["services"][1]["dev"] = { env: { LOG_LEVEL: "DEBUG", RELOAD: "1" } };
    expectProblem(raw, "parity:services[1].dev.env.RELOAD", /adds RELOAD, which the service does not declare in env/);
    expect(problemsOf(raw).map((p) => p.path)).not.toContain("parity:services[1].dev.env.LOG_LEVEL");
  });

  it("in-guest services naming unknown secrets, roles or data services, or not fitting the guest", () => {
    const sa: Raw = rawStackConfig("stock-analysis");
    const svc = sa["hostServices"]["stock-analysis"];
    svc.redis.passwordSecret = "redisPasword";
    svc.postgres.databases[0].owner = "nobody";
    svc.redis.maxmemoryMb = 3000;
    svc.backup.directory = "/var/backups/pg";
    delete svc.rabbitmq;
    const base = "parity:hostServices.stock-analysis";
    expectProblem(sa, `${base}.redis.passwordSecret`, /unknown secret 'redisPasword' \(did you mean 'redisPassword'\?\)/);
    expectProblem(sa, `${base}.postgres.databases[0].owner`, /names unknown role 'nobody'/);
    expectProblem(sa, `${base}.redis.maxmemoryMb`, /reserve 20048 MiB, the guest has 8192 MiB/);
    expectProblem(sa, `${base}.backup.directory`, /\/var\/backups\/pg is not on the shared storage mounted at \/mnt\/shared/);
    expectProblem(sa, `${base}.native.services[0].uses[2]`, /uses rabbitmq, which this guest does not run/);
  });

  it("reports every problem at once, as one error without a stack trace in its message", () => {
    raw["hosts"][0]["cores"] = 6;
    raw["images"]["grafana"] = "grafana/grafana";
    raw["workers"][0]["replicas"] = 99;
    let err: unknown;
    try {
      validateStackConfig(raw, "homelab");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ContractError);
    const message = (err as Error).message;
    expect(message.split("\n")[0]).toBe("Stack config of 'homelab' is invalid: 3 problems");
    expect(message).toContain("  - parity:hosts[0].cores: 6 cores exceed node 'pve-a' (4 cores). Allowed: at most 4.");
    expect(message).not.toMatch(/\s+at \S+ \(/);
  });
});

describe("the stock template is pinned by bytes and fetched over TLS", () => {
  it("rejects plain http, a missing checksum and a digest that does not fit its algorithm", () => {
    raw["proxmox"]["template"]["url"] = "http://download.proxmox.com/images/system/debian-12-standard_12.7-1_amd64.tar.zst";
    expectProblem(raw, "parity:proxmox.template.url", /got string "http:/, /https:\/\/ URL/);
    raw = rawStackConfig("homelab");
    delete raw["proxmox"]["template"]["checksum"];
    expectProblem(raw, "parity:proxmox.template.checksum", /missing required key/);
    raw = rawStackConfig("homelab");
    raw["proxmox"]["template"]["checksum"] = "a".repeat(64);
    expectProblem(raw, "parity:proxmox.template.checksum", /got string/, /sha512 digest of 128 hex digits .*this one has 64/);
  });
});

describe("RabbitMQ's package source", () => {
  it("defaults to Debian's and accepts Team RabbitMQ's with apt version pins", () => {
    const sa = rawStackConfig("stock-analysis");
    const rabbit = () => validateStackConfig(sa, "stock-analysis").hostServices["stock-analysis"]!.rabbitmq!.source;
    expect(rabbit()).toEqual({ kind: "debian" });
    (sa as Raw)["hostServices"]["stock-analysis"]["rabbitmq"]["source"] = { kind: "rabbitmq", version: "3.13.*" };
    expect(rabbit()).toEqual({ kind: "rabbitmq", version: "3.13.*" });
    (sa as Raw)["hostServices"]["stock-analysis"]["rabbitmq"]["source"] = { kind: "rabbitmq", version: "newest" };
    expect(problemsOf(sa).map((p) => p.path)).toContain("parity:hostServices.stock-analysis.rabbitmq.source.version");
  });
});

describe("Redis cluster replicas", () => {
  const sa = () => rawStackConfig("stock-analysis") as Raw;
  it("the stock-analysis stack runs three masters with one replica each", () => {
    const redis = validateStackConfig(sa(), "stock-analysis").hostServices["stock-analysis"]!.redis!;
    expect([redis.ports.length, redis.clusterReplicas, redis.clusterNodeTimeoutMs]).toEqual([6, 1, 5000]);
  });
  it("counts replicas as nodes: masters x (1 + replicas), at least 3 masters, and each reserves maxmemory", () => {
    let raw = sa();
    raw["hostServices"]["stock-analysis"]["redis"]["ports"] = [6379, 6380, 6381, 6382];
    expectProblem(raw, "parity:hostServices.stock-analysis.redis.ports", /4 node\(s\) cannot form a cluster with 1 replica/, /multiple of 2 .* at least 6/);
    raw = sa();
    raw["hostServices"]["stock-analysis"]["redis"]["clusterReplicas"] = 2;
    expectProblem(raw, "parity:hostServices.stock-analysis.redis.ports", /6 node\(s\) cannot form a cluster with 2 replica/, /at least 9/);
    raw = sa();
    raw["hostServices"]["stock-analysis"]["redis"]["maxmemoryMb"] = 1025;
    expectProblem(raw, "parity:hostServices.stock-analysis.redis.maxmemoryMb", /6 node\(s\), replicas included\) and PostgreSQL shared_buffers reserve 8198 MiB/);
    raw["hostServices"]["stock-analysis"]["redis"]["maxmemoryMb"] = 1024;
    expect(problemsOf(raw)).toEqual([]);
  });
  it("refuses replicas for a standalone Redis and negative counts", () => {
    const raw = sa();
    Object.assign(raw["hostServices"]["stock-analysis"]["redis"], { mode: "standalone", ports: [6379], clusterReplicas: 1 });
    expectProblem(raw, "parity:hostServices.stock-analysis.redis.clusterReplicas", /standalone/, /0, or mode: cluster/);
    raw["hostServices"]["stock-analysis"]["redis"]["clusterReplicas"] = -1;
    expectProblem(raw, "parity:hostServices.stock-analysis.redis.clusterReplicas", /./);
  });
});
