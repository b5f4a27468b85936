/** rabbitmq.conf and the topology definitions (no users, so no password hashes). */
import type { ResolvedRabbit } from "../rabbitmq";

export function renderRabbitConf(r: ResolvedRabbit): string {
  const lines = [
    "# RabbitMQ settings managed by Parity. A change restarts rabbitmq-server.",
    ...r.amqpListeners.map((l, i) => `listeners.tcp.${i + 1} = ${l}`),
    `management.tcp.port = ${r.managementPort}`,
    `management.tcp.ip = ${r.managementIp}`,
    // guest is deleted by the step; should it ever come back, it still may only log in locally.
    "loopback_users.guest = true",
  ];
  return `${lines.join("\n")}\n`;
}

/** Topology as a definitions document; `rabbitmqctl import_definitions` applies it idempotently. */
export function renderDefinitions(r: ResolvedRabbit): string {
  const vhost = r.vhost;
  const exchange = (name: string) => ({ name, vhost, type: "topic", durable: true, auto_delete: false, internal: false, arguments: {} });
  const queue = (name: string) => ({ name, vhost, durable: true, auto_delete: false, arguments: { "x-queue-type": "classic" } });
  const binding = (source: string, destination: string, routing_key: string) => ({
    source,
    vhost,
    destination,
    destination_type: "queue",
    routing_key,
    arguments: {},
  });
  const doc = {
    vhosts: [{ name: vhost }],
    exchanges: [exchange(r.eventsExchange), exchange(r.deadLetterExchange)],
    queues: [...r.queues.map((q) => queue(q.name)), queue(r.deadLetterQueue)],
    bindings: [
      ...r.queues.flatMap((q) => q.routingKeys.map((k) => binding(r.eventsExchange, q.name, k))),
      binding(r.deadLetterExchange, r.deadLetterQueue, "#"),
    ],
    policies: [
      {
        vhost,
        name: "parity-dead-letter",
        pattern: `^(${r.queues.map((q) => q.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`,
        "apply-to": "queues",
        priority: 0,
        definition: { "dead-letter-exchange": r.deadLetterExchange },
      },
    ],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
