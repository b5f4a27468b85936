import { join } from "node:path";
import type { RecordedResource } from "../../tools/mockRuntime";
import type { ConstructInput } from "./constructComponent";
import { runOnServer } from "./pools";

/** What a component test asks the component server (componentServer.ts) to run. */
export interface ComponentRequest {
  /** Absolute path of a module whose default export builds the component from `input`. */
  readonly program: string;
  /** JSON data: the component's arguments, or what the program makes them from. */
  readonly input: unknown;
  readonly project: string;
  readonly stack: string;
  /** Stack config as the engine passes it ("parity:key" → string). */
  readonly config: Record<string, string>;
}

export type ComponentRecord =
  | { readonly resources: readonly RecordedResource[]; readonly outputs: Record<string, unknown> }
  | { readonly error: { readonly message: string } };

/** What one component registered under the recording mock engine. */
export interface ComponentRun {
  /** Every resource after the stack itself, in registration order. */
  readonly resources: readonly RecordedResource[];
  /** The values of the outputs the program returned, resolved (secrets as "[secret]"). */
  readonly outputs: Record<string, unknown>;
  /** The one resource named `name`; fails when there is none or more than one. */
  one(name: string): RecordedResource;
}

export const PROJECT = "parity";
export const STACK = "unit";

/**
 * Builds one component under the recording mock engine (tools/mockRuntime.ts, the engine of
 * the plans) and returns what it registered: types, names, URNs, parents, exact inputs,
 * secret-ness, options and dependencies. `program` is a module beside the test whose default
 * export constructs the component from `input` (JSON: the arguments, or what the program makes
 * resources such as providers from); its resources' parent is the stack `parity-unit`.
 *
 * The program runs in the run's component server (componentServer.ts), not in jest: loading
 * the SDK costs 0.7-2.5 s of CPU in each jest test file, and a registered resource ~15 ms.
 * Rejects with the program's error when it throws.
 */
export async function runComponent(program: string, input: unknown, config: Record<string, string> = {}): Promise<ComponentRun> {
  const request: ComponentRequest = { program, input, project: PROJECT, stack: STACK, config };
  const record = await runOnServer<ComponentRecord>("components", request);
  if ("error" in record) throw new Error(record.error.message);
  const resources = record.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  return {
    resources,
    outputs: record.outputs,
    one(name) {
      const found = resources.filter((r) => r.name === name);
      if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}: ${resources.map((r) => r.name).join(", ")}`);
      return found[0]!;
    },
  };
}

const CONSTRUCT = join(__dirname, "constructComponent.ts");

/** `pulumi.secret(value)` in `construct`'s arguments. */
export const secret = (value: unknown) => ({ $secret: value });
/** A resource of the run named `name` (type test:index:Stand) in `construct`'s arguments. */
export const resource = (name: string) => ({ $resource: name });
/** The URN of `resource(name)`. */
export const standUrn = (name: string) => `urn:pulumi:${STACK}::${PROJECT}::test:index:Stand::${name}`;

/**
 * Constructs the component `input` names from data (constructComponent.ts): for components
 * whose arguments are data, secrets (`secret`) and resources (`resource`) only.
 */
export function construct(input: ConstructInput, config?: Record<string, string>): Promise<ComponentRun> {
  return runComponent(CONSTRUCT, input, config);
}

/**
 * Each resource as `[type, name, parent]`, by name: the component's tree. (Registration order
 * follows when each resource's inputs resolve, which is the SDK's business, not the component's.)
 */
export const tree = (run: ComponentRun) => run.resources.map((r) => [r.type, r.name, r.parent]).sort((a, b) => (a[1]! < b[1]! ? -1 : 1));
