import type { TargetModule } from "../types";
import { dockerContract } from "./contract";
import { dockerModel } from "./model";

export const dockerTarget: TargetModule = {
  ...dockerContract,
  model: dockerModel,
  deploy: async (model, opts) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for docker stacks
    await (require("./deploy") as typeof import("./deploy")).deployDocker(model, opts);
  },
};
