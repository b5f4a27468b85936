import { Problem } from "../../../contract/problems";
import { StackConfig } from "../../../contract/schema/stack";
import { duplicates } from "../../../contract/checks/uniqueness";

/** Nodes and guests are named, numbered and addressed once. */
export function checkProxmoxUniqueness(cfg: StackConfig): Problem[] {
  const hosts = cfg.hosts.map((h, i) => ({ h, p: `parity:hosts[${i}]` }));
  return [
    ...duplicates((cfg.proxmox?.nodes ?? []).map((n, i) => ({ path: `parity:proxmox.nodes[${i}].name`, value: n.name })), "node name"),
    ...duplicates(hosts.map(({ h, p }) => ({ path: `${p}.name`, value: h.name })), "host name"),
    ...duplicates(hosts.map(({ h, p }) => ({ path: `${p}.hostname`, value: h.hostname })), "hostname"),
    ...duplicates(hosts.map(({ h, p }) => ({ path: `${p}.dnsName`, value: h.dnsName ?? h.hostname })), "DNS name"),
    ...duplicates(hosts.map(({ h, p }) => ({ path: `${p}.vmid`, value: h.vmid })), "VMID"),
    ...duplicates(hosts.map(({ h, p }) => ({ path: `${p}.network.ipv4`, value: "ipv4" in h.network ? h.network.ipv4.split("/")[0] : undefined })), "IPv4 address"),
    ...duplicates(hosts.map(({ h, p }) => ({ path: `${p}.network.mac`, value: h.network.mac })), "MAC address"),
  ];
}
