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
import { renderDefinitions, renderRabbitConf } from "./rabbitmq/conf";
import { renderRabbitScript } from "./rabbitmq/script";
import { RABBIT_CONF, RABBIT_DEFINITIONS } from "./rabbitmq/paths";
import {
  RabbitSource, RABBITMQ_APT_STAGED_PREFERENCES, RABBITMQ_APT_STAGED_SOURCES, rabbitDebianPackages, renderRabbitAptPreferences, renderRabbitAptSources,
} from "./rabbitmq/aptSource";

export * from "./rabbitmq/paths";
export type { RabbitSource } from "./rabbitmq/aptSource";

export interface RabbitQueue {
  readonly name: string;
  /** Routing keys binding it to the events exchange. */
  readonly routingKeys: readonly string[];
}

export interface RabbitUser {
  readonly name: string;
  /** Environment variable holding the password. */
  readonly passwordSecret: string;
  /** Management tags (`management`: the HTTP API for its own vhost only; `administrator`: all). */
  readonly tags: readonly string[];
}

/**
 * A fully resolved RabbitMQ spec: the schema (contract/schema/hostServices.ts) and the model
 * (model/hostServices.ts) apply every default, and the contract holds every rule: names RabbitMQ
 * accepts, no `guest`, distinct users (contract/checks/hostServiceRules.ts), user names, secret
 * names and apt version pins (schema).
 */
export interface RabbitSpec {
  readonly vhost: string;
  /** Topic exchange events are published to. */
  readonly eventsExchange: string;
  /** Dead-letter exchange (topic, so the original routing key survives). */
  readonly deadLetterExchange: string;
  /** Queue bound to the dead-letter exchange with `#`. */
  readonly deadLetterQueue: string;
  /**
   * Work queues bound to the events exchange; rejected or expired messages go to the
   * dead-letter exchange (via a policy, so it can change without redeclaring queues).
   */
  readonly queues: readonly RabbitQueue[];
  /** The application's user: configure/write/read on `vhost` only. */
  readonly appUser: RabbitUser;
  /** Operator account (all vhosts), since `guest` is removed; `undefined`: none. */
  readonly adminUser: RabbitUser | undefined;
  /** Plugins to enable. */
  readonly plugins: readonly string[];
  /** AMQP listener `ip:port` entries. */
  readonly amqpListeners: readonly string[];
  /** Management HTTP API/UI port. */
  readonly managementPort: number;
  /** Management listener address. */
  readonly managementIp: string;
  /** Package source. */
  readonly source: RabbitSource;
}

export interface ResolvedRabbit {
  readonly vhost: string;
  readonly eventsExchange: string;
  readonly deadLetterExchange: string;
  readonly deadLetterQueue: string;
  readonly queues: readonly RabbitQueue[];
  readonly users: readonly RabbitUser[];
  readonly appUser: string;
  readonly amqpListeners: readonly string[];
  readonly plugins: readonly string[];
  readonly managementPort: number;
  readonly managementIp: string;
  readonly source: RabbitSource;
}

/** Gathers the users; no defaults, no checks. */
export function resolveRabbit(spec: RabbitSpec): ResolvedRabbit {
  return {
    vhost: spec.vhost,
    eventsExchange: spec.eventsExchange,
    deadLetterExchange: spec.deadLetterExchange,
    deadLetterQueue: spec.deadLetterQueue,
    queues: spec.queues,
    users: spec.adminUser ? [spec.appUser, spec.adminUser] : [spec.appUser],
    appUser: spec.appUser.name,
    amqpListeners: spec.amqpListeners,
    plugins: spec.plugins,
    managementPort: spec.managementPort,
    managementIp: spec.managementIp,
    source: spec.source,
  };
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
    packages: rabbitDebianPackages(r),
    maskUnits: [],
  };
}
