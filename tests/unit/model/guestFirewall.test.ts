import { validateStackConfig } from "../../../targets";
import { buildModel } from "../../../targets";
import { renderGuestFirewall, renderGuestNft } from "../../../renderers/guestFirewall";
import { rawStackConfig } from "../../helpers/stackConfig";

// These tests edit raw stack documents into shapes the config types forbid: `any` is their type.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access */
const modelOf = (stack: string, edit?: (raw: Record<string, any>) => void) => {
  const raw = rawStackConfig(stack);
  edit?.(raw);
  return buildModel(validateStackConfig(raw, stack), stack);
};
const rulesOf = (m: ReturnType<typeof modelOf>, host: string) =>
  m.guestFirewalls.find((f) => f.host === host)!.rules.map((r) => `${r.port}/${r.path} ${r.sources.join(",")}`);

describe("guest ingress from flows", () => {
  it("homelab: SSH and published ports from the admin LAN, plus exactly the guests whose flows need them", () => {
    const m = modelOf("homelab", (raw) => { raw["proxmox"]["network"]["adminSources"] = ["192.168.1.20/32"]; });
    expect(rulesOf(m, "core")).toEqual([
      "22/input 192.168.1.20/32",
      "3000/published 192.168.1.20/32",
      "4317/published 192.168.1.20/32,192.168.1.51/32", // workers on workers-b send traces
      "8000/published 192.168.1.20/32,192.168.1.51/32", // ...and call the backend
      "9090/published 192.168.1.20/32",
      "16686/published 192.168.1.20/32",
    ]);
    // backend and prometheus on core call the worker on workers-b's published port.
    expect(rulesOf(m, "workers-b")).toEqual(["22/input 192.168.1.20/32", "5003/published 192.168.1.20/32,192.168.1.50/32", "5005/published 192.168.1.20/32,192.168.1.50/32"]);
  });

  it("defaults the admin source to the guests' LAN", () => {
    expect(modelOf("homelab").guestFirewalls[0]!.adminSources).toEqual(["192.168.1.0/24"]);
  });

  it("stock-analysis: loopback-only listeners get no rule; UI, frontend and health from the admin sources", () => {
    const m = modelOf("stock-analysis");
    expect(rulesOf(m, "stock-analysis")).toEqual([
      "22/input 192.168.1.0/24", "8005/input 192.168.1.0/24", "8010/input 192.168.1.0/24", "15672/input 192.168.1.0/24",
    ]);
    const rabbit = m.hostServices[0]!.rabbitmq!;
    expect([rabbit.amqpListeners, rabbit.managementIp]).toEqual([["127.0.0.1:5672"], "0.0.0.0"]);
    expect(m.hostServices[0]!.native!.services.map((s) => `${s.name}@${s.bindHost}`)).toEqual([
      "broker-gateway@127.0.0.1", "intelligent-core@127.0.0.1", "event-bus@127.0.0.1", "monitoring@127.0.0.1", "frontend@0.0.0.0",
    ]);
  });

  it("PostgreSQL beyond loopback is admitted from its declared clients only", () => {
    const m = modelOf("stock-analysis", (raw) => {
      Object.assign(raw["hostServices"]["stock-analysis"]["postgres"], { listenAddresses: ["*"], clients: [{ cidr: "192.168.1.30/32" }] });
    });
    expect(rulesOf(m, "stock-analysis")).toContain("5432/input 192.168.1.30/32");
  });
});

describe("the in-guest nftables ruleset", () => {
  const fw = modelOf("homelab").guestFirewalls.find((f) => f.host === "core")!;
  const nft = renderGuestNft(fw);

  it("replaces one table atomically and drops input by default", () => {
    expect(nft.split("\n").slice(1, 4)).toEqual(["table inet parity_guest {}", "delete table inet parity_guest", "table inet parity_guest {"]);
    expect(nft).toContain("type filter hook input priority filter; policy drop;");
    expect(nft).toContain('    ip saddr { 192.168.1.0/24 } tcp dport 22 accept comment "ssh: provisioning and operators"');
  });

  it("filters Docker-published ports on the forward path by the port the client asked for", () => {
    expect(nft).toContain("type filter hook forward priority filter - 1; policy accept;");
    expect(nft).toContain('    iifname "eth0" ct status dnat meta l4proto tcp ct original proto-dst 8000 ip saddr { 192.168.1.0/24, 192.168.1.51/32 } accept comment "backend (published 8000)"');
    expect(nft.trimEnd().split("\n").slice(-3)).toEqual(['    iifname "eth0" ct status dnat drop comment "published ports no flow or admin source needs"', "  }", "}"]);
  });

  it("is a step: nftables installed, checked with nft -c, loaded at boot before the network, reloaded only on change", () => {
    const b = renderGuestFirewall(fw);
    expect(b.files.map((f) => f.path)).toEqual(["/etc/parity/nftables/guest.nft", "/etc/systemd/system/parity-firewall.service"]);
    expect(b.files[1]!.content).toContain("Before=network-pre.target");
    expect(b.script).toContain("nft -c -f '/etc/parity/nftables/guest.nft'");
    expect(b.script).toContain("if changed '/etc/parity/nftables/guest.nft' || ! nft list table inet parity_guest");
    expect(() => renderGuestNft({ ...fw, rules: [{ port: 1, sources: ["any"], why: "x", path: "input" }] })).toThrow(/not an IPv4 CIDR/);
  });
});
