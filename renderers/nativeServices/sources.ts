/**
 * Pinned application sources and the bash that fetches one into a release's `src/`.
 *
 * Credentials come from the step's secret environment (stdin) and reach git or curl through the
 * environment or a file descriptor, never argv: a token becomes `http.<url>.extraHeader` via
 * `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_0`/`GIT_CONFIG_VALUE_0` (or a curl header read from a
 * pipe); an SSH deploy key is written to a root-only file in a private temporary directory for
 * the duration of the fetch.
 */
import { shq } from "../../core/shell";

export interface GitPin {
  readonly url: string;
  /** Full 40-hex commit SHA: what is deployed. */
  readonly commit: string;
  /** Tag fetched and checked to still point at `commit`; `undefined`: none. */
  readonly tag: string | undefined;
}

export interface ArchivePin {
  readonly url: string;
  readonly sha256: string;
  /** Leading path components to drop. */
  readonly stripComponents: number;
}

export type SourceCredentials =
  | { readonly kind: "token"; /** Secret env name. */ readonly secret: string; readonly username: string }
  | { readonly kind: "sshKey"; /** Secret env name. */ readonly secret: string; /** known_hosts lines; `undefined`: trust on first use. */ readonly knownHosts: readonly string[] | undefined };

/** A source shared by the services that name it; exactly one of `git` or `archive`. */
export interface SourceSpec {
  /** Directory name under /opt/<project>; lowercase. */
  readonly name: string;
  readonly git?: GitPin;
  readonly archive?: ArchivePin;
  /** `undefined`: a public source. */
  readonly credentials: SourceCredentials | undefined;
}

/** The release directory name: the commit SHA, or the first 40 hex digits of the archive's sha256. */
export function releaseRef(src: SourceSpec): string {
  // The contract pins each source (schema: 40-hex commit, 64-hex sha256; checks/nativeDelivery.ts: exactly one form).
  return src.git ? src.git.commit : src.archive!.sha256.slice(0, 40);
}

/** Debian packages a source needs on the guest to be fetched. */
export function sourcePackages(src: SourceSpec): string[] {
  if (src.git) return ["git", ...(src.credentials?.kind === "sshKey" || /^(ssh:\/\/|[^/]+@[^/]+:)/.test(src.git.url) ? ["openssh-client"] : [])];
  return ["curl", "ca-certificates", ...(/\.zip$/.test(src.archive!.url) ? ["unzip"] : [])];
}

