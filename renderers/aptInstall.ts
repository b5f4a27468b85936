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
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "\${missing[@]}"
fi`;
}
