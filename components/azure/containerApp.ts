import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import { ContainerModel } from "../../model/types";

export interface ContainerAppEnv {
  readonly name: string;
  /** Plain value, visible in the app definition (an output for platform values such as a client id). */
  readonly value?: pulumi.Input<string>;
  /** Name of a Key Vault-backed entry of `secrets`. */
  readonly secretRef?: string;
}

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
  readonly volumes?: readonly ContainerAppVolume[];
  /** Default 1: a worker without ingress traffic must never scale to zero. */
  readonly minReplicas?: number;
  /** Default 1: one replica per app keeps one URL per worker. */
  readonly maxReplicas?: number;
  /**
   * What the app itself waits for: the identity's role assignments and Key Vault secrets, the
   * environment storages it mounts. Given to the app resource, not the component, because a
   * component's dependsOn does not hold its children back.
   */
  readonly after?: readonly pulumi.Resource[];
}

/**
 * Consumption-profile sizes: CPU in steps of 0.25 from 0.25 to 4, memory twice the CPU in GiB.
 * The model's CPU limit decides; memory follows the fixed ratio.
 */
export function containerAppResources(cpus: number): { cpu: number; memory: string } {
  const cpu = Math.min(4, Math.max(0.25, Math.round(cpus * 4) / 4));
  return { cpu, memory: `${cpu * 2}Gi` };
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
          env: args.env.map((e) => (e.secretRef !== undefined ? { name: e.name, secretRef: e.secretRef } : { name: e.name, value: e.value ?? "" })),
          resources: containerAppResources(c.limits.cpus),
          volumeMounts: (args.volumes ?? []).map((v) => ({ volumeName: v.name, mountPath: v.mountPath })),
          // Container Apps cannot run the stack's exec health checks; a TCP probe on the app's
          // port with the same timings is the closest equivalent (restart + traffic gating).
          ...(settings.targetPort !== undefined ? { probes: tcpProbes(settings.targetPort, c.healthcheck) } : {}),
        }],
        scale: { minReplicas: args.minReplicas ?? 1, maxReplicas: args.maxReplicas ?? 1 },
        volumes: (args.volumes ?? []).map((v) => ({ name: v.name, storageName: v.storageName, storageType: v.storageType })),
      },
    }, { parent: this, dependsOn: [...(args.after ?? [])] });
    this.registerOutputs({ fqdn: this.app.latestRevisionFqdn });
  }
}

function tcpProbes(port: number, hc: ContainerModel["healthcheck"]) {
  const timing = {
    periodSeconds: Math.min(240, hc?.intervalSeconds ?? 30),
    timeoutSeconds: Math.min(240, hc?.timeoutSeconds ?? 5),
    failureThreshold: Math.min(10, hc?.retries ?? 3),
  };
  return [
    { type: "Liveness", tcpSocket: { port }, initialDelaySeconds: Math.min(60, hc?.startPeriodSeconds ?? 20), ...timing },
    { type: "Readiness", tcpSocket: { port }, ...timing },
  ];
}
