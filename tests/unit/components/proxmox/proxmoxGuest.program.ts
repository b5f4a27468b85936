import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import { ProxmoxGuest, ProxmoxGuestArgs } from "../../../../components/proxmox/proxmoxGuest";
import type { HostModel, PlatformModel } from "../../../../model/types";
import { guestPlan } from "../../../../targets/proxmox/guestPlan";
import { loadStackModel } from "../../../../tools/stackFiles";
import { ROOT } from "../../../helpers/stackConfig";
import { BUILT, SSH } from "./proxmoxGuest.fixtures";


export type ProxmoxGuestInput =
  /** homelab's core: a Docker guest with its firewall, proxy and one placed container (db). */
  | { readonly case: "docker-guest" }
  /** stock-analysis's guest, from a built template, with its in-guest services and every stack secret. */
  | { readonly case: "built-template" };

/** The guest's arguments the way the proxmox target builds them, from the stack's model and guest plan. */
function args(model: PlatformModel, h: HostModel, secrets: Record<string, pulumi.Output<string>>): ProxmoxGuestArgs {
  const px = model.proxmox!;
  return {
    host: h,
    provider: new proxmox.Provider("proxmox", { endpoint: px.endpoint }),
    lxc: { bridge: "vmbr0", gateway: "192.168.1.1", dnsServers: ["192.168.1.1"], searchDomain: model.domain, authorizedKeys: ["ssh-ed25519 AAAA test"], stack: model.stack },
    stockTemplateFileId: "local:vztmpl/stock.tar.zst",
    connection: SSH,
    steps: guestPlan(model, h).steps,
    secrets,
  };
}

/** proxmoxGuest.test.ts's two guests, built under the recording engine in the component server. */
export default function build(input: ProxmoxGuestInput): Record<string, unknown> {
  if (input.case === "docker-guest") {
    const model = loadStackModel("homelab", ROOT);
    const core = model.hosts.find((h) => h.name === "core")!;
    const g = new ProxmoxGuest("core", {
      ...args(model, core, { ghcrToken: pulumi.secret("value-of-ghcrToken") }),
      firewall: model.guestFirewalls.find((f) => f.host === "core")!,
      docker: { endpoint: "ssh://root@192.168.1.50", registries: [], networks: model.networks.filter((n) => n.host === "core") },
      proxies: model.proxies.filter((p) => p.host === "core").map((proxy) => ({ proxy, labels: { "managed-by": "parity" } })),
    });
    g.placeService({ container: model.containers.find((c) => c.name === "db")!, envs: ["POSTGRES_DB=ktrdr"], labels: { "managed-by": "parity" } });
    return {};
  }
  const model = loadStackModel("stock-analysis", ROOT);
  const host: HostModel = { ...model.hosts[0]!, builtTemplate: BUILT };
  const secrets = Object.fromEntries(Object.keys(model.secrets).map((name) => [name, pulumi.secret(`value-of-${name}`)]));
  new ProxmoxGuest(host.name, args(model, host, secrets));
  return {};
}
