/**
 * Guards that keep secrets out of a template: a template is copied to every node and every
 * guest made from it, so anything secret or per-guest in it is shared by all of them.
 */
import type { ProvisionBundle } from "../../renderers/bundle";

/** Paths (relative to the rootfs) that must not exist in a template, and why. */
export const FORBIDDEN_PATHS: ReadonlyArray<{ readonly glob: string; readonly why: string }> = [
  { glob: "etc/parity/secrets.env", why: "secrets are pushed or generated per guest at first boot" },
  { glob: "etc/ssh/ssh_host_*", why: "every guest would share the SSH host keys" },
  { glob: "etc/ssl/private/ssl-cert-snakeoil.key", why: "every guest would share the TLS private key" },
  { glob: "var/lib/rabbitmq/.erlang.cookie", why: "the Erlang cookie is the RabbitMQ node's shared secret" },
  { glob: "root/.erlang.cookie", why: "the Erlang cookie is the RabbitMQ node's shared secret" },
  { glob: "var/lib/postgresql/*/main/PG_VERSION", why: "each guest initialises its own cluster (own system identifier)" },
  { glob: "var/lib/parity/firstboot.done", why: "first boot would never run" },
];

/** Names that make a value look like a credential when assigned a literal. */
const KEY = /(pass(word|wd|phrase)?|secret|token|requirepass|masterauth|api[_-]?key|private[_-]?key)\w*/i;
/**
 * `KEY = value`, `KEY: value`, or Redis's `requirepass value`, with a literal of 8+ characters
 * that ends there (so `password = os.environ.get(…)` is code, not a literal).
 */
const ASSIGNMENT = new RegExp(
  `(?:(?<!\\{)${KEY.source}["']?\\s*[=:]|^\\s*(requirepass|masterauth)\\s)\\s*["']?([^\\s"'\`()\\[\\]]{8,})(?=["'\\s,;]|$)`,
  "gi",
);
/** `scheme://user:password@host` with a literal password (not `{secret:url}` or `$VAR`). */
const URL_CREDENTIAL = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:([^\s@/]+)@/gi;
/** Values that are references or well-known settings, not credentials. */
const NOT_A_SECRET = [
  /^\$/, /^\{/, /^%/, /^</, /^\\\$/, // $VAR, ${VAR}, {secret}, %(x)s, <placeholder>, escaped $
  /^scram-sha-256/i, /^md5$/i, /^(true|false|yes|no|none|null|required|optional)[,;)]?$/i,
  /^[A-Z][A-Z0-9]*_[A-Z0-9_]+[,;)]?$/, // another variable's name, e.g. PASSWORD_VAR=PARITY_SECRET_X
  /^\/[^\s]*$/, // a path, e.g. requirepass_file=/etc/…
];

export interface LiteralHit {
  readonly where: string;
  readonly line: number;
  readonly text: string;
}

/** Lines that assign a literal to something named like a password (values are masked in the result). */
export function findPasswordLiterals(where: string, text: string): LiteralHit[] {
  const hits: LiteralHit[] = [];
  text.split("\n").forEach((line, i) => {
    if (/^\s*(#|--|\/\/)/.test(line)) return;
    for (const m of line.matchAll(ASSIGNMENT)) {
      const value = m[4] ?? "";
      if (NOT_A_SECRET.some((r) => r.test(value))) continue;
      hits.push({ where, line: i + 1, text: line.replace(value, "<masked>").trim().slice(0, 160) });
    }
    for (const m of line.matchAll(URL_CREDENTIAL)) {
      const value = m[1] ?? "";
      if (/^[{$%<]/.test(value)) continue;
      hits.push({ where, line: i + 1, text: line.replace(value, "<masked>").trim().slice(0, 160) });
    }
  });
  return hits;
}

/** Every file and the script of each bundle, scanned; the build refuses a template with a hit. */
export function bundleLiteralHits(bundles: readonly ProvisionBundle[]): LiteralHit[] {
  return bundles.flatMap((b) => [
    ...b.files.flatMap((f) => findPasswordLiterals(`${b.name}:${f.path}`, f.content)),
    ...findPasswordLiterals(`${b.name}:script`, b.script),
  ]);
}
