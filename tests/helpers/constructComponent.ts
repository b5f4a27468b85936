import * as pulumi from "@pulumi/pulumi";
import { resolve } from "node:path";

/** What componentRun.ts's `construct` sends: a component by module and export, and its arguments as data. */
export interface ConstructInput {
  /** The component's module, relative to the repository root ("components/azure/network"). */
  readonly module: string;
  readonly export: string;
  readonly name: string;
  /** The arguments; `{ $secret: v }` is `pulumi.secret(v)`, `{ $resource: name }` a resource of the run. */
  readonly args: unknown;
  /**
   * Component properties whose values the run returns as outputs: an Output as
   * `{ value, secret }`, a map of Outputs as a map of those, anything else as it is.
   */
  readonly outputs?: readonly string[];
}

const ROOT = resolve(__dirname, "../..");

/**
 * A resource that components wait for or refer to (`after`, `dependsOn`), registered as itself:
 * its URN is what a test expects in dependencies.
 */
class Stand extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Stand", name, {});
  }
}

function revive(v: unknown, stands: Map<string, Stand>): unknown {
  if (Array.isArray(v)) return v.map((x) => revive(x, stands));
  if (!v || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if ("$secret" in o) return pulumi.secret(revive(o["$secret"], stands));
  if ("$resource" in o) {
    const name = String(o["$resource"]);
    if (!stands.has(name)) stands.set(name, new Stand(name));
    return stands.get(name);
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revive(x, stands)]));
}

/** An Output's value and whether it is secret (stack outputs lose secret-ness on the way out). */
function exposed(v: unknown): unknown {
  if (pulumi.Output.isInstance(v)) return { value: v, secret: pulumi.isSecret(v) };
  if (v && typeof v === "object" && !pulumi.Resource.isInstance(v) && Object.values(v).every((x) => pulumi.Output.isInstance(x))) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, exposed(x)]));
  return v;
}

/** Component server program (componentServer.ts): constructs the component `input` names. */
export default function build(input: ConstructInput): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Component = (require(resolve(ROOT, input.module)) as Record<string, new (name: string, args: unknown) => Record<string, unknown>>)[input.export];
  if (!Component) throw new Error(`${input.module} exports no ${input.export}`);
  const component = new Component(input.name, revive(input.args, new Map()));
  // An undefined property is left out (a stack output cannot be undefined).
  return Object.fromEntries((input.outputs ?? []).filter((k) => component[k] !== undefined).map((k) => [k, exposed(component[k])]));
}
