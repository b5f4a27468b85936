/** What a host's rollout proxy serves: the model derives it, the HAProxy renderer renders it. */

/** A host's proxy: the host ports it owns and where each one routes. */
export interface ProxyModel {
  readonly host: string;
  readonly name: string;
  readonly routes: readonly ProxyRoute[];
  /** The edge networks of the services it fronts: it joins those and no other. */
  readonly networks: readonly string[];
  /** json-file log rotation, as for every container (`parity:containerLogs`). */
  readonly logs: { readonly maxSizeMb: number; readonly maxFiles: number };
}

export interface ProxyRoute {
  readonly service: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly healthPath: string;
}
