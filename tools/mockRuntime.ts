import * as pulumi from "@pulumi/pulumi";
// The SDK's mock monitor: subclassed to record parents, options and secrets, and to reject
// duplicate URNs, which the real engine refuses but the stock mocks accept.
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";
import type { Alias } from "@pulumi/pulumi/proto/alias_pb";
import { specialArchiveSig, specialAssetSig, specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { mockCall, mockOutputs } from "./mockOutputs";

export const SECRET = "[secret]";

/**
 * An alias as the engine receives it, and the URN the engine makes of it. A spec's empty
 * fields stand for the resource's own name, type, parent, project and stack.
 */
export interface RecordedAlias {
  readonly sent:
    | { readonly urn: string }
    | { readonly spec: { readonly name: string; readonly type: string; readonly project: string; readonly stack: string; readonly parentUrn?: string; readonly noParent?: true } };
  /** The old URN it names: the engine's collapseAliasToUrn (the parent's own aliases aside, which need a state). */
  readonly urn: string;
}

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Parent's name, or undefined for the stack itself. */
  readonly parent?: string;
  readonly parentType?: string;
  readonly parentUrn?: string;
  readonly custom: boolean;
  /** Inputs as the engine would receive them, secrets replaced by "[secret]". */
  readonly inputs: Record<string, unknown>;
  /** Inputs with secret values unwrapped (tests only; never printed). */
  readonly rawInputs: Record<string, unknown>;
  /** Top-level input keys that held a secret anywhere inside. */
  readonly secretInputs: readonly string[];
  readonly protect: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  /** URNs this resource waits for (explicit dependsOn, after component expansion). */
  readonly dependencies: readonly string[];
  readonly provider?: string;
  /** Previous URNs the engine would take this resource's state from (`aliases`). */
  readonly aliases: readonly RecordedAlias[];
}

function isSecretValue(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[specialSigKey] === specialSecretSig;
}

/**
 * Walks the engine's wire form of inputs: secrets masked or unwrapped, assets as their text or
 * path, resource references as URNs, unknowns marked.
 */
function walk(v: unknown, mask: boolean): { value: unknown; secret: boolean } {
  if (isSecretValue(v)) return { value: mask ? SECRET : walk(v.value, false).value, secret: true };
  if (v === unknownValue) return { value: "[unknown]", secret: false };
  const sig = v && typeof v === "object" ? (v as Record<string, unknown>)[specialSigKey] : undefined;
  if (sig === specialAssetSig || sig === specialArchiveSig) {
    const rest = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => k !== specialSigKey && !k.startsWith("__")));
    return { value: { asset: rest }, secret: false };
  }
  if (sig === specialResourceSig) return { value: (v as Record<string, unknown>)["urn"], secret: false };
  if (Array.isArray(v)) {
    const items = v.map((x) => walk(x, mask));
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (v && typeof v === "object") {
    const entries = Object.entries(v).map(([k, x]) => [k, walk(x, mask)] as const);
    return { value: Object.fromEntries(entries.map(([k, r]) => [k, r.value])), secret: entries.some(([, r]) => r.secret) };
  }
  return { value: v, secret: false };
}

/**
 * `walk` for both forms at once, the masked and the unwrapped (one pass over each resource's
 * inputs instead of one per form and one more per top-level key).
 */
function walkBoth(v: unknown): { masked: unknown; raw: unknown; secret: boolean } {
  if (isSecretValue(v)) return { masked: SECRET, raw: walkBoth(v.value).raw, secret: true };
  if (v === unknownValue) return { masked: "[unknown]", raw: "[unknown]", secret: false };
  const sig = v && typeof v === "object" ? (v as Record<string, unknown>)[specialSigKey] : undefined;
  if (sig === specialAssetSig || sig === specialArchiveSig) {
    const rest = () => Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => k !== specialSigKey && !k.startsWith("__")));
    return { masked: { asset: rest() }, raw: { asset: rest() }, secret: false };
  }
  if (sig === specialResourceSig) {
    const urn = (v as Record<string, unknown>)["urn"];
    return { masked: urn, raw: urn, secret: false };
  }
  if (Array.isArray(v)) {
    const masked: unknown[] = [];
    const raw: unknown[] = [];
    let secret = false;
    for (const x of v) {
      const r = walkBoth(x);
      masked.push(r.masked);
      raw.push(r.raw);
      secret ||= r.secret;
    }
    return { masked, raw, secret };
  }
  if (v && typeof v === "object") {
    const { masked, raw, secretKeys } = walkFields(v as Record<string, unknown>);
    return { masked, raw, secret: secretKeys.length > 0 };
  }
  return { masked: v, raw: v, secret: false };
}

