/**
 * Where rabbitmq-server comes from. Debian 12 ships 3.10; 3.12 and later (what stock-analysis asks for)
 * come only from Team RabbitMQ's own apt repositories (their Erlang and their server builds),
 * signed by Team RabbitMQ's main signing key.
 *
 * The key is pinned by its full fingerprint: the script downloads it, refuses it unless its
 * primary key has exactly that fingerprint, and only then writes the keyring the sources name in
 * `signed-by` (so these repositories can never be signed by any other key, and no other
 * repository trusts this one).
 */
import type { ResolvedRabbit } from "../rabbitmq";
import { shq } from "../../core/shell";

/** Team RabbitMQ's main signing key ("RabbitMQ Release Signing Key <info@rabbitmq.com>"). */
export const RABBITMQ_TEAM_KEY_FINGERPRINT = "0A9AF2115F4687BD29803A206B73A36E6026DFCA";
/** Fetched by fingerprint from keys.openpgp.org, where Team RabbitMQ publishes it. */
export const RABBITMQ_TEAM_KEY_URL = `https://keys.openpgp.org/vks/v1/by-fingerprint/${RABBITMQ_TEAM_KEY_FINGERPRINT}`;
export const RABBITMQ_KEYRING = "/usr/share/keyrings/com.rabbitmq.team.gpg";
export const RABBITMQ_APT_SOURCES = "/etc/apt/sources.list.d/parity-rabbitmq.list";
export const RABBITMQ_APT_PREFERENCES = "/etc/apt/preferences.d/parity-rabbitmq";
/**
 * The bundle stages both files here; the script moves them into apt's directories only once the
 * keyring is in place, so no other step's `apt-get update` ever sees a source without its key.
 */
export const RABBITMQ_APT_STAGED_SOURCES = "/etc/parity/rabbitmq/apt-sources.list";
export const RABBITMQ_APT_STAGED_PREFERENCES = "/etc/parity/rabbitmq/apt-preferences";
/** Both of Team RabbitMQ's mirrors: apt falls back to the second when the first is down. */
export const RABBITMQ_APT_MIRRORS = ["deb1.rabbitmq.com", "deb2.rabbitmq.com"] as const;
/** Erlang packages Team RabbitMQ's install guide lists for rabbitmq-server. */
export const RABBITMQ_ERLANG_PACKAGES = [
  "erlang-base", "erlang-asn1", "erlang-crypto", "erlang-eldap", "erlang-ftp", "erlang-inets", "erlang-mnesia",
  "erlang-os-mon", "erlang-parsetools", "erlang-public-key", "erlang-runtime-tools", "erlang-snmp", "erlang-ssl",
  "erlang-syntax-tools", "erlang-tftp", "erlang-tools", "erlang-xmerl",
] as const;

export type RabbitSource =
  /** Debian 12's rabbitmq-server 3.10 (the default: no third-party repository). */
  | { readonly kind: "debian" }
  /**
   * Team RabbitMQ's repositories (>= 3.12). `version` pins rabbitmq-server (an apt version glob,
   * e.g. `3.13.*`); `erlangVersion` pins their Erlang (e.g. `1:26.*`), needed when the pinned
   * server does not support their newest Erlang. Default: the newest of each.
   */
  | { readonly kind: "rabbitmq"; readonly version?: string; readonly erlangVersion?: string };

/** The sources list naming the pinned keyring; Debian bookworm builds of both repositories. */
export function renderRabbitAptSources(): string {
  const line = (mirror: string, repo: string) =>
    `deb [arch=amd64 signed-by=${RABBITMQ_KEYRING}] https://${mirror}/${repo}/debian/bookworm bookworm main`;
  return [
    "# Team RabbitMQ's repositories, managed by Parity. Signed by the key pinned in the keyring.",
    "## Erlang/OTP builds for RabbitMQ",
    ...RABBITMQ_APT_MIRRORS.map((m) => line(m, "rabbitmq-erlang")),
    "## RabbitMQ server",
    ...RABBITMQ_APT_MIRRORS.map((m) => line(m, "rabbitmq-server")),
    "",
  ].join("\n");
}

/**
 * apt preferences: these packages come from Team RabbitMQ's mirrors (priority 1001 beats
 * Debian's builds even where Debian's version compares higher), at the pinned versions if any.
 */
export function renderRabbitAptPreferences(source: Extract<RabbitSource, { kind: "rabbitmq" }>): string {
  const record = (packages: string, pin: string) => `Package: ${packages}\nPin: ${pin}\nPin-Priority: 1001\n`;
  // A pinned version is matched wherever it is; otherwise whatever the two mirrors carry.
  const records = (packages: string, version: string | undefined) =>
    version ? [record(packages, `version ${version}`)] : RABBITMQ_APT_MIRRORS.map((m) => record(packages, `origin ${m}`));
  return [
    "# Managed by Parity: rabbitmq-server and Erlang from Team RabbitMQ's repositories only.\n",
    ...records("rabbitmq-server", source.version),
    ...records("erlang*", source.erlangVersion),
  ].join("\n");
}

