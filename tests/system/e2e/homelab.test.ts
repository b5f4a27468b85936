/**
 * The KTRDR homelab, end to end on the test bed: the real program plans the test-bed stack
 * under mocks; one Debian 12 LXC per planned guest (static address, nesting, the shared
 * storage as an LXC bind mount); then exactly the plan's copies, commands and Docker
 * resources, over SSH, in the order the recorded dependencies give. See docs/TESTBED.md.
 * The guests run the in-guest firewall Parity renders from the flows; the suite probes it from
 * two LAN stand-ins (inside and outside the admin sources) and from each guest to the others.
 *
 * Run: npm run test:e2e
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { Guest, ensureTestbed } from "../../../tools/testbed/testbed";
import { ContainerFacts, containers, ok, waitHealthy } from "../../../tools/testbed/deploy/checks";
import { Testbed, UpOptions, UpResult, createTestbed, destroyTestbed, ofType, up } from "../../../tools/testbed/deploy/deploy";
import { buildGraph } from "../../../tools/testbed/deploy/graph";
import { PlannedStack, REPO_ROOT, STACK, STACK_DIR, assetText, installedFile, plannedGuests, planTestbed } from "../../../tools/testbed/deploy/plan";
import { GUEST_NFT_FILE } from "../../../renderers/guestFirewall";
import { LanNamespace } from "../lib/lanNamespace";
import { Flow, Placed, Reach, flowPorts, listening, publishedOn, reachTable, reachableFrom } from "./reachability";

const CONTAINER = "docker:index/container:Container";
/** What Docker itself adds to a container's environment. */
const DOCKER_ENV = ["HOME", "HOSTNAME", "PATH"];
/** LAN stand-ins on the bridge: an operator workstation the stack lists in adminSources, and any other LAN machine. */
const LAN_ADMIN = "10.231.0.250";
const LAN_OTHER = "10.231.0.252";

let planned: PlannedStack;
let tb: Testbed;
let hosts: string[] = [];
let first: UpResult;
const state: UpOptions = { rerunUnchangedSteps: true, commandState: new Map(), dockerState: new Map() };
const timings: Record<string, number> = {};