/** An object's fields through walkBoth, and the keys whose values held a secret anywhere inside. */
function walkFields(v: Record<string, unknown>): { masked: Record<string, unknown>; raw: Record<string, unknown>; secretKeys: string[] } {
  // Entries, not assignments: a key like "__proto__" stays an own field, as in walk.
  const masked: [string, unknown][] = [];
  const raw: [string, unknown][] = [];
  const secretKeys: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    const r = walkBoth(x);
    masked.push([k, r.masked]);
    raw.push([k, r.raw]);
    if (r.secret) secretKeys.push(k);
  }
  return { masked: Object.fromEntries(masked), raw: Object.fromEntries(raw), secretKeys };
}

/** The engine's URN of a name and type under a parent URN (resource.CreateURN); a stack parent adds no type. */
function createUrn(name: string, type: string, parentUrn: string, project: string, stack: string): string {
  // urn:pulumi:<stack>::<project>::<qualified type>::<name>
  const prefix = parentUrn && parentUrn.split("::")[2] !== "pulumi:pulumi:Stack" ? `${parentUrn.slice(0, parentUrn.lastIndexOf("::"))}$` : `urn:pulumi:${stack}::${project}::`;
  return `${prefix}${type}::${name}`;
}

/** What the engine makes of the aliases of a registration (its step generator's collapseAliasToUrn). */
function recordAliases(aliases: readonly Alias[], own: { name: string; type: string; parentUrn: string; project: string; stack: string }): RecordedAlias[] {
  return aliases.map((a) => {
    const spec = a.getSpec();
    if (!spec) return { sent: { urn: a.getUrn() }, urn: a.getUrn() };
    const sent = {
      name: spec.getName(), type: spec.getType(), project: spec.getProject(), stack: spec.getStack(),
      ...(spec.hasParenturn() ? { parentUrn: spec.getParenturn() } : {}),
      ...(spec.getNoparent() ? { noParent: true as const } : {}),
    };
    const parentUrn = sent.noParent ? "" : sent.parentUrn || own.parentUrn;
    return { sent: { spec: sent }, urn: createUrn(sent.name || own.name, sent.type || own.type, parentUrn, sent.project || own.project, sent.stack || own.stack) };
  });
}

type Callback = (err: Error | null, res?: unknown) => void;

class RecordingMonitor extends MockMonitor {
  readonly recorded: RecordedResource[] = [];
  constructor(mocks: ConstructorParameters<typeof MockMonitor>[0], private readonly project: string, private readonly stack: string) {
    super(mocks);
    // The engine's URNs, which the SDK's createUrn (aliases) assumes: the parent's whole type
    // chain, the stack's type left out. The stock mock keeps only the parent's last type and
    // adds the stack's. (Its URN builder is private in its types: replaced on the instance.)
    Object.assign(this, { newUrn: (parent: string, type: string, name: string) => createUrn(name, type, parent, this.project, this.stack) });
  }
  private readonly byUrn = new Map<string, { type: string; name: string }>();
  readonly duplicates: string[] = [];

  // The SDK types the request any; it is the engine protocol's RegisterResourceRequest.
  override async registerResource(req: RegisterResourceRequest, callback: Callback): Promise<void> {
    const type = req.getType();
    const name = req.getName();
    const parentUrn = req.getParent();
    // The URN builder set in the constructor, which MockMonitor's registerResource uses too.
    const urn = (this as unknown as { newUrn(parent: string, type: string, name: string): string }).newUrn(parentUrn, type, name);
    if (this.byUrn.has(urn)) {
      // Recorded, not failed here: a failed registration surfaces as an unhandled rejection
      // inside the program. runProgram fails the whole run once registrations drain.
      this.duplicates.push(urn);
      return super.registerResource(req, callback);
    }
    this.byUrn.set(urn, { type, name });
    const raw = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
    const fields = walkFields(raw);
    const parent = parentUrn ? this.byUrn.get(parentUrn) : undefined;
    this.recorded.push({
      type,
      name,
      urn,
      ...(parent ? { parent: parent.name, parentType: parent.type, parentUrn } : {}),
      custom: req.getCustom(),
      inputs: fields.masked,
      rawInputs: fields.raw,
      secretInputs: fields.secretKeys,
      protect: req.getProtect() === true,
      deleteBeforeReplace: req.getDeletebeforereplace(),
      retainOnDelete: req.getRetainondelete() === true,
      ignoreChanges: req.getIgnorechangesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      dependencies: req.getDependenciesList(),
      // A provider reference is "<urn>::<id>"; URNs contain "::" themselves.
      ...(req.getProvider() ? { provider: req.getProvider().slice(0, req.getProvider().lastIndexOf("::")) } : {}),
      aliases: recordAliases(req.getAliasesList(), { name, type, parentUrn, project: this.project, stack: this.stack }),
    });
    return super.registerResource(req, callback);
  }

