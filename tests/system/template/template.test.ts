/**
 * The LXC template: build it for Pulumi.stock-analysis.yaml, check the archive
 * (checksum, systemd, first-boot unit, the stack's exact bundles, nothing secret or per-guest),
 * then boot it as an unprivileged test-bed LXC twice — without secrets (first boot generates
 * them) and with a pushed /etc/parity/secrets.env — and check that provisioning ends healthy.
 *
 * Run: npm run test:template   (root, Debian 12; ~3 min with caches, ~5 min cold)
 */
import { createHash } from "node:crypto";
import { chownSync, createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { encodeSecretStdin, renderEntrypoint } from "../../../renderers/bundle";
import { type BuildResult, buildTemplate } from "../../../tools/template/build";
import { FORBIDDEN_PATHS, bundleLiteralHits, findPasswordLiterals } from "../../../tools/template/guard";
import { loadStackModel } from "../../../tools/stackFiles";
import { pickHost, planTemplate } from "../../../tools/template/steps";
import { ROOT } from "../../helpers/stackConfig";
import { ensureTestbed } from "../../../tools/testbed/testbed";
import { mustRun, sleep } from "../../../tools/testbed/shell";
import { type TemplateGuest, createTemplateGuest } from "../lib/templateGuest";
import { createDemoRepo, demoStackRoot, type DemoRepo } from "../real/demoApp";

const STACK = "stock-analysis";
const APPS = ["broker-gateway", "intelligent-core", "event-bus", "monitoring", "frontend"];
const SHARED = "/var/lib/parity-testbed/tpl-shared"; // stands in for the node's export behind mp0
/** Pushed values; the PostgreSQL one needs percent-encoding in DATABASE_URL. */
const PUSHED: Readonly<Record<string, string>> = {
  PARITY_SECRET_PG_STOCK_ANALYSIS_PASSWORD: "pushed-PG:p@ss/w0rd",
  PARITY_SECRET_REDIS_PASSWORD: "pushedRedis0123456789",
  PARITY_SECRET_RABBIT_APP_PASSWORD: "pushedRabbitApp012345",
  PARITY_SECRET_RABBIT_ADMIN_PASSWORD: "pushedRabbitAdmin0123",
};
const figures: Record<string, string> = {};
/** The demo application's repository, served on the bridge for the guests' first boot. */
let repo: DemoRepo;
/** Pulumi.stock-analysis.yaml with its application source pointed at that repository. */
let stackRoot: string;

interface Entry { mode: string; owner: string; size: number; name: string; target?: string }

function parseListing(text: string): Map<string, Entry> {
  const m = new Map<string, Entry>();
  for (const line of text.split("\n")) {
    const r = /^(\S+) (\S+)\s+(\d+) \S+ \S+ (.*)$/.exec(line);
    if (!r) continue;
    const [name, target] = r[4]!.split(" -> ");
    m.set(name!.replace(/\/$/, ""), { mode: r[1]!, owner: r[2]!, size: Number(r[3]), name: name!, ...(target ? { target } : {}) });
  }
  return m;
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(path).on("data", (d) => h.update(d)).on("end", () => resolve(h.digest("hex"))).on("error", reject);
  });
}

async function health(ip: string): Promise<{ status: number; body: { checks?: Record<string, { ok: boolean }> } }> {
  const deadline = Date.now() + 60_000;
  let last = { status: 0, body: {} };
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://${ip}:8010/health`, { signal: AbortSignal.timeout(5000) });
      last = { status: r.status, body: (await r.json()) as object };
      if (r.status === 200) return last;
    } catch { /* not listening yet */ }
    await sleep(1000);
  }
  return last;
}

/** Logs in to the event store over TCP with the password read on stdin (never argv). */
const PSQL_LOGIN = `read -r pw; PGPASSWORD="$pw" psql -X -h 127.0.0.1 -U stock_analysis_user -d stock_analysis_event_store -tAc 'SELECT 1'`;

async function bootChecks(g: TemplateGuest): Promise<void> {
  expect((await g.exec("systemctl is-active parity-firstboot")).stdout.trim()).toBe("inactive");
  expect((await g.mustExec("systemctl show -p Result --value parity-firstboot")).trim()).toBe("success");
  await g.mustExec("test -s /var/lib/parity/firstboot.done");
  expect((await g.mustExec("stat -c '%a %U:%G' /etc/parity/secrets.env")).trim()).toBe("600 root:root");
  // Everything was pre-installed: first boot needed no apt.
  expect(await g.mustExec("journalctl -u parity-firstboot --no-pager")).not.toMatch(/installing packages/);
  const h = await health(g.ipv4);
  expect(h.status).toBe(200);
  for (const c of ["postgres", "redis", "rabbitmq"]) expect(h.body.checks?.[c]?.ok).toBe(true);
  // First boot fetched the application from its pinned source: every service answers its health.
  // Asked inside the guest: four of the five bind 127.0.0.1 only (listen: loopback).
  for (const [i, app] of APPS.entries()) {
    const status = (await g.exec(`curl -s -o /dev/null -m 10 -w '%{http_code}' http://127.0.0.1:${8001 + i}/health`)).stdout.trim();
    expect({ app, status }).toEqual({ app, status: "200" });
  }
}

