import { join } from "node:path";
import { versionedName } from "../../../../model/rollout";
import type { ContainerModel } from "../../../../model/types";
import { renderHealthGate } from "../../../../renderers/rollout/healthGate";
import { runComponent, tree } from "../../../helpers/componentRun";
import type { DockerServiceInput } from "./dockerService.program";

const PROGRAM = join(__dirname, "dockerService.program.ts");
/** The stack's own resources: the engine leaves the stack's type out of their URNs. */
const AT_ROOT = "urn:pulumi:unit::parity::";
const ENGINE = `${AT_ROOT}pulumi:providers:docker::engine`;
const IMAGE = `${AT_ROOT}docker:index/remoteImage:RemoteImage::image`;
const network = (n: string) => `${AT_ROOT}docker:index/network:Network::net-${n}`;
const child = (type: string, name: string) => `urn:pulumi:unit::parity::parity:docker:DockerService$${type}::${name}`;
const TMPFS = "rw,noexec,nosuid,size=64m";

/** What both models share: a pinned image, limits, rotated logs, init, no extras. */
const base = {
  kind: "service", aliases: [], host: "core", env: {}, restart: "unless-stopped", init: true, logs: { maxSizeMb: 10, maxFiles: 3 },
  limits: { memoryMb: 512, cpus: 1 }, capabilities: [], tmpfs: [], files: [], volumes: [], ports: [], stateful: false,
} as const;

const postgres: ContainerModel = {
  ...base, name: "db", aliases: ["postgres"], image: { key: "postgres", ref: "postgres:16.4" },
  ports: [{ container: 5432, host: 5432 }], volumes: [{ name: "data", path: "/var/lib/postgresql/data" }], stateful: true,
  healthcheck: { test: ["CMD", "pg_isready"], intervalSeconds: 10, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 20 },
  user: "999:999", readOnlyRootFs: true, capabilities: [{ add: "CHOWN", reason: "chowns the data directory" }], tmpfs: ["/tmp", "/run/postgresql"],
  files: [{ path: "/docker-entrypoint-initdb.d/init.sql", content: "CREATE DATABASE app;", executable: false }],
  networks: ["backend-db"], rollout: { strategy: "recreate", stopTimeoutSeconds: 30, healthTimeoutSeconds: 120 },
};

const backend: ContainerModel = {
  ...base, name: "backend", pool: "api", image: { key: "backend", ref: "ghcr.io/parity/backend:1.2.3" }, command: ["uvicorn", "app:main"],
  ports: [{ container: 8000, host: 8000 }, { container: 9000 }],
  healthcheck: { test: ["CMD", "curl", "-f", "http://localhost:8000/health"], intervalSeconds: 15, timeoutSeconds: 3, retries: 3, startPeriodSeconds: 5 },
  readOnlyRootFs: false, writableRootReason: "the image writes its cache into /app", sharedMount: { type: "bind", source: "/srv/share", target: "/data", group: 2000 },
  sourceMount: { hostPath: "/home/dev/backend", containerPath: "/app" },
  networks: ["backend-db", "backend-edge"], rollout: { strategy: "proxied", stopTimeoutSeconds: 30, healthPath: "/health", healthTimeoutSeconds: 60 },
};

const service = (input: DockerServiceInput) => runComponent(PROGRAM, input);
/** The name a version gets when it runs beside its predecessor, from what makes it (DockerService). */
const fingerprint = (c: ContainerModel, envs: string[], labels: Record<string, string>) => versionedName(c.name, JSON.stringify({ c, envs, labels }));