const guest = (host: string): Guest => {
  const g = tb.guests.get(host);
  if (!g) throw new Error(`no guest for host ${host}`);
  return g;
};
const env = (service: string): Record<string, string> => {
  const e = planned.plan.env[service];
  if (!e) throw new Error(`no env for ${service} in the plan`);
  return e;
};
const stackFile = (dir: string, stack: string) => (parse(readFileSync(join(dir, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
/** The nftables ruleset the plan installs on a guest (its guest-firewall step's file). */
function plannedRuleset(p: PlannedStack, host: string): string {
  const copy = p.resources.find((r) => r.type === "command:remote:CopyToRemote" && r.name === `${host}-guest-firewall-copy`);
  const nft = copy && installedFile(assetText(copy), GUEST_NFT_FILE);
  if (!nft) throw new Error(`the plan installs no ${GUEST_NFT_FILE} on ${host}`);
  return nft;
}
async function allContainers(): Promise<Map<string, ContainerFacts & { host: string }>> {
  const out = new Map<string, ContainerFacts & { host: string }>();
  for (const [host, g] of tb.guests) for (const [n, c] of await containers(g)) out.set(n, { ...c, host });
  return out;
}

beforeAll(async () => {
  const t0 = Date.now();
  await ensureTestbed();
  planned = await planTestbed();
  hosts = plannedGuests(planned.resources).map((p) => p.host);
  tb = await createTestbed(planned);
  timings["guestsSeconds"] = (Date.now() - t0) / 1000;
  first = await up(planned, tb, state);
  timings["firstUpSeconds"] = first.seconds;
  for (const g of tb.guests.values()) await waitHealthy(g);
  timings["toHealthySeconds"] = (Date.now() - t0) / 1000;
  console.log(`[e2e] provisioning order (completion): ${first.steps.map((s) => `${s.name} ${s.seconds.toFixed(1)}s`).join(" → ")}`);
  for (const s of first.skipped) console.log(`[e2e] NOT RUN: ${s.name} on ${s.address}: ${s.why}`);
}, 14 * 60_000);

afterAll(async () => {
  await destroyTestbed(tb, hosts.length ? hosts : ["core", "workers-b", "workers-c"]);
  console.log(`[e2e timings] ${JSON.stringify(timings)}`);
});

test("the test-bed stack is the homelab's shape, on test-bed addresses", () => {
  const home = stackFile(REPO_ROOT, "homelab");
  const bed = stackFile(STACK_DIR, STACK);
  // Services as the homelab declares them, except for their rollout settings: this harness
  // realizes containers delete-first and runs no rollout proxy (the docker suite proves rollouts).
  const withoutRollout = (v: unknown) => Array.isArray(v) ? v.map((x) => { const { rollout: _rollout, ...rest } = x as Record<string, unknown>; return rest; }) : v;
  for (const key of ["parity:target", "parity:environment", "parity:sharedStorage", "parity:registries", "parity:images", "parity:secrets", "parity:services", "parity:workers", "parity:flows", "parity:observability"]) {
    expect({ key, value: withoutRollout(bed[key]) }).toEqual({ key, value: withoutRollout(home[key]) });
  }
  expect(readFileSync(join(STACK_DIR, "Pulumi.yaml"), "utf8")).toBe(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8"));
  expect(JSON.stringify(bed)).not.toMatch(/192\.168\./);
  expect(hosts.sort()).toEqual(["core", "workers-b", "workers-c"]);
});

test("every planned step ran on its guest, after what it depends on; only the node's NFS export could not", () => {
  const commands = ofType(planned.resources, "command:remote:Command");
  const ran = first.steps.map((s) => s.name);
  const nodeAddresses = (stackFile(STACK_DIR, STACK)["parity:proxmox"] as { nodes: { address: string }[] }).nodes.map((n) => n.address);
  expect(first.skipped.map((s) => s.name)).toEqual(["shared-ktrdr-shared-export-run"]);
  expect(nodeAddresses).toContain(first.skipped[0]!.address);
  expect([...ran].sort()).toEqual(commands.map((c) => c.name).filter((n) => !first.skipped.some((s) => s.name === n)).sort());
  // Completion order respects every recorded dependency between commands.
  for (const a of buildGraph(planned.resources).filter((x) => x.kind === "command" && ran.includes(x.resource.name))) {
    for (const dep of a.after) {
      const d = planned.resources.find((r) => r.urn === dep)!;
      if (d.type === "command:remote:Command" && ran.includes(d.name)) expect(ran.indexOf(d.name)).toBeLessThan(ran.indexOf(a.resource.name));
    }
  }
  for (const host of hosts) expect(ran.indexOf(`${host}-bootstrap-run`)).toBeLessThan(ran.indexOf(`${host}-docker-engine-run`));
  // The ruleset is loaded before Docker can publish a port.
  for (const host of hosts) expect(ran.indexOf(`${host}-guest-firewall-run`)).toBeLessThan(ran.indexOf(`${host}-docker-engine-run`));
  // Every provisioning step wrote its files; health gates only wait for a container, writing nothing.
  for (const s of first.steps.filter((x) => !x.name.endsWith("-health-wait"))) expect({ step: s.name, wroteFiles: s.changedFiles.length > 0 }).toEqual({ step: s.name, wroteFiles: true });
});

test("every container runs, and every one with a health check is healthy", async () => {
  const all = await allContainers();
  const planned_ = ofType(planned.resources, CONTAINER);
  expect([...all.keys()].sort()).toEqual(planned_.map((c) => String(c.rawInputs["name"])).sort());
  for (const c of planned_) {
    const facts = all.get(String(c.rawInputs["name"]))!;
    expect({ name: facts.name, running: facts.running, health: facts.health }).toEqual({ name: facts.name, running: true, health: c.rawInputs["healthcheck"] ? "healthy" : "none" });
  }
  // The database is Debian's PostgreSQL 15 with the plan's (mock) password in effect.
  const db = ofType(planned.resources, CONTAINER).find((c) => c.rawInputs["name"] === "db")!;
  const pw = (db.rawInputs["envs"] as string[]).find((e) => e.startsWith("POSTGRES_PASSWORD="))!.slice("POSTGRES_PASSWORD=".length);
  expect(await ok(guest("core"), `read -r PGPASSWORD; export PGPASSWORD; docker exec -e PGPASSWORD="$PGPASSWORD" db psql -h 127.0.0.1 -U ktrdr -d ktrdr -Atc 'select 6*7'`, `${pw}\n`)).toBe("42");
  // The backend reaches the database by its Docker name on their shared internal network.
  expect(await ok(guest("core"), `docker exec backend python -c "import socket; socket.create_connection(('db', 5432), 3); print('db reachable')"`)).toBe("db reachable");
});

test("the backend answers at KTRDR_API_URL from the worker guest and from inside a worker, not from a guest that runs no worker yet", async () => {
  const url = env("backend")["KTRDR_API_URL"]!;
  expect(url).toBe("http://backend.ktrdr.parity-testbed:8000");
  expect(JSON.parse(await ok(guest("workers-b"), `curl -fsS --max-time 5 ${url}/health`))).toMatchObject({ status: "ok" });
  // One replica per pool, both on workers-b: no flow reaches the backend from workers-c (until the scale-up below).
  expect((await guest("workers-c").exec(`curl -fsS --max-time 3 ${url}/health`)).code).not.toBe(0);
  const fromWorker = await ok(guest("workers-b"), `docker exec backtest-worker-1 python -c "import os, urllib.request; print(urllib.request.urlopen(os.environ['KTRDR_API_URL'] + '/health', timeout=5).status)"`);
  expect(fromWorker).toBe("200");
});

test("each worker's WORKER_PUBLIC_BASE_URL answers from the core guest with exactly the plan's environment", async () => {
  const workers = ofType(planned.resources, CONTAINER).filter((c) => (c.rawInputs["labels"] as { label: string; value: string }[]).some((l) => l.label === "parity.service" && /worker/.test(l.value)));
  expect(workers.length).toBe(2);
  for (const w of workers) {
    const name = String(w.rawInputs["name"]);
    const expected = env(name);
    const base = expected["WORKER_PUBLIC_BASE_URL"]!;
    expect(JSON.parse(await ok(guest("core"), `curl -fsS --max-time 5 ${base}/health`))).toEqual({ status: "ok", service: name });
    const seen = JSON.parse(await ok(guest("core"), `curl -fsS --max-time 5 ${base}/env`)) as Record<string, string>;
    expect(Object.keys(seen).filter((k) => !DOCKER_ENV.includes(k)).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) if (v !== "[secret]") expect({ k, v: seen[k] }).toEqual({ k, v });
  }
});

test("the shared storage is at guestPath in every guest and at /mnt/shared in containers, one directory for all", async () => {
  const storage = stackFile(STACK_DIR, STACK)["parity:sharedStorage"] as { guestPath: string; containerPath: string; hosts: string[] };
  for (const h of storage.hosts) await ok(guest(h), `mountpoint -q ${storage.guestPath}`);
  await ok(guest("core"), `echo from-core-guest > ${storage.guestPath}/core.txt`);
  expect(await ok(guest("workers-c"), `cat ${storage.guestPath}/core.txt`)).toBe("from-core-guest");
  // A worker container (uid 1000) on workers-b writes; the backend container on core reads.
  await ok(guest("workers-b"), `docker exec backtest-worker-1 sh -c 'echo from-worker > ${storage.containerPath}/worker.txt && stat -c %u ${storage.containerPath}/worker.txt'`);
  expect(await ok(guest("core"), `docker exec backend cat ${storage.containerPath}/worker.txt`)).toBe("from-worker");
  expect(await ok(guest("workers-c"), `stat -c %u ${storage.guestPath}/worker.txt`)).toBe("1000");
  // The node's ownership (its step's own script ran on this host): app uid/gid 1000, setgid, closed to others.
  for (const h of storage.hosts) expect(await ok(guest(h), `stat -c '%u:%g %a' ${storage.guestPath}`)).toBe("1000:1000 2770");
  // Any container user writes through the share's group (group_add), and the file keeps that group.
  expect(await ok(guest("workers-b"), `docker exec -u 4242:4242 backtest-worker-1 sh -c 'echo other-uid > ${storage.containerPath}/other-uid.txt && stat -c %u:%g ${storage.containerPath}/other-uid.txt'`)).toBe("4242:1000");
  expect(await ok(guest("core"), `docker exec backend cat ${storage.containerPath}/other-uid.txt`)).toBe("other-uid");
  const outsider = await guest("core").exec(`runuser -u nobody -- ls ${storage.guestPath}`);
  expect(outsider.code).not.toBe(0);
});

/** Scrape jobs as rendered into the Prometheus container: job → target address. */
function declaredJobs(p: PlannedStack): Map<string, string> {
  const prom = ofType(p.resources, CONTAINER).find((c) => c.rawInputs["name"] === "prometheus")!;
  const file = (prom.rawInputs["uploads"] as { file: string; content: string }[]).find((u) => u.file === "/etc/prometheus/prometheus.yml")!;
  const cfg = parse(file.content) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
  return new Map(cfg.scrape_configs.map((j) => [j.job_name, j.static_configs[0]!.targets[0]!]));
}

type TargetsAnswer = { data: { activeTargets: { labels: { job: string }; scrapeUrl: string; health: string; lastError: string }[] } };
async function targetsUp(expected: Map<string, string>, timeoutMs = 90_000): Promise<TargetsAnswer["data"]["activeTargets"]> {
  const deadline = Date.now() + timeoutMs;
  let active: TargetsAnswer["data"]["activeTargets"] = [];
  while (Date.now() < deadline) {
    active = (JSON.parse(await ok(guest("core"), "curl -fsS --max-time 5 'http://localhost:9090/api/v1/targets?state=active'")) as TargetsAnswer).data.activeTargets;
    if (active.length === expected.size && active.every((t) => t.health === "up")) return active;
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(`Prometheus targets not all up: ${JSON.stringify(active.map((t) => [t.labels.job, t.health, t.lastError]))}`);
}

test("Prometheus (Debian's package) scrapes every declared target, and a stand-in's metric can be queried", async () => {
  const jobs = declaredJobs(planned);
  expect([...jobs.keys()].sort()).toEqual(["backend", "backtest-worker-1", "prometheus", "training-worker-1"]);
  // The file Parity rendered is the one Prometheus runs with, and its own promtool accepts it.
  expect(await ok(guest("core"), "docker exec prometheus promtool check config /etc/prometheus/prometheus.yml 2>&1")).toContain("SUCCESS");
  const active = await targetsUp(jobs);
  timings["prometheusTargetsUp"] = active.filter((t) => t.health === "up").length;
  timings["prometheusTargetsDeclared"] = jobs.size;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers any
  for (const t of active) expect({ job: t.labels.job, url: t.scrapeUrl }).toEqual({ job: t.labels.job, url: expect.stringContaining(`//${jobs.get(t.labels.job)}/`) });
  const q = JSON.parse(await ok(guest("core"), `curl -fsS --max-time 5 'http://localhost:9090/api/v1/query?query=parity_standin_info'`)) as { data: { result: { metric: Record<string, string> }[] } };
  expect(q.data.result.map((r) => [r.metric["job"], r.metric["standin"]]).sort()).toEqual([
    ["backend", "app"], ["backtest-worker-1", "backtest-worker-1"], ["training-worker-1", "training-worker-1"],
  ]);
});

test("the guest firewalls admit exactly the flows: the LAN admin reaches SSH and every published port, another LAN address nothing, each guest only its flows' ports", async () => {
  const network = (stackFile(STACK_DIR, STACK)["parity:proxmox"] as { network: { subnet: string; adminSources: string[] } }).network;
  expect(network.adminSources).toContain(`${LAN_ADMIN}/32`);
  expect(network.adminSources.some((s) => s.startsWith(`${LAN_OTHER}/`) || s === network.subnet)).toBe(false);
  const flows = stackFile(STACK_DIR, STACK)["parity:flows"] as Flow[];
  const running = await allContainers();
  const placed: Placed[] = ofType(planned.resources, CONTAINER).map((c) => {
    const name = String(c.rawInputs["name"]);
    const service = (c.rawInputs["labels"] as { label: string; value: string }[]).find((l) => l.label === "parity.service")!.value;
    return { service, host: running.get(name)!.host, ports: (c.rawInputs["ports"] as { internal: number; external?: number }[] | undefined) ?? [] };
  });
  const listen = new Map(await Promise.all(hosts.map(async (h) => [h, await listening(guest(h))] as const)));
  const admin = LanNamespace.create("parity-e2e-admin", LAN_ADMIN);
  const other = LanNamespace.create("parity-e2e-other", LAN_OTHER);
  const measure = async (): Promise<Map<string, Reach>> => new Map(await Promise.all(hosts.map(async (h) => {
    const address = guest(h).ipv4;
    const ports = [...listen.get(h)!.keys()].sort((a, b) => a - b);
    const fromGuests = Object.fromEntries(await Promise.all(hosts.filter((s) => s !== h).map(async (s) => [s, await reachableFrom(guest(s), address, ports)] as const)));
    return [h, { lanAdmin: await admin.reachable(address, ports), lanOther: await other.reachable(address, ports), fromGuests }] as const;
  })));
  const firewalls = (action: "start" | "stop") => Promise.all(hosts.map((h) => ok(guest(h), `systemctl ${action} parity-firewall.service`)));
  const t = Date.now();
  let before: Map<string, Reach>;
  let after: Map<string, Reach>;
  try {
    // "Before": the same guests with the ruleset unloaded (the unit's stop deletes the table), as inGuestFirewall: false leaves them.
    await firewalls("stop");
    before = await measure();
    await firewalls("start");
    after = await measure();
  } finally {
    await firewalls("start");
    admin.remove();
    other.remove();
  }
  timings["firewallProbeSeconds"] = (Date.now() - t) / 1000;
  console.log(`[e2e firewall] reachable TCP ports per guest, without → with the in-guest ruleset (LAN admin ${LAN_ADMIN}, LAN other ${LAN_OTHER}; (lo) = loopback only)\n${reachTable(listen, before, after)}`);

  const wide = (h: string) => [...listen.get(h)!].filter(([, w]) => w).map(([p]) => p).sort((a, b) => a - b);
  let crossGuestFlows = 0;
  for (const h of hosts) {
    const b = before.get(h)!;
    const a = after.get(h)!;
    // Without the ruleset every socket bound beyond loopback answers anyone: the probes can connect, so a "no" below is the firewall's.
    expect({ guest: h, lanOther: b.lanOther }).toEqual({ guest: h, lanOther: wide(h) });
    // With it: SSH and every port the guest publishes from the admin workstation (each of them really listens)...
    const operator = [22, ...publishedOn(placed, h)].sort((x, y) => x - y);
    expect({ guest: h, missing: operator.filter((p) => !wide(h).includes(p)) }).toEqual({ guest: h, missing: [] });
    expect({ guest: h, lanAdmin: a.lanAdmin }).toEqual({ guest: h, lanAdmin: operator });
    // ...nothing from a LAN address outside the admin sources (no flow admits "anywhere")...
    expect({ guest: h, lanOther: a.lanOther }).toEqual({ guest: h, lanOther: [] });
    // ...and from each other guest exactly the published ports its services' flows target; every other listening socket is refused or dropped.
    for (const s of hosts.filter((x) => x !== h)) {
      const declared = flowPorts(flows, placed, s, h);
      crossGuestFlows += declared.length;
      expect({ from: s, to: h, reached: a.fromGuests[s] }).toEqual({ from: s, to: h, reached: declared });
    }
  }
  // The flows that cross guests here: workers-b's workers → core's backend and jaeger, core's backend and Prometheus → the two workers.
  expect(flowPorts(flows, placed, "workers-b", "core")).toEqual([4317, 8000]);
  expect(flowPorts(flows, placed, "core", "workers-b")).toEqual([5003, 5005]);
  expect(crossGuestFlows).toBe(4);
  // For the record: each source (LAN admin, LAN other, every other guest) probed every listening port of every guest.
  const sources = (r: Reach) => [r.lanAdmin, r.lanOther, ...Object.values(r.fromGuests)];
  const probes = hosts.reduce((n, h) => n + sources(after.get(h)!).length * listen.get(h)!.size, 0);
  const connected = hosts.reduce((n, h) => n + sources(after.get(h)!).flat().length, 0);
  Object.assign(timings, { firewallCrossGuestPortsAllowed: crossGuestFlows, firewallProbesConnected: connected, firewallProbesBlocked: probes - connected });
}, 180_000);

test("a second full run changes nothing", async () => {
  const before = await allContainers();
  const units = async (g: Guest) => ok(g, "systemctl show -p ActiveEnterTimestampMonotonic --value docker.service ssh.service containerd.service");
  const unitsBefore = await Promise.all(hosts.map((h) => units(guest(h))));
  const second = await up(planned, tb, { ...state, rerunUnchangedSteps: true });
  timings["noopUpSeconds"] = second.seconds;
  expect(second.steps.length).toBe(first.steps.length);
  for (const s of second.steps) {
    expect({ step: s.name, changed: s.changedFiles }).toEqual({ step: s.name, changed: [] });
    expect(s.stdout).not.toContain("parity: installing");
  }
  expect(second.changed).toEqual([]);
  expect(await Promise.all(hosts.map((h) => units(guest(h))))).toEqual(unitsBefore);
  const after = await allContainers();
  for (const [n, c] of before) expect({ n, id: after.get(n)?.id, startedAt: after.get(n)?.startedAt }).toEqual({ n, id: c.id, startedAt: c.startedAt });
});

test("after restarting the core guest everything comes back healthy", async () => {
  const t = Date.now();
  await guest("core").restart();
  const back = await waitHealthy(guest("core"));
  timings["coreRestartToHealthySeconds"] = (Date.now() - t) / 1000;
  expect([...back.keys()].sort()).toEqual(["backend", "db", "grafana", "jaeger", "prometheus"]);
  // The ruleset came back at boot, as rendered (the unit loads it before the network).
  expect(await ok(guest("core"), "systemctl is-active parity-firewall.service && nft list table inet parity_guest | grep -c 'tcp dport 22 accept'")).toBe("active\n1");
  expect(JSON.parse(await ok(guest("workers-b"), `curl -fsS --max-time 5 ${env("backend")["KTRDR_API_URL"]}/health`))).toMatchObject({ status: "ok" });
  expect(await ok(guest("core"), "mountpoint -q /mnt/ktrdr-shared && cat /mnt/ktrdr-shared/worker.txt")).toBe("from-worker");
  // Nothing for the deployment to redo: the same containers were restarted by their policy.
  expect((await up(planned, tb, { ...state, rerunUnchangedSteps: false })).changed).toEqual([]);
});

test("scaling backtest workers 1 → 3 by a config edit adds exactly two containers on the right guests and ports, and opens their flows' ports", async () => {
  const before = await allContainers();
  const scaled = await planTestbed({ workerReplicas: { "backtest-worker": 3 } });
  const oldNames = new Set(ofType(planned.resources, CONTAINER).map((c) => String(c.rawInputs["name"])));
  const added = ofType(scaled.resources, CONTAINER).map((c) => String(c.rawInputs["name"])).filter((n) => !oldNames.has(n));
  expect(added.sort()).toEqual(["backtest-worker-2", "backtest-worker-3"]);
  // Two more scrape jobs: Prometheus's configuration changed, so its container is replaced with it.
  expect([...declaredJobs(scaled).keys()].sort()).toEqual(["backend", "backtest-worker-1", "backtest-worker-2", "backtest-worker-3", "prometheus", "training-worker-1"]);

  // New published ports (5004 on workers-c, 5007 on workers-b) for core's backend and Prometheus, and
  // workers-c's new worker reaching core's backend and jaeger: every guest's ruleset changes.
  const rulesetChanged = hosts.filter((h) => plannedRuleset(scaled, h) !== plannedRuleset(planned, h)).sort();
  expect(rulesetChanged).toEqual(["core", "workers-b", "workers-c"]);

  const result = await up(scaled, tb, { ...state, rerunUnchangedSteps: false });
  timings["scaleUpSeconds"] = result.seconds;
  // Besides those guests' firewall steps no provisioning step re-runs (their triggers are unchanged). The health
  // gates run for the new slots (slot 3 after slot 2) and Prometheus, whose container is replaced with its new configuration.
  const ran = result.steps.map((s) => s.name);
  expect([...ran].sort()).toEqual([
    "backtest-worker-2-health-wait", "backtest-worker-3-health-wait", "prometheus-health-wait",
    ...rulesetChanged.map((h) => `${h}-guest-firewall-run`),
  ].sort());
  expect(ran.indexOf("backtest-worker-2-health-wait")).toBeLessThan(ran.indexOf("backtest-worker-3-health-wait"));
  for (const s of result.steps.filter((x) => x.name.endsWith("-guest-firewall-run"))) {
    expect({ step: s.name, changed: s.changedFiles, reloaded: s.stdout.includes("loading the ingress rules") }).toEqual({ step: s.name, changed: [GUEST_NFT_FILE], reloaded: true });
  }
  expect(result.changed.filter((c) => c.startsWith("container ")).sort()).toEqual([
    "container backtest-worker-2@parity-t-e2e-workers-c",
    "container backtest-worker-3@parity-t-e2e-workers-b",
    "container prometheus@parity-t-e2e-core",
  ]);
  // Besides the two containers, only what they need on their guests: their networks and workers-c's first image.
  expect(result.changed.filter((c) => !c.startsWith("container ")).sort()).toEqual([
    "image ghcr.io/ktrdr/ktrdr-backend:5e1c2a9@parity-t-e2e-workers-c",
    "network parity-testbed--backtest-worker-2--edge@parity-t-e2e-workers-c",
    "network parity-testbed--backtest-worker-3--edge@parity-t-e2e-workers-b",
  ]);
  for (const g of tb.guests.values()) await waitHealthy(g);
  const after = await allContainers();
  expect({ host: after.get("backtest-worker-2")?.host, ports: after.get("backtest-worker-2")?.ports }).toEqual({ host: "workers-c", ports: JSON.stringify({ "5004/tcp": [{ HostIp: "", HostPort: "5004" }] }) });
  expect({ host: after.get("backtest-worker-3")?.host, ports: after.get("backtest-worker-3")?.ports }).toEqual({ host: "workers-b", ports: JSON.stringify({ "5007/tcp": [{ HostIp: "", HostPort: "5007" }] }) });
  for (const [n, c] of before) if (n !== "prometheus") expect({ n, id: after.get(n)?.id, startedAt: after.get(n)?.startedAt }).toEqual({ n, id: c.id, startedAt: c.startedAt });
  expect(after.get("prometheus")?.id).not.toBe(before.get("prometheus")?.id);
  expect((await targetsUp(declaredJobs(scaled))).length).toBe(6);
  for (const [n, host] of [["backtest-worker-2", "workers-c"], ["backtest-worker-3", "workers-b"]] as const) {
    const url = scaled.plan.env[n]!["WORKER_PUBLIC_BASE_URL"]!;
    expect(url).toBe(`http://${host}.ktrdr.parity-testbed:${n.endsWith("2") ? 5004 : 5007}`);
    expect(JSON.parse(await ok(guest("core"), `curl -fsS --max-time 5 ${url}/health`))).toEqual({ status: "ok", service: n });
  }
  // workers-c now runs a worker: its flows to core's backend (and jaeger) are open from that guest.
  expect(JSON.parse(await ok(guest("workers-c"), `curl -fsS --max-time 5 ${env("backend")["KTRDR_API_URL"]}/health`))).toMatchObject({ status: "ok" });
  expect(await reachableFrom(guest("workers-c"), guest("core").ipv4, [22, 4317, 8000, 9090])).toEqual([4317, 8000]);
});
