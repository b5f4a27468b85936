import { createConnection, createServer, Server } from "node:net";
import { createInterface } from "node:readline";
import type { PlanPool } from "./planPool";

/** One request to the run's servers: which pool, and what to run. */
export interface PoolRequest {
  readonly pool: string;
  readonly request: unknown;
}

/**
 * The run's server pools (planPool.ts) live in jest's parent process (globalSetup.ts); test
 * files reach them over a Unix socket, from whichever worker they run in. One JSON request per
 * connection, answered with the path of its record.
 */
export function servePools(pools: Readonly<Record<string, PlanPool>>, socket: string): Promise<Server> {
  const server = createServer((conn) => {
    conn.on("error", () => conn.destroy());
    createInterface({ input: conn }).once("line", (line) => {
      const { pool, request } = JSON.parse(line) as PoolRequest;
      const target = pools[pool];
      if (!target) return void conn.end(`\n`);
      void target.plan(request).then((out) => conn.end(`${out}\n`));
    });
  });
  // Idle, it must not keep jest's parent alive.
  server.unref();
  return new Promise((ready, fail) => {
    server.once("error", fail);
    server.listen(socket, () => ready(server));
  });
}

/** Sends `request` to the pools behind `socket`; resolves to the path of its record. */
export function requestRecord(socket: string, request: PoolRequest): Promise<string> {
  return new Promise((done, fail) => {
    const conn = createConnection(socket, () => conn.write(`${JSON.stringify(request)}\n`));
    let answer = "";
    conn.setEncoding("utf8");
    conn.on("data", (d: string) => (answer += d));
    conn.on("end", () => {
      const out = answer.trim();
      if (out) done(out);
      else fail(new Error(`the servers at ${socket} gave no record for a '${request.pool}' request`));
    });
    conn.on("error", fail);
  });
}
