import { bundleHash } from "../../../renderers/bundle";
import { renderRedis } from "../../../renderers/redis";
import { redisSpec } from "../../fixtures/serviceSpecs";
import { expectNoSecrets, fileOf, lines } from "./secrets";

describe("renderRedis", () => {
  const b = renderRedis(redisSpec());

  test("one template unit and two files per node; no auth file in the bundle", () => {
    expect(b.name).toBe("redis");
    expect(b.files.map((f) => [f.path, f.mode, f.owner ?? "root:root"])).toEqual([
      ["/etc/systemd/system/parity-redis@.service", "0644", "root:root"],
      ["/etc/redis/parity/6379.conf", "0644", "root:root"],
      ["/etc/redis/parity/6379.tunables.conf", "0644", "root:root"],
      ["/etc/redis/parity/6380.conf", "0644", "root:root"],
      ["/etc/redis/parity/6380.tunables.conf", "0644", "root:root"],
      ["/etc/redis/parity/6381.conf", "0644", "root:root"],
      ["/etc/redis/parity/6381.tunables.conf", "0644", "root:root"],
    ]);
    expect(b.secretEnv).toEqual(["REDIS_PASSWORD"]);
  });

  test("node config: cluster mode, own dir, journald, includes tunables then auth", () => {
    expect(lines(fileOf(b, "/etc/redis/parity/6380.conf").content)).toEqual([
      "# Redis node :6380, managed by Parity. Restart-only settings; tunables and auth are included below.",
      "port 6380",
      "bind 127.0.0.1 -::1",
      "protected-mode yes",
      "daemonize no",
      "supervised systemd",
      'logfile ""',
      "dir /var/lib/parity-redis/6380",
      "dbfilename dump.rdb",
      "appenddirname appendonlydir",
      "cluster-enabled yes",
      "cluster-config-file nodes.conf",
      "cluster-node-timeout 5000",
      "cluster-announce-ip 127.0.0.1",
      "include /etc/redis/parity/6380.tunables.conf",
      "include /etc/redis/parity/auth.conf",
      "",
    ]);
  });

  test("tunables in CONFIG GET form: 2 GB, allkeys-lru, RDB + AOF", () => {
    expect(lines(fileOf(b, "/etc/redis/parity/6379.tunables.conf").content)).toEqual([
      "# Applied live by Parity (CONFIG SET) when they differ from the running node.",
      "maxmemory 2147483648",
      "maxmemory-policy allkeys-lru",
      "save 3600 1 300 100 60 10000",
      "appendonly yes",
      "",
    ]);
  });

  test("unit: notify, redis user, state directory, hardening, no backoff keys systemd 252 lacks", () => {
    const unit = fileOf(b, "/etc/systemd/system/parity-redis@.service").content;
    for (const l of ["Type=notify", "User=redis", "ExecStart=/usr/bin/redis-server /etc/redis/parity/%i.conf", "StateDirectory=parity-redis/%i",
      "ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=", "PrivateTmp=yes", "Restart=on-failure", "StartLimitBurst=5"]) {
      expect(lines(unit)).toContain(l);
    }
    expect(unit).not.toContain("RestartSteps");
    expect(renderRedis({ ...redisSpec(), systemdVersion: 254 }).files[0]?.content).toContain("RestartSteps=5");
  });

  test("script: masks Debian's unit, creates the cluster once from empty nodes, passes auth by env", () => {
    expect(b.script).toContain("systemctl mask --quiet redis-server.service");
    expect(b.script).toContain("redis-cli --no-auth-warning --cluster create 127.0.0.1:6379 127.0.0.1:6380 127.0.0.1:6381");
    expect(b.script).toContain("if all_fresh; then");
    expect(b.script).toContain('REDISCLI_AUTH="${!PASSWORD_VAR}"');
    expect(b.script).toContain("write_if_changed '/etc/redis/parity/auth.conf' 0640 root:redis");
    expect(b.script).not.toMatch(/ -a /);
  });

  test("no secret in any rendered text", () => expectNoSecrets(b));

  test("changing maxmemory changes only the tunables files (and the hash)", () => {
    const smaller = renderRedis(redisSpec(1024));
    expect(bundleHash(smaller)).not.toBe(bundleHash(b));
    expect(bundleHash(renderRedis(redisSpec()))).toBe(bundleHash(b));
    const changed = smaller.files.filter((f, i) => f.content !== b.files[i]?.content).map((f) => f.path);
    expect(changed).toEqual(["/etc/redis/parity/6379.tunables.conf", "/etc/redis/parity/6380.tunables.conf", "/etc/redis/parity/6381.tunables.conf"]);
    expect(smaller.script).toBe(b.script);
  });

  test("standalone: one node, no cluster", () => {
    const s = renderRedis({ ...redisSpec(), mode: "standalone", ports: [6379] });
    expect(s.files.map((f) => f.path)).toEqual(["/etc/systemd/system/parity-redis@.service", "/etc/redis/parity/6379.conf", "/etc/redis/parity/6379.tunables.conf"]);
    expect(s.files[1]?.content).not.toContain("cluster-enabled");
    expect(s.script).not.toContain("--cluster create");
  });
});
