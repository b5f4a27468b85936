import type { MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime/mocks";
import { shown } from "../../core/shown";
import type { TargetMocks } from "../types";

/** Proxmox resources: volume ids shaped like the provider's (`<datastore>:vztmpl/<file>`), which the guests consume. */
function proxmoxOutputs(args: MockResourceArgs): MockResourceResult | undefined {
  const inputs = args.inputs as Record<string, unknown>;
  switch (args.type) {
    case "proxmoxve:index/fileLegacy:FileLegacy":
      return { id: `${shown(inputs["datastoreId"])}:${shown(inputs["contentType"])}/${shown((inputs["sourceFile"] as { fileName?: string } | undefined)?.fileName)}`, state: inputs };
    case "proxmoxve:download/file:File":
      return { id: `${shown(inputs["datastoreId"])}:vztmpl/${shown(inputs["fileName"])}`, state: inputs };
    case "proxmoxve:index/containerLegacy:ContainerLegacy":
      return { id: `${shown(inputs["nodeName"])}/${shown(inputs["vmId"])}`, state: { ...inputs, ipv4: {} } };
    default:
      return undefined;
  }
}

export const proxmoxMocks: TargetMocks = { outputs: proxmoxOutputs };
