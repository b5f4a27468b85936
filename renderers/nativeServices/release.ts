/**
 * Releases of the native services' application code, as bash for the step's script:
 * build a release (fetch, one venv per service, dependencies, pre-start checks) only when it is
 * not already installed, switch `current` atomically, keep the last N, and undo the switch when
 * a restarted service does not become healthy.
 *
 * A kept release carries `.parity-ready` (written last, after every check passed): switching
 * back to it is a rename of a symlink, with no fetch, no venv and no pip. A release that fails
 * to build is deleted and the step fails before anything is switched or restarted, so the
 * running release stays untouched.
 */
import type { ResolvedNative, ResolvedService } from "../nativeServices";
import { shq } from "../../core/shell";
import { execLine, serviceArgv } from "./units";
import { bashText, releaseRef, renderFetch, type SourceSpec } from "./sources";

/** Generic helpers: dependency install, release bookkeeping. */
export const RELEASE_FUNCTIONS = bashText(String.raw`# install_deps <service> <service-dir> <venv> <requirements> <explicit 0|1> <wheelhouse>
install_deps() {
  local svc="$1" dir="$2" venv="$3" req="$4" explicit="$5" wh="$6" offline=()
  if [ -n "$wh" ]; then
    [ -d "$wh" ] || die "$svc: wheelhouse $wh not found"
    offline=(--no-index --find-links "$wh")
  fi
  if [ "$uv_available" = 1 ] && [ -f "$dir/uv.lock" ]; then
    log "$svc: uv sync --frozen (uv.lock)"
    (cd "$dir" && UV_PROJECT_ENVIRONMENT="$venv" UV_NO_CACHE=1 "$UV" sync --quiet --frozen --no-dev --python "$PYTHON" "\${offline[@]}")
    return
  fi
  if [ "$uv_available" = 1 ]; then "$UV" venv --quiet --python "$PYTHON" "$venv"; else "$PYTHON" -m venv "$venv"; fi
  if [ -f "$dir/$req" ]; then
    log "$svc: installing dependencies from $req"
    if [ "$uv_available" = 1 ]; then
      (cd "$dir" && UV_NO_CACHE=1 "$UV" pip install --quiet --python "$venv/bin/python" "\${offline[@]}" -r "$req")
    else
      (cd "$dir" && PIP_ROOT_USER_ACTION=ignore "$venv/bin/python" -m pip install --quiet --no-input --no-cache-dir --disable-pip-version-check "\${offline[@]}" -r "$req")
    fi
  elif [ "$explicit" = 1 ]; then
    die "$svc: requirements file $req not found in the release"
  else
    log "$svc: no uv.lock and no $req: no dependencies to install"
  fi
}

# all_active <unit>...: every one active (systemctl is-active with several units means "any").
all_active() { local u; for u in "$@"; do systemctl is-active --quiet "$u" || return 1; done; }

current_ref() { local l; l="$(readlink "$1/current" 2>/dev/null || true)"; printf '%s' "\${l##*/}"; }

# switch_current <source-dir> <ref>: atomic (rename of a new symlink over the old one).
switch_current() {
  local dir="$1" ref="$2" hist
  ln -sfn "releases/$ref" "$dir/.current.new"
  mv -Tf "$dir/.current.new" "$dir/current"
  hist="$dir/releases/.history"
  { grep -vxF -- "$ref" "$hist" 2>/dev/null || true; printf '%s\n' "$ref"; } > "$hist.new"
  mv -f "$hist.new" "$hist"
}

# prune_releases <source-dir> <keep>: keeps the <keep> most recently activated releases.
prune_releases() {
  local dir="$1" keep="$2" cur d name
  cur="$(current_ref "$dir")"
  local kept
  kept="$(tac "$dir/releases/.history" 2>/dev/null | head -n "$keep"; printf '%s\n' "$cur")"
  for d in "$dir"/releases/*/; do
    [ -d "$d" ] || continue
    name="$(basename "$d")"
    grep -qxF -- "$name" <<<"$kept" && continue
    rm -rf "$d"
    log "removed old release $d"
  done
  tac "$dir/releases/.history" 2>/dev/null | head -n "$keep" | tac > "$dir/releases/.history.new" || true
  mv -f "$dir/releases/.history.new" "$dir/releases/.history"
}
`);