describe("LXC template for Pulumi.stock-analysis.yaml", () => {
  let build: BuildResult;
  let listing: Map<string, Entry>;
  let extracted: string;
  const guests: TemplateGuest[] = [];

  beforeAll(async () => {
    await ensureTestbed();
    repo = await createDemoRepo("10.231.0.1", 19418);
    stackRoot = demoStackRoot(ROOT, STACK, "stock-analysis", repo);
    build = await buildTemplate({ stack: STACK, root: stackRoot, outDir: join(ROOT, ".parity/templates"), sourceDateEpoch: 1_700_000_000, log: (l) => console.log(l) });
    figures["build"] = `${build.seconds.total.toFixed(1)} s (base ${build.seconds.base.toFixed(1)}, package layer ${build.seconds.layer.toFixed(1)}, assemble ${build.seconds.assemble.toFixed(1)}), ${(build.sizeBytes / 1e6).toFixed(0)} MB`;
    listing = parseListing(await mustRun("tar", ["--numeric-owner", "-tvzf", build.archive], { timeoutMs: 120_000 }));
    extracted = mkdtempSync(join(tmpdir(), "parity-tpl-"));
    await mustRun("tar", ["-xzf", build.archive, "-C", extracted, "./var/lib/parity", "./etc/parity", "./usr/local/sbin/parity-firstboot",
      "./etc/systemd/system/parity-firstboot.service"], { timeoutMs: 120_000 });
    mkdirSync(SHARED, { recursive: true });
    chownSync(SHARED, 100000, 100000); // guest root, as the node's export is for an unprivileged guest
  }, 900_000);

  afterAll(async () => {
    for (const g of guests) await g.destroy();
    if (extracted) rmSync(extracted, { recursive: true, force: true });
    rmSync(SHARED, { recursive: true, force: true });
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before it
    await repo?.stop();
    if (stackRoot) rmSync(stackRoot, { recursive: true, force: true });
    console.log(`[template] figures:\n${Object.entries(figures).map(([k, v]) => `  ${k}: ${v}`).join("\n")}`);
  }, 300_000);

  test("the checksum file matches the archive", async () => {
    const line = readFileSync(`${build.archive}.sha256`, "utf8");
    expect(line).toBe(`${build.sha256}  ${basename(build.archive)}\n`);
    expect(await sha256File(build.archive)).toBe(build.sha256);
  });

  test("the rootfs boots systemd and enables first boot; nothing per-guest or secret is inside", () => {
    expect(listing.get("./sbin")?.target).toBe("usr/sbin");
    expect(listing.get("./usr/sbin/init")?.target).toMatch(/^(\/lib|\.\.\/lib)\/systemd\/systemd$/);
    expect(listing.get("./etc/systemd/system/multi-user.target.wants/parity-firstboot.service")?.target).toBe("/etc/systemd/system/parity-firstboot.service");
    const unit = readFileSync(join(extracted, "etc/systemd/system/parity-firstboot.service"), "utf8");
    for (const l of ["Type=oneshot", "After=network-online.target ssh.service", "ConditionPathExists=!/var/lib/parity/firstboot.done"]) expect(unit).toContain(l);
    expect(listing.get("./etc/machine-id")?.size).toBe(0);
    expect([...listing.keys()].filter((n) => n.startsWith("./dev/"))).toEqual([]);
    for (const f of FORBIDDEN_PATHS) {
      const re = new RegExp(`^\\./${f.glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
      expect([...listing.keys()].filter((n) => re.test(n))).toEqual([]);
    }
    // Owners are numeric and root-based, for Proxmox to shift into the guest's id range.
    expect(listing.get("./etc/parity/template.json")?.owner).toBe("0/0");
  });

  test("the steps are exactly the stack's bundles, in order, and carry no password literals", () => {
    const plan = planTemplate(loadStackModel(STACK, stackRoot), pickHost(loadStackModel(STACK, stackRoot)));
    expect(plan.steps.map((s) => s.bundle.name)).toEqual(["bootstrap", "postgresql-15-main", "redis", "rabbitmq", "stock-analysis-services", "pg-backup"]);
    for (const s of plan.steps) {
      expect(readFileSync(join(extracted, `var/lib/parity/steps/${s.bundle.name}/entrypoint.sh`), "utf8")).toBe(renderEntrypoint(s.bundle));
    }
    expect(bundleLiteralHits(plan.steps.map((s) => s.bundle))).toEqual([]);
    const firstboot = readFileSync(join(extracted, "usr/local/sbin/parity-firstboot"), "utf8");
    expect(findPasswordLiterals("parity-firstboot", firstboot)).toEqual([]);
    expect(firstboot.indexOf("run_step 'postgresql-15-main'")).toBeLessThan(firstboot.indexOf("run_step 'stock-analysis-services'"));
    const meta = JSON.parse(readFileSync(join(extracted, "etc/parity/template.json"), "utf8")) as { steps: { name: string }[]; secrets: { fromStackSecrets: Record<string, string> } };
    expect(meta).toMatchObject({ stack: STACK, guest: "stock-analysis", os: { release: "12" } });
    expect(meta.steps.map((s) => s.name)).toEqual(plan.steps.map((s) => s.bundle.name));
    expect(Object.keys(meta.secrets.fromStackSecrets).sort()).toEqual(Object.keys(PUSHED).sort());
  });

  test("first boot without secrets: generates them, provisions, /health answers 200; a reboot does not re-run it", async () => {
    const { guest: g, startedAt } = await createTemplateGuest({
      name: "parity-t-tpl-gen", archive: build.archive, hostname: "stock-analysis", ipv4: "10.231.0.71/24", memoryMb: 8192,
      mount: { hostPath: SHARED, guestPath: "/mnt/shared" },
    });
    guests.push(g);
    const fb = await g.waitFirstBoot(startedAt);
    figures["first boot, generated secrets"] = `${fb.seconds.toFixed(1)} s from lxc-start to first boot done`;
    expect(fb.state).toBe("inactive/success");
    await bootChecks(g);
    expect(await g.mustExec("journalctl -u parity-firstboot --no-pager")).toMatch(/generated locally .*PARITY_SECRET_PG_STOCK_ANALYSIS_PASSWORD/);
    expect((await g.mustExec("cut -d= -f1 /etc/parity/secrets.env | sort")).trim().split("\n")).toEqual(Object.keys(PUSHED).sort());
    const generated = (await g.mustExec("grep '^PARITY_SECRET_PG_STOCK_ANALYSIS_PASSWORD=' /etc/parity/secrets.env | cut -d= -f2- | base64 -d")).trim();
    expect(generated).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await g.mustExec(PSQL_LOGIN, { stdin: `${generated}\n` })).trim()).toBe("1");

    const restartedAt = await g.restart();
    expect((await health(g.ipv4)).status).toBe(200);
    figures["reboot to healthy"] = `${((Date.now() - restartedAt) / 1000).toFixed(1)} s from lxc-start to /health 200 (first boot skipped)`;
    // Boot ends once every unit settled; by then the condition was evaluated.
    await g.mustExec("for i in $(seq 1 120); do s=$(systemctl is-system-running || true); case $s in running|degraded) exit 0;; esac; sleep 1; done; exit 1", { timeoutMs: 150_000 });
    expect((await g.mustExec("systemctl show -p ConditionResult --value parity-firstboot")).trim()).toBe("no");
  }, 600_000);

  test("first boot with a pushed secrets.env: the services use exactly those values", async () => {
    const pushed = encodeSecretStdin(PUSHED);
    const { guest: g, startedAt } = await createTemplateGuest({
      name: "parity-t-tpl-push", archive: build.archive, hostname: "stock-analysis", ipv4: "10.231.0.72/24", memoryMb: 8192,
      mount: { hostPath: SHARED, guestPath: "/mnt/shared" }, pushedSecretsEnv: pushed,
    });
    guests.push(g);
    const fb = await g.waitFirstBoot(startedAt);
    figures["first boot, pushed secrets"] = `${fb.seconds.toFixed(1)} s from lxc-start to first boot done`;
    expect(fb.state).toBe("inactive/success");
    await bootChecks(g);
    const journal = await g.mustExec("journalctl -u parity-firstboot --no-pager");
    expect(journal).toContain("using /etc/parity/secrets.env as pushed before first boot");
    expect(journal).not.toMatch(/generated locally/);
    expect(await g.mustExec("cat /etc/parity/secrets.env")).toBe(pushed);
    const pg = PUSHED["PARITY_SECRET_PG_STOCK_ANALYSIS_PASSWORD"]!;
    expect((await g.mustExec(PSQL_LOGIN, { stdin: `${pg}\n` })).trim()).toBe("1");
    expect((await g.exec(PSQL_LOGIN, { stdin: "not-the-password\n" })).code).not.toBe(0);
    const redis = await g.mustExec("read -r pw; REDISCLI_AUTH=\"$pw\" redis-cli --no-auth-warning -p 6379 PING", { stdin: `${PUSHED["PARITY_SECRET_REDIS_PASSWORD"]}\n` });
    expect(redis.trim()).toBe("PONG");
    const auth = Buffer.from(`stock_analysis:${PUSHED["PARITY_SECRET_RABBIT_APP_PASSWORD"]}`).toString("base64");
    const whoami = await fetch(`http://${g.ipv4}:15672/api/whoami`, { headers: { authorization: `Basic ${auth}` } });
    expect(whoami.status).toBe(200);
  }, 600_000);
});
