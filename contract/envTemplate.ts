/**
 * Env-value templates: literal text with `${...}` references. Parsing is shared by the
 * contract (to check references) and the model (to resolve them per target).
 */
export type TemplateRef =
  | { readonly kind: "secret"; readonly name: string }
  | { readonly kind: "service"; readonly service: string; readonly attr: ServiceAttr }
  | { readonly kind: "self"; readonly attr: SelfAttr }
  | { readonly kind: "shared"; readonly attr: "path" }
  | { readonly kind: "stack"; readonly attr: StackAttr };

export const serviceAttrs = ["host", "port", "url"] as const;
export const selfAttrs = ["name", "host", "port", "url", "replica"] as const;
export const stackAttrs = ["environment", "domain", "logLevel", "name"] as const;
export type ServiceAttr = (typeof serviceAttrs)[number];
export type SelfAttr = (typeof selfAttrs)[number];
export type StackAttr = (typeof stackAttrs)[number];

export type TemplatePart = string | TemplateRef;

export const REFERENCE_FORMS =
  "${secret.NAME}, ${service.NAME.host|port|url}, ${self.name|host|port|url|replica}, ${shared.path}, ${stack.environment|domain|logLevel|name}";

/** Parses a template into literal text and references; returns an error message for a bad reference. */
export function parseTemplate(text: string): { parts: TemplatePart[] } | { error: string } {
  const parts: TemplatePart[] = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const ref = parseRef(m[1]!.trim());
    if (typeof ref === "string") return { error: ref };
    parts.push(ref);
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.some((p) => typeof p === "string" && p.includes("${"))) return { error: "has an unterminated '${'" };
  return { parts };
}

function parseRef(body: string): TemplateRef | string {
  const segs = body.split(".");
  const [kind, a, b] = segs;
  const bad = `'\${${body}}' is not a known reference`;
  switch (kind) {
    case "secret":
      return segs.length === 2 && a ? { kind, name: a } : bad;
    case "service":
      return segs.length === 3 && a && (serviceAttrs as readonly string[]).includes(b!) ? { kind, service: a, attr: b as ServiceAttr } : bad;
    case "self":
      return segs.length === 2 && (selfAttrs as readonly string[]).includes(a!) ? { kind, attr: a as SelfAttr } : bad;
    case "shared":
      return segs.length === 2 && a === "path" ? { kind, attr: "path" } : bad;
    case "stack":
      return segs.length === 2 && (stackAttrs as readonly string[]).includes(a!) ? { kind, attr: a as StackAttr } : bad;
    default:
      return bad;
  }
}

export function templateRefs(parts: readonly TemplatePart[]): TemplateRef[] {
  return parts.filter((p): p is TemplateRef => typeof p !== "string");
}
