import { join } from "node:path";
import { runComponent, tree } from "../../../helpers/componentRun";
import type { DockerHostInput } from "./dockerHost.program";

const PROGRAM = join(__dirname, "dockerHost.program.ts");
const networks = [
  { name: "backend-db", host: "core", internal: true, members: ["backend", "db"] },
  { name: "backend-edge", host: "core", internal: false, members: ["backend"] },
];
const host = (input: DockerHostInput) => runComponent(PROGRAM, input);
const PROVIDER_URN = "urn:pulumi:unit::parity::parity:docker:DockerHost$pulumi:providers:docker::core-provider";

describe("DockerHost", () => {
  it("is a provider of its own over SSH, pinned to the first host key, and one network per model network", async () => {
    const run = await host({ args: { endpoint: "ssh://root@10.0.0.2", registries: [{ server: "ghcr.io", username: "parity", password: "TOKEN" }], networks }, images: [] });
    expect(tree(run)).toEqual([
      ["parity:docker:DockerHost", "core", "parity-unit"],
      ["docker:index/network:Network", "core-backend-db", "core"],
      ["docker:index/network:Network", "core-backend-edge", "core"],
      ["pulumi:providers:docker", "core-provider", "core"],
    ]);
    const provider = run.one("core-provider");
    expect(provider.inputs).toEqual({
      host: "ssh://root@10.0.0.2",
      sshOpts: JSON.stringify(["-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=20", "-o", "ServerAliveInterval=15"]),
      registryAuth: "[secret]",
    });
    // The registry password stays secret all the way into the provider's configuration.
    expect(provider.secretInputs).toEqual(["registryAuth"]);
    expect(JSON.parse(provider.rawInputs["registryAuth"] as string)).toEqual([{ address: "ghcr.io", username: "parity", password: "TOKEN" }]);

    expect(run.one("core-backend-db").inputs).toEqual({ name: "backend-db", driver: "bridge", internal: true, attachable: false, labels: [{ label: "managed-by", value: "parity" }] });
    expect(run.one("core-backend-edge").inputs).toEqual({ name: "backend-edge", driver: "bridge", internal: false, attachable: false, labels: [{ label: "managed-by", value: "parity" }] });
    // Each network lands on this host's engine, never on the default provider.
    expect(run.resources.filter((r) => r.type === "docker:index/network:Network").map((r) => r.provider)).toEqual([PROVIDER_URN, PROVIDER_URN]);
    expect(run.outputs["networks"]).toEqual(["backend-db", "backend-edge"]);
  });

  it("talks to a local engine without SSH options, and pulls each image once however many containers use it", async () => {
    const run = await host({ args: { endpoint: "unix:///var/run/docker.sock", registries: [], networks: [] }, images: [["backend", "ghcr.io/parity/backend:1.2.3"], ["backend", "ghcr.io/parity/backend:1.2.3"], ["redis", "redis:7.2.5"]] });
    expect(tree(run)).toEqual([
      ["parity:docker:DockerHost", "core", "parity-unit"],
      ["docker:index/remoteImage:RemoteImage", "core-image-backend", "core"],
      ["docker:index/remoteImage:RemoteImage", "core-image-redis", "core"],
      ["pulumi:providers:docker", "core-provider", "core"],
    ]);
    expect(run.one("core-provider").inputs).toEqual({ host: "unix:///var/run/docker.sock", registryAuth: "[]" });
    expect(run.one("core-provider").secretInputs).toEqual([]);
    expect(run.one("core-image-backend").inputs).toEqual({ name: "ghcr.io/parity/backend:1.2.3", keepLocally: true });
    expect(run.one("core-image-redis").inputs).toEqual({ name: "redis:7.2.5", keepLocally: true });
    expect(run.one("core-image-redis").provider).toBe(PROVIDER_URN);
    expect(run.outputs["sameImage"]).toEqual([0, 0, 2]);
  });
});
