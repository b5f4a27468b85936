import type { TargetModule } from "../types";
import { azureContract } from "./contract";
import { azureMocks } from "./mockOutputs";
import { azureModel } from "./model";
import { azurePreflight } from "./preflight";

export const azureTarget: TargetModule = {
  ...azureContract,
  model: azureModel,
  deploy: async (model, opts) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- azure-native is large: loaded only for azure stacks
    await (require("./deploy") as typeof import("./deploy")).deployAzure(model, opts);
  },
  mocks: azureMocks,
  preflight: azurePreflight,
};
