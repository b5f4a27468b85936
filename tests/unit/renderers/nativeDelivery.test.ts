import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { PARITY_EXEC } from "../../../renderers/nativeServices/launch";
import { renderNativeServices, type NativeServicesSpec } from "../../../renderers/nativeServices";
import { nativeServicesSpec } from "../../fixtures/serviceSpecs";
import { expectNoSecrets, fileOf, lines } from "./secrets";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const SHA256 = "ab".repeat(32);

function spec(over: Partial<NativeServicesSpec>): NativeServicesSpec {
  return { ...nativeServicesSpec(), ...over };
}

describe("native services: application delivery", () => {
  test("a release per commit under /opt/<project>/<source>/releases, built only when not installed, switched atomically", () => {
    const s = renderNativeServices(nativeServicesSpec()).script;
    expect(s).toContain(`dir='/opt/stock-analysis/app'; ref='${COMMIT}'`);
    expect(s).toContain('if [ ! -f "$dir/releases/$ref/.parity-ready" ]; then');
    expect(s).toContain(`fetch_git 'app' 'https://git.example.org/stock-analysis.git' '${COMMIT}' '' 'none' '' '' "$dest"`);
    // Atomic switch: a new symlink renamed over the old one.
    expect(s).toContain('ln -sfn "releases/$ref" "$dir/.current.new"');
    expect(s).toContain('mv -Tf "$dir/.current.new" "$dir/current"');
    expect(s).toContain("prune_releases '/opt/stock-analysis/app' 3");
    expect(renderNativeServices(spec({ keepReleases: 5 })).script).toContain("prune_releases '/opt/stock-analysis/app' 5");
    // A failed build is removed and the step stops before any switch or restart.
    const failed = s.indexOf('rm -rf "$dir/releases/$ref"\n    die');
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(s.indexOf('switch_current "$dir" "$ref"'));
    expect(s.indexOf('switch_current "$dir" "$ref"')).toBeLessThan(s.indexOf('systemctl restart "${restart_units[@]}"'));
  });

  test("a unit restarts only when its release, unit, env or secrets changed", () => {
    const s = renderNativeServices(nativeServicesSpec()).script;
    expect(s).toContain(`if [ "$switched_0" = 1 ] || touched '/etc/systemd/system/stock-analysis-frontend.service' || touched '/etc/stock-analysis/frontend.env' || touched '/etc/stock-analysis/frontend.secrets.env' || ! systemctl is-active --quiet 'stock-analysis-frontend.service'; then`);
  });

  test("dependencies: uv sync --frozen with a lock, else venv + pip from the requirements file, offline wheelhouse", () => {
    const s = renderNativeServices(spec({ wheelhouse: "wheels" })).script;
    expect(s).toContain('UV_PROJECT_ENVIRONMENT="$venv" UV_NO_CACHE=1 "$UV" sync --quiet --frozen --no-dev --python "$PYTHON" "${offline[@]}"');
    expect(s).toContain('"$PYTHON" -m venv "$venv"');
    expect(s).toContain('"$venv/bin/python" -m pip install --quiet --no-input --no-cache-dir --disable-pip-version-check "${offline[@]}" -r "$req"');
    expect(s).toContain('offline=(--no-index --find-links "$wh")');
    expect(s).toContain(`install_deps 'event-bus' "$rel/src/"'services/event-bus' "$rel/venvs/"'event-bus' 'requirements.txt' 0 "$rel/src/"'wheels'`);
    const explicit = renderNativeServices(spec({ services: nativeServicesSpec().services.map((x) => ({ ...x, requirements: "requirements.lock" })) })).script;
    expect(explicit).toContain(`'requirements.lock' 1 ''`);
  });

  test("pre-start check runs as the service would (transient unit: DynamicUser, its env files) before the switch", () => {
    const svc = nativeServicesSpec().services.map((x, i) => (i === 0 ? { ...x, preStart: ["python", "-m", "app.check"] } : x));
    const s = renderNativeServices(spec({ services: svc })).script;
    expect(s).toContain(
      "systemd-run --quiet --wait --pipe --collect --service-type=exec -p 'DynamicUser=yes' -p 'EnvironmentFile=/etc/stock-analysis/broker-gateway.env' -p 'EnvironmentFile=-/etc/stock-analysis/broker-gateway.secrets.env'",
    );
    expect(s).toContain(`-- '/opt/stock-analysis/bin/parity-exec' "$rel" 'broker-gateway' 'services/broker-gateway' 'python' '-m' 'app.check' </dev/null`);
    expect(s.indexOf("pre-start check failed")).toBeLessThan(s.indexOf('switch_current "$dir" "$ref"'));
  });

  test("a command health check gates readiness through parity-exec; the aggregate probes its port", () => {
    const svc = nativeServicesSpec().services.map((x, i) => (i === 4 ? { ...x, health: { http: undefined, command: ["python", "-m", "app.ping"], timeoutSeconds: 20 } } : x));
    const b = renderNativeServices(spec({ services: svc }));
    const unit = lines(fileOf(b, "/etc/systemd/system/stock-analysis-frontend.service").content);
    expect(unit).toContain("ExecStartPost=/opt/stock-analysis/bin/parity-wait-healthy 20 command /opt/stock-analysis/bin/parity-exec /opt/stock-analysis/app/current frontend services/frontend python -m app.ping");
    expect(unit).toContain("TimeoutStartSec=50s");
    const cfg = JSON.parse(fileOf(b, "/etc/stock-analysis/health.json").content) as { services: unknown[] };
    expect(cfg.services[4]).toEqual({ name: "frontend", unit: "stock-analysis-frontend.service", tcp: { host: "127.0.0.1", port: 8005 } });
  });

  test("a service whose health fails after the switch rolls the source back to the previous release", () => {
    const s = renderNativeServices(nativeServicesSpec()).script;
    expect(s).toContain(`switch_current '/opt/stock-analysis/app' "$previous_0"`);
    expect(s).toContain("did not become healthy; rolled back to ");
  });

  test("tag: fetched and checked against the pinned commit", () => {
    const s = renderNativeServices(spec({ sources: [{ name: "app", git: { url: "https://x.example/r.git", commit: COMMIT, tag: "v1.2.0" }, credentials: undefined }] })).script;
    expect(s).toContain(`fetch_git 'app' 'https://x.example/r.git' '${COMMIT}' 'v1.2.0'`);
    expect(s).toContain('[ "$got" = "$commit" ] || die "source $name: tag $tag points at $got, not the pinned commit $commit');
  });

  test("private sources: token as an http header from the environment, deploy key in a root-only file; never argv", () => {
    const token = renderNativeServices(spec({ sources: [{ name: "app", git: { url: "https://x.example/r.git", commit: COMMIT, tag: undefined }, credentials: { kind: "token", secret: "PARITY_SECRET_GIT_TOKEN", username: "x-access-token" } }] }));
    expect(token.secretEnv).toContain("PARITY_SECRET_GIT_TOKEN");
    expect(token.script).toContain(`fetch_git 'app' 'https://x.example/r.git' '${COMMIT}' '' 'token' 'PARITY_SECRET_GIT_TOKEN' 'x-access-token' "$dest"`);
    expect(token.script).toContain('export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.$url.extraHeader"');
    // The secret is only ever dereferenced inside assignments or printf to a pipe/file.
    for (const line of token.script.split("\n").filter((l) => l.includes("${!var}"))) expect(line).toMatch(/GIT_CONFIG_VALUE_0=|printf '%s\\n' "\$\{!var\}" > "\$keydir\/key"|-H @<\(printf/);
    const key = renderNativeServices(spec({ sources: [{ name: "app", git: { url: "git@github.com:o/r.git", commit: COMMIT, tag: undefined }, credentials: { kind: "sshKey", secret: "PARITY_SECRET_DEPLOY_KEY", knownHosts: ["github.com ssh-ed25519 AAAAC3Nza"] } }] }));
    expect(key.script).toContain("(umask 077; printf '%s\\n' \"${!var}\" > \"$keydir/key\")");
    expect(key.script).toContain("StrictHostKeyChecking=$strict");
    expect(key.script).toContain("printf '%s\\n' 'github.com ssh-ed25519 AAAAC3Nza' > \"$SOURCES_CACHE/app.known_hosts\"");
    expect(key.script).toContain("ensure_packages 'python3' 'python3.11' 'python3.11-venv' 'git' 'openssh-client'");
    expectNoSecrets(key);
  });

  test("archive: downloaded, sha256 checked, unpacked; release named by the sha256", () => {
    const s = renderNativeServices(spec({ sources: [{ name: "app", archive: { url: "https://x.example/app-1.2.tar.gz", sha256: SHA256, stripComponents: 1 }, credentials: undefined }] })).script;
    expect(s).toContain(`ref='${SHA256.slice(0, 40)}'`);
    expect(s).toContain(`fetch_archive 'app' 'https://x.example/app-1.2.tar.gz' '${SHA256}' '1' 'none' '' "$dest"`);
    expect(s).toContain('die "source $name: $url does not match the pinned sha256 $sha"');
  });
});

describe("parity-exec", () => {
  test("enters the resolved release (via current or a release being built) and runs argv[0] from its venv", () => {
    const root = fs.mkdtempSync("/tmp/parity-exec-");
    try {
      const rel = `${root}/releases/${COMMIT}`;
      fs.mkdirSync(`${rel}/src/svc-dir`, { recursive: true });
      fs.mkdirSync(`${rel}/venvs/web/bin`, { recursive: true });
      fs.writeFileSync(`${rel}/venvs/web/bin/python`, '#!/bin/sh\necho "$PARITY_RELEASE $(pwd) $VIRTUAL_ENV $*"\n', { mode: 0o755 });
      fs.symlinkSync(`releases/${COMMIT}`, `${root}/current`);
      fs.writeFileSync(`${root}/parity-exec`, PARITY_EXEC, { mode: 0o755 });
      const expected = `${COMMIT} ${rel}/src/svc-dir ${rel}/venvs/web -m app\n`;
      expect(execFileSync(`${root}/parity-exec`, [`${root}/current`, "web", "svc-dir", "python", "-m", "app"], { encoding: "utf8" })).toBe(expected);
      expect(execFileSync(`${root}/parity-exec`, [rel, "web", "svc-dir", "python", "-m", "app"], { encoding: "utf8" })).toBe(expected);
      expect(() => execFileSync(`${root}/parity-exec`, [`${root}/nothing`, "web", "svc-dir", "python"], { stdio: "pipe" })).toThrow(/no installed release/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
