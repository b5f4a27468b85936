import type { MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime/mocks";
import type { TargetMocks } from "../types";

/** Proxmox resources: volume ids shaped like the provider's (`<datastore>:vztmpl/<file>`), which the guests consume. */
function proxmoxOutputs(args: MockResourceArgs): MockResourceResult | undefined {
  const inputs = args.inputs as Record<string, unknown>;
  switch (args.type) {
    case "proxmoxve:index/fileLegacy:FileLegacy":
      return { id: `${inputs["datastoreId"]}:${inputs["contentType"]}/${(inputs["sourceFile"] as { fileName?: string } | undefined)?.fileName}`, state: inputs };
    case "proxmoxve:download/file:File":
      return { id: `${inputs["datastoreId"]}:vztmpl/${inputs["fileName"]}`, state: inputs };
    case "proxmoxve:index/containerLegacy:ContainerLegacy":
      return { id: `${inputs["nodeName"]}/${inputs["vmId"]}`, state: { ...inputs, ipv4: {} } };
    default:
      return undefined;
  }
}

export const proxmoxMocks: TargetMocks = { outputs: proxmoxOutputs };
