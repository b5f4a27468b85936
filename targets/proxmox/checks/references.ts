import { Problem } from "../../../contract/problems";
import { StackConfig } from "../../../contract/schema/stack";
import { unknownName } from "../../../contract/checks/references";

/** Every node, guest and secret the homelab's own keys name must exist, and every service's `host` must be a guest. */
export function checkProxmoxReferences(cfg: StackConfig): Problem[] {
  const out: Problem[] = [];
  const nodes = (cfg.proxmox?.nodes ?? []).map((n) => n.name);
  const hosts = cfg.hosts.map((h) => h.name);
  const secrets = Object.keys(cfg.secrets);
  cfg.hosts.forEach((h, i) => {
    if (cfg.proxmox && !nodes.includes(h.node)) out.push(unknownName(`parity:hosts[${i}].node`, "Proxmox node", h.node, nodes));
  });
  cfg.services.forEach((s, i) => {
    if (!hosts.includes(s.host)) out.push(unknownName(`parity:services[${i}].host`, "host", s.host, hosts));
  });
  cfg.workers.forEach((w, i) =>
    w.hosts.forEach((h, j) => {
      if (!hosts.includes(h)) out.push(unknownName(`parity:workers[${i}].hosts[${j}]`, "host", h, hosts));
    }),
  );
  const storage = cfg.sharedStorage;
  if (storage) {
    if (cfg.proxmox && storage.serverNode && !nodes.includes(storage.serverNode)) out.push(unknownName("parity:sharedStorage.serverNode", "Proxmox node", storage.serverNode, nodes));
    (storage.hosts ?? []).forEach((h, i) => {
      if (!hosts.includes(h)) out.push(unknownName(`parity:sharedStorage.hosts[${i}]`, "host", h, hosts));
    });
  }
  const keySecret = cfg.proxmox?.ssh.privateKeySecret;
  if (keySecret && !secrets.includes(keySecret)) out.push(unknownName("parity:proxmox.ssh.privateKeySecret", "secret", keySecret, secrets));
  return out;
}
