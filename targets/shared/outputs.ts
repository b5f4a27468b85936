import { displayValue } from "../../model/env";
import { PlatformModel } from "../../model/types";

/** Each service's environment as reviewers may see it: names and values, secrets as [secret]. */
export function maskedEnv(model: PlatformModel): Record<string, Record<string, string>> {
  const sorted = (entries: [string, string][]) => Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
  const containers = model.containers.map((c) => [c.name, sorted(Object.entries(c.env).map(([k, v]) => [k, displayValue(v)]))] as const);
  // Native (systemd) services on guests: the same contract, rendered into their env files.
  const native = model.hostServices.flatMap((h) =>
    (h.native?.services ?? []).map((s) => [
      `${h.host}/${s.name}`,
      sorted([...Object.entries(s.env), ...s.secretEnv.map((v): [string, string] => [v.variable, "[secret]"])]),
    ] as const),
  );
  return Object.fromEntries([...containers, ...native]);
}

/** Plain stack outputs: nothing here can hold a secret, by construction. */
export function stackOutputs(model: PlatformModel) {
  return {
    target: model.target,
    env: maskedEnv(model),
    hosts: Object.fromEntries(
      model.hosts.map((h) => [h.name, { node: h.node, vmid: h.vmid, fqdn: h.fqdn, address: h.network.kind === "static" ? h.network.ipv4Cidr : "dhcp" }]),
    ),
    endpoints: Object.fromEntries(model.containers.filter((c) => c.publicUrl).map((c) => [c.name, c.publicUrl!])),
    dnsRecords: model.dnsRecords.map((r) => ({ ...r })),
    secrets: Object.fromEntries(Object.entries(model.secrets).map(([k, s]) => [k, "generate" in s ? "generated (encrypted state)" : `environment ${s.env}`])),
  };
}
