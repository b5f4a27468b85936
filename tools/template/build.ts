/**
 * Builds a Proxmox LXC template for one guest of a stack: see docs/TEMPLATE.md.
 * Root only (chroot, mounts); network only to the Debian mirror (the package layer, cached).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ensureBaseRootfs } from "../testbed/rootfs";
import { bundleDir, renderEntrypoint } from "../../renderers/bundle";
import { FIRSTBOOT_SCRIPT, FIRSTBOOT_UNIT, HOSTKEYS_UNIT, METADATA_FILE, renderFirstbootScript, renderFirstbootUnit,
  renderHostKeysUnit, renderMetadata } from "./firstboot";
import { FORBIDDEN_PATHS, bundleLiteralHits } from "./guard";
import { renderDeploymentNotes } from "./readme";
import { CACHE_DIR, TEMPLATE_BASE_PACKAGES, assembleArchive, ensurePackageLayer } from "./rootfs";
import { mustRunBash } from "../testbed/shell";
import { shq } from "../../core/shell";
import { loadStackModel } from "../stackFiles";
import { TemplatePlan, pickHost, planTemplate } from "./steps";

export interface BuildOptions {
  readonly stack: string;
  /** Guest name; default: the stack's only guest with hostServices. */
  readonly host?: string;
  /** Default `<root>/.parity/templates`. */
  readonly outDir?: string;
  /** Repository root holding Pulumi.yaml and the stack files. Default: cwd. */
  readonly root?: string;
  /** Default: $SOURCE_DATE_EPOCH, else the last commit's time. */
  readonly sourceDateEpoch?: number;
  readonly log?: (line: string) => void;
}

export interface BuildResult {
  readonly plan: TemplatePlan;
  readonly archive: string;
  readonly sha256: string;
  readonly readme: string;
  readonly sizeBytes: number;
  readonly seconds: { readonly base: number; readonly layer: number; readonly assemble: number; readonly total: number };
}

function git(root: string): { commit: string; dirty: boolean; time: number } | null {
  try {
    const run = (...args: string[]) => execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return { commit: run("rev-parse", "HEAD"), dirty: run("status", "--porcelain", "--untracked-files=no") !== "", time: Number(run("log", "-1", "--format=%ct")) };
  } catch {
    return null;
  }
}

/** Writes a file into the overlay tree with an exact mode (the process umask must not matter). */
function put(overlay: string, path: string, content: string, mode: number): void {
  const p = join(overlay, path);
  mkdirSync(dirname(p), { recursive: true, mode: 0o755 });
  writeFileSync(p, content);
  chmodSync(p, mode);
}

function link(overlay: string, path: string, target: string): void {
  mkdirSync(dirname(join(overlay, path)), { recursive: true, mode: 0o755 });
  symlinkSync(target, join(overlay, path));
}

