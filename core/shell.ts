/**
 * Shell quoting, written once: renderers embed values in bash scripts, tools and tests build
 * command lines from them, and all must quote the same way.
 */

/** Single-quotes a string for bash (and POSIX sh): the result is one word, taken literally. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Bash array literal of quoted words, e.g. `('a' 'b')`. */
export function bashArray(items: readonly string[]): string {
  return `(${items.map(shq).join(" ")})`;
}
