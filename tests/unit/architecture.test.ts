import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { TARGETS } from "../../targets";

/**
 * The shape of the code, checked: folders import only downward, and only a target's own folder
 * speaks of that target by name. A change that breaks either fails here, not in review.
 */
const ROOT = resolve(__dirname, "../..");

/** Low to high. A folder may import itself and any folder before it. */
const LAYERS = [["core"], ["contract", "renderers"], ["model"], ["policy"], ["components"], ["targets"], ["index.ts"], ["tools"]] as const;
const rank = new Map<string, number>(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as [string, number])));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

const files = [...[...rank.keys()].filter((k) => k !== "index.ts").flatMap((d) => sources(join(ROOT, d))), join(ROOT, "index.ts")];
const folderOf = (abs: string) => relative(ROOT, abs).split("/")[0]!;
const importsOf = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/(?:from|require\(|import\(|import)\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => resolve(dirname(file), m[1]!));

describe("the code's shape", () => {
  it("folders import only downward: core → contract, renderers → model → policy → components → targets → index.ts → tools", () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      for (const target of importsOf(file)) {
        const top = folderOf(target);
        const to = top === "index" ? "index.ts" : top;
        const r = rank.get(to);
        if (r === undefined) upward.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)} (outside the production folders)`);
        else if (r > rank.get(from)! || (r === rank.get(from) && to !== from)) upward.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("inside targets/, a target's folder imports only itself, targets/shared and the registry's types", () => {
    const names = TARGETS.map((t) => t.name);
    const crossing: string[] = [];
    for (const file of files.filter((f) => folderOf(f) === "targets")) {
      const own = relative(join(ROOT, "targets"), file).split("/")[0]!;
      for (const target of importsOf(file)) {
        const rel = relative(join(ROOT, "targets"), target);
        if (rel.startsWith("..")) continue;
        const other = rel.split("/")[0]!;
        if (names.includes(other) && other !== own && own !== "index.ts") crossing.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
        if (own === "shared" && names.includes(other)) crossing.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
      }
    }
    expect(crossing).toEqual([]);
  });

  it("nothing outside targets/<name>/ compares target names", () => {
    const names = TARGETS.map((t) => t.name).join("|");
    const comparison = new RegExp(`target\\s*[!=]==\\s*["'](${names})["']|["'](${names})["']\\s*[!=]==\\s*\\w*\\.?target|case\\s+["'](${names})["']`);
    const offenders = files.filter((f) => folderOf(f) !== "targets").filter((f) => comparison.test(readFileSync(f, "utf8"))).map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
