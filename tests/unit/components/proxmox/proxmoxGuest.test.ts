/**
 * ProxmoxGuest alone under the recording mock engine: one guest of the homelab model, with its
 * guest plan, built the way the stack builds it — its children's types, names, parents, order
 * and key inputs, without running the whole program.
 */
import { join } from "node:path";
import type { RecordedResource } from "../../../../tools/mockRuntime";
import type { HostModel } from "../../../../model/types";
import { bundleHash, encodeSecretStdin, renderEntrypoint } from "../../../../renderers/bundle";
import { loadStackModel } from "../../../../tools/stackFiles";
import { guestPlan } from "../../../../targets/proxmox/guestPlan";
import { runComponent } from "../../../helpers/componentRun";
import { ROOT } from "../../../helpers/stackConfig";
import { BUILT, SSH } from "./proxmoxGuest.fixtures";
import type { ProxmoxGuestInput } from "./proxmoxGuest.program";

const PROGRAM = join(__dirname, "proxmoxGuest.program.ts");
const record = async (input: ProxmoxGuestInput): Promise<readonly RecordedResource[]> => (await runComponent(PROGRAM, input)).resources;

function one(rs: readonly RecordedResource[], type: string, name: string): RecordedResource {
  const found = rs.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0]!;
}

describe("ProxmoxGuest: a Docker guest (homelab's core)", () => {
  const model = loadStackModel("homelab", ROOT);
  const core = model.hosts.find((h) => h.name === "core")!;
  let rs: readonly RecordedResource[];
  beforeAll(async () => {
    rs = await record({ case: "docker-guest" });
  }, 60_000);

  it("is one component named after the guest, directly under the stack", () => {
    const guest = one(rs, "parity:proxmox:Guest", "core");
    expect(guest.parentType).toBe("pulumi:pulumi:Stack");
  });

  it("parents the LXC, firewall, every step, the Docker host, the proxy and the placed service", () => {
    const guest = one(rs, "parity:proxmox:Guest", "core");
    // Registrations reach the engine asynchronously: compare as sets.
    const children = rs.filter((r) => r.parentUrn === guest.urn).map((r) => [r.type, r.name]).sort();
    expect(children).toEqual([
      ["parity:proxmox:LxcHost", "core"],
      ["parity:proxmox:GuestFirewall", "core-firewall"],
      ["parity:remote:ProvisionStep", "core-bootstrap"],
      ["parity:remote:ProvisionStep", "core-guest-firewall"],
      ["parity:remote:ProvisionStep", "core-docker-engine"],
      ["parity:docker:DockerHost", "core-docker"],
      ["parity:docker:RolloutProxy", "core-proxy"],
      ["parity:docker:DockerService", "db"],
    ].sort());
  });

  it("creates the LXC from the node's stock template, the first step waiting for it", () => {
    const lxc = one(rs, "proxmoxve:index/containerLegacy:ContainerLegacy", "core-lxc");
    expect(lxc.inputs["operatingSystem"]).toEqual({ templateFileId: "local:vztmpl/stock.tar.zst", type: "debian" });
    expect(lxc.provider).toBe("urn:pulumi:unit::parity::pulumi:providers:proxmoxve::proxmox");
    expect(one(rs, "parity:remote:ProvisionStep", "core-bootstrap").dependencies).toEqual([lxc.urn]);
  });

  it("runs each planned bundle unchanged, each step after the ones the plan names", () => {
    const plan = guestPlan(model, core);
    expect(plan.steps.map((s) => s.key)).toEqual(["bootstrap", "guest-firewall", "docker-engine"]);
    for (const s of plan.steps) {
      const copy = one(rs, "command:remote:CopyToRemote", `core-${s.key}-copy`);
      expect(copy.rawInputs["source"]).toEqual({ asset: { text: renderEntrypoint(s.bundle) } });
      expect(copy.rawInputs["triggers"]).toEqual([bundleHash(s.bundle)]);
      expect(one(rs, "command:remote:Command", `core-${s.key}-run`).rawInputs["connection"]).toMatchObject(SSH);
    }
    const bootstrapRun = one(rs, "command:remote:Command", "core-bootstrap-run").urn;
    expect(one(rs, "parity:remote:ProvisionStep", "core-docker-engine").dependencies).toContain(bootstrapRun);
    expect(one(rs, "parity:remote:ProvisionStep", "core-guest-firewall").dependencies).toContain(bootstrapRun);
    expect(one(rs, "parity:docker:DockerHost", "core-docker").dependencies).toContain(one(rs, "command:remote:Command", "core-docker-engine-run").urn);
  });

  it("places the service on the guest's Docker provider, health-gated over the guest's SSH", () => {
    const provider = one(rs, "pulumi:providers:docker", "core-docker-provider");
    expect(provider.inputs["host"]).toBe("ssh://root@192.168.1.50");
    expect(one(rs, "docker:index/container:Container", "db-container").provider).toBe(provider.urn);
    expect(one(rs, "docker:index/container:Container", "core-proxy-container").provider).toBe(provider.urn);
    expect(one(rs, "command:remote:Command", "db-health-wait").rawInputs["connection"]).toMatchObject(SSH);
  });
});

