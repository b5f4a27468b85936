import { resolve } from "node:path";
import { rawStackConfig as readRawStackConfig } from "../../tools/stackFiles";

export const ROOT = resolve(__dirname, "../..");

/** A stack file's `parity:` keys without the namespace, as the contract receives them. */
export function rawStackConfig(stack: string): Record<string, unknown> {
  return readRawStackConfig(stack, ROOT);
}
