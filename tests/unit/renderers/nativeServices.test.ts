import { bundleHash } from "../../../renderers/bundle";
import { renderNativeServices } from "../../../renderers/nativeServices";
import { nativeServicesSpec } from "../../fixtures/serviceSpecs";
import { expectNoSecrets, fileOf, lines } from "./secrets";

const APPS = ["broker-gateway", "intelligent-core", "event-bus", "monitoring", "frontend"];

describe("renderNativeServices", () => {
  const b = renderNativeServices(nativeServicesSpec());

  test("a unit and a 0600 env file per service, the health module, command and unit", () => {
    expect(b.name).toBe("stock-analysis-services");
    const paths = b.files.map((f) => [f.path, f.mode]);
    for (const a of APPS) {
      expect(paths).toContainEqual([`/etc/systemd/system/stock-analysis-${a}.service`, "0644"]);
      expect(paths).toContainEqual([`/etc/stock-analysis/${a}.env`, "0600"]);
    }
    expect(paths).toContainEqual(["/opt/stock-analysis/lib/parity_health.py", "0644"]);
    expect(paths).toContainEqual(["/opt/stock-analysis/bin/parity-health", "0755"]);
    expect(paths).toContainEqual(["/opt/stock-analysis/bin/parity-exec", "0755"]);
    expect(paths).toContainEqual(["/opt/stock-analysis/bin/parity-wait-healthy", "0755"]);
    expect(paths).toContainEqual(["/etc/stock-analysis/health.json", "0644"]);
    expect(paths).toContainEqual(["/etc/systemd/system/stock-analysis-health.service", "0644"]);
    expect(b.files).toHaveLength(APPS.length * 2 + 6);
    expect(b.secretEnv).toEqual(["PG_STOCK_ANALYSIS_PASSWORD", "RABBITMQ_APP_PASSWORD", "REDIS_PASSWORD"]);
  });

  test("app unit: ordering, env files, release via parity-exec, readiness gate, restart policy, sandbox", () => {
    const unit = lines(fileOf(b, "/etc/systemd/system/stock-analysis-broker-gateway.service").content);
    const deps = "postgresql@15-main.service parity-redis@6379.service parity-redis@6380.service parity-redis@6381.service rabbitmq-server.service";
    expect(unit).toContain(`After=network-online.target ${deps}`);
    expect(unit).toContain(`Wants=network-online.target ${deps}`);
    expect(unit).toContain("EnvironmentFile=/etc/stock-analysis/broker-gateway.env");
    expect(unit).toContain("EnvironmentFile=-/etc/stock-analysis/broker-gateway.secrets.env");
    expect(unit).toContain(
      "ExecStart=/opt/stock-analysis/bin/parity-exec /opt/stock-analysis/app/current broker-gateway services/broker-gateway python -m uvicorn main:app --host 0.0.0.0 --port 8001",
    );
    expect(unit).toContain("ExecStartPost=/opt/stock-analysis/bin/parity-wait-healthy 60 http 8001 /health");
    expect(unit).toContain("TimeoutStartSec=90s");
    for (const l of ["DynamicUser=yes", "Restart=on-failure", "RestartSec=5s", "StartLimitIntervalSec=600", "StartLimitBurst=5", "PrivateTmp=yes",
      "ProtectSystem=strict", "ProtectHome=yes", "NoNewPrivileges=yes", "CapabilityBoundingSet=", "SystemCallFilter=@system-service",
      "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "SyslogIdentifier=stock-analysis-broker-gateway"]) {
      expect(unit).toContain(l);
    }
    expect(unit.join("\n")).not.toContain("RestartSteps");
    const frontend = lines(fileOf(b, "/etc/systemd/system/stock-analysis-frontend.service").content);
    expect(frontend).toContain("After=network-online.target parity-redis@6379.service parity-redis@6380.service parity-redis@6381.service");
  });

  test("progressive backoff only for systemd >= 254", () => {
    const newer = renderNativeServices({ ...nativeServicesSpec(), systemdVersion: 254 });
    const unit = lines(fileOf(newer, "/etc/systemd/system/stock-analysis-event-bus.service").content);
    expect(unit).toContain("RestartSteps=6");
    expect(unit).toContain("RestartMaxDelaySec=120s");
  });

  test("env file: plain values only; secrets are written by the script with templates", () => {
    expect(lines(fileOf(b, "/etc/stock-analysis/event-bus.env").content)).toEqual([
      "# stock-analysis Event Bus: plain variables, managed by Parity.",
      "# Secret variables are in /etc/stock-analysis/event-bus.secrets.env.",
      'LOG_LEVEL="INFO"',
      'REDIS_CLUSTER_NODES="127.0.0.1:6379,127.0.0.1:6380,127.0.0.1:6381"',
      'SERVICE_NAME="event-bus"',
      'SERVICE_PORT="8003"',
      "",
    ]);
    expect(b.script).toContain(
      `printf '%s=%s\\n' DATABASE_URL "$(env_quote 'postgresql://stock_analysis_user:'"$(urlencode "\${PG_STOCK_ANALYSIS_PASSWORD}")"'@127.0.0.1:5432/stock_analysis_event_store')"`,
    );
    expect(b.script).toContain("write_if_changed '/etc/stock-analysis/event-bus.secrets.env' 0600 root:root");
  });

  test("uv: never downloaded without a URL, and its absence is said out loud", () => {
    expect(b.script).toContain("uv is NOT installed");
    expect(b.script).not.toMatch(/curl[^\n]*astral|pip install uv/);
    const withUrl = renderNativeServices({ ...nativeServicesSpec(), uv: { path: "/usr/local/bin/uv", sourcePath: undefined, url: "https://example.invalid/uv.tar.gz", sha256: "a".repeat(64) } });
    expect(withUrl.script).toContain("sha256sum -c --quiet -");
  });

  test("health config names env vars, not values", () => {
    expect(JSON.parse(fileOf(b, "/etc/stock-analysis/health.json").content)).toEqual({
      timeout_seconds: 3,
      postgres: { host: "127.0.0.1", port: 5432, database: "stock_analysis_event_store", user: "stock_analysis_user", password_env: "PG_STOCK_ANALYSIS_PASSWORD" },
      redis: { nodes: [6379, 6380, 6381].map((port) => ({ host: "127.0.0.1", port })), cluster: true, password_env: "REDIS_PASSWORD" },
      rabbitmq: { host: "127.0.0.1", port: 5672, vhost: "/stock-analysis", user: "stock_analysis", password_env: "RABBITMQ_APP_PASSWORD" },
      services: APPS.map((a, i) => ({ name: a, unit: `stock-analysis-${a}.service`, http: { host: "127.0.0.1", port: 8001 + i, path: "/health" } })),
    });
    const unit = lines(fileOf(b, "/etc/systemd/system/stock-analysis-health.service").content);
    expect(unit).toContain("ExecStart=/usr/bin/python3 /opt/stock-analysis/bin/parity-health serve --config /etc/stock-analysis/health.json --bind 0.0.0.0 --port 8010");
    expect(fileOf(b, "/opt/stock-analysis/lib/parity_health.py").content).not.toMatch(/^import (psycopg|redis|pika|requests)/m);
  });

  test("missing release fails clearly", () => {
    expect(fileOf(b, "/opt/stock-analysis/bin/parity-exec").content).toContain("no installed release at $link");
  });

  test("no secret in any rendered text; deterministic hash", () => {
    expectNoSecrets(b);
    expect(bundleHash(renderNativeServices(nativeServicesSpec()))).toBe(bundleHash(b));
  });
});
