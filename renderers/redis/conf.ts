/** Redis node configuration files and the template unit. */
import type { ResolvedRedis } from "../redis";
import { REDIS_AUTH_FILE, redisTunablesPath } from "./paths";
import { HARDENING, NETWORK_FAMILIES, renderUnit, restartPolicy } from "../common/systemd";

/** Per-node settings that need a restart. World-readable on purpose: it holds no secret. */
export function renderRedisConf(r: ResolvedRedis, port: number): string {
  const lines = [
    `# Redis node :${port}, managed by Parity. Restart-only settings; tunables and auth are included below.`,
    `port ${port}`,
    `bind ${r.bind.join(" ")}`,
    "protected-mode yes",
    "daemonize no",
    "supervised systemd",
    // Empty logfile = stdout, which systemd sends to the journal.
    'logfile ""',
    `dir /var/lib/parity-redis/${port}`,
    `dbfilename dump.rdb`,
    `appenddirname appendonlydir`,
  ];
  if (r.mode === "cluster") {
    lines.push(
      "cluster-enabled yes",
      // Written by Redis itself inside `dir`; it is the node's identity, never edit or render it.
      "cluster-config-file nodes.conf",
      `cluster-node-timeout ${r.clusterNodeTimeoutMs}`,
      `cluster-announce-ip ${r.announceIp}`,
    );
  }
  lines.push(`include ${redisTunablesPath(port)}`, `include ${REDIS_AUTH_FILE}`);
  return `${lines.join("\n")}\n`;
}

/**
 * Settings the step applies live with `CONFIG SET` when they differ from the running node.
 * Values are written exactly as `CONFIG GET` reports them (bytes, one `save` line), so the script
 * compares strings.
 */
export function renderRedisTunables(r: ResolvedRedis): string {
  return [
    "# Applied live by Parity (CONFIG SET) when they differ from the running node.",
    `maxmemory ${r.maxmemoryBytes}`,
    `maxmemory-policy ${r.maxmemoryPolicy}`,
    `save ${r.save.map(([s, c]) => `${s} ${c}`).join(" ")}`,
    `appendonly ${r.appendonly ? "yes" : "no"}`,
    "",
  ].join("\n");
}

export function renderRedisUnit(r: ResolvedRedis): string {
  return renderUnit("Redis node on port %i (Parity). One instance per configured port.", [
    [
      "Unit",
      [
        "Description=Redis node :%i (Parity)",
        "After=network.target",
        "StartLimitIntervalSec=300",
        "StartLimitBurst=5",
      ],
    ],
    [
      "Service",
      [
        "Type=notify",
        "User=redis",
        "Group=redis",
        "ExecStart=/usr/bin/redis-server /etc/redis/parity/%i.conf",
        // Redis persists on SIGTERM; give a large dataset time to write its RDB.
        "TimeoutStopSec=120",
        "StateDirectory=parity-redis/%i",
        "StateDirectoryMode=0750",
        "LimitNOFILE=65535",
        ...restartPolicy({ restartSec: 2, maxDelaySec: 60, steps: 5, systemdVersion: r.systemdVersion }),
        NETWORK_FAMILIES,
        "MemoryDenyWriteExecute=yes",
        ...HARDENING,
      ],
    ],
    ["Install", ["WantedBy=multi-user.target"]],
  ]);
}
