import { renderRabbit } from "../../../renderers/rabbitmq";
import { rabbitSpec } from "../../fixtures/serviceSpecs";
import { expectNoSecrets, fileOf, lines } from "./secrets";

describe("renderRabbit", () => {
  const b = renderRabbit(rabbitSpec());
  const defs = JSON.parse(fileOf(b, "/etc/parity/rabbitmq/definitions.json").content) as Record<string, unknown[]>;

  test("files and secrets", () => {
    expect(b.files.map((f) => [f.path, f.mode])).toEqual([
      ["/etc/rabbitmq/rabbitmq.conf", "0644"],
      ["/etc/parity/rabbitmq/definitions.json", "0644"],
    ]);
    expect(b.secretEnv).toEqual(["RABBITMQ_ADMIN_PASSWORD", "RABBITMQ_APP_PASSWORD"]);
    expect(b.script).toContain("for plugin in 'rabbitmq_management'; do");
    expect(lines(fileOf(b, "/etc/rabbitmq/rabbitmq.conf").content)).toEqual([
      "# RabbitMQ settings managed by Parity. A change restarts rabbitmq-server.",
      "listeners.tcp.1 = 0.0.0.0:5672",
      "management.tcp.port = 15672",
      "management.tcp.ip = 0.0.0.0",
      "loopback_users.guest = true",
      "",
    ]);
  });

  test("definitions: vhost, topic exchange, DLX with its queue, dead-letter policy, no users", () => {
    expect(defs["vhosts"]).toEqual([{ name: "/stock-analysis" }]);
    expect(defs["exchanges"]).toEqual([
      expect.objectContaining({ name: "stock-analysis-events", vhost: "/stock-analysis", type: "topic", durable: true }),
      expect.objectContaining({ name: "stock-analysis-dlx", vhost: "/stock-analysis", type: "topic", durable: true }),
    ]);
    expect((defs["queues"] as Array<{ name: string }>).map((q) => q.name)).toEqual(["stock-analysis-main", "stock-analysis-dlq"]);
    expect(defs["bindings"]).toEqual([
      expect.objectContaining({ source: "stock-analysis-events", destination: "stock-analysis-main", routing_key: "#" }),
      expect.objectContaining({ source: "stock-analysis-dlx", destination: "stock-analysis-dlq", routing_key: "#" }),
    ]);
    expect(defs["policies"]).toEqual([
      expect.objectContaining({ pattern: "^(stock-analysis-main)$", "apply-to": "queues", definition: { "dead-letter-exchange": "stock-analysis-dlx" } }),
    ]);
    expect(defs).not.toHaveProperty("users");
    expect(defs).not.toHaveProperty("permissions");
  });

  test("script: passwords on stdin, permissions on the vhost only, guest deleted", () => {
    expect(b.script).toContain(`printf '%s\\n' "\${!var}" | rmq add_user "$name"`);
    expect(b.script).toContain(`rmq set_permissions -p "$VHOST" "$name" '.*' '.*' '.*'`);
    expect(b.script).toContain("rmq clear_permissions");
    expect(b.script).toContain("rmq delete_user guest");
    expect(b.script).toContain("ensure_user 'stock_analysis' 'RABBITMQ_APP_PASSWORD' 'management'");
    expect(b.script).toContain("ensure_user 'parity-admin' 'RABBITMQ_ADMIN_PASSWORD' 'administrator'");
  });

  test("no secret in any rendered text", () => expectNoSecrets(b));
});
