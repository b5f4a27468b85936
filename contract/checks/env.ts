import type { TargetContract } from "../target";
import { INLINE_CREDENTIAL, SECRET_NAME } from "../../core/secretNames";
import { didYouMean } from "../didYouMean";
import { REFERENCE_FORMS, TemplateRef, parseTemplate, templateRefs } from "../envTemplate";
import { Problem } from "../problems";
import { ServiceConfig, StackConfig, WorkerPoolConfig } from "../schema/stack";

/** Names that only ever hold secrets. */
/** `scheme://user:password@` with a literal password. */

type Container = (ServiceConfig | WorkerPoolConfig) & { kind: "service" | "worker"; path: string };

/**
 * Every env template parses, names things that exist, and carries secrets only as
 * `${secret.NAME}` references — never as plain text in a stack file.
 */
export function checkEnv(cfg: StackConfig, t: TargetContract): Problem[] {
  const out: Problem[] = [];
  const secrets = Object.keys(cfg.secrets);
  const services = new Map(cfg.services.map((s) => [s.name, s]));
  const pools = cfg.workers.map((w) => w.name);
  const containers: Container[] = [
    ...cfg.services.map((s, i) => ({ ...s, kind: "service" as const, path: `parity:services[${i}]` })),
    ...cfg.workers.map((w, i) => ({ ...w, kind: "worker" as const, path: `parity:workers[${i}]` })),
  ];
  for (const c of containers) {
    const texts: [string, string][] = [
      ...Object.entries(c.env).map(([k, v]): [string, string] => [`${c.path}.env.${k}`, v]),
      ...(c.command ?? []).map((v, j): [string, string] => [`${c.path}.command[${j}]`, v]),
      ...Object.entries(c.dev?.env ?? {}).map(([k, v]): [string, string] => [`${c.path}.dev.env.${k}`, v]),
      ...(c.dev?.command ?? []).map((v, j): [string, string] => [`${c.path}.dev.command[${j}]`, v]),
      // Health-check argv is resolved like a command line (`${self.port}` and the like).
      ...(c.healthcheck?.test ?? []).map((v, j): [string, string] => [`${c.path}.healthcheck.test[${j}]`, v]),
    ];
    // Profiles may change values, never the set of names: the env contract is the same in dev and prod.
    for (const k of Object.keys(c.dev?.env ?? {}))
      if (!(k in c.env)) out.push({ path: `${c.path}.dev.env.${k}`, problem: `adds ${k}, which the service does not declare in env`, allowed: `override only names declared in env (${Object.keys(c.env).join(", ") || "none"})` });
    for (const [path, text] of texts) {
      const parsed = parseTemplate(text);
      if ("error" in parsed) {
        out.push({ path, problem: parsed.error, allowed: REFERENCE_FORMS });
        continue;
      }
      const refs = templateRefs(parsed.parts);
      out.push(...plainSecretProblems(path, path.includes(".env.") ? path.split(".").pop() : undefined, text, refs));
      const hasSecretRef = refs.some((r) => r.kind === "secret");
      if (!path.includes(".env.") && hasSecretRef)
        out.push({ path, problem: "puts a secret on a command line, where `ps` and `docker inspect` show it", allowed: "pass secrets through env" });
      for (const r of refs) {
        if (r.kind === "secret" && !secrets.includes(r.name)) {
          const hint = didYouMean(r.name, secrets);
          out.push({ path, problem: `references unknown secret '${r.name}'${hint ? ` (did you mean '${hint}'?)` : ""}`, allowed: secrets.length ? `one of ${secrets.join(", ")}` : "declare it under parity:secrets" });
        }
        if (r.kind === "service") {
          const target = services.get(r.service);
          if (!target) {
            const hint = didYouMean(r.service, [...services.keys()]);
            const pool = pools.includes(r.service) ? " (a worker pool has no single address)" : "";
            out.push({ path, problem: `references unknown service '${r.service}'${pool}${hint ? ` (did you mean '${hint}'?)` : ""}`, allowed: `one of ${[...services.keys()].join(", ") || "no services"}` });
          } else if (target.ports.length === 0 && r.attr !== "host") {
            out.push({ path, problem: `references ${r.attr} of '${r.service}', which declares no ports`, allowed: "give that service a port" });
          } else if (t.traits.multiHost && crossHost(c, target) && r.attr !== "host" && target.ports[0]?.host === undefined) {
            out.push({ path, problem: `reaches '${r.service}' from another host, but '${r.service}' publishes no host port`, allowed: `set ports[0].host on '${r.service}'` });
          }
        }
        if (r.kind === "self" && (r.attr === "port" || r.attr === "url") && c.kind === "service" && (c as ServiceConfig).ports.length === 0)
          out.push({ path, problem: `uses \${self.${r.attr}} but the service declares no ports`, allowed: "declare a port, or drop the reference" });
        if (r.kind === "self" && r.attr === "replica" && c.kind === "service")
          out.push({ path, problem: "uses ${self.replica} outside a worker pool", allowed: "${self.replica} only in parity:workers" });
        if (r.kind === "shared" && !c.sharedStorage)
          out.push({ path, problem: "uses ${shared.path} but this container does not mount shared storage", allowed: "set sharedStorage: true on it" });
      }
    }
  }
  return out;
}

/**
 * A secret given as plain text: a variable whose name only ever holds secrets, or a URL with a
 * literal password. `variable` is the env name (absent for command lines).
 */
export function plainSecretProblems(path: string, variable: string | undefined, text: string, refs: readonly TemplateRef[]): Problem[] {
  const out: Problem[] = [];
  const hasSecretRef = refs.some((r) => r.kind === "secret");
  if (variable !== undefined && text !== "" && !hasSecretRef && SECRET_NAME.test(variable))
    out.push({ path, problem: "looks like a secret given as plain text", allowed: "declare it under parity:secrets and write ${secret.NAME}" });
  const cred = INLINE_CREDENTIAL.exec(text);
  if (cred && !cred[1]!.includes("${secret."))
    out.push({ path, problem: "embeds a plain-text password in a URL", allowed: "user:${secret.NAME}@ in the URL" });
  return out;
}

function crossHost(from: Container, to: ServiceConfig): boolean {
  return from.kind === "worker" ? (from as WorkerPoolConfig).hosts.some((h) => h !== to.host) : (from as ServiceConfig).host !== to.host;
}
