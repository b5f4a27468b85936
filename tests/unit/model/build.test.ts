import { validateStackConfig } from "../../../targets";
import { buildModel } from "../../../targets";
import { displayValue } from "../../../model/env";
import { rawStackConfig } from "../../helpers/stackConfig";

// These tests edit raw stack documents into shapes the config types forbid: `any` is their type.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access */
function homelabModel(edit?: (raw: Record<string, any>) => void) {
  const raw = rawStackConfig("homelab");
  edit?.(raw);
  return buildModel(validateStackConfig(raw, "homelab"), "homelab");
}

describe("the homelab model", () => {
  it("derives KTRDR's env contract from topology", () => {
    const m = homelabModel();
    const env = (name: string) => Object.fromEntries(Object.entries(m.containers.find((c) => c.name === name)!.env).map(([k, v]) => [k, displayValue(v)]));
    expect(env("backend")).toMatchObject({ DB_HOST: "db", DB_PORT: "5432", KTRDR_API_URL: "http://backend.ktrdr.home.mynerd.place:8000", SHARED_MOUNT_PATH: "/mnt/shared", DATABASE_URL: "[secret]" });
    expect(env("backtest-worker-1")).toMatchObject({
      KTRDR_API_URL: "http://backend.ktrdr.home.mynerd.place:8000",
      WORKER_PUBLIC_BASE_URL: "http://workers-b.ktrdr.home.mynerd.place:5003",
      SHARED_MOUNT_PATH: "/mnt/shared",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://core.ktrdr.home.mynerd.place:4317",
    });
  });

  it("keeps secret parts as references, never values", () => {
    const backend = homelabModel().containers.find((c) => c.name === "backend")!;
    expect(backend.env["DATABASE_URL"]).toEqual({ parts: ["postgresql://ktrdr:", { secret: "dbPassword" }, "@db:5432/ktrdr"], secret: true });
  });

  it("binds shared storage: export on the server node, Proxmox NFS storage elsewhere", () => {
    const m = homelabModel();
    expect(m.hosts.map((h) => [h.name, h.sharedMount])).toEqual([
      ["core", { nodePath: "/srv/ktrdr-shared", guestPath: "/mnt/ktrdr-shared", group: 1000 }],
      ["workers-b", { nodePath: "/mnt/pve/ktrdr-shared", guestPath: "/mnt/ktrdr-shared", group: 1000 }],
      ["workers-c", { nodePath: "/mnt/pve/ktrdr-shared", guestPath: "/mnt/ktrdr-shared", group: 1000 }],
    ]);
    expect(m.sharedStorage!.clientNodes).toEqual([{ name: "pve-b", address: "192.168.1.11" }, { name: "pve-c", address: "192.168.1.12" }]);
    expect(m.containers.find((c) => c.name === "backtest-worker-1")!.sharedMount).toEqual({ type: "bind", source: "/mnt/ktrdr-shared", target: "/mnt/shared", group: 1000 });
  });

  it("lists the DNS records users must publish", () => {
    expect(homelabModel().dnsRecords).toEqual([
      { fqdn: "core.ktrdr.home.mynerd.place", host: "core", address: "192.168.1.50" },
      { fqdn: "workers-b.ktrdr.home.mynerd.place", host: "workers-b", address: "192.168.1.51" },
      { fqdn: "workers-c.ktrdr.home.mynerd.place", host: "workers-c", address: "192.168.1.52" },
      { fqdn: "backend.ktrdr.home.mynerd.place", host: "core", address: "192.168.1.50" },
    ]);
  });

  it("connects to DHCP guests by name, never by a polled address", () => {
    const m = homelabModel((raw) => {
      raw["hosts"][2]["network"] = { dhcp: true, mac: "BC:24:11:00:00:12" };
    });
    expect(m.hosts[2]!.sshAddress).toBe("workers-c.ktrdr.home.mynerd.place");
    expect(m.hosts[2]!.network).toEqual({ kind: "dhcp", mac: "BC:24:11:00:00:12" });
  });
});
