import { statefulProtected } from "../../../policy/protection";
import { checkResource } from "./harness";

const LXC = "proxmoxve:index/containerLegacy:ContainerLegacy";
const VOLUME = "docker:index/volume:Volume";

describe("policy stateful-resources-protected", () => {
  it("accepts a guest with Proxmox protection and Pulumi protect, and a stateless one with neither", async () => {
    expect(await checkResource(statefulProtected, { type: LXC, props: { protection: true }, protect: true })).toEqual([]);
    expect(await checkResource(statefulProtected, { type: LXC, props: { protection: false }, protect: false })).toEqual([]);
  });
  it("rejects Proxmox protection without Pulumi protect, and the reverse", async () => {
    expect(await checkResource(statefulProtected, { type: LXC, props: { protection: true }, protect: false })).toEqual([
      "protection: true in Proxmox but the resource is not Pulumi-protected; set the `protect` resource option (a replacement would fail half-way)",
    ]);
    expect(await checkResource(statefulProtected, { type: LXC, props: {}, protect: true })).toEqual([
      "Pulumi-protected but Proxmox protection is off; set protection: true so the guest cannot be deleted from the Proxmox UI either",
    ]);
  });
  it("requires protect on database and stateful-labelled volumes only", async () => {
    expect(await checkResource(statefulProtected, { type: VOLUME, props: { name: "db-pgdata" }, protect: true })).toEqual([]);
    expect(await checkResource(statefulProtected, { type: VOLUME, props: { name: "grafana-data" } })).toEqual([]);
    expect(await checkResource(statefulProtected, { type: VOLUME, props: { name: "db-pgdata" } })).toEqual([
      "volume db-pgdata holds data (a database data directory) but is not Pulumi-protected; set the `protect` resource option",
    ]);
    expect(await checkResource(statefulProtected, { type: VOLUME, props: { name: "redis-data", labels: [{ label: "parity.stateful", value: "true" }] } })).toEqual([
      "volume redis-data holds data (label parity.stateful=true) but is not Pulumi-protected; set the `protect` resource option",
    ]);
  });
});
