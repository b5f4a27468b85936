import { lxcFeaturesOnlyForDocker, lxcUnprivileged } from "../../../policy/lxc";
import { checkResource, checkStack, TestResource, UNKNOWN_BOOLEAN } from "./harness";

const LXC = "proxmoxve:index/containerLegacy:ContainerLegacy";

function lxc(name: string, props: Record<string, unknown>, address = "10.0.0.5/24"): TestResource {
  return {
    type: LXC, name,
    props: { unprivileged: true, initialization: { hostname: name, ipConfigs: [{ ipv4: { address } }], dns: { domain: "lab.example.org" } }, ...props },
  };
}
const dockerProvider = (name: string, host: string): TestResource => ({ type: "pulumi:providers:docker", name, props: { host } });

describe("policy lxc-unprivileged", () => {
  it("accepts an explicit unprivileged: true", async () => {
    expect(await checkResource(lxcUnprivileged, lxc("a", {}))).toEqual([]);
  });
  it("rejects a missing flag (the provider's default is privileged) and an explicit false", async () => {
    expect(await checkResource(lxcUnprivileged, { type: LXC, props: { nodeName: "pve-a" } })).toEqual([
      "unprivileged is not set (the provider default is a privileged guest); set unprivileged: true",
    ]);
    expect(await checkResource(lxcUnprivileged, lxc("a", { unprivileged: false }))).toEqual(["unprivileged is false; set unprivileged: true"]);
  });
  it("waits when the value is unknown during a preview, and ignores other types", async () => {
    expect(await checkResource(lxcUnprivileged, lxc("a", { unprivileged: UNKNOWN_BOOLEAN }))).toEqual([]);
    expect(await checkResource(lxcUnprivileged, { type: "docker:index/volume:Volume", props: {} })).toEqual([]);
  });
});

describe("policy lxc-features-only-for-docker", () => {
  const docker = { features: { nesting: true, keyctl: true } };
  it("accepts nesting+keyctl on a guest a Docker provider targets by address or FQDN, and no features elsewhere", async () => {
    const stack = [
      lxc("core", docker, "10.0.0.5/24"),
      lxc("dhcp", docker, "dhcp"),
      lxc("dns", {}, "10.0.0.53/24"),
      dockerProvider("core-docker", "ssh://root@10.0.0.5"),
      dockerProvider("dhcp-docker", "ssh://root@dhcp.lab.example.org:22"),
    ];
    expect(await checkStack(lxcFeaturesOnlyForDocker, stack)).toEqual([]);
  });
  it("rejects Docker features on a guest no provider targets, and a Docker guest without them", async () => {
    const stack = [
      lxc("core", docker, "10.0.0.5/24"),
      lxc("workers", {}, "10.0.0.6/24"),
      lxc("half", { features: { nesting: true } }, "10.0.0.7/24"),
      dockerProvider("workers-docker", "ssh://root@10.0.0.6"),
      dockerProvider("half-docker", "ssh://root@10.0.0.7"),
      dockerProvider("local", "unix:///var/run/docker.sock"),
    ];
    expect(await checkStack(lxcFeaturesOnlyForDocker, stack)).toEqual([
      "core: features nesting and keyctl on a guest no Docker provider targets; set them only where Docker runs",
      "workers: a Docker provider targets this guest, but Docker in an unprivileged LXC needs features nesting and keyctl",
      "half: a Docker provider targets this guest, but Docker in an unprivileged LXC needs features nesting and keyctl",
    ]);
  });
  it("accepts nesting alone on a guest tagged for sandboxed in-guest services, but not keyctl there", async () => {
    const stack = [
      lxc("sa", { features: { nesting: true }, tags: ["parity", "sa", "parity-sandboxed-services"] }, "10.0.0.8/24"),
      lxc("sa2", { features: { nesting: true, keyctl: true }, tags: ["parity-sandboxed-services"] }, "10.0.0.9/24"),
      lxc("plain", { features: { nesting: true }, tags: ["parity"] }, "10.0.0.10/24"),
    ];
    expect(await checkStack(lxcFeaturesOnlyForDocker, stack)).toEqual([
      "sa2: features nesting and keyctl on a guest no Docker provider targets; set them only where Docker runs",
      "plain: features nesting on a guest no Docker provider targets; set them only where Docker runs",
    ]);
  });
  it("rejects features Parity never needs, even on a Docker guest", async () => {
    const stack = [lxc("core", { features: { nesting: true, keyctl: true, fuse: true, mounts: ["nfs"] } }), dockerProvider("p", "ssh://root@10.0.0.5")];
    expect(await checkStack(lxcFeaturesOnlyForDocker, stack)).toEqual(["core: features fuse, mounts are not needed by Parity and need root@pam; remove them"]);
  });
});