/** Bash written as `String.raw` with `\${…}` for bash expansions: removes those backslashes. */
export function bashText(raw: string): string {
  return raw.replace(/\\\$\{/g, "${");
}

/** Bash helpers shared by every source; `fetch_*` write the tree into their last argument. */
export const FETCH_FUNCTIONS = bashText(String.raw`# with_git_credentials <kind> <secret-var> <url> <username-or-knownhosts-file> cmd...: runs cmd with credentials
# in its environment only (a subshell), so nothing reaches argv, logs or git's config on disk.
with_git_credentials() {
  local kind="$1" var="$2" url="$3" extra="$4"; shift 4
  (
    case "$kind" in
      token)
        export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.$url.extraHeader"
        GIT_CONFIG_VALUE_0="Authorization: Basic $(printf '%s:%s' "$extra" "\${!var}" | base64 -w0)"
        export GIT_CONFIG_VALUE_0 GIT_TERMINAL_PROMPT=0 ;;
      sshKey)
        keydir="$(mktemp -d /run/parity-key.XXXXXX)"
        trap 'rm -rf "$keydir"' EXIT
        (umask 077; printf '%s\n' "\${!var}" > "$keydir/key")
        if [ -n "$extra" ]; then hosts="$extra" strict=yes; else hosts="$SOURCES_CACHE/known_hosts" strict=accept-new; fi
        export GIT_SSH_COMMAND="ssh -i $keydir/key -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=$hosts -o StrictHostKeyChecking=$strict" ;;
      none) export GIT_TERMINAL_PROMPT=0 ;;
    esac
    "$@"
  )
}

# fetch_git <name> <url> <commit> <tag> <cred-kind> <cred-var> <cred-extra> <dest>: the commit's
# tree into <dest>, through a bare mirror in the cache. With a tag, the tag must still name the commit.
fetch_git() {
  local name="$1" url="$2" commit="$3" tag="$4" kind="$5" var="$6" extra="$7" dest="$8" mirror got
  mirror="$SOURCES_CACHE/$name.git"
  [ -d "$mirror" ] || git init --quiet --bare "$mirror"
  git -C "$mirror" config remote.origin.url "$url"
  if [ -n "$tag" ]; then
    with_git_credentials "$kind" "$var" "$url" "$extra" git -C "$mirror" fetch --quiet --no-tags --depth 1 origin "+refs/tags/$tag:refs/tags/$tag" \
      || die "source $name: could not fetch tag $tag from $url"
    got="$(git -C "$mirror" rev-parse --verify --quiet "refs/tags/$tag^{commit}" || true)"
    [ "$got" = "$commit" ] || die "source $name: tag $tag points at $got, not the pinned commit $commit (a moved tag is refused; pin the commit you mean)"
  elif ! git -C "$mirror" cat-file -e "$commit^{commit}" 2>/dev/null; then
    # By SHA first (servers with protocol v2 or allowReachableSHA1InWant), else every branch and tag.
    with_git_credentials "$kind" "$var" "$url" "$extra" git -C "$mirror" fetch --quiet --no-tags --depth 1 origin "$commit" 2>/dev/null \
      || with_git_credentials "$kind" "$var" "$url" "$extra" git -C "$mirror" fetch --quiet origin '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*' \
      || die "source $name: could not fetch from $url"
  fi
  git -C "$mirror" cat-file -e "$commit^{commit}" 2>/dev/null || die "source $name: commit $commit is not in $url"
  git -C "$mirror" archive --format=tar "$commit" | tar -x --no-same-owner -C "$dest"
  log "source $name: commit $commit\${tag:+ (tag $tag)} from $url"
}

# fetch_archive <name> <url> <sha256> <strip> <cred-kind> <cred-var> <dest>: download (cached by
# sha256), verify, unpack.
fetch_archive() {
  local name="$1" url="$2" sha="$3" strip="$4" kind="$5" var="$6" dest="$7" file tmp
  file="$SOURCES_CACHE/$name-$sha.archive"
  if [ ! -f "$file" ] || ! echo "$sha  $file" | sha256sum -c --quiet - >/dev/null 2>&1; then
    tmp="$(mktemp "$SOURCES_CACHE/.download.XXXXXX")"
    if [ "$kind" = token ]; then
      curl -fsSL --retry 3 --proto '=https,http' -H @<(printf 'Authorization: Bearer %s\n' "\${!var}") -o "$tmp" "$url" || { rm -f "$tmp"; die "source $name: could not download $url"; }
    else
      curl -fsSL --retry 3 --proto '=https,http' -o "$tmp" "$url" || { rm -f "$tmp"; die "source $name: could not download $url"; }
    fi
    echo "$sha  $tmp" | sha256sum -c --quiet - >/dev/null 2>&1 || { rm -f "$tmp"; die "source $name: $url does not match the pinned sha256 $sha"; }
    mv -f "$tmp" "$file"
  fi
  case "$url" in
    *.zip)
      tmp="$(mktemp -d "$SOURCES_CACHE/.unzip.XXXXXX")"
      unzip -q "$file" -d "$tmp"
      local from="$tmp" i
      for ((i = 0; i < strip; i++)); do from="$(find "$from" -mindepth 1 -maxdepth 1 -type d | head -n1)"; [ -n "$from" ] || die "source $name: cannot strip $strip components"; done
      cp -a "$from/." "$dest/"; rm -rf "$tmp" ;;
    *) tar -xf "$file" --no-same-owner --strip-components="$strip" -C "$dest" ;;
  esac
  log "source $name: archive $url (sha256 $sha)"
}
`);

/** The call that fetches one source into `$dest`. */
export function renderFetch(src: SourceSpec): string {
  const c = src.credentials;
  const kind = c?.kind ?? "none";
  const variable = c?.secret ?? "";
  if (src.git) {
    const extra = c?.kind === "token" ? c.username : "";
    const known = c?.kind === "sshKey" && c.knownHosts?.length ? `"$SOURCES_CACHE/${src.name}.known_hosts"` : shq(extra);
    const knownSetup = c?.kind === "sshKey" && c.knownHosts?.length ? `printf '%s\\n' ${c.knownHosts.map(shq).join(" ")} > "$SOURCES_CACHE/${src.name}.known_hosts"\n  ` : "";
    return `${knownSetup}fetch_git ${[src.name, src.git.url, src.git.commit, src.git.tag ?? "", kind, variable].map(shq).join(" ")} ${known} "$dest"`;
  }
  const a = src.archive!;
  return `fetch_archive ${[src.name, a.url, a.sha256, String(a.stripComponents), kind, variable].map(shq).join(" ")} "$dest"`;
}
