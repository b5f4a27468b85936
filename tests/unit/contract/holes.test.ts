import { mkdtempSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContractError, Problem, formatProblems } from "../../../contract/problems";
import { StackFileError } from "../../../contract/stackDocument";
import { validateStackConfig } from "../../../targets";
import { readStackFile } from "../../../tools/stackFiles";
import { ROOT, rawStackConfig } from "../../helpers/stackConfig";

// These tests edit raw stack documents into shapes the config types forbid: `any` is their type.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return */
type Raw = Record<string, any>;

function problemsOf(raw: Raw, stack = "test"): Problem[] {
  try {
    validateStackConfig(raw, stack);
  } catch (e) {
    if (e instanceof ContractError) return [...e.problems];
    throw e;
  }
  return [];
}

function expectProblem(raw: Raw, path: string, problem: RegExp, allowed?: RegExp, stack?: string): void {
  const problems = problemsOf(raw, stack);
  const hit = problems.find((p) => p.path === path && problem.test(p.problem) && (!allowed || allowed.test(p.allowed)));
  if (!hit) throw new Error(`no problem at ${path} matching ${problem}; got:\n${problems.map((p) => `${p.path}: ${p.problem} | ${p.allowed}`).join("\n")}`);
}

const svc = (raw: Raw, name: string): Raw => raw["services"].find((s: Raw) => s.name === name);
const svcIndex = (raw: Raw, name: string): number => raw["services"].findIndex((s: Raw) => s.name === name);
const SA = "parity:hostServices.stock-analysis";

describe("configs that were accepted and then crashed are refused", () => {
  it("in-guest PostgreSQL other than 15 (Debian 12 packages only 15; the renderer wanted >= 13)", () => {
    for (const version of [12, 16, 17]) {
      const sa: Raw = rawStackConfig("stock-analysis");
      sa["hostServices"]["stock-analysis"].postgres.version = version;
      expectProblem(sa, `${SA}.postgres.version`, new RegExp(`got the whole number ${version}`), /15: Debian 12 packages PostgreSQL 15 only/);
    }
  });

  it("a health check whose test has a broken reference (was a TypeError / 'unvalidated template' in the model)", () => {
    const raw: Raw = rawStackConfig("homelab");
    const i = svcIndex(raw, "backend");
    svc(raw, "backend").healthcheck.test = ["CMD", "curl", "http://${service.dbb.host}:8000", "${self.nope}"];
    expectProblem(raw, `parity:services[${i}].healthcheck.test[2]`, /references unknown service 'dbb' \(did you mean 'db'\?\)/);
    expectProblem(raw, `parity:services[${i}].healthcheck.test[3]`, /'\$\{self.nope\}' is not a known reference/, /\$\{self.name\|host\|port\|url\|replica\}/);
  });

  it("two equal Azure PostgreSQL databases (was 'duplicate resource names' with a trace)", () => {
    const az: Raw = rawStackConfig("azure");
    az["azure"].postgres.databases = ["ktrdr", "ktrdr"];
    expectProblem(az, "parity:azure.postgres.databases[1]", /'ktrdr' is listed twice \(also databases\[0\]\)/, /each database once/, "azure");
  });

  it("in-guest names and lists the renderers refused: duplicate roles, bad extension names, standalone Redis with two ports", () => {
    const sa: Raw = rawStackConfig("stock-analysis");
    const g = sa["hostServices"]["stock-analysis"];
    g.postgres.roles.push({ ...g.postgres.roles[0] });
    g.postgres.databases[0].extensions = [{ name: "Monitoring" }];
    g.redis.mode = "standalone";
    g.redis.ports = [6379, 6380];
    const n = g.postgres.roles.length - 1;
    expectProblem(sa, `${SA}.postgres.roles[${n}].name`, /role '.+' is declared twice/);
    expectProblem(sa, `${SA}.postgres.databases[0].extensions[0].name`, /'Monitoring' is not an extension name/);
    expectProblem(sa, `${SA}.redis.ports`, /standalone Redis with 2 ports/, /exactly one port/);
  });
});

