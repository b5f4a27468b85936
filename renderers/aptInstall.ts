/**
 * Every apt run of every Parity step on a machine holds this lock. Pulumi starts a guest's
 * independent steps side by side (the in-guest services after bootstrap, for example), and apt
 * lets one process at a time hold its lists and dpkg locks: without it the second step fails
 * with "Could not get lock". It lives beside the steps' bundles (/var/lib/parity/steps), which
 * every step's entrypoint runs from, so the directory always exists.
 */
export const APT_LOCK = "/var/lib/parity/apt.lock";

/**
 * `apt-get`, one at a time among Parity's steps (flock), and waiting up to ten minutes rather
 * than failing when another apt holds dpkg's lock (unattended-upgrades, an operator).
 * PARITY_APT_LOCK moves the lock file (the unit test runs the steps' bash unprivileged).
 */
export const APT_GET = `flock "\${PARITY_APT_LOCK:-${APT_LOCK}}" apt-get -o DPkg::Lock::Timeout=600`;

/**
 * A bash fragment that installs Debian packages only when `dpkg-query` says they are missing,
 * and refreshes the package lists only then — so a second run installs and downloads nothing.
 */
export function aptInstallSnippet(packages: readonly string[]): string {
  const list = [...packages].sort().join(" ");
  return `missing=()
for pkg in ${list}; do
  dpkg-query -W -f='\${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "\${#missing[@]}" -gt 0 ]; then
  echo "parity: installing \${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  ${APT_GET} update -qq
  ${APT_GET} install -y -qq --no-install-recommends "\${missing[@]}"
fi`;
}
