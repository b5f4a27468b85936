/**
 * The in-guest nftables ruleset from a guest's ingress rules (model/guestFirewall.ts), and the
 * step that installs it. One table, `inet parity_guest`, replaced atomically on every change:
 * - `input` (policy drop): loopback, replies, ICMP/ICMPv6 (path MTU, neighbour discovery),
 *   the DHCP client, then each rule's port from its sources;
 * - `forward` (runs just before Docker's own filter): connections from the guest's NIC that
 *   Docker DNATed to a published port pass only for that port's sources, matched on the port
 *   the client asked for (`ct original proto-dst`); container egress and replies are untouched.
 * A systemd unit loads it at boot before the network comes up, so there is no open window.
 */
import type { ProvisionBundle } from "./bundle";
import type { GuestFirewallModel, IngressRule } from "./guestFirewallSpec";
import { scriptPrelude } from "./common/shell";
import { shq } from "../core/shell";
import { renderUnit } from "./common/systemd";

export const GUEST_NFT_FILE = "/etc/parity/nftables/guest.nft";
export const GUEST_NFT_UNIT = "/etc/systemd/system/parity-firewall.service";
/** The guest's NIC (LxcHost names it eth0): where LAN traffic arrives. */
const NIC = "eth0";

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

function sourceSet(r: IngressRule): string {
  for (const s of r.sources) if (!CIDR.test(s)) throw new Error(`firewall source "${s}" of port ${r.port} is not an IPv4 CIDR`);
  return `{ ${[...r.sources].sort().join(", ")} }`;
}

const comment = (r: IngressRule) => `comment ${JSON.stringify(r.why.replace(/[^\w .:()/-]/g, "").slice(0, 120))}`;

export function renderGuestNft(fw: GuestFirewallModel): string {
  const input = fw.rules.filter((r) => r.path === "input");
  const published = fw.rules.filter((r) => r.path === "published");
  return [
    `# Ingress of guest ${fw.host}, managed by Parity from the stack's flows; everything else is dropped.`,
    "table inet parity_guest {}",
    "delete table inet parity_guest",
    "table inet parity_guest {",
    "  chain input {",
    "    type filter hook input priority filter; policy drop;",
    '    iif "lo" accept',
    "    ct state established,related accept",
    "    ct state invalid drop",
    "    meta l4proto { icmp, ipv6-icmp } accept",
    "    udp sport 67 udp dport 68 accept comment \"dhcp client\"",
    ...input.map((r) => `    ip saddr ${sourceSet(r)} tcp dport ${r.port} accept ${comment(r)}`),
    "  }",
    "  chain forward {",
    "    type filter hook forward priority filter - 1; policy accept;",
    "    ct state established,related accept",
    ...published.map((r) => `    iifname "${NIC}" ct status dnat meta l4proto tcp ct original proto-dst ${r.port} ip saddr ${sourceSet(r)} accept ${comment(r)}`),
    `    iifname "${NIC}" ct status dnat drop comment "published ports no flow or admin source needs"`,
    "  }",
    "}",
    "",
  ].join("\n");
}

const GUEST_FIREWALL_PACKAGES: readonly string[] = ["nftables"];

export function renderGuestFirewall(fw: GuestFirewallModel): ProvisionBundle {
  const unit = renderUnit(`Parity's ingress rules for guest ${fw.host} (nftables), loaded before the network.`, [
    ["Unit", ["Description=Parity guest firewall (nftables)", "DefaultDependencies=no", "Before=network-pre.target", "Wants=network-pre.target", "After=local-fs.target"]],
    ["Service", ["Type=oneshot", "RemainAfterExit=yes", `ExecStart=/usr/sbin/nft -f ${GUEST_NFT_FILE}`, "ExecStop=/usr/sbin/nft delete table inet parity_guest"]],
    ["Install", ["WantedBy=sysinit.target"]],
  ]);
  const script = `${scriptPrelude("guest-firewall")}
ensure_packages ${GUEST_FIREWALL_PACKAGES.join(" ")}
nft -c -f ${shq(GUEST_NFT_FILE)} || die "the rendered ruleset does not load (nft -c)"
if changed ${shq(GUEST_NFT_UNIT)}; then systemctl daemon-reload; fi
systemctl is-enabled --quiet parity-firewall.service || systemctl enable --quiet parity-firewall.service
if changed ${shq(GUEST_NFT_FILE)} || ! nft list table inet parity_guest >/dev/null 2>&1; then
  log "loading the ingress rules (${fw.rules.length} ports)"
  systemctl restart parity-firewall.service
fi
log "firewall ready: ${fw.rules.map((r) => `${r.port}/${r.path}`).join(", ")}"
`;
  return {
    name: "guest-firewall",
    files: [
      { path: GUEST_NFT_FILE, content: renderGuestNft(fw), mode: "0644" },
      { path: GUEST_NFT_UNIT, content: unit, mode: "0644" },
    ],
    script,
    secretEnv: [],
    packages: GUEST_FIREWALL_PACKAGES,
    maskUnits: [],
  };
}
