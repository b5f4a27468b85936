/**
 * Realizes the plan's Docker resources on an engine the way the Pulumi Docker provider does:
 * through the Engine API (over the engine's socket with curl: a test-bed guest's, reached by SSH
 * like the provider's ssh:// host, or this machine's own), from the recorded inputs, field by field. The API rather than
 * `docker run` flags because the CLI cannot express an exec-form (`CMD`) health check; the
 * provider sends exactly that. Request bodies (which hold secret env values) go on stdin only.
 *
 * `DockerState` plays Pulumi's state: the inputs each resource was created from, its id and its
 * guest. A container whose inputs changed is replaced as the engine replaces it, from the plan's
 * own resource options: with `deleteBeforeReplace` the old one is deleted first; otherwise the
 * new one is created beside it and the old one is handed back to be deleted once the whole
 * update succeeded (update.ts). Deleting is the provider's: `docker stop` with
 * `destroyGraceSeconds` when set (SIGTERM, then that long before SIGKILL), then remove.
 */
import type { RecordedResource } from "../../mockRuntime";
import type { ExecResult, Guest } from "../testbed";
import { shq } from "../shell";
import type { Outcome } from "./graph";
import { buildStandin } from "./standins";
import { CONTAINER, ContainerInputs, NETWORK, NetworkInputs, REMOTE_IMAGE, VOLUME, VolumeInputs, inputsHash, labelMap, refuseUnknownInputs } from "./dockerInputs";

/**
 * The process a container runs instead of its planned command (its argv; the image provides
 * the program), or undefined to run the planned command.
 *
 * Only the process differs. The container around it is created from the plan's inputs exactly
 * as for the real process: image reference, user and groups, read-only root and its tmpfs,
 * capabilities, no-new-privileges, init, env, mounts and volumes, uploaded files, networks and
 * aliases, published ports, labels, health check. What a suite that uses a stand-in checks is
 * enforced by the engine on that container, not by the process in it, so the stand-in cannot
 * step around it: a probe crosses Docker's networks whatever answers it; a dropped capability
 * is refused to any process, root included; a read-only root is read-only to every writer.
 */
export type StandIn = (container: ContainerInputs) => readonly string[] | undefined;

/** Where an engine is driven from: a test-bed guest over SSH, or this machine's own engine. */
export interface EngineHost {
  readonly name: string;
  /** The address the plan's Docker provider names: the guest's, or LOCAL_ENGINE (graph.ts). */
  readonly address: string;
  exec(cmd: string, opts?: { stdin?: string; timeoutMs?: number }): Promise<ExecResult>;
  /** Host address published ports bind to: "" (every address, as planned), or 127.0.0.1 for a test that must not open a port to the network. */
  readonly publishIp: string;
  /** Builds the stand-in an image resource names when the engine lacks it; without it the test tags its images first. */
  readonly buildImage?: (key: string, ref: string) => Promise<number>;
  readonly standIn?: StandIn;
}

/** A test-bed guest's engine: ports published as planned, stand-in images built in the guest. */
export function guestEngine(g: Guest): EngineHost {
  return { name: g.name, address: g.ipv4, exec: (cmd, opts) => g.exec(cmd, opts), publishIp: "", buildImage: (key, ref) => buildStandin(g, key, ref) };
}

/** A resource as created: its inputs' digest, the engine's id, the guest it lives on. */
export interface Deployed {
  readonly hash: string;
  readonly id: string;
  /** The engine's address (EngineHost.address). */
  readonly address: string;
  readonly resource: RecordedResource;
}

export interface DockerState {
  readonly resources: Map<string, Deployed>;
  /** Originals of create-first replacements that a halted update left for deletion; the next update deletes them first. */
  pendingDeletes: Deployed[];
}

export function emptyDockerState(): DockerState {
  return { resources: new Map(), pendingDeletes: [] };
}

/** One engine step, timed, for the rollout figures and ordering checks. */
export interface EngineEvent {
  readonly step: "create" | "delete" | "run";
  /** The container's name, or the command's resource name. */
  readonly name: string;
  readonly guest: string;
  readonly startedMs: number;
  readonly endedMs: number;
  /** delete: the stopped container's exit code and its last log lines (read before removal). */
  readonly exitCode?: number;
  readonly logs?: string;
}

