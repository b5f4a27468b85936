import { ContractError } from "../../contract/problems";
import { validateStackConfig } from "../../targets";

/** The contract's problems for a raw stack config, as `path: problem | allowed` lines; [] when valid. */
export function contractProblems(raw: Record<string, unknown>): string[] {
  try {
    validateStackConfig(raw, "t");
    return [];
  } catch (e) {
    if (e instanceof ContractError) return e.problems.map((p) => `${p.path}: ${p.problem} | ${p.allowed}`);
    throw e;
  }
}