describe("ProxmoxGuest: a guest from a built template with in-guest services (stock-analysis)", () => {
  const model = loadStackModel("stock-analysis", ROOT);
  const plain = model.hosts[0]!;
  const host: HostModel = { ...plain, builtTemplate: BUILT };
  const secretValues: Record<string, string> = {};
  let rs: readonly RecordedResource[];
  beforeAll(async () => {
    Object.keys(model.secrets).forEach((name) => (secretValues[name] = `value-of-${name}`));
    rs = await record({ case: "built-template" });
  }, 60_000);

  it("uploads its own template under the guest and creates the LXC from it", () => {
    const guest = one(rs, "parity:proxmox:Guest", host.name);
    const template = one(rs, "parity:proxmox:BuiltTemplate", `${host.name}-template`);
    expect(template.parentUrn).toBe(guest.urn);
    expect(one(rs, "proxmoxve:index/fileLegacy:FileLegacy", `${host.name}-template-file`).inputs).toMatchObject({ nodeName: host.node, contentType: "vztmpl" });
    expect(one(rs, "proxmoxve:index/containerLegacy:ContainerLegacy", `${host.name}-lxc`).inputs["operatingSystem"]).toEqual({ templateFileId: "local:vztmpl/t.tar.gz", type: "debian" });
  });

  it("waits for first boot, then bootstrap, then the services as the plan orders them, named as before", () => {
    const guest = one(rs, "parity:proxmox:Guest", host.name);
    const steps = rs.filter((r) => r.type === "parity:remote:ProvisionStep");
    expect(steps.map((s) => [s.name, s.parentUrn === guest.urn]).sort()).toEqual([
      [`${host.name}-firstboot`, true],
      [`${host.name}-bootstrap`, true],
      [`${host.name}-guest-firewall`, true],
      [`${host.name}-services-postgresql`, true],
      [`${host.name}-services-redis`, true],
      [`${host.name}-services-rabbitmq`, true],
      [`${host.name}-services-native`, true],
      [`${host.name}-services-backup`, true],
    ].sort());
    const run = (key: string) => one(rs, "command:remote:Command", `${host.name}-${key}-run`).urn;
    expect(one(rs, "parity:remote:ProvisionStep", `${host.name}-firstboot`).dependencies).toEqual([one(rs, "proxmoxve:index/containerLegacy:ContainerLegacy", `${host.name}-lxc`).urn]);
    expect(one(rs, "parity:remote:ProvisionStep", `${host.name}-bootstrap`).dependencies).toContain(run("firstboot"));
    expect(one(rs, "parity:remote:ProvisionStep", `${host.name}-services-native`).dependencies).toEqual(
      expect.arrayContaining([run("bootstrap"), run("services-postgresql"), run("services-redis"), run("services-rabbitmq")]),
    );
    expect(rs.filter((r) => r.type.startsWith("parity:docker:"))).toEqual([]);
  });

  it("hands each step exactly its own secrets on stdin", () => {
    const plan = guestPlan(model, host);
    for (const s of plan.steps) {
      const name = s.service ? `${host.name}-services-${s.key}` : `${host.name}-${s.key}`;
      const run = one(rs, "command:remote:Command", `${name}-run`);
      const expected = Object.fromEntries(s.bundle.secretEnv.map((env) => [env, secretValues[s.secrets[env]!]!]));
      if (s.bundle.secretEnv.length) expect(run.rawInputs["stdin"]).toBe(encodeSecretStdin(expected));
      else expect(run.rawInputs["stdin"]).toBeUndefined();
    }
    expect(plan.steps.find((s) => s.key === "firstboot")!.bundle.secretEnv).toEqual(Object.keys(plan.services!.secretEnv).sort());
  });
});
