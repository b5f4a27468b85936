import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parityKeys, readStackFile, StackFile } from "../../tools/stackFiles";

export const ROOT = resolve(__dirname, "../..");

/** Where globalSetup.ts leaves every stack file at the root as read once, for the whole run. */
export const STACK_FILES = "stack-files.json";

let read: Record<string, string> | undefined;

/**
 * The stack file as tools/stackFiles.ts reads it, a fresh copy per call. Parsing the YAML costs
 * 10-30 ms in each test file (the parser loads afresh in each file's module registry, cold), and
 * the suite reads the stack files about a hundred times: under jest the files come parsed from
 * the run's cache (globalSetup.ts), without it (system suites) from the YAML.
 */
export function stackFile(stack: string): StackFile {
  const dir = process.env["PARITY_PLAN_CACHE"];
  if (dir && !read) read = JSON.parse(readFileSync(join(dir, STACK_FILES), "utf8")) as Record<string, string>;
  // Parsed here, not cloned: the objects belong to the test file's realm, as parsed ones do.
  const cached = read?.[stack];
  return cached ? (JSON.parse(cached) as StackFile) : readStackFile(stack, ROOT);
}

/** A stack file's `parity:` keys without the namespace, as the contract receives them. */
export function rawStackConfig(stack: string): Record<string, unknown> {
  return parityKeys(stackFile(stack));
}
