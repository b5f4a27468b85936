import { z } from "./schema/zod";
import { didYouMean } from "./didYouMean";
import { Problem, cut, keyPath } from "./problems";

type Issue = z.core.$ZodIssue;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** Known keys of the object schema at `path`, for "did you mean". */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let cur: z.ZodType | undefined = schema;
  for (const k of path) {
    cur = unwrap(cur);
    if (cur instanceof z.ZodObject) cur = (cur.shape as Record<string, z.ZodType>)[String(k)];
    else if (cur instanceof z.ZodArray) cur = cur.element as z.ZodType;
    else if (cur instanceof z.ZodRecord) cur = cur.valueType as z.ZodType;
    else return [];
  }
  cur = unwrap(cur);
  return cur instanceof z.ZodObject ? Object.keys(cur.shape) : [];
}

function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault) cur = cur.unwrap() as z.ZodType;
  return cur;
}

export function describeType(v: unknown): string {
  if (v === undefined) return "nothing (the key is missing)";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a map";
  if (typeof v === "number" && !Number.isInteger(v)) return `the number ${v}`;
  if (typeof v === "number") return `the whole number ${v}`;
  // What is left is a string or a boolean: YAML has no other scalars.
  return `${typeof v} ${cut(JSON.stringify(v))}`;
}

/** Zod's names of expected types, in the words of someone editing YAML. */
const EXPECTED: Readonly<Record<string, string>> = {
  object: "a map", record: "a map", array: "a list", tuple: "a list", string: "a string",
  number: "a number", int: "a whole number", boolean: "true or false", null: "null",
};

function expectedText(expected: string): string {
  return EXPECTED[expected] ?? `a ${expected}`;
}

/** Translates schema issues into problems that name the key, what is wrong and what is allowed. */
export function problemsFromIssues(schema: z.ZodType, input: unknown, issues: readonly Issue[]): Problem[] {
  const out: Problem[] = [];
  const key = (i: Issue) => JSON.stringify(i.path);
  // `.int()` adds the safe-integer range; a key's own tighter bound says more.
  const bounded = new Set(issues.filter((i) => (i.code === "too_big" || i.code === "too_small") && Math.abs(Number(i.code === "too_big" ? i.maximum : i.minimum)) !== Number.MAX_SAFE_INTEGER).map(key));
  for (const issue of issues) {
    if ((issue.code === "too_big" || issue.code === "too_small") && Math.abs(Number(issue.code === "too_big" ? issue.maximum : issue.minimum)) === Number.MAX_SAFE_INTEGER && bounded.has(key(issue))) continue;
    const path = issue.path;
    switch (issue.code) {
      case "unrecognized_keys": {
        const known = knownKeysAt(schema, path);
        for (const key of issue.keys) {
          const hint = didYouMean(key, known);
          out.push({
            path: keyPath([...path, key]),
            problem: `unknown key${hint ? ` (did you mean '${hint}'?)` : ""}`,
            allowed: known.length ? known.join(", ") : "no keys here",
          });
        }
        break;
      }
      case "invalid_type": {
        const actual = valueAt(input, path);
        out.push({
          path: keyPath(path),
          problem: actual === undefined ? "missing required key" : `wrong type: got ${describeType(actual)}`,
          allowed: expectedText(issue.expected),
        });
        break;
      }
      case "invalid_value": {
        const actual = valueAt(input, path);
        out.push({ path: keyPath(path), problem: actual === undefined ? "missing required key" : `got ${describeType(actual)}`, allowed: issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` });
        break;
      }
        break;
      case "too_small":
      case "too_big": {
        const bound = issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
        const what = issue.origin === "array" ? "items" : issue.origin === "string" ? "characters" : issue.origin === "int" ? "(a whole number)" : "";
        out.push({ path: keyPath(path), problem: `got ${describeType(valueAt(input, path))}`, allowed: `${bound}${what ? ` ${what}` : ""}` });
        break;
      }
      case "invalid_union":
        out.push({ path: keyPath(path), problem: `does not match any accepted form (got ${describeType(valueAt(input, path))})`, allowed: unionHint(path) });
        break;
      default: {
        const actual = valueAt(input, path);
        out.push({ path: keyPath(path), problem: actual === undefined ? "missing required key" : `got ${describeType(actual)}`, allowed: issue.message.replace(/^must be /, "") });
      }
    }
  }
  return out;
}

function unionHint(path: readonly PropertyKey[]): string {
  const last = String(path[path.length - 1] ?? "");
  if (path[0] === "secrets") return "{ generate: { length } } or { env: NAME } (for 1Password, `op run` sets NAME)";
  if (last === "network") return "{ ipv4: 'a.b.c.d/prefix' } or { dhcp: true }, each with an optional mac";
  return "one of the documented forms";
}
