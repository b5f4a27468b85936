import type { TargetModule } from "../types";
import { proxmoxContract } from "./contract";
import { proxmoxMocks } from "./mockOutputs";
import { proxmoxModel } from "./model";
import { proxmoxPreflight } from "./preflight";

export const proxmoxTarget: TargetModule = {
  ...proxmoxContract,
  model: proxmoxModel,
  deploy: async (model, opts) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider SDK loads only for proxmox stacks
    await (require("./deploy") as typeof import("./deploy")).deployProxmox(model, opts);
  },
  mocks: proxmoxMocks,
  preflight: proxmoxPreflight,
};