describe("DockerService", () => {
  it("a stateful service: protected volume, hardened container replaced delete-first, gated on its health check", async () => {
    const labels = { "parity.service": "db" };
    const run = await service({ container: postgres, envs: [{ entry: "POSTGRES_USER=parity" }, { entry: "POSTGRES_PASSWORD=pw", secret: true }], labels, gateRunner: { kind: "local", dockerHost: "unix:///var/run/docker.sock" } });
    expect(tree(run)).toEqual([
      ["parity:docker:DockerService", "db", "parity-unit"],
      ["docker:index/container:Container", "db-container", "db"],
      ["docker:index/volume:Volume", "db-data", "db"],
      ["command:local:Command", "db-health-wait", "db"],
      ["pulumi:providers:docker", "engine", "parity-unit"],
      ["docker:index/remoteImage:RemoteImage", "image", "parity-unit"],
      ["docker:index/network:Network", "net-backend-db", "parity-unit"],
    ]);

    const volume = run.one("db-data");
    expect(volume.inputs).toEqual({ name: "db-data", labels: [{ label: "managed-by", value: "parity" }] });
    expect({ protect: volume.protect, retainOnDelete: volume.retainOnDelete, provider: volume.provider }).toEqual({ protect: true, retainOnDelete: true, provider: ENGINE });

    const container = run.one("db-container");
    expect(container.inputs).toEqual({
      name: "db",
      image: "postgres:16.4",
      envs: ["POSTGRES_USER=parity", "[secret]"],
      restart: "unless-stopped",
      memory: 512,
      cpus: "1",
      user: "999:999",
      capabilities: { drops: ["ALL"], adds: ["CHOWN"] },
      securityOpts: ["no-new-privileges:true"],
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "3" },
      init: true,
      readOnly: true,
      tmpfs: { "/tmp": TMPFS, "/run/postgresql": TMPFS },
      ports: [{ internal: 5432, external: 5432, protocol: "tcp" }],
      networksAdvanced: [{ name: "backend-db", aliases: ["db", "postgres"] }],
      volumes: [{ volumeName: "db-data", containerPath: "/var/lib/postgresql/data" }],
      mounts: [],
      healthcheck: { tests: ["CMD", "pg_isready"], interval: "10s", timeout: "5s", retries: 5, startPeriod: "20s" },
      uploads: [{ file: "/docker-entrypoint-initdb.d/init.sql", content: "CREATE DATABASE app;", executable: false }],
      labels: [{ label: "parity.service", value: "db" }, { label: "parity.capability.CHOWN", value: "chowns the data directory" }],
      mustRun: true,
      stopSignal: "SIGTERM",
      stopTimeout: 30,
      destroyGraceSeconds: 30,
    });
    expect(container.secretInputs).toEqual(["envs"]);
    expect(container.rawInputs["envs"]).toEqual(["POSTGRES_USER=parity", "POSTGRES_PASSWORD=pw"]);
    expect({ deleteBeforeReplace: container.deleteBeforeReplace, provider: container.provider }).toEqual({ deleteBeforeReplace: true, provider: ENGINE });
    expect([...container.dependencies].sort()).toEqual([child("docker:index/volume:Volume", "db-data"), IMAGE, network("backend-db")].sort());

    // The gate waits for the container by name, re-run by the version's fingerprint (secrets unwrapped into a digest).
    const wait = run.one("db-health-wait");
    expect(wait.inputs).toEqual({
      create: renderHealthGate({ service: "db", container: "db", check: ["CMD", "pg_isready"], timeoutSeconds: 120, settleSeconds: 0 }),
      triggers: [fingerprint(postgres, ["POSTGRES_USER=parity", "POSTGRES_PASSWORD=pw"], labels)],
      addPreviousOutputInEnv: false,
      logging: "stdoutAndStderr",
      interpreter: ["/bin/sh", "-c"],
      environment: { DOCKER_HOST: "unix:///var/run/docker.sock" },
    });
    expect(wait.secretInputs).toEqual([]);
    expect(wait.dependencies).toEqual([child("docker:index/container:Container", "db-container")]);
    // What the next slot waits for is the gate's command itself, the service's own child.
    expect(run.outputs["ready"]).toBe(child("command:local:Command", "db-health-wait"));
    // It used to sit under a HealthGate component (db-health): its alias is the URN it had there.
    expect(wait.aliases).toEqual([{
      sent: { spec: { name: "", type: "", project: "", stack: "", parentUrn: child("parity:docker:HealthGate", "db-health") } },
      urn: "urn:pulumi:unit::parity::parity:docker:DockerService$parity:docker:HealthGate$command:local:Command::db-health-wait",
    }]);
  });

  it("a proxied service: a new version named by its fingerprint starts before the old one stops, behind the host's proxy", async () => {
    const labels = { "parity.service": "backend" };
    const connection = { host: "10.0.0.2", user: "root", privateKey: "KEY" };
    const run = await service({ container: backend, envs: [{ entry: "APP_ENV=dev" }], labels, gateRunner: { kind: "remote", connection }, proxySettleSeconds: 4 });
    const name = fingerprint(backend, ["APP_ENV=dev"], labels);
    const container = run.one("db-container");
    expect(container.inputs).toEqual({
      name,
      image: "ghcr.io/parity/backend:1.2.3",
      command: ["uvicorn", "app:main"],
      envs: ["APP_ENV=dev"],
      restart: "unless-stopped",
      memory: 512,
      cpus: "1",
      groupAdds: ["2000"],
      capabilities: { drops: ["ALL"], adds: [] },
      securityOpts: ["no-new-privileges:true"],
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "3" },
      init: true,
      readOnly: false,
      // The proxy owns the published ports.
      ports: [],
      networksAdvanced: [{ name: "backend-db", aliases: ["backend"] }, { name: "backend-edge", aliases: ["backend"] }],
      volumes: [],
      mounts: [
        { type: "bind", source: "/srv/share", target: "/data", readOnly: false },
        { type: "bind", source: "/home/dev/backend", target: "/app", readOnly: false },
      ],
      healthcheck: { tests: ["CMD", "curl", "-f", "http://localhost:8000/health"], interval: "15s", timeout: "3s", retries: 3, startPeriod: "5s" },
      uploads: [],
      labels: [{ label: "parity.service", value: "backend" }, { label: "parity.writable-root", value: "the image writes its cache into /app" }],
      mustRun: true,
      stopSignal: "SIGTERM",
      stopTimeout: 30,
      destroyGraceSeconds: 30,
    });
    expect(container.deleteBeforeReplace).toBe(false);
    expect(container.secretInputs).toEqual([]);
    // The gate names the pool, and waits for the proxy to route to the new version.
    const wait = run.one("db-health-wait");
    expect(wait.inputs).toEqual({
      create: renderHealthGate({ service: "api", container: name, check: ["CMD", "curl", "-f", "http://localhost:8000/health"], timeoutSeconds: 60, settleSeconds: 4 }),
      triggers: [name],
      addPreviousOutputInEnv: false,
      logging: "stdoutAndStderr",
      connection: "[secret]",
    });
    expect(wait.rawInputs["connection"]).toEqual({ ...connection, dialErrorLimit: 10, perDialTimeout: 15, port: 22 });
    expect({ type: wait.type, parent: wait.parent }).toEqual({ type: "command:remote:Command", parent: "db" });
    expect(wait.aliases.map((a) => a.urn)).toEqual(["urn:pulumi:unit::parity::parity:docker:DockerService$parity:docker:HealthGate$command:remote:Command::db-health-wait"]);
    expect(run.outputs["ready"]).toBe(child("command:remote:Command", "db-health-wait"));
  });

  it("without a health check or networks: no gate, no network at all, and the container is what the next step waits for", async () => {
    const worker: ContainerModel = { ...backend, healthcheck: undefined, networks: [], sharedMount: undefined, sourceMount: undefined, command: undefined, rollout: { strategy: "drain", stopTimeoutSeconds: 300, healthTimeoutSeconds: 60 } };
    const run = await service({ container: worker, envs: [], labels: {}, gateRunner: { kind: "local", dockerHost: "unix:///var/run/docker.sock" } });
    expect(tree(run).filter(([, , parent]) => parent === "db")).toEqual([["docker:index/container:Container", "db-container", "db"]]);
    const inputs = run.one("db-container").inputs;
    expect(inputs["networkMode"]).toBe("none");
    expect(inputs).not.toHaveProperty("networksAdvanced");
    expect(inputs).not.toHaveProperty("healthcheck");
    expect(inputs).not.toHaveProperty("command");
    expect(inputs).toMatchObject({ name: "backend", ports: [{ internal: 8000, external: 8000, protocol: "tcp" }], stopTimeout: 300, destroyGraceSeconds: 300, mounts: [] });
    expect(run.one("db-container").deleteBeforeReplace).toBe(true);
    expect(run.outputs["ready"]).toBe(child("docker:index/container:Container", "db-container"));
  });
});
