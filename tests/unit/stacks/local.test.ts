import { join } from "node:path";
import { planStack } from "../../helpers/planStack";
import { ROOT } from "../../helpers/stackConfig";

describe("local KTRDR (docker target, dev profile)", () => {
  it("shares storage through one protected named volume at the homelab's container path", async () => {
    const local = await planStack("local");
    const volume = local.one("docker:index/volume:Volume", "parity-local-ktrdr-shared");
    expect([volume.inputs["name"], volume.protect, volume.retainOnDelete]).toEqual(["parity-local-ktrdr-shared", true, true]);
    const backend = local.one("docker:index/container:Container", "backend-container").rawInputs;
    expect(backend["mounts"]).toEqual([
      { type: "volume", source: "parity-local-ktrdr-shared", target: "/mnt/shared", readOnly: false },
      // ./ktrdr relative to the project root: Docker refuses relative bind sources.
      { type: "bind", source: join(ROOT, "ktrdr"), target: "/app/ktrdr", readOnly: false },
    ]);
    expect(backend["command"]).toEqual(["uvicorn", "ktrdr.api.main:app", "--reload", "--host", "0.0.0.0", "--port", "8000"]);
    expect(local.byType("proxmoxve:index/containerLegacy:ContainerLegacy")).toEqual([]);
  });

  it("runs each health gate where Pulumi runs, as its service's child, aliased to the URN it had under a HealthGate component", async () => {
    const local = await planStack("local");
    const gate = local.one("command:local:Command", "backend-health-wait");
    expect(gate.urn).toBe("urn:pulumi:local::parity::parity:docker:DockerService$command:local:Command::backend-health-wait");
    expect(gate.aliases).toEqual([{
      sent: { spec: { name: "", type: "", project: "", stack: "", parentUrn: "urn:pulumi:local::parity::parity:docker:DockerService$parity:docker:HealthGate::backend-health" } },
      urn: "urn:pulumi:local::parity::parity:docker:DockerService$parity:docker:HealthGate$command:local:Command::backend-health-wait",
    }]);
  });
});
