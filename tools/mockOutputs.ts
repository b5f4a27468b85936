import type { MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime/mocks";

/**
 * Plausible provider outputs for the offline engine: ids shaped like the real ones where later
 * inputs consume them (template file ids, image ids), everything else echoes the inputs.
 */
export function mockOutputs(args: MockResourceArgs): MockResourceResult {
  const inputs = args.inputs as Record<string, unknown>;
  switch (args.type) {
    case "proxmoxve:download/fileLegacy:FileLegacy":
      return { id: `${inputs["datastoreId"]}:vztmpl/${inputs["fileName"]}`, state: inputs };
    case "proxmoxve:index/containerLegacy:ContainerLegacy":
      return { id: `${inputs["nodeName"]}/${inputs["vmId"]}`, state: { ...inputs, ipv4: {} } };
    case "docker:index/remoteImage:RemoteImage":
      return { id: `${inputs["name"]}-id`, state: { ...inputs, imageId: `${inputs["name"]}`, repoDigest: `${inputs["name"]}@sha256:${"0".repeat(64)}` } };
    case "random:index/randomPassword:RandomPassword":
      return { id: `${args.name}-id`, state: { ...inputs, result: `mock-${args.name}-value`, bcryptHash: "mock-hash" } };
    case "command:remote:Command":
      return { id: `${args.name}-id`, state: { ...inputs, stdout: "", stderr: "" } };
    default:
      return { id: `${args.name}-id`, state: inputs };
  }
}
