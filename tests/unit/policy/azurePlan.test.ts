import { policies } from "../../../policy/policies";
import { planStack } from "../../helpers/planStack";
import { fromRecorded, runPack } from "./harness";

describe("the policy pack on the real azure plan", () => {
  it("finds nothing: Key Vault references only, stateful resources protected, images pinned", async () => {
    const resources = fromRecorded((await planStack("azure")).resources);
    expect(await runPack(policies, resources)).toEqual([]);
  });
});
