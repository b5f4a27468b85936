import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./contract/loadConfig";
import { ContractError } from "./contract/problems";
import { checkDeployEnvironment } from "./contract/deployEnvironment";
import { buildModel, targetNamed, validateStackConfig } from "./targets";
import { stackOutputs } from "./targets/shared/outputs";

/**
 * Parity: validate the whole stack config, derive the platform model, then let the target
 * register resources. Nothing is registered unless validation passed.
 *
 * The program is an async function (the Pulumi CLI calls it and awaits it; the returned object's
 * properties are the stack outputs) because the target lets the SDK run between batches of
 * resources (targets/shared/yieldToSdk.ts).
 */
async function parity(): Promise<ReturnType<typeof stackOutputs>> {
  const stack = pulumi.getStack();
  // The offline plan runs this program under mocks with no credentials: missing `{ env }` secrets are placeholders there.
  const offlinePlan = process.env["PARITY_OFFLINE_PLAN"] === "1";
  try {
    const config = validateStackConfig(readStackConfig(), stack);
    checkDeployEnvironment(config, process.env, stack, offlinePlan);
    const model = buildModel(config, stack);
    await targetNamed(model.target).deploy(model, { environment: process.env, offlinePlan });
    // Outputs: target, env, hosts, endpoints, dnsRecords, secrets.
    return stackOutputs(model);
  } catch (e) {
    // User mistakes get the report, not a stack trace.
    if (e instanceof ContractError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

export = parity;
