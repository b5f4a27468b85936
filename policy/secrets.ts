import { ResourceValidationPolicy } from "@pulumi/policy";
import { INLINE_CREDENTIAL, SECRET_NAME, TYPES, inputsOf, known, knownItems, labelMap } from "./common";

/**
 * What the policy SDK shows of secrets: nothing. It unwraps Pulumi secrets before calling a
 * validation (`deserializeProperties(…, false)` in @pulumi/policy's server), so a policy sees a
 * secret env value as the same plain string a literal would be. Secrecy in the Pulumi sense
 * cannot be checked here; the contract rejects literal secrets in stack config before a
 * resource exists. What this policy can check on the resource itself:
 *
 * - labels and command lines (command, entrypoint, health check) carry no secret at all:
 *   `docker inspect` and `ps` show them to anyone on the host, Pulumi secret or not;
 * - env values under secret-looking names are not placeholders or short literals — a value
 *   that came from @pulumi/random or a vault is long (Parity generates 16+ characters);
 * - a URL in env with an inline password has a real one, not a placeholder.
 * Values still unknown during a preview come from another resource's output and are skipped.
 */

const PLACEHOLDERS = /^(change[-_ ]?me|changeit|password\d*|passw0rd|secret|admin|root|test|example|dummy|default|postgres|guest|x+|\*+|todo|<[^>]*>|\$\{[^}]*\})$/i;
/** Shorter than this and it is a hand-typed literal, not a generated or vault secret. */
export const MIN_SECRET_LENGTH = 12;

export function weakSecretReason(value: string): string | undefined {
  if (value === "") return undefined;
  if (PLACEHOLDERS.test(value)) return "a placeholder";
  if (value.length < MIN_SECRET_LENGTH) return `a ${value.length}-character literal`;
  return undefined;
}

const SECRET_FLAG = /^--?[\w-]*(password|passwd|secret|token|api[-_]?key|private[-_]?key)[\w-]*$/i;

/** Problems in one command-line element (never quoting the value). `next` is the following element. */
function commandProblem(arg: string, next: string | undefined): string | undefined {
  const eq = arg.indexOf("=");
  const key = eq > 0 ? arg.slice(0, eq) : arg;
  if (eq > 0 && arg.length > eq + 1 && (SECRET_FLAG.test(key) || SECRET_NAME.test(key.replace(/^-+/, "")))) return `sets ${key} on the command line`;
  if (eq === -1 && SECRET_FLAG.test(arg) && next !== undefined) return `passes ${arg} a value on the command line`;
  if (/[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i.test(arg)) return "embeds a URL with a password";
  return undefined;
}

function checkCommand(field: string, list: unknown, report: (m: string) => void): void {
  const args = knownItems(list as readonly unknown[] | undefined).map((a) => (typeof a === "string" ? a : ""));
  args.forEach((arg, i) => {
    const problem = commandProblem(arg, args[i + 1]);
    if (problem) report(`${field}[${i}] ${problem}, where \`docker inspect\` and \`ps\` show it; pass secrets through env`);
  });
}

export const noPlainSecrets: ResourceValidationPolicy = {
  name: "no-plain-secrets",
  description: "No secret in container labels or command lines; secret-looking env values are real secrets, not literals.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== TYPES.container) return;
    const p = inputsOf(args);
    for (const entry of knownItems(known(() => p["envs"]) as readonly unknown[] | undefined)) {
      if (typeof entry !== "string") continue;
      const eq = entry.indexOf("=");
      const name = eq === -1 ? entry : entry.slice(0, eq);
      const value = eq === -1 ? "" : entry.slice(eq + 1);
      const weak = SECRET_NAME.test(name) ? weakSecretReason(value) : undefined;
      if (weak) report(`env ${name} looks like a secret but holds ${weak}; declare it under parity:secrets and reference it as \${secret.NAME}`);
      const cred = INLINE_CREDENTIAL.exec(value);
      const credWeak = cred ? weakSecretReason(cred[1]!) : undefined;
      if (credWeak) report(`env ${name} embeds a URL whose password is ${credWeak}; build it from a \${secret.NAME} reference`);
    }
    for (const [label, value] of labelMap(known(() => p["labels"]))) {
      if (SECRET_NAME.test(label)) report(`label ${label} looks like a secret; labels are readable by anyone who can inspect the container`);
      else if (INLINE_CREDENTIAL.test(value)) report(`label ${label} embeds a URL with a password; labels are readable by anyone who can inspect the container`);
    }
    checkCommand("command", known(() => p["command"]), (m) => report(m));
    checkCommand("entrypoints", known(() => p["entrypoints"]), (m) => report(m));
    const health = known(() => p["healthcheck"]) as Record<string, unknown> | undefined;
    if (health) checkCommand("healthcheck.tests", known(() => health["tests"]), (m) => report(m));
  },
};