function preStartCheck(r: ResolvedNative, s: ResolvedService, argv: readonly string[]): string {
  const p = r.paths;
  // A transient unit with the service's own identity, environment and venv: the check sees
  // exactly what the service will see, without starting it.
  const props = [
    "DynamicUser=yes",
    `EnvironmentFile=${p.envFile(s.name)}`,
    `EnvironmentFile=-${p.secretsFile(s.name)}`,
    `Environment=PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=${p.libDir} PORT=${s.port}`,
  ];
  const argvLine = [p.exec, "$rel", s.name, s.path, ...argv].map((a) => (a === "$rel" ? '"$rel"' : shq(a))).join(" ");
  return `  log ${shq(`${s.name}: pre-start check`)}
  systemd-run --quiet --wait --pipe --collect --service-type=exec ${props.map((x) => `-p ${shq(x)}`).join(" ")} -- ${argvLine} </dev/null \\
    || die ${shq(`${s.name}: pre-start check failed (${argv.join(" ")})`)}`;
}

/** The builder function of one source: fetch, then per service a venv, dependencies, pre-start check. */
function builder(r: ResolvedNative, src: SourceSpec, index: number): string {
  const services = r.services.filter((s) => s.source === src.name);
  const wheelhouse = r.wheelhouse === undefined ? "" : r.wheelhouse.startsWith("/") ? shq(r.wheelhouse) : `"$rel/src/"${shq(r.wheelhouse)}`;
  const perService = services.map((s) => {
    const req = s.requirements ?? "requirements.txt";
    const install = `  install_deps ${shq(s.name)} "$rel/src/"${shq(s.path)} "$rel/venvs/"${shq(s.name)} ${shq(req)} ${s.requirements ? 1 : 0} ${wheelhouse || "''"}`;
    return s.preStart ? `${install}\n${preStartCheck(r, s, s.preStart)}` : install;
  });
  return `build_release_${index}() {
  local rel="$1" dest="$1/src"
  ${renderFetch(src)}
  find "$rel/src" -type d -exec chmod a+rx {} + ; chmod -R a+r "$rel/src"
${perService.join("\n")}
}`;
}

/** Builds, switches and prunes every source; sets `switched_<i>=1` and `previous_<i>` per source. */
export function renderReleases(r: ResolvedNative): string {
  const blocks = r.sources.map((src, i) => {
    const dir = r.paths.sourceDir(src.name);
    const ref = releaseRef(src);
    return `${builder(r, src, i)}
dir=${shq(dir)}; ref=${shq(ref)}
install -d -m 0755 "$dir" "$dir/releases"
previous_${i}="$(current_ref "$dir")"; switched_${i}=0
if [ ! -f "$dir/releases/$ref/.parity-ready" ]; then
  log ${shq(`source ${src.name}: building release ${ref}`)}
  rm -rf "$dir/releases/$ref"
  install -d -m 0755 "$dir/releases/$ref" "$dir/releases/$ref/src" "$dir/releases/$ref/venvs"
  set +e
  (set -e; build_release_${i} "$dir/releases/$ref")
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    rm -rf "$dir/releases/$ref"
    die "source ${src.name}: release $ref failed to install (see above); still running: \${previous_${i}:-nothing}"
  fi
  date -u +%Y-%m-%dT%H:%M:%SZ > "$dir/releases/$ref/.parity-ready"
fi
if [ "\${previous_${i}}" != "$ref" ]; then
  [ -n "\${previous_${i}}" ] && log ${shq(`source ${src.name}: switching from `)}"\${previous_${i}}"${shq(` to ${ref}`)}
  switch_current "$dir" "$ref"
  switched_${i}=1
fi`;
  });
  return blocks.join("\n\n");
}

/** After restarts: undo a switch whose services did not become healthy; prune kept releases. */
export function renderRollbackAndPrune(r: ResolvedNative): string {
  return r.sources
    .map((src, i) => {
      const units = r.services.filter((s) => s.source === src.name).map((s) => r.paths.unitName(s.name));
      const dir = r.paths.sourceDir(src.name);
      return `if [ "$switched_${i}" = 1 ] && ! all_active ${units.map(shq).join(" ")}; then
  for u in ${units.map(shq).join(" ")}; do systemctl is-active --quiet "$u" || { warn "$u did not become healthy:"; journalctl -u "$u" -n 15 --no-pager -o cat >&2 || true; }; done
  if [ -n "$previous_${i}" ]; then
    switch_current ${shq(dir)} "$previous_${i}"
    systemctl restart ${units.map(shq).join(" ")} || true
    die ${shq(`source ${src.name}: release ${releaseRef(src)} did not become healthy; rolled back to `)}"$previous_${i}"
  fi
  die ${shq(`source ${src.name}: release ${releaseRef(src)} did not become healthy (no earlier release to roll back to)`)}
fi
prune_releases ${shq(dir)} ${r.keepReleases}`;
    })
    .join("\n");
}

/** For the docs and tests: the command line an app unit runs. */
export function appCommandLine(r: ResolvedNative, s: ResolvedService, argv: readonly string[]): string {
  return execLine(serviceArgv(r, s, argv));
}
