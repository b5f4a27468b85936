/** The native services step's script: Python, uv (only from configured sources), venvs, secrets, units. */
import type { NativeService, ResolvedNative } from "../nativeServices";
import { scriptPrelude, shq } from "../common/shell";
import { splitTemplate } from "./env";

function secretsBlock(file: string, vars: ReadonlyArray<{ readonly variable: string; readonly secret: string; readonly template?: string }>): string {
  const lines = vars.map((v) => {
    const t = splitTemplate(v.template ?? "{secret}");
    const value = t.urlEncode ? `"$(urlencode "\${${v.secret}}")"` : `"\${${v.secret}}"`;
    return `  printf '%s=%s\\n' ${v.variable} "$(env_quote ${shq(t.prefix)}${value}${shq(t.suffix)})"`;
  });
  return `{\n  printf '# Written by Parity from secrets; not part of the rendered bundle.\\n'\n${lines.join("\n")}\n} | write_if_changed ${shq(file)} 0600 root:root`;
}

function serviceSecrets(r: ResolvedNative, s: NativeService): string {
  const file = r.paths.secretsFile(s.name);
  return `if ${secretsBlock(file, s.secretEnv ?? [])}; then secrets_changed+=${shq(file)}$'\\n'; fi`;
}

function healthSecrets(r: ResolvedNative): string {
  const h = r.health;
  if (!h) return "";
  const vars = [h.postgres, h.redis, h.rabbitmq].flatMap((x) => (x ? [{ variable: x.passwordSecret, secret: x.passwordSecret }] : []));
  const unique = vars.filter((v, i) => vars.findIndex((w) => w.variable === v.variable) === i);
  const file = r.paths.secretsFile("health");
  return `if ${secretsBlock(file, unique)}; then secrets_changed+=${shq(file)}$'\\n'; fi`;
}

export function renderNativeScript(r: ResolvedNative): string {
  const p = r.paths;
  const py = r.python;
  const packages = ["python3", py, `${py}-venv`, ...r.extraPackages];
  const uv = r.uv;
  const healthUnit = p.unitName("health");
  const healthFiles = [p.unitFile("health"), p.healthConfig, p.healthModule, p.healthCommand];
  return `${scriptPrelude(`${r.project}-services`)}
UV=${shq(uv.path)}
PYTHON=${shq(`/usr/bin/${py}`)}

ensure_packages ${packages.map(shq).join(" ")}
install -d -m 0755 ${shq(p.optDir)} ${shq(`${p.optDir}/venvs`)} ${shq(`${p.optDir}/services`)} ${shq(`${p.optDir}/bin`)} ${shq(p.libDir)}
install -d -m 0755 ${shq(p.etcDir)}

# uv: only from a path on the guest or a configured, checksummed URL. Never pretend it exists.
uv_available=0
if [ -x "$UV" ]; then
  uv_available=1
elif [ -n ${shq(uv.sourcePath ?? "")} ] && [ -f ${shq(uv.sourcePath ?? "")} ]; then
  install -m 0755 ${shq(uv.sourcePath ?? "")} "$UV"
  log "installed uv from ${uv.sourcePath ?? ""}"
  uv_available=1
elif [ -n ${shq(uv.url ?? "")} ]; then
  ensure_packages curl ca-certificates
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
  warn "uv is NOT installed: not found at $UV, and neither uv.sourcePath nor uv.url is configured. Virtualenvs are created with '$PYTHON -m venv' instead; the application deployment must install its dependencies."
fi

for svc in ${r.services.map((s) => shq(s.name)).join(" ")}; do
  venv=${shq(`${p.optDir}/venvs`)}/"$svc"
  [ -x "$venv/bin/python" ] && continue
  if [ "$uv_available" = 1 ]; then
    "$UV" venv --quiet --python "$PYTHON" "$venv"
    log "created venv $venv with uv"
  else
    "$PYTHON" -m venv "$venv"
    log "created venv $venv with $PYTHON -m venv (uv unavailable)"
  fi
done

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

# Application units: (re)started only when their unit, env or secrets changed. --no-block:
# without deployed code they fail at ExecStartPre, which is reported below, not fatal here.
restarted=()
for svc in ${r.services.map((s) => shq(s.name)).join(" ")}; do
  unit=${shq(`${r.project}-`)}"$svc.service"
  systemctl is-enabled --quiet "$unit" || systemctl enable --quiet "$unit"
  if touched "/etc/systemd/system/$unit" || touched ${shq(`${p.etcDir}/`)}"$svc.env" || touched ${shq(`${p.etcDir}/`)}"$svc.secrets.env"; then
    systemctl restart --no-block "$unit"
    restarted+=("$svc")
  fi
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

if [ "\${#restarted[@]}" -gt 0 ]; then
  sleep 3
  for svc in "\${restarted[@]}"; do
    unit=${shq(`${r.project}-`)}"$svc.service"
    code=${shq(`${p.optDir}/services/`)}"$svc"
    if systemctl is-active --quiet "$unit"; then
      log "$unit is running"
    elif [ ! -d "$code" ] || [ -z "$(ls -A "$code" 2>/dev/null)" ]; then
      warn "$unit is enabled but cannot run: application code not installed at $code"
    else
      warn "$unit is not running: see journalctl -u $unit"
    fi
  done
fi
log "${r.project} services configured"
`;
}
