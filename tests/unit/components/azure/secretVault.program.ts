import * as pulumi from "@pulumi/pulumi";
import { SecretVault, SecretVaultArgs } from "../../../../components/azure/secretVault";

export interface SecretVaultInput {
  readonly args: Omit<SecretVaultArgs, "secrets"> & { readonly secrets: Readonly<Record<string, string>> };
  /** Secret names to ask `secretUrl` for. */
  readonly urls: readonly string[];
}

/** secretVault.test.ts's vaults: the secret values arrive secret, as the stack's do. */
export default function build(input: SecretVaultInput): Record<string, unknown> {
  const secrets = Object.fromEntries(Object.entries(input.args.secrets).map(([k, v]) => [k, pulumi.secret(v)]));
  const vault = new SecretVault("kv", { ...input.args, secrets });
  return { ready: vault.ready.map((r) => r.urn), urls: Object.fromEntries(input.urls.map((n) => [n, vault.secretUrl(n)])) };
}
