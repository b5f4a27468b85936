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
});