/** What one update's Docker steps share: the state, the originals to delete at the end, the event log. */
export interface DockerRun {
  readonly state: DockerState;
  readonly deferredDeletes: Deployed[];
  readonly events: EngineEvent[];
}

type Json = Record<string, unknown>;

const API = "http://docker/v1.41";

/** One Engine API call; the body travels on stdin. Throws on a status outside `ok`. */
async function dockerApi(g: EngineHost, method: string, path: string, body?: unknown, ok: readonly number[] = [200, 201, 204, 304]): Promise<{ status: number; json: unknown }> {
  const data = body === undefined ? "" : JSON.stringify(body);
  const cmd = `curl -sS --unix-socket /run/docker.sock -X ${method} -H 'Content-Type: application/json' ${body === undefined ? "" : "--data-binary @-"} -w '\\n%{http_code}' ${shq(API + path)}`;
  const r = await g.exec(cmd, { stdin: data, timeoutMs: 120_000 });
  const lines = r.stdout.trimEnd().split("\n");
  const status = Number(lines.pop());
  const text = lines.join("\n");
  if (r.code !== 0 || !ok.includes(status)) throw new Error(`${g.name}: docker API ${method} ${path} -> ${status} (${r.code}): ${text} ${r.stderr}`);
  let json: unknown = text;
  try { json = text ? JSON.parse(text) : undefined; } catch { /* plain text answer */ }
  return { status, json };
}

