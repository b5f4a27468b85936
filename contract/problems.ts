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

export function formatProblems(problems: readonly Problem[], stack?: string): string {
  const header = `Stack config${stack ? ` of '${stack}'` : ""} is invalid: ${problems.length} problem${problems.length === 1 ? "" : "s"}`;
  const lines = problems.map((p) => `  - ${p.path}: ${p.problem}. Allowed: ${p.allowed}.`);
  return [header, ...lines].join("\n");
}