/** Debian's RabbitMQ (source `debian`). */
const RABBIT_DEBIAN_PACKAGES: readonly string[] = ["rabbitmq-server"];
/** What fetching and checking Team RabbitMQ's signing key needs, from Debian. */
const RABBIT_KEY_TOOLS: readonly string[] = ["ca-certificates", "curl", "gnupg"];

/**
 * The Debian packages the install script takes from Debian's own archive: rabbitmq-server itself
 * for source `debian`; for Team RabbitMQ's, only the key tools (its packages come from the
 * repository the script adds, so a template cannot pre-install them from Debian).
 */
export function rabbitDebianPackages(r: ResolvedRabbit): readonly string[] {
  return r.source.kind === "debian" ? RABBIT_DEBIAN_PACKAGES : RABBIT_KEY_TOOLS;
}

/**
 * Bash that installs the packages. Debian's: one `ensure_packages` line. Team RabbitMQ's: the
 * keyring (checked by fingerprint) and sources first, a refusal to turn an older installed node
 * into >= 3.12 in place (that upgrade crosses required feature flags), and the packages, which
 * {@link rabbitDebianPackages} deliberately leaves out: first boot installs them from Team
 * RabbitMQ's repository.
 */
export function renderRabbitInstallScript(r: ResolvedRabbit): string {
  if (r.source.kind === "debian") return `ensure_packages ${RABBIT_DEBIAN_PACKAGES.join(" ")}`;
  return `RABBIT_PACKAGES=(${RABBITMQ_ERLANG_PACKAGES.join(" ")} rabbitmq-server)
RABBIT_KEY_FPR=${shq(RABBITMQ_TEAM_KEY_FINGERPRINT)}
# Primary-key fingerprints of a keyring or key file, one per line.
key_fingerprints() { gpg --batch --no-default-keyring --show-keys --with-colons "$1" 2>/dev/null | awk -F: '$1 == "pub" { want = 1; next } want && $1 == "fpr" { print $10; want = 0 }'; }
if [ "$(key_fingerprints ${shq(RABBITMQ_KEYRING)} 2>/dev/null || true)" != "$RABBIT_KEY_FPR" ]; then
  ensure_packages ${RABBIT_KEY_TOOLS.join(" ")}
  log "installing Team RabbitMQ's signing key $RABBIT_KEY_FPR"
  key_tmp="$(mktemp -d)"
  curl -fsSL --proto '=https' --tlsv1.2 -o "$key_tmp/key.asc" ${shq(RABBITMQ_TEAM_KEY_URL)}
  got="$(key_fingerprints "$key_tmp/key.asc" | tr '\\n' ' ' | sed 's/ $//')"
  [ "$got" = "$RABBIT_KEY_FPR" ] || { rm -rf "$key_tmp"; die "the key from ${RABBITMQ_TEAM_KEY_URL} has fingerprint(s) '$got', not $RABBIT_KEY_FPR: refusing it"; }
  gpg --batch --yes --dearmor -o "$key_tmp/keyring.gpg" "$key_tmp/key.asc"
  install -m 0644 "$key_tmp/keyring.gpg" ${shq(RABBITMQ_KEYRING)}
  rm -rf "$key_tmp"
  PARITY_APT_UPDATED=""
fi
# New or changed sources: the package lists must be refreshed before anything is installed.
for pair in ${shq(`${RABBITMQ_APT_STAGED_SOURCES}:${RABBITMQ_APT_SOURCES}`)} ${shq(`${RABBITMQ_APT_STAGED_PREFERENCES}:${RABBITMQ_APT_PREFERENCES}`)}; do
  if ! cmp -s "\${pair%%:*}" "\${pair#*:}"; then
    log "installing \${pair#*:}"
    install -m 0644 "\${pair%%:*}" "\${pair#*:}"
    PARITY_APT_UPDATED=""
  fi
done
installed_version="$(dpkg-query -W -f='\${Version}' rabbitmq-server 2>/dev/null || true)"
if [ -n "$installed_version" ] && package_installed rabbitmq-server && dpkg --compare-versions "$installed_version" lt 3.12; then
  die "rabbitmq-server $installed_version (Debian's) is installed; Team RabbitMQ's >= 3.12 cannot replace it in place (the upgrade must pass through 3.11 and 3.12 with all feature flags enabled): upgrade by hand, or provision a fresh guest"
fi
ensure_packages "\${RABBIT_PACKAGES[@]}"`;
}
