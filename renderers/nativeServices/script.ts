/** The native services step's script: Python, uv (only from configured sources), secrets, releases, units. */
import type { NativeService, ResolvedNative } from "../nativeServices";
import { scriptPrelude } from "../common/shell";
import { shq } from "../../core/shell";
import { splitTemplate } from "./env";
import { RELEASE_FUNCTIONS, renderReleases, renderRollbackAndPrune } from "./release";
import { FETCH_FUNCTIONS, sourcePackages } from "./sources";

function secretsBlock(file: string, vars: ReadonlyArray<{ readonly variable: string; readonly secret: string; readonly template: string }>): string {
  const lines = vars.map((v) => {
    const t = splitTemplate(v.template);
    const value = t.urlEncode ? `"$(urlencode "\${${v.secret}}")"` : `"\${${v.secret}}"`;
    return `  printf '%s=%s\\n' ${v.variable} "$(env_quote ${shq(t.prefix)}${value}${shq(t.suffix)})"`;
  });
  return `{\n  printf '# Written by Parity from secrets; not part of the rendered bundle.\\n'\n${lines.join("\n")}\n} | write_if_changed ${shq(file)} 0600 root:root`;
}

function serviceSecrets(r: ResolvedNative, s: NativeService): string {
  const file = r.paths.secretsFile(s.name);
  return `if ${secretsBlock(file, s.secretEnv)}; then secrets_changed+=${shq(file)}$'\\n'; fi`;
}

function healthSecrets(r: ResolvedNative): string {
  const h = r.health;
  if (!h) return "";
  const vars = [h.postgres, h.redis, h.rabbitmq].flatMap((x) => (x ? [{ variable: x.passwordSecret, secret: x.passwordSecret, template: "{secret}" }] : []));
  const unique = vars.filter((v, i) => vars.findIndex((w) => w.variable === v.variable) === i);
  const file = r.paths.secretsFile("health");
  return `if ${secretsBlock(file, unique)}; then secrets_changed+=${shq(file)}$'\\n'; fi`;
}

/** What fetching uv from its configured URL needs. */
const UV_DOWNLOAD_PACKAGES: readonly string[] = ["curl", "ca-certificates"];

/** Python, the sources' fetch tools and the extra packages the script always ensures. */
function basePackages(r: ResolvedNative): string[] {
  const py = r.python;
  return [...new Set(["python3", py, `${py}-venv`, ...r.sources.flatMap(sourcePackages), ...r.extraPackages])];
}

/**
 * Every Debian package the script may install: {@link basePackages}, plus curl for uv when uv
 * comes from a URL (the only branch that downloads it).
 */
export function nativePackages(r: ResolvedNative): readonly string[] {
  return [...new Set([...basePackages(r), ...(r.uv.url ? UV_DOWNLOAD_PACKAGES : [])])];
}