  /** The stack's outputs as the SDK registered them on the stack resource (masked), once it has. */
  stackOutputs: Record<string, unknown> | undefined;

  // The SDK types the request any; it is the engine protocol's RegisterResourceOutputsRequest.
  override registerResourceOutputs(req: { getUrn(): string; getOutputs(): { toJavaScript(): unknown } | undefined }, callback: Callback): void {
    if (this.byUrn.get(req.getUrn())?.type === "pulumi:pulumi:Stack") this.stackOutputs = walk(req.getOutputs()?.toJavaScript() ?? {}, true).value as Record<string, unknown>;
    super.registerResourceOutputs(req, callback);
  }

  /** The engine's answer once the program is done (the SDK's cmd/run asks before it exits). */
  signalAndWaitForShutdown(_req: unknown, callback: Callback): void {
    callback(null, {});
  }
}

export interface ProgramRun {
  readonly resources: readonly RecordedResource[];
  readonly outputs: Record<string, unknown>;
}

export interface RunOptions {
  readonly project: string;
  readonly stack: string;
  /** Config as the language host passes it: "parity:key" → string (JSON for objects). */
  readonly config: Record<string, string>;
  readonly secretKeys?: readonly string[];
  /** Absolute path of the program's entry module. */
  readonly program: string;
}

/**
 * Runs a Pulumi program in-process against a recording mock engine: no CLI, no credentials,
 * no network. Not a preview: outputs resolve to mock values so every input is concrete.
 * One run per module registry: a program may register its resources as it loads (a module that
 * exports a function, as Parity's index.ts does, registers them when called).
 */
export async function runProgram(opts: RunOptions): Promise<ProgramRun> {
  const engine = useRecordingEngine(opts);
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    // As the CLI's run does: a module that exports a function (Parity's index.ts) is called and
    // awaited, its result the stack outputs; otherwise the module's exports are.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(opts.program) as Record<string, unknown> | (() => Promise<Record<string, unknown>>);
    return typeof mod === "function" ? await mod() : { ...mod };
  });
  return engine.finish(outputs);
}

export interface RecordingEngine {
  /** What has been registered so far. */
  readonly recorded: readonly RecordedResource[];
  readonly duplicates: readonly string[];
  /** The outputs the program's stack registered (secrets masked); undefined until it has. */
  stackOutputs(): Record<string, unknown> | undefined;
  /** Drains the registrations, fails on duplicate URNs, and returns the recorded run. */
  finish(outputs: unknown): Promise<ProgramRun>;
}

// The SDK's own, kept to put back (its type declares it private).
const sdkCallsites = (pulumi.Resource as unknown as { callsites: () => unknown[] }).callsites;

/**
 * Every resource the SDK registers carries its source position, found by capturing and parsing
 * the whole stack (Resource.callsites sets Error.stackTraceLimit to Infinity for it, whatever
 * the program set). The real engine keeps it for its diagnostics; this engine records none, so
 * by default the capture is skipped: about 10% of a 300-worker plan's CPU. The emulated CLI start
 * (bench/cliStart.ts) keeps it, as the CLI's run pays it.
 */
function recordSourcePositions(on: boolean): void {
  Object.assign(pulumi.Resource, { callsites: on ? sdkCallsites : () => [] });
}

/**
 * Installs the recording mock engine for one program run (config, monitor, the SDK's feature
 * flags) without running anything: for callers that start the program their own way, like the
 * CLI-start bench that goes through the SDK's own cmd/run.
 */
export function useRecordingEngine(opts: Omit<RunOptions, "program"> & { readonly sourcePositions?: boolean }): RecordingEngine {
  recordSourcePositions(opts.sourcePositions ?? false);
  pulumi.runtime.setAllConfig(opts.config, [...(opts.secretKeys ?? [])]);
  const monitor = new RecordingMonitor({
    newResource: (args) => mockOutputs(args),
    call: (args) => mockCall(args),
  }, opts.project, opts.stack);
  pulumi.runtime.setMockOptions(monitor, opts.project, opts.stack, false);
  // Same feature set the SDK's setMocks enables.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const store = (require("@pulumi/pulumi/runtime/state") as { getStore(): object }).getStore();
  Object.assign(store, { supportsSecrets: true, supportsResourceReferences: true, supportsOutputValues: false, supportsDeletedWith: true, supportsAliasSpecs: true, supportsTransforms: false });
  return {
    recorded: monitor.recorded,
    duplicates: monitor.duplicates,
    stackOutputs: () => monitor.stackOutputs,
    async finish(outputs) {
      // Resource registrations continue after the program's module returns: drain them all.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
      if (monitor.duplicates.length) throw new Error(`duplicate resource names: ${monitor.duplicates.join(", ")}`);
      const plain = walk(outputs ?? {}, true).value as Record<string, unknown>;
      return { resources: monitor.recorded, outputs: plain };
    },
  };
}
