import { didYouMean } from "../didYouMean";
import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";

function unknown(path: string, what: string, name: string, known: readonly string[]): Problem {
  const hint = didYouMean(name, known);
  return {
    path,
    problem: `names unknown ${what} '${name}'${hint ? ` (did you mean '${hint}'?)` : ""}`,
    allowed: known.length ? `one of ${known.join(", ")}` : `declare the ${what} first`,
  };
}

/** Every name a host, service, worker pool, mount or registry uses must exist. */
export function checkReferences(cfg: StackConfig): Problem[] {
  const out: Problem[] = [];
  const nodes = (cfg.proxmox?.nodes ?? []).map((n) => n.name);
  const hosts = cfg.hosts.map((h) => h.name);
  const images = Object.keys(cfg.images);
  const secrets = Object.keys(cfg.secrets);

  cfg.hosts.forEach((h, i) => {
    if (cfg.proxmox && !nodes.includes(h.node)) out.push(unknown(`parity:hosts[${i}].node`, "Proxmox node", h.node, nodes));
  });
  if (cfg.target === "proxmox") {
    cfg.services.forEach((s, i) => {
      if (!hosts.includes(s.host)) out.push(unknown(`parity:services[${i}].host`, "host", s.host, hosts));
    });
    cfg.workers.forEach((w, i) =>
      w.hosts.forEach((h, j) => {
        if (!hosts.includes(h)) out.push(unknown(`parity:workers[${i}].hosts[${j}]`, "host", h, hosts));
      }),
    );
  }
  [...cfg.services.map((s, i) => ({ s, path: `parity:services[${i}]` })), ...cfg.workers.map((s, i) => ({ s, path: `parity:workers[${i}]` }))].forEach(({ s, path }) => {
    if (!images.includes(s.image)) out.push(unknown(`${path}.image`, "image", s.image, images));
    if (s.sharedStorage && !cfg.sharedStorage)
      out.push({ path: `${path}.sharedStorage`, problem: "asks for shared storage but parity:sharedStorage is not declared", allowed: "declare parity:sharedStorage or set this to false" });
  });
  const storage = cfg.sharedStorage;
  if (storage) {
    if (cfg.proxmox && storage.serverNode && !nodes.includes(storage.serverNode)) out.push(unknown("parity:sharedStorage.serverNode", "Proxmox node", storage.serverNode, nodes));
    (storage.hosts ?? []).forEach((h, i) => {
      if (!hosts.includes(h)) out.push(unknown(`parity:sharedStorage.hosts[${i}]`, "host", h, hosts));
    });
  }
  cfg.registries.forEach((r, i) => {
    if (!secrets.includes(r.passwordSecret)) out.push(unknown(`parity:registries[${i}].passwordSecret`, "secret", r.passwordSecret, secrets));
  });
  const keySecret = cfg.proxmox?.ssh.privateKeySecret;
  if (keySecret && !secrets.includes(keySecret)) out.push(unknown("parity:proxmox.ssh.privateKeySecret", "secret", keySecret, secrets));
  return out;
}