/** Go duration as the provider takes it ("30s", "1m30s", "500ms") → nanoseconds. */
function durationNs(d: string): number {
  let ns = 0;
  for (const [, n, unit] of d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    ns += Number(n) * { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[unit as "ms" | "s" | "m" | "h"];
  }
  if (!ns && d !== "0s") throw new Error(`cannot read duration '${d}'`);
  return ns;
}

/** The container's create request, translated from the recorded `docker.Container` inputs. */
function containerCreateBody(c: ContainerInputs, publishIp = "", argv?: readonly string[]): { body: Json; extraNetworks: { name: string; aliases: string[] }[] } {
  const ports = (c.ports ?? []).map((p) => ({ key: `${p.internal}/${p.protocol || "tcp"}`, host: String(p.external) }));
  const networks = c.networksAdvanced ?? [];
  const hc = c.healthcheck;
  const first = networks[0];
  const body: Json = {
    Image: c.image,
    ...((argv ?? c.command) ? { Cmd: argv ?? c.command } : {}),
    Env: c.envs ?? [],
    ...(c.user ? { User: c.user } : {}),
    Labels: labelMap(c.labels),
    ExposedPorts: Object.fromEntries(ports.map((p) => [p.key, {}])),
    ...(c.stopSignal ? { StopSignal: c.stopSignal } : {}),
    ...(c.stopTimeout !== undefined ? { StopTimeout: c.stopTimeout } : {}),
    ...(hc
      ? { Healthcheck: { Test: hc.tests, Interval: durationNs(hc.interval), Timeout: durationNs(hc.timeout), Retries: hc.retries, StartPeriod: durationNs(hc.startPeriod) } }
      : {}),
    HostConfig: {
      PortBindings: Object.fromEntries(ports.map((p) => [p.key, [{ HostIp: publishIp, HostPort: p.host }]])),
      Mounts: (c.mounts ?? []).map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      Binds: (c.volumes ?? []).map((v) => `${v.volumeName}:${v.containerPath}`),
      RestartPolicy: { Name: c.restart ?? "no" },
      ...(c.groupAdds ? { GroupAdd: c.groupAdds } : {}),
      ...(c.memory ? { Memory: c.memory * 1024 * 1024 } : {}),
      ...(c.cpus ? { NanoCpus: Math.round(Number(c.cpus) * 1e9) } : {}),
      ReadonlyRootfs: c.readOnly === true,
      ...(c.tmpfs ? { Tmpfs: c.tmpfs } : {}),
      LogConfig: { Type: c.logDriver ?? "json-file", Config: c.logOpts ?? {} },
      ...(c.capabilities ? { CapDrop: c.capabilities.drops ?? [], CapAdd: c.capabilities.adds ?? [] } : {}),
      ...(c.securityOpts ? { SecurityOpt: c.securityOpts } : {}),
      ...(c.init !== undefined ? { Init: c.init } : {}),
      NetworkMode: first?.name ?? c.networkMode ?? "default",
    },
    NetworkingConfig: { EndpointsConfig: first ? { [first.name]: { Aliases: first.aliases } } : {} },
  };
  // The create call takes one network; the provider connects the others before starting.
  return { body, extraNetworks: networks.slice(1) };
}

/** Builds a tar of the files in the guest and extracts it at / in the container. */
const UPLOAD_PY = `import io, json, sys, tarfile
spec = json.load(sys.stdin)
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as tar:
    for f in spec:
        data = f["content"].encode()
        info = tarfile.TarInfo(f["file"].lstrip("/"))
        info.size, info.mode = len(data), 0o744 if f.get("executable") else 0o644
        tar.addfile(info, io.BytesIO(data))
sys.stdout.buffer.write(buf.getvalue())
`;

/**
 * The provider's `uploads`: each file copied into the created container before it starts
 * (PUT /containers/{id}/archive), mode 0644, or 0744 when executable.
 */
async function uploadFiles(g: EngineHost, id: string, uploads: NonNullable<ContainerInputs["uploads"]>): Promise<void> {
  if (uploads.length === 0) return;
  const files = uploads.map((u) => ({ file: u.file, content: u.content, executable: u.executable === true }));
  const cmd = `python3 -c ${shq(UPLOAD_PY)} | curl -sS -f --unix-socket /run/docker.sock -X PUT -H 'Content-Type: application/x-tar' --data-binary @- ${shq(`${API}/containers/${id}/archive?path=/`)}`;
  const r = await g.exec(cmd, { stdin: JSON.stringify(files), timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${g.name}: uploading ${files.map((f) => f.file).join(", ")} into ${id} failed: ${r.stdout} ${r.stderr}`);
}

/** The provider's create: create on the first network, join the others, upload the files, start. */
async function createContainer(g: EngineHost, c: ContainerInputs): Promise<string> {
  const { body, extraNetworks } = containerCreateBody(c, g.publishIp, g.standIn?.(c));
  const created = await dockerApi(g, "POST", `/containers/create?name=${encodeURIComponent(c.name)}`, body);
  const id = String((created.json as Json)["Id"]);
  for (const n of extraNetworks) {
    await dockerApi(g, "POST", `/networks/${encodeURIComponent(n.name)}/connect`, { Container: id, EndpointConfig: { Aliases: n.aliases } });
  }
  await uploadFiles(g, id, c.uploads ?? []);
  await dockerApi(g, "POST", `/containers/${id}/start`);
  if (c.mustRun === true) {
    const info = (await dockerApi(g, "GET", `/containers/${id}/json`)).json as { State: { Running: boolean; Error: string } };
    if (!info.State.Running) throw new Error(`${g.name}: container ${c.name} is not running after start: ${info.State.Error}`);
  }
  return id;
}

/**
 * The provider's delete: with `destroyGraceSeconds`, `docker stop` with that timeout (the
 * container's stop signal, then SIGKILL when it runs out); without, a forced remove (SIGKILL).
 * Reads the exit code and the last log lines before removing, for the tests.
 */
export async function deleteContainer(g: EngineHost, d: Deployed): Promise<Pick<EngineEvent, "exitCode" | "logs">> {
  const c = d.resource.rawInputs as unknown as ContainerInputs;
  const id = shq(d.id);
  const grace = c.destroyGraceSeconds;
  const script = [
    `docker inspect ${id} >/dev/null 2>&1 || exit 3`,
    ...(typeof grace === "number" ? [`docker stop -t ${grace} ${id} >/dev/null`] : []),
    `docker inspect -f '{{.State.ExitCode}}' ${id}`,
    `docker logs --tail 20 ${id} 2>&1`,
    `docker rm -f ${id} >/dev/null`,
  ].join(" && ");
  const r = await g.exec(script, { timeoutMs: ((grace ?? 0) + 120) * 1000 });
  if (r.code === 3) return {};
  if (r.code !== 0) throw new Error(`${g.name}: deleting container ${c.name} failed (${r.code}): ${r.stdout} ${r.stderr}`);
  const [code, ...logs] = r.stdout.split("\n");
  return { exitCode: Number(code), logs: logs.join("\n") };
}

async function timed<T>(run: DockerRun, g: EngineHost, step: EngineEvent["step"], name: string, f: () => Promise<T>): Promise<T> {
  const startedMs = Date.now();
  const result = await f();
  const extra = step === "delete" && typeof result === "object" && result !== null ? (result as Pick<EngineEvent, "exitCode" | "logs">) : {};
  run.events.push({ step, name, guest: g.name, startedMs, endedMs: Date.now(), ...extra });
  return result;
}

/** The key of the stand-in to build for an image resource: the `parity:images` key, or the rollout proxy's. */
function standinKey(r: RecordedResource): string {
  if (r.parentUrn?.includes("parity:docker:RolloutProxy")) return "haproxy";
  const at = r.name.lastIndexOf("-docker-image-");
  if (at < 0) throw new Error(`${r.name}: cannot tell which image this is (not <host>-docker-image-<key>, not a rollout proxy's)`);
  return r.name.slice(at + "-docker-image-".length);
}

/** Creates or replaces one Docker resource on guest `g` when it is missing or its inputs changed. */
export async function realizeDocker(g: EngineHost, r: RecordedResource, run: DockerRun): Promise<Outcome> {
  refuseUnknownInputs(r);
  const state = run.state;
  const name = String(r.rawInputs["name"]);
  const hash = inputsHash(r);
  const known = state.resources.get(r.urn);
  const record = (id: string) => state.resources.set(r.urn, { hash, id, address: g.address, resource: r });
  // Inputs as in the state: the engine's "same" step (no refresh), which asks no provider anything.
  if (known?.hash === hash) return { status: "unchanged" };
  switch (r.type) {
    case REMOTE_IMAGE: {
      // The "pull": no registry here, so the stand-in is built under the very same ref.
      const have = await dockerApi(g, "GET", `/images/${encodeURIComponent(name)}/json`, undefined, [200, 404]);
      if (have.status === 200) {
        record(name);
        return { status: "unchanged" };
      }
      if (!g.buildImage) throw new Error(`${g.name}: no image ${name} on this engine (tag it before applying the plan)`);
      const seconds = await g.buildImage(standinKey(r), name);
      record(name);
      return { status: "changed", detail: `built stand-in ${name} in ${seconds.toFixed(1)} s` };
    }
    case NETWORK: {
      const n = r.rawInputs as unknown as NetworkInputs;
      const have = await dockerApi(g, "GET", `/networks/${encodeURIComponent(name)}`, undefined, [200, 404]);
      if (have.status === 200) await dockerApi(g, "DELETE", `/networks/${encodeURIComponent(name)}`);
      const created = await dockerApi(g, "POST", "/networks/create", {
        Name: name, Driver: n.driver, Internal: n.internal === true, Attachable: n.attachable === true, Labels: labelMap(n.labels), CheckDuplicate: true,
      });
      record(String((created.json as Json)["Id"]));
      return { status: "changed", detail: `network ${name}` };
    }
    case VOLUME: {
      const v = r.rawInputs as unknown as VolumeInputs;
      const have = await dockerApi(g, "GET", `/volumes/${encodeURIComponent(name)}`, undefined, [200, 404]);
      if (have.status !== 200) await dockerApi(g, "POST", "/volumes/create", { Name: name, Labels: labelMap(v.labels) });
      record(name);
      return { status: "changed", detail: `volume ${name}` };
    }
    case CONTAINER: {
      const c = r.rawInputs as unknown as ContainerInputs;
      if (known && r.deleteBeforeReplace) {
        await timed(run, g, "delete", String(known.resource.rawInputs["name"]), () => deleteContainer(g, known));
        state.resources.delete(r.urn);
      }
      const id = await timed(run, g, "create", c.name, () => createContainer(g, c));
      record(id);
      // Create-first: the original keeps running until the update is through.
      if (known && !r.deleteBeforeReplace) run.deferredDeletes.push(known);
      return { status: "changed", detail: `container ${c.name}` };
    }
    default:
      throw new Error(`not a Docker resource: ${r.type}`);
  }
}
