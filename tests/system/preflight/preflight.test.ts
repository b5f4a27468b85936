import { ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Server } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { formatResults, runPreflight } from "../../../tools/preflight";
import { realDeps } from "../../../tools/preflight/realDeps";
import { freePort, makeKeys, startDockerd, startFakeProxmox, startSshd, stop } from "./servers";

/**
 * `npm run preflight`'s checks against real local servers: two sshd processes on loopback (one
 * whose sessions reach a live dockerd, one whose DOCKER_HOST is dead), a private dockerd, and
 * a fake Proxmox API over HTTPS. Only DNS is answered by the test (a lookup table for the
 * fixture's names): a real resolver query would leave the machine. Nothing else is faked.
 */
const ROOT = resolve(__dirname, "../../..");
const PASSWORD = "preflight-test-password";

let dir: string;
let project: string;
let clientKey: string;
let goodPort: number;
let noDockerPort: number;
let apiPort: number;
const children: ChildProcess[] = [];
let api: Server | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "parity-preflight-"));
  const keys = makeKeys(dir);
  clientKey = keys.clientKey;
  const docker = await startDockerd(dir);
  children.push(docker.child);
  goodPort = await freePort();
  noDockerPort = await freePort();
  children.push(await startSshd(dir, "docker", goodPort, keys.hostKey, `unix://${docker.socket}`));
  children.push(await startSshd(dir, "nodocker", noDockerPort, keys.hostKey, `unix://${join(dir, "no-such-docker.sock")}`));
  const fake = await startFakeProxmox(dir, PASSWORD, [210, 211]);
  api = fake.server;
  apiPort = fake.port;
  // The fixture project with the fake API's port.
  project = join(dir, "project");
  mkdirSync(join(project, "op"), { recursive: true });
  const fixture = join(ROOT, "tests/fixtures/preflight");
  copyFileSync(join(fixture, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
  copyFileSync(join(fixture, "op/loopback.env"), join(project, "op/loopback.env"));
  writeFileSync(join(project, "Pulumi.loopback.yaml"), readFileSync(join(fixture, "Pulumi.loopback.yaml"), "utf8").replace("https://127.0.0.1:18006/", `https://127.0.0.1:${apiPort}/`));
}, 180_000);

afterAll(async () => {
  await Promise.all(children.map(stop));
  await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

const NAMES: Record<string, string[]> = { "core.preflight.test": ["127.0.0.1"], "workers.preflight.test": ["127.0.0.2"] };

async function preflight(sshPort: number, env: Record<string, string>): Promise<string> {
  const sshOptions = [`Port=${sshPort}`, `IdentityFile=${clientKey}`, "IdentitiesOnly=yes", `UserKnownHostsFile=${join(dir, "known_hosts")}`];
  const deps = {
    ...realDeps({ PATH: process.env["PATH"] ?? "", ...env }, sshOptions),
    lookup: async (name: string) => NAMES[name] ?? Promise.reject(Object.assign(new Error("not in the test's table"), { code: "ENOTFOUND" })),
  };
  return formatResults(await runPreflight("loopback", project, deps));
}

const creds = { PROXMOX_VE_USERNAME: "root@pam", PROXMOX_VE_PASSWORD: PASSWORD, PREFLIGHT_REGISTRY_TOKEN: "from-op-run" };

describe("preflight against local servers", () => {
  it("passes every check when SSH, Docker and the API answer", async () => {
    const out = await preflight(goodPort, creds);
    expect(out.replace(/Docker [\d.]+\S* answers/g, "Docker <version> answers")).toBe([
      "ok config: Pulumi.loopback.yaml is valid (target proxmox, 2 guests, 0 containers)",
      "ok dns core.preflight.test: resolves to 127.0.0.1",
      "ok dns workers.preflight.test: resolves to 127.0.0.2",
      `ok proxmox-api https://127.0.0.1:${apiPort}/: authenticated as root@pam`,
      "ok proxmox-rights: root@pam holds every privilege the stack needs and is root@pam",
      "ok ssh node pve-a (root@127.0.0.1): reachable",
      "ok ssh node pve-b (root@127.0.0.2): reachable",
      "ok ssh guest core (root@127.0.0.1): reachable",
      "ok ssh guest workers (root@127.0.0.2): reachable",
      "ok docker guest core: Docker <version> answers",
      "ok docker guest workers: Docker <version> answers",
      "ok secrets-env: PREFLIGHT_REGISTRY_TOKEN set in the environment",
      "",
    ].join("\n"));
  });

  it("fails SSH and Docker with a fix when nothing listens on the port", async () => {
    const out = await preflight(await freePort(), creds);
    const lines = out.split("\n");
    for (const target of ["node pve-a (root@127.0.0.1)", "node pve-b (root@127.0.0.2)", "guest core (root@127.0.0.1)", "guest workers (root@127.0.0.2)"]) {
      const i = lines.findIndex((l) => l.startsWith(`FAIL ssh ${target}: `));
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers any
      expect({ target, line: lines[i] }).toEqual({ target, line: expect.stringMatching(/Connection refused$/) });
      expect(lines[i + 1]).toMatch(/^ {2}fix: check that 127\.0\.0\.[12] is up and sshd listens/);
    }
    expect(lines.filter((l) => l.startsWith("FAIL docker guest"))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith("ok proxmox"))).toHaveLength(2);
  });

  it("fails Docker with a fix where SSH works but the engine does not answer", async () => {
    const lines = (await preflight(noDockerPort, creds)).split("\n");
    expect(lines.filter((l) => l.startsWith("ok ssh"))).toHaveLength(4);
    const i = lines.findIndex((l) => l.startsWith("FAIL docker guest core: "));
    expect(lines[i]).toMatch(/Cannot connect to the Docker daemon|no such file or directory/i);
    expect(lines[i + 1]).toBe("  fix: start the engine on 127.0.0.1 (systemctl start docker) and check it with: ssh root@127.0.0.1 docker info");
  });

  it("fails the Proxmox login with a wrong password, and reports a closed API port", async () => {
    const wrong = (await preflight(goodPort, { ...creds, PROXMOX_VE_PASSWORD: "wrong" })).split("\n");
    expect(wrong.slice(3, 5)).toEqual([
      `FAIL proxmox-api https://127.0.0.1:${apiPort}/: login as root@pam refused (HTTP 401)`,
      "  fix: check PROXMOX_VE_USERNAME (with realm, e.g. root@pam) and PROXMOX_VE_PASSWORD",
    ]);
    const closed = await freePort();
    writeFileSync(join(project, "Pulumi.loopback.yaml"), readFileSync(join(project, "Pulumi.loopback.yaml"), "utf8").replace(`:${apiPort}/`, `:${closed}/`));
    try {
      const lines = (await preflight(goodPort, creds)).split("\n");
      expect(lines.slice(3, 5)).toEqual([
        `FAIL proxmox-api https://127.0.0.1:${closed}/: no answer: connect ECONNREFUSED 127.0.0.1:${closed}`,
        `  fix: check that https://127.0.0.1:${closed}/ is reachable from here`,
      ]);
    } finally {
      writeFileSync(join(project, "Pulumi.loopback.yaml"), readFileSync(join(project, "Pulumi.loopback.yaml"), "utf8").replace(`:${closed}/`, `:${apiPort}/`));
    }
  });
});
