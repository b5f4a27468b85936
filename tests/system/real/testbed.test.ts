/**
 * The test bed's own test: real Debian 12 LXCs on this host, systemd as PID 1, reached over
 * SSH, running a real ProvisionBundle the way Pulumi's remote.Command would.
 *
 * Run: sudo scripts/install-system-deps.sh && npx jest --config jest.system.config.js tests/system/real/testbed.test.ts
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { ProvisionBundle } from "../../../renderers/bundle";
import { Guest, createGuest, destroyGuest, ensureTestbed, testbedTimings } from "../../../tools/testbed/testbed";
import { run } from "../../../tools/testbed/shell";

const SECRET = `tb-${randomBytes(12).toString("hex")}`;
const CONF = "/etc/parity-probe/app.conf";
const TOOL = "/usr/local/bin/parity-probe";
const SECRET_HOME = "/etc/parity-probe-secret";

const bundle: ProvisionBundle = {
  name: "testbed-probe",
  files: [
    { path: CONF, content: "greeting=hello\n", mode: "0640", owner: "nobody:nogroup" },
    { path: TOOL, content: "#!/bin/sh\necho probe-ok\n", mode: "0755" },
  ],
  // Records what the entrypoint itself reported as changed (to cross-check the harness) and
  // every process's argv while it holds the secret (to prove the secret is not in `ps`).
  script: `set -euo pipefail
printf '%s' "$PARITY_CHANGED_FILES" > /var/lib/parity-probe-changed
ps -eo args > /var/lib/parity-probe-ps
install -d -m 0700 ${SECRET_HOME}
printf '%s' "$PROBE_SECRET" > ${SECRET_HOME}/secret
chmod 0600 ${SECRET_HOME}/secret
echo "secret-length=\${#PROBE_SECRET}"
`,
  secretEnv: ["PROBE_SECRET"],
  packages: [],
  maskUnits: [],
};

async function ok(g: Guest, cmd: string, stdin?: string): Promise<string> {
  const r = await g.exec(cmd, stdin === undefined ? {} : { stdin });
  if (r.code !== 0) throw new Error(`${g.name}: '${cmd}' exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

describe("Debian 12 LXC test bed", () => {
  let a: Guest;
  let b: Guest;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    let t = Date.now();
    await ensureTestbed();
    timings.ensureTestbedSeconds = (Date.now() - t) / 1000;
    timings.baseRootfsBuildSeconds = testbedTimings.baseRootfsBuildSeconds;
    t = Date.now();
    a = await createGuest({ name: "parity-t-tb-a", memoryMb: 1024 });
    timings.createGuestASeconds = (Date.now() - t) / 1000;
    t = Date.now();
    b = await createGuest({ name: "parity-t-tb-b", hostname: "tb-b", ipv4: "10.231.0.12/24" });
    timings.createGuestBSeconds = (Date.now() - t) / 1000;
  });

  afterAll(async () => {
    // Only this file's guests: other suites may be using the test bed at the same time.
    for (const name of ["parity-t-tb-a", "parity-t-tb-b"]) await destroyGuest(name);
    console.log(`[testbed timings] ${JSON.stringify(timings)}`);
  });

  test("each guest runs systemd as PID 1, unprivileged, with a finished boot", async () => {
    for (const g of [a, b]) {
      expect(await ok(g, "ps -p 1 -o comm=")).toBe("systemd");
      expect(await ok(g, "systemctl is-system-running || true")).toMatch(/^(running|degraded)$/);
      expect(await ok(g, "systemctl is-active ssh systemd-journald")).toBe("active\nactive");
      // root inside is host uid 100000, as in a Proxmox unprivileged LXC
      expect((await ok(g, "cat /proc/self/uid_map")).split(/\s+/)).toEqual(["0", "100000", "65536"]);
    }
    expect(b.ipv4).toBe("10.231.0.12");
    expect(a.ipv4).toMatch(/^10\.231\.0\.2[0-4]\d$/);
    expect(await ok(b, "hostname")).toBe("tb-b");
  });

  test("guests reach each other over the bridge and resolve each other's names", async () => {
    await ok(a, `timeout 5 bash -c '</dev/tcp/${b.ipv4}/22'`);
    await ok(b, `timeout 5 bash -c '</dev/tcp/${a.ipv4}/22'`);
    expect(await ok(a, "getent hosts tb-b.parity-testbed | awk '{print $1}'")).toBe(b.ipv4);
    expect(await ok(b, "getent hosts parity-t-tb-a | awk '{print $1}'")).toBe(a.ipv4);
  });

  test("a guest installs Debian packages through NAT", async () => {
    const out = await ok(a, "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hello && hello");
    expect(out).toContain("Hello, world!");
  });

  test("runBundle places files, passes the secret on stdin only, and is idempotent", async () => {
    const first = await a.runBundle(bundle, { PROBE_SECRET: SECRET });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe(`secret-length=${SECRET.length}`);
    expect(first.changedFiles).toEqual([CONF, TOOL]);
    // the harness's view matches what the entrypoint itself exported to script.sh
    expect((await ok(a, "cat /var/lib/parity-probe-changed")).split("\n")).toEqual([CONF, TOOL]);

    expect(await ok(a, `stat -c '%a %U:%G' ${CONF} ${TOOL}`)).toBe("640 nobody:nogroup\n755 root:root");
    expect(await ok(a, `cat ${CONF}`)).toBe("greeting=hello");
    expect(await ok(a, TOOL)).toBe("probe-ok");
    expect(await ok(a, `cat ${SECRET_HOME}/secret`)).toBe(SECRET);
    expect(await ok(a, `stat -c '%a' ${SECRET_HOME}/secret`)).toBe("600");

    // Not in any process's argv during the run, not in the journal, nowhere else on disk.
    // The secret goes to grep on stdin so the check itself never puts it on a command line.
    const ps = await ok(a, "cat /var/lib/parity-probe-ps");
    // entrypoint.sh has exec'd script.sh by then; its argv carries no secret either
    expect(ps).toContain("bash /var/lib/parity/steps/testbed-probe/script.sh");
    expect(ps).not.toContain(SECRET);
    const journal = await a.exec("journalctl --no-pager -o cat | grep -cF -f -", { stdin: SECRET });
    expect(journal.stdout.trim()).toBe("0");
    const onDisk = await a.exec(
      "grep -rlsF -f - --devices=skip / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev || true",
      { stdin: SECRET },
    );
    expect(onDisk.stdout.trim().split("\n")).toEqual([`${SECRET_HOME}/secret`]);

    const second = await a.runBundle(bundle, { PROBE_SECRET: SECRET });
    expect(second.code).toBe(0);
    expect(second.changedFiles).toEqual([]);
    expect(await ok(a, "cat /var/lib/parity-probe-changed")).toBe("");

    // A stale file from an earlier bundle version is removed from the bundle directory.
    await ok(a, "touch /var/lib/parity/steps/testbed-probe/stale");
    const third = await a.runBundle(bundle, { PROBE_SECRET: SECRET });
    expect(third.changedFiles).toEqual([]);
    expect(await ok(a, "test -e /var/lib/parity/steps/testbed-probe/stale && echo kept || echo removed")).toBe("removed");
    await ok(a, "test -s /var/lib/parity/steps/testbed-probe/entrypoint.sh");

    // Without the secret the entrypoint refuses, as it would under Pulumi.
    const missing = await a.runBundle(bundle);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain("secret PROBE_SECRET was not provided");
    timings.runBundleNoopSeconds = second.seconds;
  });

  test("restart brings systemd back and keeps the disk", async () => {
    await ok(a, "touch /run/parity-before-restart");
    const t = Date.now();
    await a.restart();
    timings.restartSeconds = (Date.now() - t) / 1000;
    expect(await ok(a, "ps -p 1 -o comm=")).toBe("systemd");
    expect(await ok(a, "systemctl is-system-running || true")).toMatch(/^(running|degraded)$/);
    expect(await ok(a, "test -e /run/parity-before-restart && echo stale || echo fresh")).toBe("fresh");
    expect(await ok(a, `cat ${CONF}`)).toBe("greeting=hello");
  });

  test("destroy removes the container and its address stops answering", async () => {
    await b.destroy();
    expect(existsSync("/var/lib/lxc/parity-t-tb-b")).toBe(false);
    expect((await run("lxc-info", ["-n", "parity-t-tb-b"])).code).not.toBe(0);
    const probe = await a.exec(`timeout 3 bash -c '</dev/tcp/${b.ipv4}/22'`);
    expect(probe.code).not.toBe(0);
  });
});
