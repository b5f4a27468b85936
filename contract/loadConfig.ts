import * as pulumi from "@pulumi/pulumi";
import { ContractError, Problem } from "./problems";

export const NAMESPACE = "parity";

/**
 * The SDK knows which keys were `secure:` in the stack file but exports that test only
 * internally; without it (older SDKs) the language host's env var says the same.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (key: string) => boolean };
function isSecureValue(key: string): boolean {
  if (sdkConfig.isConfigSecret) return sdkConfig.isConfigSecret(key);
  const keys = process.env["PULUMI_CONFIG_SECRET_KEYS"];
  return keys ? (JSON.parse(keys) as string[]).includes(key) : false;
}

/**
 * Reads every `parity:` key of the running stack. Object and list values arrive as JSON text
 * (that is how Pulumi passes structured config to programs); scalars stay strings unless they
 * parse as JSON numbers or booleans.
 *
 * A `secure:` value is refused: Parity keeps no secret in a stack file, not even encrypted.
 */
export function readStackConfig(): Record<string, unknown> {
  const all = pulumi.runtime.allConfig();
  const out: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const [fullKey, text] of Object.entries(all)) {
    const [ns, key] = splitKey(fullKey);
    if (ns !== NAMESPACE || key === undefined) continue;
    if (isSecureValue(fullKey)) {
      problems.push({ path: fullKey, problem: "is a secure: value in the stack file", allowed: "no secrets in stack files: declare it under parity:secrets as { generate } or { env } (e.g. with `op run`)" });
      continue;
    }
    out[key] = decode(text);
  }
  if (problems.length) throw new ContractError(problems, pulumi.getStack());
  return out;
}

function splitKey(k: string): [string, string | undefined] {
  const i = k.indexOf(":");
  return i === -1 ? [k, undefined] : [k.slice(0, i), k.slice(i + 1)];
}

function decode(text: string): unknown {
  const t = text.trim();
  if (t.startsWith("{") || t.startsWith("[") || t === "true" || t === "false" || /^-?\d+(\.\d+)?$/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}
