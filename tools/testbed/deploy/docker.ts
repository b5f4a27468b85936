/**
 * Realizes the plan's Docker resources on a guest's engine the way the Pulumi Docker provider
 * does: through the Engine API (here over the guest's socket with curl, reached by SSH like
 * the provider's ssh:// host), from the recorded inputs, field by field. The API rather than
 * `docker run` flags because the CLI cannot express an exec-form (`CMD`) health check; the
 * provider sends exactly that. Request bodies (which hold secret env values) go on stdin only.
 *
 * `DockerState` plays Pulumi's state: the inputs each resource was created from and its id, so
 * a later run replaces only what changed (delete before replace, as the components ask).
 */
import { createHash } from "node:crypto";
import type { RecordedResource } from "../../mockRuntime";
import type { Guest } from "../testbed";
import { shq } from "../shell";
import type { Outcome } from "./graph";
import { buildStandin } from "./standins";

export type DockerState = Map<string, { hash: string; id: string }>;
type Json = Record<string, unknown>;

const API = "http://docker/v1.41";

/** One Engine API call; the body travels on stdin. Throws on a status outside `ok`. */
export async function dockerApi(g: Guest, method: string, path: string, body?: unknown, ok: readonly number[] = [200, 201, 204, 304]): Promise<{ status: number; json: unknown }> {
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
export function durationNs(d: string): number {
  let ns = 0;
  for (const [, n, unit] of d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    ns += Number(n) * { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[unit as "ms" | "s" | "m" | "h"];
  }
  if (!ns && d !== "0s") throw new Error(`cannot read duration '${d}'`);
  return ns;
}

const list = <T = Json>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/** The container's create request, translated from the recorded `docker.Container` inputs. */
export function containerCreateBody(inputs: Json): { body: Json; extraNetworks: { name: string; aliases: string[] }[] } {
  const ports = list(inputs["ports"]).map((p) => ({ key: `${p["internal"] as number}/${(p["protocol"] as string | undefined) ?? "tcp"}`, host: String(p["external"]) }));
  const networks = list(inputs["networksAdvanced"]).map((n) => ({ name: String(n["name"]), aliases: list<string>(n["aliases"]) }));
  const hc = inputs["healthcheck"] as Json | undefined;
  const first = networks[0];
  const body: Json = {
    Image: inputs["image"],
    ...(inputs["command"] ? { Cmd: inputs["command"] } : {}),
    Env: list<string>(inputs["envs"]),
    ...(inputs["user"] ? { User: inputs["user"] } : {}),
    Labels: Object.fromEntries(list<{ label: string; value: string }>(inputs["labels"]).map((l) => [l.label, l.value] as const)),
    ExposedPorts: Object.fromEntries(ports.map((p) => [p.key, {}])),
    ...(hc
      ? { Healthcheck: { Test: hc["tests"], Interval: durationNs((hc["interval"] as string | undefined) ?? "0s"), Timeout: durationNs((hc["timeout"] as string | undefined) ?? "0s"),
          Retries: hc["retries"] ?? 0, StartPeriod: durationNs((hc["startPeriod"] as string | undefined) ?? "0s") } }
      : {}),
    HostConfig: {
      PortBindings: Object.fromEntries(ports.map((p) => [p.key, [{ HostIp: "", HostPort: p.host }]])),
      Mounts: list(inputs["mounts"]).map((m) => ({ Type: m["type"], Source: m["source"], Target: m["target"], ReadOnly: m["readOnly"] === true })),
      Binds: list(inputs["volumes"]).map((v) => `${v["volumeName"] as string}:${v["containerPath"] as string}`),
      RestartPolicy: { Name: inputs["restart"] ?? "no" },
      ...(inputs["groupAdds"] ? { GroupAdd: list<string>(inputs["groupAdds"]) } : {}),
      ...(inputs["memory"] ? { Memory: Number(inputs["memory"]) * 1024 * 1024 } : {}),
      ...(inputs["cpus"] ? { NanoCpus: Math.round(Number(inputs["cpus"]) * 1e9) } : {}),
      ReadonlyRootfs: inputs["readOnly"] === true,
      ...(inputs["tmpfs"] ? { Tmpfs: inputs["tmpfs"] } : {}),
      LogConfig: { Type: inputs["logDriver"] ?? "json-file", Config: (inputs["logOpts"] as Json | undefined) ?? {} },
      ...(inputs["capabilities"] ? { CapDrop: list((inputs["capabilities"] as Json)["drops"]), CapAdd: list((inputs["capabilities"] as Json)["adds"]) } : {}),
      ...(inputs["securityOpts"] ? { SecurityOpt: list(inputs["securityOpts"]) } : {}),
      ...(inputs["init"] !== undefined ? { Init: inputs["init"] === true } : {}),
      NetworkMode: first?.name ?? (inputs["networkMode"] as string | undefined) ?? "default",
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
async function uploadFiles(g: Guest, id: string, uploads: Json[]): Promise<void> {
  if (uploads.length === 0) return;
  const files = uploads.map((u) => ({ file: String(u["file"]), content: (u["content"] as string | undefined) ?? "", executable: u["executable"] === true }));
  const cmd = `python3 -c ${shq(UPLOAD_PY)} | curl -sS -f --unix-socket /run/docker.sock -X PUT -H 'Content-Type: application/x-tar' --data-binary @- ${shq(`${API}/containers/${id}/archive?path=/`)}`;
  const r = await g.exec(cmd, { stdin: JSON.stringify(files), timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${g.name}: uploading ${files.map((f) => f.file).join(", ")} into ${id} failed: ${r.stdout} ${r.stderr}`);
}

function hashOf(v: unknown): string {
  return createHash("sha256").update(JSON.stringify(v)).digest("hex");
}

/** Creates or replaces one Docker resource when it is missing or its inputs changed. */
export async function realizeDocker(g: Guest, r: RecordedResource, state: DockerState): Promise<Outcome> {
  const inputs = r.rawInputs;
  const name = String(inputs["name"]);
  const hash = hashOf(inputs);
  const known = state.get(r.urn);
  switch (r.type) {
    case "docker:index/remoteImage:RemoteImage": {
      // The "pull": no registry here, so the stand-in is built under the very same ref.
      const have = await dockerApi(g, "GET", `/images/${encodeURIComponent(name)}/json`, undefined, [200, 404]);
      if (have.status === 200) return { status: "unchanged" };
      const key = r.name.slice(r.name.lastIndexOf("-docker-image-") + "-docker-image-".length);
      const seconds = await buildStandin(g, key, name);
      return { status: "changed", detail: `built stand-in ${name} in ${seconds.toFixed(1)} s` };
    }
    case "docker:index/network:Network": {
      const have = await dockerApi(g, "GET", `/networks/${encodeURIComponent(name)}`, undefined, [200, 404]);
      const labels = Object.fromEntries(list<{ label: string; value: string }>(inputs["labels"]).map((l) => [l.label, l.value] as const));
      if (have.status === 200 && known?.hash === hash) return { status: "unchanged" };
      if (have.status === 200) await dockerApi(g, "DELETE", `/networks/${encodeURIComponent(name)}`);
      const created = await dockerApi(g, "POST", "/networks/create", {
        Name: name, Driver: inputs["driver"] ?? "bridge", Internal: inputs["internal"] === true, Attachable: inputs["attachable"] === true, Labels: labels, CheckDuplicate: true,
      });
      state.set(r.urn, { hash, id: String((created.json as Json)["Id"]) });
      return { status: "changed", detail: `network ${name}` };
    }
    case "docker:index/volume:Volume": {
      const have = await dockerApi(g, "GET", `/volumes/${encodeURIComponent(name)}`, undefined, [200, 404]);
      if (have.status === 200 && known?.hash === hash) return { status: "unchanged" };
      if (have.status !== 200) {
        await dockerApi(g, "POST", "/volumes/create", { Name: name, Labels: Object.fromEntries(list<{ label: string; value: string }>(inputs["labels"]).map((l) => [l.label, l.value] as const)) });
      }
      state.set(r.urn, { hash, id: name });
      return { status: "changed", detail: `volume ${name}` };
    }
    case "docker:index/container:Container": {
      if (known?.hash === hash) {
        const have = await dockerApi(g, "GET", `/containers/${known.id}/json`, undefined, [200, 404]);
        if (have.status === 200) return { status: "unchanged" };
      }
      // deleteBeforeReplace: the name is unique per engine, so the old one goes first. Found by
      // exact name: the API would take a missing name like "db" as an ID prefix.
      const filter = encodeURIComponent(JSON.stringify({ name: [`^/${name}$`] }));
      for (const c of (await dockerApi(g, "GET", `/containers/json?all=1&filters=${filter}`)).json as { Id: string }[]) {
        await dockerApi(g, "DELETE", `/containers/${c.Id}?force=true&v=false`, undefined, [204, 404]);
      }
      const { body, extraNetworks } = containerCreateBody(inputs);
      const created = await dockerApi(g, "POST", `/containers/create?name=${encodeURIComponent(name)}`, body);
      const id = String((created.json as Json)["Id"]);
      for (const n of extraNetworks) {
        await dockerApi(g, "POST", `/networks/${encodeURIComponent(n.name)}/connect`, { Container: id, EndpointConfig: { Aliases: n.aliases } });
      }
      await uploadFiles(g, id, list(inputs["uploads"]));
      await dockerApi(g, "POST", `/containers/${id}/start`);
      if (inputs["mustRun"] === true) {
        const info = (await dockerApi(g, "GET", `/containers/${id}/json`)).json as { State: { Running: boolean; Error: string } };
        if (!info.State.Running) throw new Error(`${g.name}: container ${name} is not running after start: ${info.State.Error}`);
      }
      state.set(r.urn, { hash, id });
      return { status: "changed", detail: `container ${name}` };
    }
    default:
      throw new Error(`not a Docker resource: ${r.type}`);
  }
}
