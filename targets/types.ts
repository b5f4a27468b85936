import type { MockCallArgs, MockCallResult, MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime/mocks";
import type { TargetContract } from "../contract/target";
import type { TargetModelPart } from "../model/target";
import type { PlatformModel } from "../model/types";
import type { CheckResult, PreflightDeps } from "./shared/preflight/types";

export interface DeployOptions {
  /** Environment for `{ env }` secrets (process.env in a real run). */
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly offlinePlan: boolean;
}

/** Plausible outputs of this target's provider resources for the offline engine (undefined: not ours). */
export interface TargetMocks {
  outputs(args: MockResourceArgs): MockResourceResult | undefined;
  call?(args: MockCallArgs): MockCallResult | undefined;
}

/**
 * Everything one target decides, in one folder: its part of the contract, of the model, its
 * resources, its offline-engine outputs and its preflight checks. Registered in targets/index.ts.
 */
export interface TargetModule extends TargetContract {
  readonly model: TargetModelPart;
  /**
   * Registers the stack's resources, letting the SDK run between batches (shared/yieldToSdk.ts);
   * resolves once every resource is created. Loads the target's provider SDK only when called.
   */
  deploy(model: PlatformModel, opts: DeployOptions): Promise<void>;
  /** Outputs of the provider resources only this target registers; absent when it uses only shared providers. */
  readonly mocks?: TargetMocks;
  /** `npm run preflight`: what a `pulumi up` on this target relies on (its API, credentials, hosts). */
  preflight?(model: PlatformModel, deps: PreflightDeps): Promise<CheckResult[]>;
}