export function renderNativeScript(r: ResolvedNative): string {
  const p = r.paths;
  const py = r.python;
  const packages = basePackages(r);
  const uv = r.uv;
  const healthUnit = p.unitName("health");
  const healthFiles = [p.unitFile("health"), p.healthConfig, p.healthModule, p.healthCommand];
  return `${scriptPrelude(`${r.project}-services`)}
UV=${shq(uv.path)}
PYTHON=${shq(`/usr/bin/${py}`)}

ensure_packages ${packages.map(shq).join(" ")}
install -d -m 0755 ${shq(p.optDir)} ${shq(p.binDir)} ${shq(p.libDir)} ${shq(p.etcDir)}
install -d -m 0700 ${shq(p.cacheDir)}

# uv: only from a path on the guest or a configured, checksummed URL. Never pretend it exists.
uv_available=0
if [ -x "$UV" ]; then
  uv_available=1
elif [ -n ${shq(uv.sourcePath ?? "")} ] && [ -f ${shq(uv.sourcePath ?? "")} ]; then
  ${uv.sha256 ? `echo ${shq(`${uv.sha256}  ${uv.sourcePath ?? ""}`)} | sha256sum -c --quiet - || die "uv at ${uv.sourcePath ?? ""} does not match the configured sha256"
  ` : ""}install -m 0755 ${shq(uv.sourcePath ?? "")} "$UV"
  log "installed uv from ${uv.sourcePath ?? ""}"
  uv_available=1
elif [ -n ${shq(uv.url ?? "")} ]; then
  ensure_packages ${UV_DOWNLOAD_PACKAGES.join(" ")}
  tmp="$(mktemp -d)"
  curl -fsSL --proto '=https' --retry 3 -o "$tmp/download" ${shq(uv.url ?? "")} || die "could not download uv from ${uv.url ?? ""}"
  echo ${shq(`${uv.sha256 ?? ""}  `)}"$tmp/download" | sha256sum -c --quiet - || die "uv download does not match the configured sha256"
  case ${shq(uv.url ?? "")} in
    *.tar.gz) tar -xzf "$tmp/download" -C "$tmp"; src="$(find "$tmp" -type f -name uv | head -n1)" ;;
    *) src="$tmp/download" ;;
  esac
  [ -n "$src" ] || die "no uv binary in the downloaded archive"
  install -m 0755 "$src" "$UV"
  rm -rf "$tmp"
  log "installed uv from ${uv.url ?? ""}"
  uv_available=1
else
  warn "uv is NOT installed: not found at $UV, and neither uv.sourcePath nor uv.url is configured. New releases get their venvs from '$PYTHON -m venv' and dependencies from pip."
fi

# Secret variables, written from the step's secret environment (never from the bundle).
env_quote() { local v="\${1//\\\\/\\\\\\\\}"; v="\${v//\\"/\\\\\\"}"; printf '"%s"' "$v"; }
urlencode() {
  local LC_ALL=C s="$1" out="" c i h
  for ((i = 0; i < \${#s}; i++)); do
    c="\${s:i:1}"
    case "$c" in [a-zA-Z0-9.~_-]) out+="$c" ;; *) printf -v h '%%%02X' "'$c"; out+="$h" ;; esac
  done
  printf '%s' "$out"
}
secrets_changed=""
${r.services.map((s) => serviceSecrets(r, s)).join("\n")}
${healthSecrets(r)}
touched() { changed "$1" || grep -qxF -- "$1" <<<"$secrets_changed"; }

if any_changed ${[...r.services.map((s) => p.unitFile(s.name)), ...(r.health ? [p.unitFile("health")] : [])].map(shq).join(" ")}; then
  systemctl daemon-reload
fi

# Application releases: build what is not installed yet, then switch \`current\` atomically.
SOURCES_CACHE=${shq(p.cacheDir)}
${FETCH_FUNCTIONS}
${RELEASE_FUNCTIONS}
${renderReleases(r)}

# A unit restarts only when its release, unit, env or secrets changed (or it is not running).
# The restart blocks on each unit's readiness gate, so "restarted" means "healthy".
restart_units=()
${r.services.map((s) => restartCheck(r, s)).join("\n")}
if [ "\${#restart_units[@]}" -gt 0 ]; then
  log "restarting: \${restart_units[*]}"
  systemctl restart "\${restart_units[@]}" || warn "not every restarted service became healthy"
fi
${renderRollbackAndPrune(r)}
for u in "\${restart_units[@]}"; do
  systemctl is-active --quiet "$u" || die "$u did not become healthy; see journalctl -u $u"
done
${
  r.health
    ? `
systemctl is-enabled --quiet ${shq(healthUnit)} || systemctl enable --quiet ${shq(healthUnit)}
if ${healthFiles.map((f) => `touched ${shq(f)}`).join(" || ")} || touched ${shq(p.secretsFile("health"))}; then
  systemctl restart ${shq(healthUnit)}
elif ! systemctl is-active --quiet ${shq(healthUnit)}; then
  systemctl start ${shq(healthUnit)}
fi`
    : ""
}
log "${r.project} services configured"
`;
}

function restartCheck(r: ResolvedNative, s: ResolvedNative["services"][number]): string {
  const p = r.paths;
  const i = r.sources.findIndex((x) => x.name === s.source);
  const unit = p.unitName(s.name);
  return `systemctl is-enabled --quiet ${shq(unit)} || systemctl enable --quiet ${shq(unit)}
if [ "$switched_${i}" = 1 ] || touched ${shq(p.unitFile(s.name))} || touched ${shq(p.envFile(s.name))} || touched ${shq(p.secretsFile(s.name))} || ! systemctl is-active --quiet ${shq(unit)}; then
  restart_units+=(${shq(unit)})
fi`;
}