describe("the rules the RabbitMQ renderer asserted are the contract's", () => {
  it("no guest, distinct users, RabbitMQ names and apt version pins, each with its key path", () => {
    const sa: Raw = rawStackConfig("stock-analysis");
    const rabbit = sa["hostServices"]["stock-analysis"].rabbitmq;
    rabbit.appUser.name = "guest";
    rabbit.adminUser = { name: "guest", passwordSecret: rabbit.appUser.passwordSecret };
    rabbit.deadLetterQueue = "dlq with spaces";
    rabbit.source = { kind: "rabbitmq", version: "latest; rm -rf /" };
    expectProblem(sa, `${SA}.rabbitmq.appUser.name`, /'guest' is RabbitMQ's built-in account/);
    expectProblem(sa, `${SA}.rabbitmq.adminUser.name`, /is the same user as appUser/);
    expectProblem(sa, `${SA}.rabbitmq.deadLetterQueue`, /characters RabbitMQ names cannot hold/);
    expectProblem(sa, `${SA}.rabbitmq.source.version`, /got string "latest; rm -rf \/"/, /an apt version or glob/);
  });
});

describe("the rules the backup renderer asserted are the contract's", () => {
  it("databases, directory and retention, each with its key path", () => {
    const sa: Raw = rawStackConfig("stock-analysis");
    const backup = sa["hostServices"]["stock-analysis"].backup;
    backup.databases = ["a; rm -rf /"];
    backup.directory = "relative/dir";
    expectProblem(sa, `${SA}.backup.databases[0]`, /got string "a; rm -rf \/"/, /lowercase PostgreSQL identifier/);
    expectProblem(sa, `${SA}.backup.directory`, /relative\/dir/);
    const forever: Raw = rawStackConfig("stock-analysis");
    forever["hostServices"]["stock-analysis"].backup.keepDays = 0;
    delete forever["hostServices"]["stock-analysis"].backup.keepCount;
    expectProblem(forever, `${SA}.backup.keepDays`, /keeps every dump forever/, /keepDays of 1 or more, or a keepCount/);
    const none: Raw = rawStackConfig("stock-analysis");
    none["hostServices"]["stock-analysis"].backup.databases = [];
    expectProblem(none, `${SA}.backup.databases`, /.+/);
  });

  it("a backup on the shared storage refuses the guests' root group as the share's group (the job runs with it)", () => {
    const sa: Raw = rawStackConfig("stock-analysis");
    sa["sharedStorage"].ownerGid = 100000;
    expectProblem(sa, "parity:sharedStorage.ownerGid", /100000 is the guests' root group \(gid 0\), which the backup job on host 'stock-analysis' would run with/, /guest gid 1\.\.65535/);
    sa["sharedStorage"].ownerGid = 100001;
    expect(problemsOf(sa)).toEqual([]);
  });
});

describe("the rules the native-services renderer asserted are the contract's", () => {
  it("names, pins and paths (schema), ports, health checks and uv's pin (cross-checks), each with its key path", () => {
    const sa: Raw = rawStackConfig("stock-analysis");
    const native = sa["hostServices"]["stock-analysis"].native;
    native.services[0] = { ...native.services[0], name: "Bad", path: "../etc" };
    native.sources.app = { ...native.sources.app, commit: "main" };
    expectProblem(sa, `${SA}.native.services[0].name`, /got string "Bad"/);
    expectProblem(sa, `${SA}.native.services[0].path`, /got string "\.\.\/etc"/, /inside the release/);
    expectProblem(sa, `${SA}.native.sources.app.commit`, /got string "main"/, /40-hex commit SHA/);
    const cross: Raw = rawStackConfig("stock-analysis");
    const n = cross["hostServices"]["stock-analysis"].native;
    n.services[1] = { ...n.services[1], port: 8001 };
    n.services[2] = { ...n.services[2], health: { timeoutSeconds: 60 } };
    n.uv = { url: "https://example.invalid/uv" };
    expectProblem(cross, `${SA}.native.services[1].port`, /port 8001 is already used by native service 'broker-gateway'/);
    expectProblem(cross, `${SA}.native.services[2].health`, /declares no check/);
    expectProblem(cross, `${SA}.native.uv.sha256`, /missing: uv.url is downloaded and must be pinned/);
  });
});

describe("the rules the PostgreSQL renderer asserted are the contract's", () => {
  it("names, CIDRs, sizes and every reference to a role or database, each with its key path", () => {
    const sa: Raw = rawStackConfig("stock-analysis");
    const pg = sa["hostServices"]["stock-analysis"].postgres;
    pg.roles.push({ name: "Bad-Name" }, { name: "member", memberOf: ["ghost"] });
    pg.databases.push({ name: "second", owner: "stock_analysis_user", readOnlyRoles: ["nobody"] }, { name: "second", owner: "stock_analysis_user" });
    pg.clients = [{ cidr: "everywhere" }, { cidr: "10.1.0.0/24", databases: ["nodb"], roles: ["norole"] }];
    pg.eventStore = { database: "missing", writerRoles: ["writer"], readerRoles: ["reader"] };
    pg.settings = { "Work-Mem": "64MB" };
    pg.maxConnections = 4;
    pg.sharedBuffersMb = 8;
    const roles = pg.roles.length;
    expectProblem(sa, `${SA}.postgres.roles[${roles - 2}].name`, /got string "Bad-Name"/, /lowercase PostgreSQL identifier/);
    expectProblem(sa, `${SA}.postgres.roles[${roles - 1}].memberOf[0]`, /names unknown role 'ghost'/);
    expectProblem(sa, `${SA}.postgres.databases[1].readOnlyRoles`, /names unknown role 'nobody'/);
    expectProblem(sa, `${SA}.postgres.databases[2].name`, /database 'second' is declared twice/);
    expectProblem(sa, `${SA}.postgres.clients[0].cidr`, /got string "everywhere"/, /an IPv4 address with a prefix length/);
    expectProblem(sa, `${SA}.postgres.clients[1].databases[0]`, /names unknown database 'nodb'/);
    expectProblem(sa, `${SA}.postgres.clients[1].roles[0]`, /names unknown role 'norole'/);
    expectProblem(sa, `${SA}.postgres.eventStore.database`, /names unknown database 'missing'/);
    expectProblem(sa, `${SA}.postgres.eventStore.writerRoles[0]`, /names unknown role 'writer'/);
    expectProblem(sa, `${SA}.postgres.eventStore.readerRoles[0]`, /names unknown role 'reader'/);
    expectProblem(sa, `${SA}.postgres.settings.Work-Mem`, /got string "64MB"/);
    expectProblem(sa, `${SA}.postgres.maxConnections`, /got the whole number 4/, /at least 10/);
    expectProblem(sa, `${SA}.postgres.sharedBuffersMb`, /got the whole number 8/, /at least 16/);
  });

  it("the 25% shared_buffers default needs a guest of at least 64 MiB", () => {
    const sa: Raw = rawStackConfig("stock-analysis");
    sa["hosts"][0].memoryMb = 48;
    expectProblem(sa, `${SA}.postgres.sharedBuffersMb`, /gives a quarter below PostgreSQL's 16 MB minimum/);
  });
});

describe("accepted though they would fail at deploy or break a rule", () => {
  it("a plain-text password in a native service's env", () => {
    const sa: Raw = rawStackConfig("stock-analysis");
    const native = sa["hostServices"]["stock-analysis"].native.services[0];
    native.env = { ...native.env, REDIS_PASSWORD: "hunter2hunter2", BROKER_URL: "amqp://app:hunter2@127.0.0.1:5672/" };
    expectProblem(sa, `${SA}.native.services[0].env.REDIS_PASSWORD`, /looks like a secret given as plain text/, /\$\{secret\.NAME\}/);
    expectProblem(sa, `${SA}.native.services[0].env.BROKER_URL`, /embeds a plain-text password in a URL/);
  });

  it("user 0:0 (or no user) without allowRoot", () => {
    const raw: Raw = rawStackConfig("homelab");
    svc(raw, "backend").user = "0:0";
    delete svc(raw, "prometheus").user;
    expectProblem(raw, `parity:services[${svcIndex(raw, "backend")}].user`, /'backend' runs as root \(0:0\)/, /allowRoot/);
    expectProblem(raw, `parity:services[${svcIndex(raw, "prometheus")}].user`, /sets no user/, /non-root uid:gid/);
  });

  it("two volumes on one mount path, or on the shared storage's path", () => {
    const raw: Raw = rawStackConfig("homelab");
    const db = svc(raw, "db");
    db.volumes = [...db.volumes, { name: "more", path: `${db.volumes[0].path}/` }];
    const i = svcIndex(raw, "db");
    expectProblem(raw, `parity:services[${i}].volumes[${db.volumes.length - 1}].path`, /mounts .+, which parity:services\[\d\]\.volumes\[0\]\.path already mounts/, /one mount per path/);
  });

  it("a container that needs shared storage on a host sharedStorage.hosts does not list", () => {
    const raw: Raw = rawStackConfig("homelab");
    raw["sharedStorage"].hosts = ["core", "workers-b"];
    expectProblem(raw, "parity:workers[0].sharedStorage", /needs shared storage on 'workers-c', which parity:sharedStorage.hosts does not list/, /add workers-c/);
  });

  it("CPU caps and health-check intervals of 1e308 on docker and azure", () => {
    const local: Raw = rawStackConfig("local");
    svc(local, "backend").limits.cpus = 1e308;
    svc(local, "db").healthcheck.intervalSeconds = 1e308;
    expectProblem(local, `parity:services[${svcIndex(local, "backend")}].limits.cpus`, /1e\+308 CPUs/, /0.01 to 1024/);
    expectProblem(local, `parity:services[${svcIndex(local, "db")}].healthcheck.intervalSeconds`, /got the whole number 1e\+308/, /^at most 86400$/);
    const az: Raw = rawStackConfig("azure");
    svc(az, "backend").limits.cpus = 1e308;
    svc(az, "backend").healthcheck = { test: ["CMD", "true"], intervalSeconds: 600 };
    expectProblem(az, `parity:services[${svcIndex(az, "backend")}].limits.cpus`, /not a Container Apps consumption size/, /0.25 to 4 in steps of 0.25/, "azure");
    expectProblem(az, `parity:services[${svcIndex(az, "backend")}].healthcheck.intervalSeconds`, /more than a Container App probe takes/, /at most 240/, "azure");
  });

  it("on azure, every CPU and probe timing the Container App component used to clamp", () => {
    const az: Raw = rawStackConfig("azure");
    svc(az, "backend").limits.cpus = 0.1;
    svc(az, "backend").healthcheck = { test: ["CMD", "true"], timeoutSeconds: 241, retries: 11, startPeriodSeconds: 61 };
    const i = svcIndex(az, "backend");
    expectProblem(az, `parity:services[${i}].limits.cpus`, /0.1 CPUs is not a Container Apps consumption size/, /0.25 to 4 in steps of 0.25/, "azure");
    expectProblem(az, `parity:services[${i}].healthcheck.timeoutSeconds`, /241 is more than a Container App probe takes/, /at most 240/, "azure");
    expectProblem(az, `parity:services[${i}].healthcheck.retries`, /11 is more than a Container App probe takes/, /at most 10/, "azure");
    expectProblem(az, `parity:services[${i}].healthcheck.startPeriodSeconds`, /61 is more than a Container App probe takes/, /at most 60/, "azure");
  });

  it("an env value of 1 MiB, refused without echoing it", () => {
    const raw: Raw = rawStackConfig("local");
    svc(raw, "backend").env.BIG = "x".repeat(1024 * 1024);
    const i = svcIndex(raw, "backend");
    expectProblem(raw, `parity:services[${i}].env.BIG`, /is 1048580 bytes long with its name/, /at most 65536 bytes \(Linux caps one environment string at 128 KiB\)/);
    let message = "";
    try { validateStackConfig(raw, "local"); } catch (e) { message = (e as Error).message; }
    expect(message.length).toBeLessThan(2000);
  });

  it("a health check whose test[0] is not NONE, CMD or CMD-SHELL", () => {
    const raw: Raw = rawStackConfig("local");
    svc(raw, "backend").healthcheck.test = ["curl", "-f", "http://localhost:8000/health"];
    expectProblem(raw, `parity:services[${svcIndex(raw, "backend")}].healthcheck.test[0]`, /'curl' is not a health-check form/, /CMD \(argv follows\), CMD-SHELL .* or NONE/);
  });

  it("CIDR octets above 255 are the CIDR's fault, not the subnets'", () => {
    const az: Raw = rawStackConfig("azure");
    az["azure"].network.vnetCidr = "10.400.0.0/16";
    const problems = problemsOf(az, "azure");
    expect(problems.find((p) => p.path === "parity:azure.network.vnetCidr")?.allowed).toMatch(/octets 0-255/);
    expect(problems.filter((p) => /Subnet$/.test(p.path))).toEqual([]);
  });
});

describe("every problem at once, in plain words", () => {
  it("a type error no longer hides a gateway outside its subnet or a flow to the wrong port", () => {
    const raw: Raw = rawStackConfig("homelab");
    raw["hosts"][1]["cores"] = "four";
    raw["proxmox"]["network"]["gateway"] = "10.0.0.1";
    const f = raw["flows"].findIndex((x: Raw) => x.to === "db");
    raw["flows"][f].port = 5433;
    expectProblem(raw, "parity:hosts[1].cores", /wrong type: got string "four"/, /a number/);
    expectProblem(raw, "parity:proxmox.network.gateway", /10.0.0.1 is outside subnet 192.168.1.0\/24/);
    expectProblem(raw, `parity:flows[${f}].port`, /'db' does not listen on 5433/);
  });

  it("cross-checks on what parsed keep the file's own list indexes", () => {
    const raw: Raw = rawStackConfig("homelab");
    raw["hosts"][0]["vmid"] = "x"; // hosts[0] set aside for the cross-checks
    raw["hosts"][2]["network"] = { ipv4: "192.168.2.52/24" };
    expectProblem(raw, "parity:hosts[0].vmid", /wrong type/);
    expectProblem(raw, "parity:hosts[2].network.ipv4", /192.168.2.52 is outside subnet/);
    // The set-aside host's name is still known: no follow-on 'unknown host core'.
    expect(problemsOf(raw).filter((p) => /unknown host 'core'/.test(p.problem))).toEqual([]);
  });

  it("'a whole number', not 'a int'; a missing enum key, not 'got undefined undefined'", () => {
    const raw: Raw = rawStackConfig("homelab");
    raw["hosts"][0]["cores"] = 1.5;
    delete raw["target"];
    expectProblem(raw, "parity:hosts[0].cores", /got the number 1.5/, /^a whole number$/);
    expectProblem(raw, "parity:target", /^missing required key$/, /"proxmox", "azure", "docker"/);
    const text = formatProblems(problemsOf(raw));
    expect(text).not.toMatch(/undefined|a int\b/);
  });

  it("container memory over a guest is reported on the guest, naming every share", () => {
    const raw: Raw = rawStackConfig("homelab");
    svc(raw, "backend").limits.memoryMb = 8000;
    expectProblem(raw, "parity:hosts[0].memoryMb", /add up to \d+ MiB \(backend 8000, .*\), the guest has \d+ MiB/);
  });
});

describe("stack files that are not YAML maps", () => {
  function scratch(text: string): string {
    const dir = mkdtempSync(join(tmpdir(), "parity-stackfile-"));
    copyFileSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
    writeFileSync(join(dir, "Pulumi.t.yaml"), text);
    return dir;
  }
  const cases: [string, string, RegExp][] = [
    ["a duplicate key", "config:\n  parity:target: docker\n  parity:target: azure\n", /^Pulumi\.t\.yaml:3:3: YAML syntax error: Map keys must be unique$/],
    ["an unclosed bracket", "config:\n  parity:images: [a, b\n", /^Pulumi\.t\.yaml:\d+:\d+: YAML syntax error: .*\]/],
    ["a tab", "config:\n\tparity:target: docker\n", /^Pulumi\.t\.yaml:2:1: YAML syntax error: Tabs are not allowed as indentation$/],
    ["a top-level list", "- a\n- b\n", /^Pulumi\.t\.yaml: is a list at the top; a stack file is a map with a 'config:' map/],
    ["a list under config:", "config:\n  - parity:target: docker\n", /^Pulumi\.t\.yaml: 'config:' is a list; it must be a map/],
    ["config: forgotten", "parity:target: docker\nparity:environment: dev\n", /^Pulumi\.t\.yaml: parity:target and the other keys are at the top level; put them under 'config:'/],
  ];
  it.each(cases)("%s: one line naming the file (and line, column), no trace", (_, text, message) => {
    let err: unknown;
    try { readStackFile("t", scratch(text)); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(StackFileError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain("\n");
  });
});

describe("names the application expects: network aliases", () => {
  it("accepts LifeBuddy's '_' names (prod_db) as aliases, not as service names", () => {
    const lb: Raw = rawStackConfig("lifebuddy");
    expect(problemsOf(lb, "lifebuddy")).toEqual([]);
    svc(lb, "db").name = "prod_db";
    expectProblem(lb, `parity:services[${svcIndex(lb, "prod_db")}].name`, /got string "prod_db"/, /lowercase DNS label/, "lifebuddy");
  });

  it("refuses an alias that is another container's name or alias, aliases on Azure, and dev aliases on worker pools", () => {
    const lb: Raw = rawStackConfig("lifebuddy");
    svc(lb, "ollama").aliases = ["message-broker", "prod_db"];
    const i = svcIndex(lb, "ollama");
    expectProblem(lb, `parity:services[${i}].aliases[0]`, /'message-broker' is already the name of service 'message-broker'/, /no other container or alias/, "lifebuddy");
    expectProblem(lb, `parity:services[${i}].aliases[1]`, /'prod_db' is already an alias of 'db'/, undefined, "lifebuddy");
    const az: Raw = rawStackConfig("azure");
    svc(az, "backend").aliases = ["api"];
    az["workers"][0].dev = { aliases: ["w"] };
    expectProblem(az, `parity:services[${svcIndex(az, "backend")}].aliases`, /target azure has no Docker networks/, /reached by their own names/, "azure");
    expectProblem(az, "parity:workers[0].dev.aliases", /worker replicas are reached by their own names/, undefined, "azure");
  });
});
