/**
 * Test-bed figures: the homelab from empty guests to healthy, next to the floor of
 * installing the same Debian packages with plain `apt-get` in a fresh guest, and the second
 * (no-op) run. Targets: provisioning ≤ 1.3× the floor, no-op ≤ 10 s. Figures, not assertions.
 *
 * Run as root on Debian 12: `npx tsx tools/bench/testbed.ts` (BENCH_TESTBED_RUNS=n for medians).
 * Creates only parity-t-e2e-* guests and removes them afterwards.
 */
import { createGuest, destroyGuest, ensureTestbed } from "../testbed/testbed";
import { waitHealthy } from "../testbed/deploy/checks";
import { createTestbed, destroyTestbed, up } from "../testbed/deploy/deploy";
import { emptyDockerState } from "../testbed/deploy/docker";
import { STACK, STACK_DIR, plannedGuests, planTestbed } from "../testbed/deploy/plan";
import { guestPlan, planPackages } from "../../targets/proxmox/guestPlan";
import { loadStackModel } from "../stackFiles";

const RUNS = Number(process.env["BENCH_TESTBED_RUNS"] ?? 1);

interface Sample {
  floor: number;
  provision: number;
  imageBuilds: number;
  toHealthy: number;
  noop: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Debian packages the guest plans of the test-bed stack install, on every guest: what the floor installs. */
function plannedPackages(): string[] {
  const model = loadStackModel(STACK, STACK_DIR);
  return planPackages(model.hosts.flatMap((h) => guestPlan(model, h).steps));
}

async function once(): Promise<Sample> {
  const planned = await planTestbed();
  const hosts = plannedGuests(planned.resources).map((p) => p.host);
  const packages = plannedPackages();

  // Floor: as many fresh guests as the stack has (nesting, like them), plain apt-get of the same
  // packages on all at once — the guests below also install side by side on this one machine.
  const floorNames = hosts.map((h) => `parity-t-e2e-floor-${h}`);
  let floor: number;
  try {
    const floorGuests = await Promise.all(floorNames.map((name) => createGuest({ name, nesting: true })));
    const t = Date.now();
    await Promise.all(floorGuests.map(async (g) => {
      const r = await g.exec(`export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends ${packages.join(" ")} >/dev/null`);
      if (r.code !== 0) throw new Error(`floor apt-get failed on ${g.name}: ${r.stderr}`);
    }));
    floor = (Date.now() - t) / 1000;
  } finally {
    for (const name of floorNames) await destroyGuest(name);
  }

  const tb = await createTestbed(planned);
  try {
    const state = { rerunUnchangedSteps: true, commandState: new Map<string, string>(), dockerState: emptyDockerState() };
    const t = Date.now();
    const first = await up(planned, tb, state);
    for (const g of tb.guests.values()) await waitHealthy(g);
    const toHealthy = (Date.now() - t) / 1000;
    // Provisioning of one guest (its steps run one after another); guests run side by side.
    const perGuest = new Map<string, number>();
    for (const s of first.steps) perGuest.set(s.guest, (perGuest.get(s.guest) ?? 0) + s.seconds);
    const imageBuilds = [...first.outcomes.values()]
      .map((o) => /in ([\d.]+) s$/.exec(o.detail ?? "")?.[1])
      .reduce((sum, x) => sum + (x ? Number(x) : 0), 0);
    const second = await up(planned, tb, { ...state, rerunUnchangedSteps: true });
    if (second.changed.length || second.steps.some((s) => s.changedFiles.length)) throw new Error(`no-op run changed something: ${second.changed.join(", ")}`);
    return { floor, provision: Math.max(...perGuest.values()), imageBuilds, toHealthy, noop: second.seconds };
  } finally {
    await destroyTestbed(tb, hosts);
  }
}

async function main(): Promise<void> {
  await ensureTestbed();
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await once());
  const m = (k: keyof Sample) => median(samples.map((s) => s[k]));
  const ratio = m("provision") / m("floor");
  const rows: [string, string][] = [
    ["floor: apt-get update + install of the plan's packages, fresh guests", `${m("floor").toFixed(1)} s`],
    ["first run: bootstrap + Docker engine steps (slowest guest)", `${m("provision").toFixed(1)} s  (${ratio.toFixed(2)}× floor, target ≤ 1.3×)`],
    ["first run: empty guests → every container healthy (all guests)", `${m("toHealthy").toFixed(1)} s`],
    ["  of which building stand-in images (stands in for pulls; summed)", `${m("imageBuilds").toFixed(1)} s`],
    ["second (no-op) run, every step re-run", `${m("noop").toFixed(1)} s  (target ≤ 10 s)`],
  ];
  console.log(`Test bed (medians of ${RUNS} run${RUNS === 1 ? "" : "s"}):`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(70)} ${v}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
