import type { MockCallArgs, MockCallResult, MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime/mocks";
import { shown } from "../core/shown";
import { TARGETS } from "../targets";

/**
 * Plausible provider outputs for the offline engine: ids shaped like the real ones where later
 * inputs consume them (template file ids, image ids), everything else echoes the inputs. Each
 * target's own provider answers first (targets/<name>/mockOutputs.ts); the providers several
 * targets share (Docker, random, command) are answered here.
 */
export function mockOutputs(args: MockResourceArgs): MockResourceResult {
  for (const t of TARGETS) {
    const r = t.mocks?.outputs(args);
    if (r) return r;
  }
  const inputs = args.inputs as Record<string, unknown>;
  switch (args.type) {
    case "docker:index/remoteImage:RemoteImage":
      return { id: `${shown(inputs["name"])}-id`, state: { ...inputs, imageId: shown(inputs["name"]), repoDigest: `${shown(inputs["name"])}@sha256:${"0".repeat(64)}` } };
    case "random:index/randomPassword:RandomPassword":
      return { id: `${args.name}-id`, state: { ...inputs, result: `mock-${args.name}-value`, bcryptHash: "mock-hash" } };
    case "command:remote:Command":
      return { id: `${args.name}-id`, state: { ...inputs, stdout: "", stderr: "" } };
    default:
      return { id: `${args.name}-id`, state: inputs };
  }
}

/** Function calls (invokes): a target's answer, else the inputs echoed. */
export function mockCall(args: MockCallArgs): MockCallResult {
  for (const t of TARGETS) {
    const r = t.mocks?.call?.(args);
    if (r) return r;
  }
  return args.inputs as MockCallResult;
}
