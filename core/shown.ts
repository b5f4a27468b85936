/** A value as text in a message, an id or a report: strings as they are, anything else as JSON (never "[object Object]"). */
export function shown(value: unknown): string {
  if (value === undefined) return "undefined";
  return typeof value === "string" ? value : JSON.stringify(value);
}
