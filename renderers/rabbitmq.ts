/**
 * RabbitMQ inside a Debian 12 guest (Debian's rabbitmq-server, 3.10 on bookworm, by default; or
 * Team RabbitMQ's >= 3.12 from their signed repository, see ./rabbitmq/aptSource): the management
 * plugin, the application's vhost with its topic exchange, dead-letter exchange and queues, an
 * application user limited to that vhost, and no `guest`.
 *
 * Plugins are enabled with `rabbitmq-plugins enable` (online, no restart) rather than a rendered
 * `enabled_plugins`: Debian's postinst chowns that file to rabbitmq on every configure, which
 * would make each later run "change" it back and restart the node.
 *
 * Topology goes through `rabbitmqctl import_definitions` (idempotent). Users do not: definitions
 * would carry password hashes, so users are managed with rabbitmqctl reading passwords on stdin.
 */
import type { ProvisionBundle } from "./bundle";
import { assertEnvName } from "./common/shell";
import { renderDefinitions, renderRabbitConf } from "./rabbitmq/conf";
import { renderRabbitScript } from "./rabbitmq/script";
import { RABBIT_CONF, RABBIT_DEFINITIONS } from "./rabbitmq/paths";
import {
  assertRabbitSource, RabbitSource, RABBITMQ_APT_STAGED_PREFERENCES, RABBITMQ_APT_STAGED_SOURCES, renderRabbitAptPreferences, renderRabbitAptSources,
} from "./rabbitmq/aptSource";

export * from "./rabbitmq/paths";
export type { RabbitSource } from "./rabbitmq/aptSource";

export interface RabbitQueue {
  readonly name: string;
  /** Routing keys binding it to the events exchange. Default `["#"]` (everything). */
  readonly routingKeys?: readonly string[];
}

export interface RabbitUser {
  readonly name: string;
  /** Secret environment variable holding the password. */
  readonly passwordSecret: string;
  /**
   * Management tags. Default `["management"]` for the app user (it may use the HTTP API for its
   * own vhost only) and `["administrator"]` for the admin user.
   */
  readonly tags?: readonly string[];
}

export interface RabbitSpec {
  /** Default `/stock-analysis`. */
  readonly vhost?: string;
  /** Topic exchange events are published to. Default `stock-analysis-events`. */
  readonly eventsExchange?: string;
  /** Dead-letter exchange (topic, so the original routing key survives). Default `stock-analysis-dlx`. */
  readonly deadLetterExchange?: string;
  /** Queue bound to the dead-letter exchange with `#`. Default `stock-analysis-dlq`. */
  readonly deadLetterQueue?: string;
  /**
   * Work queues bound to the events exchange; rejected or expired messages go to the
   * dead-letter exchange (via a policy, so it can change without redeclaring queues).
   * Default `[{ name: "stock-analysis-main" }]`.
   */
  readonly queues?: readonly RabbitQueue[];
  /** The application's user: configure/write/read on `vhost` only. Required. */
  readonly appUser: RabbitUser;
  /** Optional operator account (all vhosts), since `guest` is removed. Default: none. */
  readonly adminUser?: RabbitUser;
  /** Plugins to enable. Default `["rabbitmq_management"]` (UI and HTTP API on `managementPort`). */
  readonly plugins?: readonly string[];
  /** AMQP listener `ip:port` entries. Default `["0.0.0.0:5672"]`. */
  readonly amqpListeners?: readonly string[];
  /** Management HTTP API/UI port. Default `15672`. */
  readonly managementPort?: number;
  /** Management listener address. Default `0.0.0.0`. */
  readonly managementIp?: string;
  /** Package source. Default `{ kind: "debian" }` (Debian 12's 3.10). */
  readonly source?: RabbitSource;
}

export interface ResolvedRabbit {
  readonly vhost: string;
  readonly eventsExchange: string;
  readonly deadLetterExchange: string;
  readonly deadLetterQueue: string;
  readonly queues: ReadonlyArray<{ readonly name: string; readonly routingKeys: readonly string[] }>;
  readonly users: readonly Required<RabbitUser>[];
  readonly appUser: string;
  readonly amqpListeners: readonly string[];
  readonly plugins: readonly string[];
  readonly managementPort: number;
  readonly managementIp: string;
  readonly source: RabbitSource;
}


const NAME = /^[A-Za-z0-9_.:\/-]+$/;

export function resolveRabbit(spec: RabbitSpec): ResolvedRabbit {
  const app: Required<RabbitUser> = { tags: ["management"], ...spec.appUser };
  const users = [app];
  if (spec.adminUser) users.push({ tags: ["administrator"], ...spec.adminUser });
  const r: ResolvedRabbit = {
    vhost: spec.vhost ?? "/stock-analysis",
    eventsExchange: spec.eventsExchange ?? "stock-analysis-events",
    deadLetterExchange: spec.deadLetterExchange ?? "stock-analysis-dlx",
    deadLetterQueue: spec.deadLetterQueue ?? "stock-analysis-dlq",
    queues: (spec.queues ?? [{ name: "stock-analysis-main" }]).map((q) => ({ name: q.name, routingKeys: q.routingKeys ?? ["#"] })),
    users,
    appUser: app.name,
    amqpListeners: spec.amqpListeners ?? ["0.0.0.0:5672"],
    plugins: spec.plugins ?? ["rabbitmq_management"],
    managementPort: spec.managementPort ?? 15672,
    managementIp: spec.managementIp ?? "0.0.0.0",
    source: spec.source ?? { kind: "debian" },
  };
  assertRabbitSource(r.source);
  for (const n of [r.vhost, r.eventsExchange, r.deadLetterExchange, r.deadLetterQueue, ...r.queues.map((q) => q.name)]) {
    if (!NAME.test(n)) throw new Error(`rabbitmq name "${n}" has unsupported characters`);
  }
  for (const u of users) {
    if (!/^[A-Za-z0-9_.-]+$/.test(u.name) || u.name === "guest") throw new Error(`rabbitmq user "${u.name}" is not allowed`);
    assertEnvName(u.passwordSecret, `rabbitmq user ${u.name} passwordSecret`);
  }
  if (new Set(users.map((u) => u.name)).size !== users.length) throw new Error("rabbitmq users must be distinct");
  for (const pl of r.plugins) if (!/^rabbitmq_[a-z0-9_]+$/.test(pl)) throw new Error(`rabbitmq plugin "${pl}" is not a plugin name`);
  for (const l of r.amqpListeners) if (!/^[0-9.:a-fA-F]+:\d+$/.test(l)) throw new Error(`rabbitmq listener "${l}" must be ip:port`);
  return r;
}

/** Renders the RabbitMQ provisioning step. */
export function renderRabbit(spec: RabbitSpec): ProvisionBundle {
  const r = resolveRabbit(spec);
  return {
    name: "rabbitmq",
    files: [
      { path: RABBIT_CONF, content: renderRabbitConf(r), mode: "0644" },
      { path: RABBIT_DEFINITIONS, content: renderDefinitions(r), mode: "0644" },
      ...(r.source.kind === "rabbitmq"
        ? [
            { path: RABBITMQ_APT_STAGED_SOURCES, content: renderRabbitAptSources(), mode: "0644" },
            { path: RABBITMQ_APT_STAGED_PREFERENCES, content: renderRabbitAptPreferences(r.source), mode: "0644" },
          ]
        : []),
    ],
    script: renderRabbitScript(r),
    secretEnv: [...new Set(r.users.map((u) => u.passwordSecret))].sort(),
  };
}
