import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./contract/loadConfig";
import { ContractError } from "./contract/problems";
import { checkDeployEnvironment } from "./contract/deployEnvironment";
import { buildModel, targetNamed, validateStackConfig } from "./targets";
import { stackOutputs } from "./targets/shared/outputs";

/**
 * Parity: validate the whole stack config, derive the platform model, then let the target
 * register resources. Nothing is registered unless validation passed.
 */
function main() {
  const stack = pulumi.getStack();
  // The offline plan runs this program under mocks with no credentials: missing `{ env }` secrets are placeholders there.
  const offlinePlan = process.env["PARITY_OFFLINE_PLAN"] === "1";
  try {
    const config = validateStackConfig(readStackConfig(), stack);
    checkDeployEnvironment(config, process.env, stack, offlinePlan);
    const model = buildModel(config, stack);
    targetNamed(model.target).deploy(model, { environment: process.env, offlinePlan });
    return stackOutputs(model);
  } catch (e) {
    // User mistakes get the report, not a stack trace.
    if (e instanceof ContractError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

const out = main();
export const target = out.target;
export const env = out.env;
export const hosts = out.hosts;
export const endpoints = out.endpoints;
export const dnsRecords = out.dnsRecords;
export const secrets = out.secrets;
