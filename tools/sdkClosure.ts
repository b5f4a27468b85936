import Module from "node:module";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Loads the SDK's function-serialization modules only when something calls them.
 *
 * `@pulumi/pulumi`'s runtime/index.js requires runtime/closure/serializeClosure.js and
 * runtime/closure/codePaths.js on load. Between them they load TypeScript (a 9 MB file) and
 * @npmcli/arborist (about 450 modules): about 60% of the SDK's load time and 55 MB of memory,
 * on every preview, up and plan. They serve `pulumi.runtime.serializeFunction` (function
 * serialization, dynamic providers) and `computeCodePaths` (packaging code into an archive),
 * which Parity never calls; the SDK's own dynamic/index.js defers them for the same reason.
 *
 * Each module is replaced by a stand-in whose exported functions load the real module on
 * their first call and forward to it, so a call still works, only later. runtime/index.js
 * copies those functions onto `pulumi.runtime`, so the stand-in must export the real module's
 * exact names: a unit test compares them with the installed SDK's.
 */

/** The deferred modules (relative to @pulumi/pulumi's folder) and the functions each exports. */
export const DEFERRED: Readonly<Record<string, readonly string[]>> = {
  "runtime/closure/serializeClosure.js": ["serializeFunction", "serializeFunctionAsync"],
  "runtime/closure/codePaths.js": ["computeCodePaths", "findWorkspaceRoot"],
};

const sdkFile = (rel: string): string => join(dirname(require.resolve("@pulumi/pulumi/package.json")), rel);

/** Exports whose functions load `load()`'s module on the first call and forward to it. */
function forwarders(names: readonly string[], load: () => Record<string, (...args: unknown[]) => unknown>): Record<string, unknown> {
  const exports: Record<string, unknown> = {};
  for (const name of names) {
    exports[name] = function (this: unknown, ...args: unknown[]) {
      return load()[name]!.apply(this, args);
    };
  }
  return exports;
}

/**
 * Puts the stand-ins into Node's module cache. Must run before anything requires
 * `@pulumi/pulumi` (the entry point's first import); a no-op for a module already loaded.
 * Returns the deferred modules' paths.
 */
export function deferSdkClosure(): string[] {
  const cache = require.cache;
  const deferred: string[] = [];
  for (const [rel, names] of Object.entries(DEFERRED)) {
    const file = sdkFile(rel);
    if (cache[file] || !existsSync(file)) continue;
    const standIn = new Module(file);
    standIn.filename = file;
    standIn.loaded = true;
    let real: Record<string, (...args: unknown[]) => unknown> | undefined;
    standIn.exports = forwarders(names, () => {
      if (!real) {
        if (cache[file] === standIn) delete cache[file];
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first call, by design
        real = require(file) as Record<string, (...args: unknown[]) => unknown>;
      }
      return real;
    });
    cache[file] = standIn;
    deferred.push(file);
  }
  return deferred;
}

/**
 * The same stand-in as a module's exports, for a loader that has its own module registry
 * (jest's moduleNameMapper points the SDK's requests of these modules here).
 */
export function standIn(rel: string): Record<string, unknown> {
  const names = DEFERRED[rel];
  if (!names) throw new Error(`${rel} is not one of the deferred SDK modules`);
  let real: Record<string, (...args: unknown[]) => unknown> | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first call, by design
  return forwarders(names, () => (real ??= require(sdkFile(rel)) as Record<string, (...args: unknown[]) => unknown>));
}
