/** One thing wrong with a stack config, phrased for the person who edits it. */
export interface Problem {
  /** Config key path, e.g. `parity:hosts[1].vmid`. */
  readonly path: string;
  readonly problem: string;
  readonly allowed: string;
}

/** Turns a path of keys and indexes into `parity:hosts[1].vmid`. */
export function keyPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path;
  let out = `parity:${String(head ?? "")}`;
  for (const part of rest) out += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return out;
}

/**
 * Raised before any resource is registered. Its message is the whole report, so the Pulumi
 * CLI shows every problem at once; `name` is set so callers can print it without a stack trace.
 */
export class ContractError extends Error {
  constructor(readonly problems: readonly Problem[], stack?: string) {
    super(formatProblems(problems, stack));
    this.name = "ContractError";
  }
}

/** A value as a message may quote it: long text is cut, so a 1 MiB value is not echoed whole. */
export function cut(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

export function formatProblems(problems: readonly Problem[], stack?: string): string {
  const header = `Stack config${stack ? ` of '${stack}'` : ""} is invalid: ${problems.length} problem${problems.length === 1 ? "" : "s"}`;
  // Every field is cut as a last guard: checks quote values, and a message stays readable.
  const lines = problems.map((p) => `  - ${cut(p.path, 200)}: ${cut(p.problem, 400)}. Allowed: ${cut(p.allowed, 400)}.`);
  return [header, ...lines].join("\n");
}
