import { resolve } from "node:path";
import { readStackFile } from "../../tools/stackFiles";

export const ROOT = resolve(__dirname, "../..");

/** A stack file's `parity:` keys without the namespace, as the contract receives them. */
export function rawStackConfig(stack: string): Record<string, unknown> {
  const { values } = readStackFile(stack, ROOT);
  return Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith("parity:")).map(([k, v]) => [k.slice("parity:".length), structuredClone(v)]));
}
