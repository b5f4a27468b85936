import type { TargetTraits } from "../contract/target";
import type { StackConfig } from "../contract/schema/stack";
import type { AzureAppSettings, AzureModel } from "./azure";
import type { ContainerModel, EnvValue, PlatformModel } from "./types";

/**
 * A platform that runs each service and worker slot as its own managed app (Azure Container
 * Apps): it names and sizes the apps, addresses them, and supplies some env values itself.
 */
export interface ManagedApps {
  readonly model: AzureModel;
  /** Services that run as apps; the others are managed realizations (a database, a cache). */
  isContainerApp(service: string): boolean;
  appSettings(service: string, instance: string, targetPort?: number): AzureAppSettings;
  address(app: AzureAppSettings): { host: string; port?: number; url: string };
  /** How any container reaches `service` (an app, or a managed realization's endpoint). */
  reach(service: string): { host: string; port?: number; url?: string };
  /** One container's env: its templates resolved, except the values the platform supplies. */
  env(service: string, templates: Readonly<Record<string, string>>, resolve: (template: string) => EnvValue): Record<string, EnvValue>;
}

/** What the model asks a target: how containers are placed, addressed and given shared storage. */
export interface TargetModelPart {
  readonly traits: TargetTraits;
  /** Present on targets whose containers are managed apps rather than Docker containers. */
  managedApps?(cfg: StackConfig, stack: string): ManagedApps;
  /** Model parts only this target has (e.g. the docker target's engine endpoint). */
  extend?(cfg: StackConfig): Partial<Pick<PlatformModel, "docker">>;
  /** How a container mounts `parity:sharedStorage` on this target. */
  sharedMount(storage: NonNullable<StackConfig["sharedStorage"]>, stack: string): NonNullable<ContainerModel["sharedMount"]>;
}
