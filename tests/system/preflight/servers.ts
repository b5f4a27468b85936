import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer, Server } from "node:https";
import { createServer as createTcpServer, connect } from "node:net";
import { join } from "node:path";

/**
 * Local stand-ins for what `npm run preflight` talks to, all on loopback and all children of
 * the test process: sshd (from Debian's openssh-server, never started as a service), a private
 * dockerd (own socket, data and exec roots; no iptables, no bridge, so the machine's networking
 * and any other dockerd stay untouched), and a fake Proxmox API over HTTPS.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createTcpServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitFor(what: string, ready: () => Promise<boolean>, seconds: number, child?: ChildProcess): Promise<void> {
  for (let i = 0; i < seconds * 5; i++) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready after ${seconds}s`);
}

const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, host);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });

export function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.exitCode === null && child.kill("SIGKILL"), 10_000).unref();
  });
}

/** A throwaway client key pair and sshd host key in `dir`. */
export function makeKeys(dir: string): { clientKey: string; hostKey: string } {
  const clientKey = join(dir, "client_ed25519");
  const hostKey = join(dir, "host_ed25519");
  for (const k of [clientKey, hostKey]) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "parity-preflight-test", "-f", k]);
  execFileSync("cp", [`${clientKey}.pub`, join(dir, "authorized_keys")]);
  return { clientKey, hostKey };
}

/**
 * sshd on 127.0.0.1 and 127.0.0.2 (both this machine) at `port`, root login by key only.
 * `dockerHost` is the DOCKER_HOST every session gets: a live engine's socket, or a dead one.
 */
export async function startSshd(dir: string, name: string, port: number, hostKey: string, dockerHost: string): Promise<ChildProcess> {
  const config = join(dir, `sshd-${name}.conf`);
  writeFileSync(config, [
    `Port ${port}`, "ListenAddress 127.0.0.1", "ListenAddress 127.0.0.2", `HostKey ${hostKey}`, `PidFile ${join(dir, `sshd-${name}.pid`)}`,
    `AuthorizedKeysFile ${join(dir, "authorized_keys")}`, "PermitRootLogin prohibit-password", "PasswordAuthentication no",
    "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no", `SetEnv DOCKER_HOST=${dockerHost}`, "",
  ].join("\n"));
  const child = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  await waitFor(`sshd ${name}`, async () => (await accepts("127.0.0.1", port)) && accepts("127.0.0.2", port), 20, child);
  return child;
}

/** A dockerd of its own: `docker info` through its socket is what the preflight's Docker check asks. */
export async function startDockerd(dir: string): Promise<{ child: ChildProcess; socket: string }> {
  const socket = join(dir, "docker.sock");
  const child = spawn("/usr/sbin/dockerd", [
    "--host", `unix://${socket}`, "--data-root", join(dir, "docker-data"), "--exec-root", join(dir, "docker-exec"),
    "--pidfile", join(dir, "docker.pid"), "--iptables=false", "--ip-masq=false", "--bridge=none", "--storage-driver=vfs",
    "--containerd-namespace", "parity-preflight", "--containerd-plugins-namespace", "parity-preflight-plugins",
  ], { stdio: ["ignore", "ignore", "ignore"] });
  const answers = async () => {
    try {
      execFileSync("docker", ["-H", `unix://${socket}`, "info", "--format", "{{.ServerVersion}}"], { stdio: "ignore", timeout: 5000 });
      return true;
    } catch {
      return false;
    }
  };
  await waitFor("dockerd", answers, 90, child);
  return { child, socket };
}

/**
 * The slice of the Proxmox API preflight uses: ticket login (root@pam / `password`),
 * permissions (everything on `/`, as root@pam has), and the cluster's guests.
 */
export async function startFakeProxmox(dir: string, password: string, vmids: readonly number[]): Promise<{ server: Server; port: number }> {
  const key = join(dir, "api.key");
  const cert = join(dir, "api.crt");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1"], { stdio: "ignore" });
  const ticket = "PVE:root@pam:4EEC61E2::fake";
  const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const reply = (status: number, data: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ data }));
      };
      const authed = req.headers.cookie === `PVEAuthCookie=${ticket}`;
      if (req.method === "POST" && req.url === "/api2/json/access/ticket") {
        const form = new URLSearchParams(body);
        return form.get("username") === "root@pam" && form.get("password") === password ? reply(200, { ticket, username: "root@pam" }) : reply(401, null);
      }
      if (!authed) return reply(401, null);
      if (req.url === "/api2/json/access/permissions") return reply(200, { "/": { "Sys.Modify": 1, "VM.Allocate": 1, "Datastore.AllocateSpace": 1, "Datastore.AllocateTemplate": 1, "Datastore.Allocate": 1 } });
      if (req.url === "/api2/json/cluster/resources?type=vm") return reply(200, vmids.map((vmid) => ({ vmid, type: "lxc" })));
      return reply(404, null);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { server, port };
}
