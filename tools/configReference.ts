import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as ts from "typescript";
import { z } from "zod";
import { stackConfig } from "../contract/schema/stack";
import { TARGETS } from "../targets";

/**
 * `npm run docs:config` (> docs/CONFIG.md): the stack config reference, generated from the zod
 * schema so it cannot drift — every key path with its type, whether it is required, its
 * default and what is allowed (from `z.toJSONSchema`), and its description: the schema's
 * `.describe()`/`.meta()` text where present, else the JSDoc comment written above the key in
 * contract/schema/*.ts (found by walking the zod tree and matching exported schema constants).
 */

const SCHEMA_DIR = resolve(__dirname, "../contract/schema");

type Json = { [k: string]: unknown };
interface Row { path: string; type: string; required: boolean; default?: unknown; allowed: string; description: string }

/** JSDoc above object-literal keys in the schema sources: `lxcHost.vmid`, `proxmoxSettings.network.subnet`, `containerFields.image`. */
export function schemaJsDoc(dir = SCHEMA_DIR): Map<string, string> {
  const docs = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const source = ts.createSourceFile(file, readFileSync(join(dir, file), "utf8"), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node, owner: string[]): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
        const name = node.name.getText(source);
        ts.forEachChild(node, (c) => visit(c, [name]));
        return;
      }
      if (ts.isPropertyAssignment(node) && owner.length) {
        const name = node.name.getText(source).replace(/^["']|["']$/g, "");
        const text = ts.getJSDocCommentsAndTags(node).map((d) => (ts.isJSDoc(d) ? ts.getTextOfJSDocComment(d.comment) ?? "" : "")).join(" ").trim();
        if (text) docs.set([...owner, name].join("."), text.replace(/\s+/g, " "));
        ts.forEachChild(node, (c) => visit(c, [...owner, name]));
        return;
      }
      ts.forEachChild(node, (c) => visit(c, owner));
    };
    visit(source, []);
  }
  return docs;
}

/** Exported zod schemas by identity, so a walk knows when it enters `lxcHost` or `service`. */
function exportedSchemas(dir = SCHEMA_DIR): Map<unknown, string> {
  const out = new Map<unknown, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(dir, file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) if (value instanceof z.ZodType) out.set(value, name);
  }
  return out;
}

type ZodDef = { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType; options?: z.ZodType[]; valueType?: z.ZodType; in?: z.ZodType };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: ZodDef } })._zod.def;

/** Config path → JSDoc source key (`hosts[].vmid` → `lxcHost.vmid`), from a walk of the zod tree. */
function sourceKeys(schema: z.ZodType, names: Map<unknown, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (s: z.ZodType, path: string, owner: string, rel: string[]) => {
    // A key is documented where it is written (its parent's object); what is inside a named
    // schema constant is documented in that constant.
    if (path && rel.length) out.set(path, [...(out.get(path) ?? []), `${owner}.${rel.join(".")}`]);
    const named = names.get(s);
    const [o, r] = named && named !== "stackConfig" ? [named, []] : [owner, rel];
    const d = defOf(s);
    if (d.shape) for (const [k, v] of Object.entries(d.shape)) walk(v, path ? `${path}.${k}` : k, o, [...r, k]);
    if (d.element) walk(d.element, `${path}[]`, o, r);
    if (d.innerType) walk(d.innerType, path, o, r);
    if (d.in) walk(d.in, path, o, r);
    if (d.valueType) walk(d.valueType, `${path}.<name>`, o, r);
    for (const opt of d.options ?? []) walk(opt, path, o, r);
  };
  walk(schema, "", "stackConfig", []);
  return out;
}

function typeOf(node: Json): string {
  if (Array.isArray(node["anyOf"])) return (node["anyOf"] as Json[]).map(typeOf).join(" | ");
  const t = node["type"];
  if (t === "array") return `list of ${typeOf((node["items"] ?? {}) as Json)}`;
  if (t === "object" && node["properties"] === undefined && node["additionalProperties"]) return `map of ${typeOf(node["additionalProperties"] as Json)}`;
  if (t === "object") return `object {${Object.keys((node["properties"] ?? {})).join(", ")}}`;
  if (node["const"] !== undefined) return JSON.stringify(node["const"]);
  return typeof t === "string" ? t : "any";
}

