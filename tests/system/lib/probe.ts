/**
 * A probe loop in its own process (the test's own process blocks while it drives the engine):
 * `tsx probe.ts URL [PAUSE_MS]` sends one GET at a time, each on a new connection, until
 * SIGTERM, then prints one JSON line: requests, failed (error or status != 200), the worst
 * latency, the first failures, and which upstream hosts answered.
 */
import * as http from "node:http";

const [url, pauseArg] = process.argv.slice(2);
const pause = Number(pauseArg ?? 20);
// Set by the SIGTERM handler; typed wide so the loop below does not read it as always false.
let stop = false as boolean;
let requests = 0;
let failed = 0;
let worstMs = 0;
const failures: string[] = [];
const hosts = new Map<string, number>();
process.on("SIGTERM", () => { stop = true; });

function once(): Promise<void> {
  return new Promise((done) => {
    const t = Date.now();
    const fail = (why: string) => {
      failed++;
      if (failures.length < 10) failures.push(`${new Date().toISOString()} ${why}`);
    };
    const req = http.get(url!, { agent: false, timeout: 15_000 }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => { body += c.toString(); });
      res.on("end", () => {
        requests++;
        worstMs = Math.max(worstMs, Date.now() - t);
        if (res.statusCode !== 200) fail(`status ${res.statusCode}: ${body.slice(0, 120)}`);
        else {
          let host = "?";
          try { host = (JSON.parse(body) as { host?: string }).host ?? "?"; } catch { fail(`status 200 with a body that is not the service's: ${body.slice(0, 120)}`); }
          hosts.set(host, (hosts.get(host) ?? 0) + 1);
        }
        done();
      });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => {
      requests++;
      worstMs = Math.max(worstMs, Date.now() - t);
      fail(e.message);
      done();
    });
  });
}

void (async () => {
  process.stdout.write("ready\n");
  while (!stop) {
    await once();
    await new Promise((r) => setTimeout(r, pause));
  }
  process.stdout.write(JSON.stringify({ requests, failed, worstMs, failures, hosts: Object.fromEntries(hosts) }) + "\n");
})();
