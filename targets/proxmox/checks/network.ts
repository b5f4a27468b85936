import { Problem } from "../../../contract/problems";
import { StackConfig } from "../../../contract/schema/stack";

function toInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

function inSubnet(ip: string, cidr: string): boolean {
  const [base, prefix] = cidr.split("/");
  const bits = Number(prefix);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((toInt(ip) & mask) >>> 0) === ((toInt(base!) & mask) >>> 0);
}

/** Static addresses and the gateway must sit in the declared LAN, or the guest boots unreachable. */
export function checkNetwork(cfg: StackConfig): Problem[] {
  const out: Problem[] = [];
  const net = cfg.proxmox?.network;
  if (!net) return out;
  const [subnetBase, subnetPrefix] = net.subnet.split("/");
  if (!inSubnet(net.gateway, net.subnet))
    out.push({ path: "parity:proxmox.network.gateway", problem: `${net.gateway} is outside subnet ${net.subnet}`, allowed: `an address inside ${net.subnet}` });
  cfg.hosts.forEach((h, i) => {
    if (!("ipv4" in h.network)) return;
    const [addr, prefix] = h.network.ipv4.split("/");
    if (!inSubnet(addr!, net.subnet))
      out.push({ path: `parity:hosts[${i}].network.ipv4`, problem: `${addr} is outside subnet ${net.subnet}`, allowed: `an address inside ${net.subnet}` });
    else if (prefix !== subnetPrefix)
      out.push({ path: `parity:hosts[${i}].network.ipv4`, problem: `prefix /${prefix} differs from the subnet's /${subnetPrefix}`, allowed: `/${subnetPrefix}` });
    else if (addr === net.gateway || addr === subnetBase)
      out.push({ path: `parity:hosts[${i}].network.ipv4`, problem: `${addr} is the ${addr === net.gateway ? "gateway" : "network"} address`, allowed: "a free host address in the subnet" });
  });
  return out;
}
