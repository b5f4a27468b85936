/** Environment files of the native services: plain values rendered, secret values written by the script. */
import type { NativeService, ResolvedNative } from "../nativeServices";

/** Quotes a value for a systemd EnvironmentFile (double quotes; backslash and quote escaped). */
export function envQuote(value: string): string {
  if (/[\n\r]/.test(value)) throw new Error("environment values cannot contain newlines");
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The plain (non-secret) variables of one service. */
export function renderServiceEnv(r: ResolvedNative, s: NativeService): string {
  const lines = [`# ${r.project} ${s.description}: plain variables, managed by Parity.`, `# Secret variables are in ${r.paths.secretsFile(s.name)}.`];
  for (const [k, v] of Object.entries(s.env).sort(([a], [b]) => a.localeCompare(b))) lines.push(`${k}=${envQuote(v)}`);
  return `${lines.join("\n")}\n`;
}

export interface TemplateParts {
  readonly prefix: string;
  readonly suffix: string;
  readonly urlEncode: boolean;
}

/** Splits a secret template around its single placeholder. */
export function splitTemplate(template: string): TemplateParts {
  const m = /\{secret(:url)?\}/.exec(template);
  if (!m) throw new Error(`secret template "${template}" has no {secret} or {secret:url}`);
  const prefix = template.slice(0, m.index);
  const suffix = template.slice(m.index + m[0].length);
  if (/\{secret(:url)?\}/.test(suffix)) throw new Error(`secret template "${template}" has more than one placeholder`);
  return { prefix, suffix, urlEncode: m[1] === ":url" };
}
