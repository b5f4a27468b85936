import { Policies } from "@pulumi/policy";
import { azureKeyVaultSecrets } from "./azure";
import { azureEnvironmentInternal, azureIngressRestricted } from "./azureIngress";
import { dockerContainerHardening } from "./dockerHardening";
import { dockerServiceRuntime } from "./dockerRuntime";
import { imagesPinned } from "./images";
import { lxcFeaturesOnlyForDocker, lxcUnprivileged } from "./lxc";
import { containerNetworks, internalNetworksPairwise } from "./networks";
import { statefulProtected } from "./protection";
import { noPlainSecrets } from "./secrets";

/**
 * Every policy of the pack. Kept apart from index.ts because constructing a `PolicyPack`
 * starts the analyzer's gRPC server: tests import this list, the CLI imports index.ts.
 */
export const policies: Policies = [
  lxcUnprivileged,
  lxcFeaturesOnlyForDocker,
  imagesPinned,
  noPlainSecrets,
  statefulProtected,
  dockerServiceRuntime,
  dockerContainerHardening,
  containerNetworks,
  internalNetworksPairwise,
  azureKeyVaultSecrets,
  azureIngressRestricted,
  azureEnvironmentInternal,
];
