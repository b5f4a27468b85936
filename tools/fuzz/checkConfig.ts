import { ContractError, Problem } from "../../contract/problems";
import { buildModel, validateStackConfig } from "../../targets";
import { serviceSteps } from "../../targets/proxmox/serviceSteps";

/** What the contract and the pure layers below it made of one config. */
export type Outcome =
  | { readonly kind: "rejected"; readonly problems: readonly Problem[]; readonly ms: number }
  | { readonly kind: "accepted"; readonly ms: number }
  /** Anything else: a crash past (or inside) validation, or a report that breaks the rules. */
  | { readonly kind: "crash"; readonly where: "contract" | "model" | "renderers" | "report"; readonly error: string; readonly ms: number };

const KEY_PATH = /^parity:[A-Za-z][A-Za-z0-9]*(\.[^.\s[\]]+|\[\d+\])*$/;

/** A problem as the contract promises it: a key path, what is wrong, what is allowed. */
export function badProblem(p: Problem): string | undefined {
  if (!KEY_PATH.test(p.path)) return `path '${p.path}' is not a key path`;
  if (!p.problem || /undefined|NaN|\[object Object\]/.test(p.problem)) return `problem at ${p.path} reads '${p.problem}'`;
  if (!p.allowed || /undefined|\[object Object\]/.test(p.allowed)) return `allowed at ${p.path} reads '${p.allowed}'`;
  return undefined;
}

/**
 * Validates a config; an accepted one is then taken through the pure layers the program runs
 * next: the model, and the renderers of every in-guest service (the text components upload).
 * The full program under the mock engine (components, provider inputs, resource names) is
 * planned separately (planWorker.ts), because it costs ~0.5 s per config.
 */
export function checkConfig(raw: Record<string, unknown>, stack: string): Outcome {
  const start = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - start) / 1e6;
  let cfg;
  try {
    cfg = validateStackConfig(raw, stack);
  } catch (e) {
    if (!(e instanceof ContractError)) return { kind: "crash", where: "contract", error: String((e as Error).stack ?? e), ms: ms() };
    const t = ms();
    const bad = e.problems.map(badProblem).find((x) => x !== undefined);
    if (!e.problems.length || bad) return { kind: "crash", where: "report", error: bad ?? "a ContractError with no problems", ms: t };
    if (e.message.length > 20_000) return { kind: "crash", where: "report", error: `a report of ${e.message.length} characters`, ms: t };
    return { kind: "rejected", problems: e.problems, ms: t };
  }
  const t = ms();
  let model;
  try {
    model = buildModel(cfg, stack);
  } catch (e) {
    return { kind: "crash", where: "model", error: String((e as Error).stack ?? e), ms: t };
  }
  try {
    for (const h of model.hostServices) serviceSteps(h);
  } catch (e) {
    return { kind: "crash", where: "renderers", error: String((e as Error).stack ?? e), ms: t };
  }
  return { kind: "accepted", ms: t };
}
