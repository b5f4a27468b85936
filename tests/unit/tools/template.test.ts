/** The template builder's pure parts: step plan, package scan, secret guards, rendered first-boot text. */
import { spawnSync } from "node:child_process";
import { bundleHash } from "../../../renderers/bundle";
import { renderFirstbootScript, renderFirstbootUnit, renderMetadata, secretNames } from "../../../tools/template/firstboot";
import { bundleLiteralHits, findPasswordLiterals } from "../../../tools/template/guard";
import { renderDeploymentNotes } from "../../../tools/template/readme";
import { loadStackModel } from "../../../tools/stackFiles";
import { pickHost, planTemplate } from "../../../tools/template/steps";
import { ROOT } from "../../helpers/stackConfig";

/** What these tests read of etc/parity/template.json. */
interface TemplateMetadata {
  readonly steps: readonly { readonly bundleHash: string }[];
  readonly secrets: { readonly fromStackSecrets: Record<string, string> };
}

const model = loadStackModel("stock-analysis", ROOT);
const plan = planTemplate(model, pickHost(model));

describe("template plan", () => {
  test("bootstrap first, then the guest's steps in dependency order", () => {
    expect(plan.steps.map((s) => s.key)).toEqual(["bootstrap", "postgresql", "redis", "rabbitmq", "native", "backup"]);
    for (const [i, s] of plan.steps.entries()) {
      for (const a of s.after) expect(plan.steps.findIndex((x) => x.key === a)).toBeLessThan(i);
    }
  });

  test("packages and masks are the baked steps' declared ones, and each appears in its step's script", () => {
    expect(plan.packages).toEqual([
      "build-essential", "ca-certificates", "curl", "git", "gnupg", "libpq-dev", "postgresql-15", "postgresql-client-15",
      "python3", "python3.11", "python3.11-venv", "rabbitmq-server", "redis-server", "redis-tools",
    ]);
    expect(plan.maskUnits).toEqual(["redis-server.service"]);
    // The declared lists and the script text come from one constant: a package the script does not name is a drift.
    for (const s of plan.steps) {
      for (const p of s.bundle.packages) expect(`${s.key}: ${s.bundle.script.includes(p)}`).toBe(`${s.key}: true`);
      for (const u of s.bundle.maskUnits) expect(s.bundle.script).toContain(`systemctl mask --quiet ${u}`);
    }
  });

  test("the guest must be named when the stack has no single guest with hostServices", () => {
    expect(() => pickHost(model, "nope")).toThrow(/no guest 'nope'; its guests: stock-analysis/);
    const homelab = loadStackModel("homelab", ROOT);
    if (homelab.hostServices.length !== 1) expect(() => pickHost(homelab)).toThrow(/pass --host <name>/);
  });
});

describe("secret guards", () => {
  test("password-looking literals are found, references and settings are not", () => {
    for (const bad of ["PASSWORD=abcdefgh123", "requirepass hunter2hunter2", "api_key: 'AKIAABCDEFGH'", "token = 'xY9-longvalue'", "postgresql://u:pw123456@h/db"]) {
      expect(findPasswordLiterals("t", bad)).toHaveLength(1);
    }
    for (const ok of ["DB_PASSWORD=${secret.x}", "password_encryption = scram-sha-256", "PASSWORD_VAR=PARITY_SECRET_X",
      "x=postgresql://u:{secret:url}@h/db", "password = os.environ.get(cfg.get(\"password_env\", \"\"), \"\")", "# password=notreallyone"]) {
      expect(findPasswordLiterals("t", ok)).toEqual([]);
    }
  });

  test("the stack's bundles carry none", () => {
    expect(bundleLiteralHits(plan.steps.map((s) => s.bundle))).toEqual([]);
  });
});

describe("first-boot text", () => {
  const script = renderFirstbootScript(plan);

  test("the script is valid bash, runs each step once in order with only its own secrets", () => {
    expect(spawnSync("bash", ["-n"], { input: script }).status).toBe(0);
    const runs = script.split("\n").filter((l) => l.startsWith("run_step "));
    expect(runs).toEqual(plan.steps.map((s) => `run_step '${s.bundle.name}'${s.bundle.secretEnv.map((n) => ` ${n}`).join("")}`));
    expect(script).toContain(`SECRET_NAMES=(${secretNames(plan).join(" ")})`);
  });

  test("the unit runs once, after the network and sshd", () => {
    const unit = renderFirstbootUnit();
    expect(unit).toMatch(/^Type=oneshot$/m);
    expect(unit).toMatch(/^After=network-online\.target ssh\.service$/m);
    expect(unit).toMatch(/^ConditionPathExists=!\/var\/lib\/parity\/firstboot\.done$/m);
    expect(unit).toMatch(/^WantedBy=multi-user\.target$/m);
    expect(unit).not.toMatch(/RemainAfterExit/);
  });

  test("metadata names the stack, the guest and each step's bundle hash", () => {
    const meta = JSON.parse(renderMetadata({ plan, sourceDateEpoch: 1700000000, git: { commit: "abc", dirty: false }, baseRootfs: "b", layer: "l" })) as TemplateMetadata;
    expect(meta).toMatchObject({ stack: "stock-analysis", guest: "stock-analysis", builtAt: "2023-11-14T22:13:20.000Z" });
    expect(meta.steps.map((s) => s.bundleHash)).toEqual(plan.steps.map((s) => bundleHash(s.bundle)));
    expect(meta.secrets.fromStackSecrets["PARITY_SECRET_REDIS_PASSWORD"]).toBe("redisPassword");
  });

  test("deployment notes create an unprivileged, nesting guest with the stack's settings", () => {
    const notes = renderDeploymentNotes({ plan, network: model.proxmox!.network, archiveName: "t.tar.gz", sha256: "0".repeat(64), sizeBytes: 1, builtAt: "now", packages: plan.packages });
    expect(notes).toContain("pct create 220 local:vztmpl/t.tar.gz");
    expect(notes).toContain("--unprivileged 1 --features nesting=1");
    expect(notes).toContain("--net0 name=eth0,bridge=vmbr0,ip=dhcp,hwaddr=BC:24:11:5A:00:01");
    expect(notes).toContain("--mp0 /srv/stock-analysis-shared,mp=/mnt/shared");
    expect(notes).toContain("journalctl -u parity-firstboot.service");
  });
});
