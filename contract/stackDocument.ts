import { parseDocument } from "yaml";

/**
 * A stack file that cannot be read as one: a YAML syntax error (one line with file, line and
 * column) or a document of the wrong shape. Its message is the whole report: print it without
 * a stack trace.
 */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

function shapeOf(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a map";
  return `a ${typeof v}`;
}

/**
 * Parses a Pulumi stack or project file the way the Pulumi CLI reads it: YAML 1.2, keys unique,
 * a map at the top. Returns the document's top-level map.
 */
export function parseYamlMap(text: string, file: string): Record<string, unknown> {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    const what = err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new StackFileError(`${where}: YAML syntax error: ${what}`);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new StackFileError(`${file}: is ${shapeOf(value)} at the top; a stack file is a map with a 'config:' map of keys such as parity:target`);
  return value as Record<string, unknown>;
}

/** The `config:` map of a stack file, with its shape checked: keys are namespaced (`parity:target`). */
export function stackFileConfig(text: string, file: string, namespace: string): Record<string, unknown> {
  const doc = parseYamlMap(text, file);
  const config = doc["config"];
  const namespaced = Object.keys(doc).filter((k) => k.startsWith(`${namespace}:`));
  if (config === undefined) {
    if (namespaced.length) throw new StackFileError(`${file}: ${namespaced[0]} and the other keys are at the top level; put them under 'config:' (Pulumi reads only config: in a stack file)`);
    return {};
  }
  if (config === null) return {};
  if (typeof config !== "object" || Array.isArray(config)) throw new StackFileError(`${file}: 'config:' is ${shapeOf(config)}; it must be a map of keys such as ${namespace}:target`);
  const bare = Object.keys(config).filter((k) => !k.includes(":"));
  if (bare.length) throw new StackFileError(`${file}: config key '${bare[0]}' has no namespace; write ${namespace}:${bare[0]}`);
  return config as Record<string, unknown>;
}