export async function buildTemplate(o: BuildOptions): Promise<BuildResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  if (process.getuid?.() !== 0) throw new Error("[template] building a template needs root (chroot, mounts, numeric owners)");
  const t0 = Date.now();
  const root = resolve(o.root ?? process.cwd());
  const model = loadStackModel(o.stack, root);
  const plan = planTemplate(model, pickHost(model, o.host));
  const hits = bundleLiteralHits(plan.steps.map((s) => s.bundle));
  if (hits.length) throw new Error(`[template] refusing to bake password-looking literals:\n${hits.map((h) => `  ${h.where}:${h.line}: ${h.text}`).join("\n")}`);

  const g = git(root);
  const envEpoch = process.env["SOURCE_DATE_EPOCH"];
  const epoch = o.sourceDateEpoch ?? (envEpoch ? Number(envEpoch) : g?.time ?? Math.floor(Date.now() / 1000));
  const version = `${new Date(epoch * 1000).toISOString().slice(0, 10).replace(/-/g, "")}-${g ? g.commit.slice(0, 7) + (g.dirty ? "-dirty" : "") : "nogit"}`;
  const name = `debian-12-parity-${plan.stack}-${plan.host.name}_${version}_amd64`;
  const outDir = resolve(o.outDir ?? join(root, ".parity/templates"));
  mkdirSync(outDir, { recursive: true });
  log(`[template] ${plan.stack}/${plan.host.name}: ${plan.steps.length} steps (${plan.steps.map((s) => s.bundle.name).join(", ")})`);

  const base = await ensureBaseRootfs();
  const t1 = Date.now();
  log(`[template] base rootfs ${base.path}${base.builtSeconds ? ` (built in ${base.builtSeconds.toFixed(0)} s)` : " (cached)"}`);
  const packages = [...new Set([...plan.packages, ...TEMPLATE_BASE_PACKAGES])].sort();
  const layer = await ensurePackageLayer({ baseTarball: base.path, packages, maskUnits: plan.maskUnits });
  const t2 = Date.now();
  log(`[template] package layer ${layer.path}${layer.builtSeconds ? ` (built in ${layer.builtSeconds.toFixed(0)} s)` : " (cached)"}: ${packages.join(" ")}`);

  mkdirSync(CACHE_DIR, { recursive: true });
  const work = mkdtempSync(join(CACHE_DIR, "assemble."));
  // New directories in the overlay (e.g. /etc/parity, which PostgreSQL must traverse) are 0755
  // whatever umask the caller runs with.
  const umask = process.umask(0o022);
  try {
    const overlay = join(work, "overlay");
    // Modes as a deployment leaves them: CopyToRemote creates directories 0755, the entrypoint is 0700.
    for (const s of plan.steps) put(overlay, `${bundleDir(s.bundle)}/entrypoint.sh`, renderEntrypoint(s.bundle), 0o700);
    // debootstrap copied the build machine's name; pct create overwrites this, anything else boots as the guest.
    put(overlay, "etc/hostname", `${plan.host.hostname}\n`, 0o644);
    put(overlay, FIRSTBOOT_SCRIPT, renderFirstbootScript(plan), 0o755);
    put(overlay, `etc/systemd/system/${FIRSTBOOT_UNIT}`, renderFirstbootUnit(), 0o644);
    link(overlay, `etc/systemd/system/multi-user.target.wants/${FIRSTBOOT_UNIT}`, `/etc/systemd/system/${FIRSTBOOT_UNIT}`);
    put(overlay, `etc/systemd/system/${HOSTKEYS_UNIT}`, renderHostKeysUnit(), 0o644);
    link(overlay, `etc/systemd/system/ssh.service.wants/${HOSTKEYS_UNIT}`, `/etc/systemd/system/${HOSTKEYS_UNIT}`);
    put(overlay, METADATA_FILE, renderMetadata({ plan, sourceDateEpoch: epoch, git: g && { commit: g.commit, dirty: g.dirty }, baseRootfs: base.path.split("/").pop()!, layer: layer.path.split("/").pop()! }), 0o644);
    const archive = join(outDir, `${name}.tar.gz`);
    const sha256 = await assembleArchive({ layer: layer.path, overlay, work, archive, sourceDateEpoch: epoch, forbidden: FORBIDDEN_PATHS });
    const t3 = Date.now();
    const sizeBytes = statSync(archive).size;
    const readme = join(outDir, `${name}.README.md`);
    writeFileSync(readme, renderDeploymentNotes({ plan, network: model.proxmox!.network, archiveName: `${name}.tar.gz`, sha256, sizeBytes, builtAt: new Date().toISOString(), packages }));
    const seconds = { base: (t1 - t0) / 1000, layer: (t2 - t1) / 1000, assemble: (t3 - t2) / 1000, total: (Date.now() - t0) / 1000 };
    log(`[template] ${archive} (${(sizeBytes / 1e6).toFixed(0)} MB, sha256 ${sha256}) in ${seconds.total.toFixed(0)} s`);
    return { plan, archive, sha256, readme, sizeBytes, seconds };
  } finally {
    process.umask(umask);
    await mustRunBash(`rm -rf --one-file-system ${shq(work)}`, { label: "template" });
  }
}
