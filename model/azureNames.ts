import { createHash } from "node:crypto";

/**
 * Azure resource names, derived deterministically from `namePrefix`, the stack name and a
 * purpose (service, worker slot, "kv", …). Too long a name is cut and ends in a 6-character
 * hash of the whole uncut name, so two long names never collide and a name never changes
 * between runs. The contract checks every derived name against its rule before anything runs.
 */
export interface NameRule {
  readonly kind: string;
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
  /** Hyphens allowed as separators (storage accounts allow none). */
  readonly hyphens: boolean;
  readonly text: string;
}

export const NAME_RULES = {
  containerApp: { kind: "Container App", min: 2, max: 32, hyphens: true, pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/, text: "2-32 lowercase letters, digits and single hyphens, starting with a letter and ending with a letter or digit" },
  storageAccount: { kind: "storage account", min: 3, max: 24, hyphens: false, pattern: /^[a-z0-9]+$/, text: "3-24 lowercase letters and digits" },
  keyVault: { kind: "Key Vault", min: 3, max: 24, hyphens: true, pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/, text: "3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit" },
  postgresServer: { kind: "PostgreSQL server", min: 3, max: 63, hyphens: true, pattern: /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/, text: "3-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen" },
  redisCluster: { kind: "Managed Redis", min: 1, max: 60, hyphens: true, pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/, text: "1-60 lowercase letters, digits and single hyphens" },
  serviceBus: { kind: "Service Bus namespace", min: 6, max: 50, hyphens: true, pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/, text: "6-50 letters, digits and hyphens, starting with a letter and ending with a letter or digit" },
  containerRegistry: { kind: "container registry", min: 5, max: 50, hyphens: false, pattern: /^[a-z0-9]+$/, text: "5-50 lowercase letters and digits" },
  generic: { kind: "resource", min: 1, max: 63, hyphens: true, pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/, text: "1-63 lowercase letters, digits and single hyphens" },
} satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

function hash6(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 6);
}

/** Lowercase, only [a-z0-9-], single hyphens, no hyphen at either end. */
function sanitize(text: string, hyphens: boolean): string {
  const lower = text.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
  const cleaned = hyphens ? lower.replace(/-+/g, "-") : lower.replace(/-/g, "");
  return cleaned.replace(/^-+|-+$/g, "");
}

/** The name of one resource: `<prefix>-<stack>-<purpose>`, fitted to the rule of its kind. */
export function azureName(kind: NameKind, prefix: string, stack: string, purpose: string): string {
  const rule = NAME_RULES[kind];
  const sep = rule.hyphens ? "-" : "";
  const full = sanitize([prefix, stack, purpose].filter(Boolean).join(sep || "-"), rule.hyphens);
  if (full.length <= rule.max) return full;
  const tail = `${sep}${hash6(full)}`;
  return `${full.slice(0, rule.max - tail.length).replace(/-+$/, "")}${tail}`;
}

/** Why a name breaks its rule, or undefined when it fits. */
export function nameProblem(kind: NameKind, name: string): string | undefined {
  const rule = NAME_RULES[kind];
  if (name.length < rule.min || name.length > rule.max) return `is ${name.length} characters long`;
  if (!rule.pattern.test(name)) return "has characters or a shape the rule refuses";
  return undefined;
}

/** Every name the azure target derives for a stack, with the config key each comes from. */
export interface AzureNames {
  readonly resourceGroup: string;
  readonly environment: string;
  readonly keyVault: string;
  readonly identity: string;
  readonly storageAccount: string;
  readonly postgresServer: string;
  readonly redisCluster: string;
  readonly serviceBus: string;
  readonly logAnalytics: string;
  readonly appInsights: string;
  readonly vnet: string;
  /** Container App name per service / worker slot instance name. */
  readonly app: (instance: string) => string;
}

export function azureNames(prefix: string, stack: string): AzureNames {
  const n = (kind: NameKind, purpose: string) => azureName(kind, prefix, stack, purpose);
  return {
    resourceGroup: n("generic", "rg"),
    environment: n("generic", "env"),
    keyVault: n("keyVault", "kv"),
    identity: n("generic", "id"),
    storageAccount: n("storageAccount", "files"),
    postgresServer: n("postgresServer", "pg"),
    redisCluster: n("redisCluster", "redis"),
    serviceBus: n("serviceBus", "bus"),
    logAnalytics: n("generic", "logs"),
    appInsights: n("generic", "ai"),
    vnet: n("generic", "vnet"),
    app: (instance) => n("containerApp", instance),
  };
}
