/**
 * npm run build:template -- <stack> [--host <guest>] [--out <dir>]
 *
 * Builds a Proxmox LXC template (.tar.gz for `vztmpl` storage, .sha256, README) for one guest of
 * a stack: Debian 12, the guest's packages pre-installed, its provisioning steps and a first-boot
 * unit that runs them. Needs root on Debian 12; see docs/TEMPLATE.md.
 */
import { buildTemplate } from "./template/build";

function usage(message?: string): never {
  if (message) console.error(`build:template: ${message}`);
  console.error("usage: npm run build:template -- <stack> [--host <guest>] [--out <dir>]");
  process.exit(2);
}

async function main(argv: readonly string[]): Promise<void> {
  let stack: string | undefined;
  let host: string | undefined;
  let outDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--host" || a === "--out") {
      const v = argv[++i];
      if (!v) usage(`${a} needs a value`);
      if (a === "--host") host = v;
      else outDir = v;
    } else if (a === "-h" || a === "--help") usage();
    else if (a.startsWith("-")) usage(`unknown option ${a}`);
    else if (stack === undefined) stack = a;
    else usage(`unexpected argument ${a}`);
  }
  if (!stack) usage("which stack? e.g. stock-analysis");
  const r = await buildTemplate({ stack, ...(host ? { host } : {}), ...(outDir ? { outDir } : {}) });
  console.log(`archive  ${r.archive}`);
  console.log(`sha256   ${r.sha256}  (${r.archive}.sha256)`);
  console.log(`notes    ${r.readme}`);
  console.log(`timings  base ${r.seconds.base.toFixed(1)} s, package layer ${r.seconds.layer.toFixed(1)} s, assemble ${r.seconds.assemble.toFixed(1)} s, total ${r.seconds.total.toFixed(1)} s`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  // Contract errors already read as a report; anything else gets its message, not a stack trace.
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