function allowed(node: Json): string {
  const parts: string[] = [];
  if (Array.isArray(node["enum"])) parts.push((node["enum"] as unknown[]).map((v) => `\`${String(v)}\``).join(", "));
  if (node["const"] !== undefined) parts.push(`\`${JSON.stringify(node["const"])}\``);
  if (typeof node["pattern"] === "string") parts.push(`pattern \`${node["pattern"]}\``);
  if (node["format"] === "uri") parts.push("a URL");
  const max = node["maximum"] as number | undefined;
  if (node["minimum"] !== undefined || (max !== undefined && max < Number.MAX_SAFE_INTEGER)) parts.push(`${(node["minimum"] as number | undefined) ?? "…"}–${max !== undefined && max < Number.MAX_SAFE_INTEGER ? max : "…"}`);
  if (node["exclusiveMinimum"] !== undefined) parts.push(`> ${JSON.stringify(node["exclusiveMinimum"])}`);
  if (node["minLength"] !== undefined && node["minLength"] !== 1) parts.push(`at least ${JSON.stringify(node["minLength"])} characters`);
  else if (node["minLength"] === 1) parts.push("non-empty");
  if (node["minItems"] !== undefined) parts.push(`at least ${JSON.stringify(node["minItems"])} item(s)`);
  return parts.join("; ");
}

function rows(root: Json, describe: (path: string, node: Json) => string): Row[] {
  const out = new Map<string, Row>();
  const walk = (node: Json, path: string, required: boolean) => {
    if (path && !out.has(path)) {
      out.set(path, { path, type: typeOf(node), required, ...(node["default"] !== undefined ? { default: node["default"] } : {}), allowed: allowed(node), description: describe(path, node) });
    }
    for (const v of (node["anyOf"] as Json[] | undefined) ?? []) walk(v, path, required);
    const req = new Set((node["required"] as string[] | undefined) ?? []);
    for (const [k, v] of Object.entries((node["properties"] ?? {}) as Record<string, Json>)) walk(v, path ? `${path}.${k}` : k, req.has(k));
    if (node["items"]) walk(node["items"] as Json, `${path}[]`, true);
    if (node["type"] === "object" && !node["properties"] && typeof node["additionalProperties"] === "object") walk(node["additionalProperties"] as Json, `${path}.<name>`, true);
  };
  walk(root, "", true);
  return [...out.values()];
}

export function renderConfigReference(): string {
  const json = z.toJSONSchema(stackConfig, { io: "input", unrepresentable: "any" }) as Json;
  // The schema takes any target name; the registry decides which exist.
  ((json["properties"] as Record<string, Json>)["target"]!)["enum"] = TARGETS.map((t) => t.name);
  const docs = schemaJsDoc();
  const names = exportedSchemas();
  const exported = new Set(names.values());
  const keys = sourceKeys(stackConfig, names);
  const describe = (path: string, node: Json) => {
    if (typeof node["description"] === "string") return node["description"];
    for (const key of keys.get(path) ?? []) {
      const direct = docs.get(key);
      if (direct) return direct;
      // Keys spread from a shared, unexported fields object (e.g. containerFields) live under that object's name.
      const leaf = key.slice(key.indexOf(".") + 1);
      const spread = [...docs.entries()].find(([k]) => k.endsWith(`.${leaf}`) && k.split(".").length === leaf.split(".").length + 1 && !exported.has(k.split(".")[0]!));
      if (spread) return spread[1];
    }
    return "";
  };
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [
    "# Stack config reference",
    "",
    "<!-- Generated by `npm run docs:config` from contract/schema (zod); tests/unit/docs/configReference.test.ts fails when this file is stale. Do not edit by hand. -->",
    "",
    "Every key lives under the `parity:` namespace in `Pulumi.<stack>.yaml`. `[]` marks a list item, `<name>` a map key of your choosing.",
    "The contract reports every problem at once, with the key path, what is wrong and what is allowed (see README.md).",
    "",
    "| key | type | required | default | allowed | description |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows(json, describe).map((r) => `| \`parity:${r.path}\` | ${cell(r.type)} | ${r.required ? "yes" : "no"} | ${r.default === undefined ? "" : `\`${JSON.stringify(r.default)}\``} | ${cell(r.allowed)} | ${cell(r.description)} |`),
  ];
  return lines.join("\n") + "\n";
}

if (require.main === module) process.stdout.write(renderConfigReference());
