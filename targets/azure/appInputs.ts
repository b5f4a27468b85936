/**
 * What each Container App is given, derived from the model alone (pure, no Pulumi): its env
 * entries (plain, Key Vault reference, or the platform's identity), its registry login, the
 * Key Vault secrets it references and its volumes. deploy.ts turns these into resources.
 */
import { literalText } from "../../model/env";
import type { ContainerModel, PlatformModel } from "../../model/types";

/** Key Vault and Container App secret names: `dbPassword` → `db-password`. */
export function vaultSecretName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/_/g, "-").toLowerCase();
}

/** One env var's Key Vault secret: a stack secret as is, or the whole composed value (e.g. a URL with a password). */
export function envSecretName(c: ContainerModel, variable: string): string | undefined {
  const v = c.env[variable]!;
  if (!v.secret) return undefined;
  const only = v.parts.length === 1 ? v.parts[0] : undefined;
  return only !== undefined && typeof only !== "string" ? vaultSecretName(only.secret) : `${c.name}-${vaultSecretName(variable)}`;
}

export type AppEnvEntry =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly secretRef: string }
  /** The app's user-assigned identity's client id, known once the identity exists. */
  | { readonly name: string; readonly identityClientId: true };

export interface AppRegistry {
  readonly server: string;
  readonly username?: string;
  readonly passwordSecretRef?: string;
  readonly useIdentity?: boolean;
}

export interface AppVolume {
  readonly name: string;
  readonly storageName: string;
  readonly storageType: "NfsAzureFile" | "AzureFile";
  readonly mountPath: string;
}

export interface AppInputs {
  /** Sorted by name; without the OTLP endpoint the environment's agent injects. */
  readonly env: readonly AppEnvEntry[];
  readonly registry?: AppRegistry;
  /** Key Vault secrets the app references (env and registry password), each once. */
  readonly secretNames: readonly string[];
  readonly volumes: readonly AppVolume[];
}

/** The Azure Files share backing one volume of one app. */
export function volumeStorage(c: Pick<ContainerModel, "name">, volume: string): string {
  return `${c.name}-${volume}`;
}

export function appInputs(model: PlatformModel, c: ContainerModel): AppInputs {
  const az = model.azure!;
  // The agent's OTLP endpoint is the platform's to inject: setting it would override the agent.
  const env: AppEnvEntry[] = Object.keys(c.env).sort().filter((name) => c.env[name]!.platform !== "openTelemetryAgent").map((name) => {
    if (c.env[name]!.platform === "identityClientId") return { name, identityClientId: true as const };
    const secretRef = envSecretName(c, name);
    return secretRef ? { name, secretRef } : { name, value: literalText(c.env[name]!) };
  });
  const acrServer = az.registry.kind === "acr" ? `${az.registry.name}.azurecr.io` : undefined;
  const login = model.registries.find((r) => r.server === c.image.registry);
  const registry: AppRegistry | undefined = c.image.registry && c.image.registry === acrServer
    ? { server: acrServer, useIdentity: true }
    : login ? { server: login.server, username: login.username, passwordSecretRef: vaultSecretName(login.passwordSecret) } : undefined;
  const secretNames = [...new Set([...env.flatMap((e) => ("secretRef" in e ? [e.secretRef] : [])), ...(registry?.passwordSecretRef ? [registry.passwordSecretRef] : [])])];
  const volumes: AppVolume[] = [
    ...(c.sharedMount?.type === "nfs" ? [{ name: "shared", storageName: c.sharedMount.source, storageType: "NfsAzureFile" as const, mountPath: c.sharedMount.target }] : []),
    ...c.volumes.map((v) => ({ name: v.name, storageName: volumeStorage(c, v.name), storageType: "AzureFile" as const, mountPath: v.path })),
  ];
  return { env, ...(registry ? { registry } : {}), secretNames, volumes };
}
