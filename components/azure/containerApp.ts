import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import type { AzureAppSettings } from "../../model/azure";
import { ContainerModel } from "../../model/types";

/** One env var: a plain value or a reference to a secret, never both, never neither. */
export type ContainerAppEnv =
  /** Plain value, visible in the app definition (an output for platform values such as a client id). */
  | { readonly name: string; readonly value: pulumi.Input<string>; readonly secretRef?: undefined }
  /** Name of a Key Vault-backed entry of `secrets`. */
  | { readonly name: string; readonly secretRef: string; readonly value?: undefined };

export interface ContainerAppVolume {
  readonly name: string;
  /** Environment storage name. */
  readonly storageName: string;
  readonly storageType: "NfsAzureFile" | "AzureFile";
  readonly mountPath: string;
}

export interface ContainerAppServiceArgs {
  /** The model's container; `container.azure` holds the app name and ingress. */
  readonly container: ContainerModel;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly environmentId: pulumi.Input<string>;
  /** User-assigned identity that reads Key Vault (and pulls from ACR). */
  readonly identityId: pulumi.Input<string>;
  readonly env: readonly ContainerAppEnv[];
  /** Key Vault references only: never an inline value. */
  readonly secrets: readonly { readonly name: string; readonly keyVaultUrl: pulumi.Input<string> }[];
  /** GHCR: username + passwordSecretRef; ACR: the identity. */
  readonly registry?: { readonly server: string; readonly username?: string; readonly passwordSecretRef?: string; readonly useIdentity?: boolean };
  readonly volumes: readonly ContainerAppVolume[];
  /** At least 1 for a worker: one without ingress traffic must never scale to zero. */
  readonly minReplicas: number;
  /** 1 keeps one URL per worker slot. */
  readonly maxReplicas: number;
  /**
   * What the app itself waits for: the identity's role assignments and Key Vault secrets, the
   * environment storages it mounts. Given to the app resource, not the component, because a
   * component's dependsOn does not hold its children back.
   */
  readonly after: readonly pulumi.Resource[];
}

/**
 * One Container App: a service or a single worker slot. The model's command becomes the
 * container's `args` (like Docker's CMD, the image's entrypoint stays). Secrets reach the app
 * only as Key Vault references read with the user-assigned identity.
 */
export class ContainerAppService extends pulumi.ComponentResource {
  public readonly app: app.ContainerApp;

  constructor(name: string, args: ContainerAppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:azure:ContainerAppService", name, {}, opts);
    const c = args.container;
    const settings = c.azure!;
    // External ingress admits only the declared sources (allow rules: any other address is refused).
    const restrictions = settings.ingress === "external"
      ? { ipSecurityRestrictions: Object.entries(settings.allowedSources).map(([rule, cidr]) => ({ name: rule, ipAddressRange: cidr, action: "Allow", description: `parity:azure.apps allowedSources.${rule}` })) }
      : {};
    const ingress = settings.targetPort === undefined
      ? undefined
      : settings.transport === "tcp"
        ? { external: settings.ingress === "external", transport: "tcp", targetPort: settings.targetPort, exposedPort: settings.targetPort, ...restrictions }
        // Internal callers use plain http://<app> inside the environment; external traffic is HTTPS only.
        : { external: settings.ingress === "external", transport: "auto", targetPort: settings.targetPort, allowInsecure: settings.ingress === "internal", ...restrictions };
    this.app = new app.ContainerApp(`${name}-app`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      containerAppName: settings.appName,
      managedEnvironmentId: args.environmentId,
      workloadProfileName: "Consumption",
      identity: { type: "UserAssigned", userAssignedIdentities: [args.identityId] },
      configuration: {
        activeRevisionsMode: "Single",
        ...(ingress ? { ingress } : {}),
        secrets: args.secrets.map((s) => ({ name: s.name, keyVaultUrl: s.keyVaultUrl, identity: args.identityId })),
        registries: args.registry
          ? [args.registry.useIdentity
            ? { server: args.registry.server, identity: args.identityId }
            : { server: args.registry.server, username: args.registry.username!, passwordSecretRef: args.registry.passwordSecretRef! }]
          : [],
      },
      template: {
        containers: [{
          name: c.name,
          image: c.image.ref,
          ...(c.command ? { args: [...c.command] } : {}),
          env: args.env.map((e) => (e.secretRef !== undefined ? { name: e.name, secretRef: e.secretRef } : { name: e.name, value: e.value })),
          resources: settings.resources,
          volumeMounts: args.volumes.map((v) => ({ volumeName: v.name, mountPath: v.mountPath })),
          // Container Apps cannot run the stack's exec health checks; a TCP probe on the app's
          // port with the same timings (the model's `probe`) is the closest equivalent.
          ...(settings.targetPort !== undefined ? { probes: tcpProbes(settings.targetPort, settings.probe) } : {}),
        }],
        scale: { minReplicas: args.minReplicas, maxReplicas: args.maxReplicas },
        volumes: args.volumes.map((v) => ({ name: v.name, storageName: v.storageName, storageType: v.storageType })),
      },
    }, { parent: this, dependsOn: [...args.after] });
    this.registerOutputs({ fqdn: this.app.latestRevisionFqdn });
  }
}

function tcpProbes(port: number, probe: AzureAppSettings["probe"]) {
  const { initialDelaySeconds, ...timing } = probe;
  return [
    { type: "Liveness", tcpSocket: { port }, initialDelaySeconds, ...timing },
    { type: "Readiness", tcpSocket: { port }, ...timing },
  ];
}
