import { ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** One queued plan: the result file it is written to, and whoever waits for it. */
interface Job {
  readonly line: string;
  readonly out: string;
  readonly done: () => void;
}

/** One server process and the jobs it has been sent, oldest (the one running) first. */
interface Server {
  readonly child: ChildProcess;
  readonly sent: Job[];
}

/**
 * Plain-node servers shared by a whole jest run, each keeping the SDK and providers loaded from
 * one job to the next, so only a server's first job pays for loading them (~1 s of CPU): the
 * plan servers (dist/planRecord.js) and the component server (componentServer.ts). Both read
 * `{ request, out }` JSON lines, write the request's record as JSON to `out` and answer
 * `done <out>`; after a failed job they exit.
 *
 * Each distinct request runs once; its record is a file in `dir` named by the request's hash.
 * A request goes to the server with the fewest jobs. A server that exits or dies leaves the job
 * it was running its record if it wrote one, an error record if not; the jobs queued behind it
 * go to a fresh server.
 */
export class PlanPool {
  private readonly servers: (Server | undefined)[];
  private readonly planned = new Map<string, Promise<string>>();
  private closed = false;

  /** `command`: the server's node arguments, run in `root`. */
  constructor(
    private readonly root: string,
    private readonly dir: string,
    private readonly command: readonly string[],
    size: number,
  ) {
    this.servers = Array.from({ length: size }, () => undefined);
  }

  /** Starts every server now, to load the SDK while jest starts, before the first request. */
  warm(): void {
    this.servers.forEach((s, slot) => s ?? this.start(slot));
  }

  /** The path of `request`'s record, once it is written. */
  plan(request: unknown): Promise<string> {
    const line = JSON.stringify(request);
    const key = createHash("sha256").update(line).digest("hex").slice(0, 24);
    let out = this.planned.get(key);
    if (!out) {
      const file = join(this.dir, `${key}.json`);
      out = new Promise<string>((done) => this.send({ line: `${JSON.stringify({ request, out: file })}\n`, out: file, done: () => done(file) }));
      this.planned.set(key, out);
    }
    return out;
  }

  /**
   * Stops every server: an idle one by closing its stdin (it exits, and logs its CPU when asked,
   * see tests/README.md), a busy one at once, since nobody waits for its jobs any more.
   */
  close(): void {
    this.closed = true;
    for (const s of this.servers) {
      if (!s) continue;
      if (s.sent.length) s.child.kill();
      else s.child.stdin!.end();
    }
  }

  private send(job: Job): void {
    if (this.closed) return this.fail(job, "the plan pool is closed");
    let slot = 0;
    for (let i = 1; i < this.servers.length; i++) if ((this.servers[i]?.sent.length ?? 0) < (this.servers[slot]?.sent.length ?? 0)) slot = i;
    const server = this.servers[slot] ?? this.start(slot);
    server.sent.push(job);
    hold(server, true);
    server.child.stdin!.write(job.line);
  }

  private start(slot: number): Server {
    const child = spawn(process.execPath, [...this.command], { cwd: this.root, stdio: ["pipe", "pipe", "inherit"] });
    const server: Server = { child, sent: [] };
    this.servers[slot] = server;
    createInterface({ input: child.stdout }).on("line", (line) => {
      const out = line.replace(/^done /, "");
      const i = server.sent.findIndex((j) => j.out === out);
      if (i !== -1) server.sent.splice(i, 1)[0]!.done();
      if (!server.sent.length) hold(server, false);
    });
    child.on("exit", (code, signal) => {
      if (this.servers[slot] === server) this.servers[slot] = undefined;
      if (this.closed) return;
      const [running, ...queued] = server.sent;
      if (running) {
        if (existsSync(running.out)) running.done();
        else this.fail(running, `the plan server exited (${code ?? signal}) while planning`);
      }
      for (const job of queued) this.send(job);
    });
    hold(server, false);
    return server;
  }

  /** Answers a job with an error record, as the servers write one for a failed job. */
  private fail(job: Job, message: string): void {
    writeFileSync(job.out, JSON.stringify({ error: { message, contract: false } }));
    job.done();
  }
}

/**
 * A server with jobs keeps the process that owns the pool alive until they are answered; an idle
 * one does not (the process may end with it idle: its stdin closes, and it exits).
 */
function hold(server: Server, busy: boolean): void {
  for (const handle of [server.child, server.child.stdin, server.child.stdout] as unknown as { ref?: () => void; unref?: () => void }[]) {
    if (busy) handle.ref?.();
    else handle.unref?.();
  }
}
