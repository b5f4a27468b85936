import { TemplatePart, parseTemplate } from "../contract/envTemplate";
import { EnvValue, ValuePart } from "./types";

/** What a reference resolves to for one container on one target. */
export interface ResolveContext {
  readonly stack: { readonly environment: string; readonly domain: string; readonly logLevel: string; readonly name: string };
  /** `url` overrides `http://host:port` (Azure apps are reached through ingress on port 80). */
  readonly self: { readonly name: string; readonly host: string; readonly port?: number; readonly replica?: number; readonly url?: string };
  readonly sharedPath?: string;
  /** How this container reaches another service: the target's topology decides. */
  reach(service: string): { host: string; port?: number; url?: string };
}

function resolvePart(part: TemplatePart, ctx: ResolveContext): ValuePart {
  if (typeof part === "string") return part;
  switch (part.kind) {
    case "secret":
      return { secret: part.name };
    case "stack":
      return ctx.stack[part.attr];
    case "shared":
      return ctx.sharedPath ?? "";
    case "self": {
      const { name, host, port, replica, url } = ctx.self;
      if (part.attr === "name") return name;
      if (part.attr === "host") return host;
      if (part.attr === "port") return String(port ?? "");
      if (part.attr === "replica") return String(replica ?? "");
      return url ?? `http://${host}:${port}`;
    }
    case "service": {
      const { host, port, url } = ctx.reach(part.service);
      if (part.attr === "host") return host;
      if (part.attr === "port") return String(port ?? "");
      return url ?? `http://${host}:${port}`;
    }
  }
}

/** Adjacent literal pieces merged, so a value without secrets is a single string. */
function compact(parts: ValuePart[]): ValuePart[] {
  const out: ValuePart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === "string" && typeof last === "string") out[out.length - 1] = last + p;
    else if (p !== "") out.push(p);
  }
  return out;
}

/** Resolves a template the contract has already checked. */
export function resolveTemplate(text: string, ctx: ResolveContext): EnvValue {
  const parsed = parseTemplate(text);
  if ("error" in parsed) throw new Error(`unvalidated template '${text}': ${parsed.error}`);
  const parts = compact(parsed.parts.map((p) => resolvePart(p, ctx)));
  return { parts, secret: parts.some((p) => typeof p !== "string") };
}

/** A value as people may see it: secrets masked. */
export function displayValue(v: EnvValue): string {
  if (v.platform) return PLATFORM_VALUES[v.platform];
  return v.secret ? "[secret]" : literalText(v);
}

/**
 * The text of a value whose parts are all literals. A secret part here is a bug upstream: it
 * throws rather than print "[object Object]" where the value goes.
 */
export function literalText(v: EnvValue): string {
  return v.parts
    .map((p) => {
      if (typeof p !== "string") throw new Error("a secret reached a plain value");
      return p;
    })
    .join("");
}

/** How a platform-supplied value shows in plans and outputs. */
export const PLATFORM_VALUES: Readonly<Record<NonNullable<EnvValue["platform"]>, string>> = {
  openTelemetryAgent: "<injected by the Container Apps OpenTelemetry agent>",
  identityClientId: "<client id of the apps' managed identity>",
};

/** A value that must hold no secret (command lines, health checks). */
export function plainValue(v: EnvValue): string {
  if (v.secret) throw new Error("a secret reached a plain value");
  if (v.platform) throw new Error("a platform-supplied value reached a plain value");
  return literalText(v);
}
