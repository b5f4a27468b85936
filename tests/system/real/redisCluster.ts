/**
 * Redis Cluster helpers for the real-server suite: topology from CLUSTER NODES, bulk writes and
 * reads through `redis-cli -c` (which follows MOVED redirects), and replication catch-up.
 * The password reaches redis-cli via REDISCLI_AUTH read from stdin, never argv.
 */
import type { Guest } from "../../../tools/testbed/testbed";
import { sh } from "./serviceHelpers";

export interface ClusterNode {
  readonly id: string;
  readonly port: number;
  readonly role: "master" | "slave";
  /** For a replica: its master's id. */
  readonly masterId: string | undefined;
  readonly connected: boolean;
  readonly failed: boolean;
}

export class RedisCluster {
  constructor(private readonly g: Guest, private readonly password: string) {}

  /** One redis-cli command (words already quoted for bash) against a node. */
  cli(port: number, cmd: string): Promise<string> {
    return sh(this.g, `read -r REDISCLI_AUTH; export REDISCLI_AUTH; redis-cli --no-auth-warning -p ${port} ${cmd}`, `${this.password}\n`);
  }

  /**
   * Feeds commands to `redis-cli -c` on stdin after the password line; returns its reply lines.
   * Read from stdin, redis-cli quotes bulk replies ("v1") and interleaves "-> Redirected to slot"
   * lines: both are normalized away, so callers match values, never positions.
   */
  async pipe(port: number, commands: readonly string[]): Promise<string[]> {
    const out = await sh(this.g, `read -r REDISCLI_AUTH; export REDISCLI_AUTH; redis-cli --no-auth-warning -c -p ${port}`, `${this.password}\n${commands.join("\n")}\n`);
    return out.split("\n").filter((l) => !l.startsWith("-> Redirected")).map((l) => l.replace(/^"(.*)"$/, "$1"));
  }

  async nodes(via: number): Promise<ClusterNode[]> {
    return (await this.cli(via, "CLUSTER NODES")).split("\n").filter(Boolean).map((line) => {
      const [id, addr, flags, master, , , , link] = line.split(" ");
      const f = flags!.split(",");
      return {
        id: id!,
        port: Number(/:(\d+)@/.exec(addr!)![1]),
        role: f.includes("master") ? "master" : "slave",
        masterId: master === "-" ? undefined : master,
        connected: link === "connected",
        failed: f.includes("fail") || f.includes("fail?"),
      } satisfies ClusterNode;
    });
  }

  async info(port: number, field: string): Promise<string | undefined> {
    const out = await this.cli(port, "CLUSTER INFO").catch(() => "");
    return new RegExp(`^${field}:(\\S+)`, "m").exec(out)?.[1];
  }

  async role(port: number): Promise<string | undefined> {
    return (await this.cli(port, "ROLE").catch(() => "")).split("\n")[0];
  }

  /** True once every master's replicas have acknowledged its whole replication stream. */
  async replicasCaughtUp(masterPorts: readonly number[]): Promise<boolean> {
    for (const port of masterPorts) {
      const repl = await this.cli(port, "INFO replication");
      const offset = /^master_repl_offset:(\d+)/m.exec(repl)?.[1];
      const replicas = [...repl.matchAll(/^slave\d+:.*offset=(\d+)/gm)].map((m) => m[1]);
      if (!offset || replicas.length === 0 || replicas.some((o) => o !== offset)) return false;
    }
    return true;
  }
}
