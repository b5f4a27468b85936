import * as pulumi from "@pulumi/pulumi";
import { literalText } from "../../model/env";
import { EnvValue } from "../../model/types";

/**
 * `NAME=value` entries for a container. Plain values stay plain strings (readable in a
 * preview); a value with any secret part becomes one secret Output.
 */
export function envEntries(
  env: Readonly<Record<string, EnvValue>>,
  secrets: Readonly<Record<string, pulumi.Output<string>>>,
): pulumi.Input<string>[] {
  return Object.entries(env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => {
      if (!value.secret) return `${name}=${literalText(value)}`;
      const parts = value.parts.map((p) => (typeof p === "string" ? p : secrets[p.secret]!));
      return pulumi.secret(pulumi.all(parts).apply((resolved) => `${name}=${resolved.join("")}`));
    });
}
