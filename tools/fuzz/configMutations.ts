import fc from "fast-check";

/**
 * Random mutations of a real stack config, for the property that the contract either reports
 * problems or accepts a config that plans. Mutations aim where mistakes happen: a value
 * replaced by a boundary or a value from elsewhere in the file, a key deleted or misspelt, a
 * list item duplicated, a template reference broken.
 */
export type Raw = Record<string, unknown>;
type Path = (string | number)[];

export interface Mutation {
  /** Which node of the config tree (modulo the number of nodes). */
  readonly at: number;
  readonly op:
    | { readonly kind: "delete" }
    | { readonly kind: "set"; readonly value: unknown }
    | { readonly kind: "copyFrom"; readonly from: number }
    | { readonly kind: "duplicateItem" }
    | { readonly kind: "editText"; readonly edit: number }
    | { readonly kind: "nudge"; readonly by: number }
    | { readonly kind: "addKey"; readonly key: string; readonly value: unknown };
}

/** Values that sit on or past a rule's edge, or look right but are not. */
const EDGE_VALUES: readonly unknown[] = [
  0, -1, 1, 2, 12, 13, 15, 16, 17, 99, 100, 255, 256, 1024, 65535, 65536, 1e308, -1e308, 0.001, 0.25, 0.5, 1.5, 3.3, 1e-9,
  true, false, null, "", " ", "0", "0:0", "0:1000", "root", "1000:1000", "db", "dev_db", "cognitive-engine", "a_b", "A", "x.y",
  "NONE", "CMD", "CMD-SHELL", "CMDX", "${self.nope}", "${service.dbb.host}", "${service.db.host}", "${service.db.port}", "${secret.nope}",
  "${self.port}", "${self.replica}", "${shared.path}", "${stack.name}", "${", "$${x}", "10.400.0.0/16", "10.40.0.0/33", "192.168.1.300/24",
  "192.168.1.1", "hunter2hunter2", "postgresql://u:pw@db:5432/x", "/", "/data", "relative/path", "latest", "x:latest", "a\tb", "line\nbreak",
  "x".repeat(70_000), [], {}, [1, 2], ["CMD"], ["CMD-SHELL", "true", "x"], { a: 1 },
];

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: "delete" as const }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("set" as const), value: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...EDGE_VALUES) }, fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true })) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("copyFrom" as const), from: fc.nat() }) },
    { weight: 2, arbitrary: fc.constant({ kind: "duplicateItem" as const }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("editText" as const), edit: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("nudge" as const), by: fc.constantFrom(1, -1, 1000, -1000, 0.5, 1e6) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("addKey" as const), key: fc.constantFrom("nmae", "extra", "replicas", "user", "aliases", "x_y"), value: fc.constantFrom<unknown>(1, "x", true, ["db_alias"], {}) }) },
  ),
});

/** Every node of the tree (the root excluded), depth first, as paths. */
function nodes(v: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (path.length) out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => nodes(x, [...path, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) nodes(x, [...path, k], out);
  return out;
}

function get(root: unknown, path: Path): unknown {
  let cur = root;
  for (const k of path) cur = (cur as Record<string | number, unknown> | null | undefined)?.[k];
  return cur;
}

const TEXT_EDITS: readonly ((s: string) => string)[] = [
  (s) => s.slice(0, -1),
  (s) => `${s}x`,
  (s) => s.toUpperCase(),
  (s) => s.replace(/-/g, "_"),
  (s) => s.replace(/\}/, ""),
  (s) => s.replace(/\$\{([a-z]+)\.([a-z-]+)/, "${$1.$2x"),
  (s) => s.replace(/\$\{secret\.[A-Za-z]+\}/, "plaintext"),
  (s) => ` ${s}`,
  (s) => s.replace(/\d/, "9"),
  (s) => s.replace(/\./, ".."),
];

/** Applies mutations to a copy of `raw`. */
export function applyMutations(raw: Raw, mutations: readonly Mutation[]): Raw {
  const out = structuredClone(raw);
  for (const m of mutations) {
    const all = nodes(out);
    if (!all.length) break;
    const path = all[m.at % all.length]!;
    const parent = get(out, path.slice(0, -1)) as Record<string | number, unknown> | unknown[];
    const key = path[path.length - 1]!;
    const current = (parent as Record<string | number, unknown>)[key];
    const put = (v: unknown) => { (parent as Record<string | number, unknown>)[key] = v; };
    switch (m.op.kind) {
      case "delete":
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete (parent as Record<string, unknown>)[key];
        break;
      case "set":
        put(structuredClone(m.op.value));
        break;
      case "copyFrom":
        put(structuredClone(get(out, all[m.op.from % all.length]!)));
        break;
      case "duplicateItem":
        if (Array.isArray(parent)) parent.push(structuredClone(current));
        else if (Array.isArray(current) && current.length) current.push(structuredClone(current[0]));
        break;
      case "editText":
        if (typeof current === "string") put(TEXT_EDITS[m.op.edit % TEXT_EDITS.length]!(current));
        else if (typeof current === "number") put(String(current));
        break;
      case "nudge":
        if (typeof current === "number") put(m.op.by === 1e6 || m.op.by === 0.5 ? current * m.op.by : current + m.op.by);
        break;
      case "addKey":
        if (current && typeof current === "object" && !Array.isArray(current)) (current as Record<string, unknown>)[m.op.key] = structuredClone(m.op.value);
        break;
    }
  }
  return out;
}

/** One case: which stack file, and one to three mutations of its config. */
export const caseArb = (stacks: readonly string[]) => fc.record({ stack: fc.constantFrom(...stacks), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) });
