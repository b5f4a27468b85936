import type {
  Policies, PolicyProviderResource, PolicyResource, PolicyResourceOptions, ResourceValidationArgs,
  ResourceValidationPolicy, StackValidationPolicy,
} from "@pulumi/policy";
import type { RecordedResource } from "../../../tools/mockRuntime";

/**
 * Calls policies the way @pulumi/policy's analyzer server does: props wrapped in the SDK's own
 * unknown-checking proxy (so a policy touching an unknown value throws as it would in a
 * preview), secrets already unwrapped, options with `protect` and `ignoreChanges`.
 */
// The proxy module is internal to the SDK (no typings); it is what the server wraps props in.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(v: T): T; unknownStringValue: string; unknownBooleanValue: string };

/** What a string input looks like to a policy during a preview when it is not known yet. */
export const UNKNOWN_STRING = proxy.unknownStringValue;
export const UNKNOWN_BOOLEAN = proxy.unknownBooleanValue;

export interface TestResource {
  readonly type: string;
  readonly name?: string;
  readonly props: Record<string, unknown>;
  readonly protect?: boolean;
  readonly ignoreChanges?: readonly string[];
  readonly provider?: PolicyProviderResource;
}

function options(r: TestResource): PolicyResourceOptions {
  return { protect: r.protect ?? false, ignoreChanges: [...(r.ignoreChanges ?? [])], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };
}

const urnOf = (r: TestResource) => `urn:pulumi:test::parity::${r.type}::${r.name ?? "r"}`;

/**
 * A plain copy made in this realm: jest runs tests in a vm context, and the SDK's proxy only
 * wraps objects that are `instanceof Object` here (structuredClone's are not).
 */
const copy = (v: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(v)) as Record<string, unknown>;

function notApplicable(reason?: string): never {
  throw new Error(`not applicable: ${reason ?? ""}`);
}

export function resourceArgs(r: TestResource): ResourceValidationArgs {
  return {
    type: r.type, name: r.name ?? "r", urn: urnOf(r), props: proxy.unknownCheckingProxy(copy(r.props)), opts: options(r),
    ...(r.provider ? { provider: r.provider } : {}),
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the SDK's getConfig<T>() signature
    stackTags: new Map(), isType: () => false, asType: () => undefined, getConfig: <T extends object>() => ({}) as T, notApplicable,
  };
}

function isResourcePolicy(p: Policies[number]): p is ResourceValidationPolicy {
  return "validateResource" in p;
}

/** Violation messages one resource policy reports for one resource. */
export async function checkResource(policy: ResourceValidationPolicy, r: TestResource): Promise<string[]> {
  const out: string[] = [];
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  for (const v of validations) await v(resourceArgs(r), (m) => out.push(m));
  return out;
}

export function policyResources(rs: readonly TestResource[]): PolicyResource[] {
  return rs.map((r) => ({
    type: r.type, name: r.name ?? "r", urn: urnOf(r), props: proxy.unknownCheckingProxy(copy(r.props)), opts: options(r),
    ...(r.provider ? { provider: r.provider } : {}),
    dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined,
  }));
}

/** Violation messages a stack policy reports (stack policies name the resource in the message). */
export async function checkStack(policy: StackValidationPolicy, rs: readonly TestResource[]): Promise<string[]> {
  const out: string[] = [];
  const resources = policyResources(rs);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the SDK's getConfig<T>() signature
  await policy.validateStack({ resources, stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable }, (m) => out.push(m));
  return out;
}

/** Every policy of a pack over a set of resources: `policy  resource: message`, in pack order. */
export async function runPack(pack: Policies, rs: readonly TestResource[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of pack) {
    if (isResourcePolicy(p)) {
      for (const r of rs) for (const m of await checkResource(p, r)) out.push(`${p.name}  ${r.name}: ${m}`);
    } else {
      for (const m of await checkStack(p, rs)) out.push(`${p.name}  ${m}`);
    }
  }
  return out;
}

/**
 * Recorded resources of an offline plan as the analyzer would see them: raw inputs (secrets
 * unwrapped, as the SDK gives them), Pulumi options, and the provider each one uses.
 */
export function fromRecorded(recorded: readonly RecordedResource[]): TestResource[] {
  const byUrn = new Map(recorded.map((r) => [r.urn, r]));
  return recorded.filter((r) => r.custom).map((r) => {
    const p = r.provider ? byUrn.get(r.provider) : undefined;
    return {
      type: r.type, name: r.name, props: r.rawInputs, protect: r.protect, ignoreChanges: r.ignoreChanges,
      ...(p ? { provider: { type: p.type, name: p.name, urn: p.urn, props: p.rawInputs } } : {}),
    };
  });
}
