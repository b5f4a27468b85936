import { SshTarget, checkDocker, checkSsh } from "../shared/preflight/network";
import { PlatformModel } from "../../model/types";
import { CheckResult, PreflightDeps, fail, pass } from "../shared/preflight/types";

/** A privilege the stack needs on a Proxmox ACL path, and why. */
export interface Requirement {
  readonly path: string;
  readonly privilege: string;
  readonly why: string;
}

/**
 * What a `pulumi up` of this model asks of the Proxmox API: guests (VM.Allocate, disk space),
 * the template download (download-url wants Sys.Modify on the node and AllocateTemplate on
 * the storage) and, with shared storage, registering NFS storage (Datastore.Allocate).
 */
export function requiredPrivileges(model: PlatformModel): Requirement[] {
  const px = model.proxmox;
  if (!px) return [];
  const out: Requirement[] = [];
  const nodes = [...new Set(model.hosts.map((h) => h.node))];
  for (const node of nodes) {
    out.push({ path: `/nodes/${node}`, privilege: "Sys.Modify", why: "download the container template" });
  }
  if (nodes.length) out.push({ path: `/storage/${px.template.datastore}`, privilege: "Datastore.AllocateTemplate", why: "store the template" });
  for (const h of model.hosts) {
    out.push({ path: `/vms/${h.vmid}`, privilege: "VM.Allocate", why: `create guest ${h.name}` });
    out.push({ path: `/storage/${h.datastore}`, privilege: "Datastore.AllocateSpace", why: `disk of ${h.name}` });
  }
  if (model.sharedStorage) out.push({ path: "/storage", privilege: "Datastore.Allocate", why: `register NFS storage ${model.sharedStorage.name}` });
  const seen = new Set<string>();
  return out.filter((r) => !seen.has(`${r.path} ${r.privilege}`) && seen.add(`${r.path} ${r.privilege}`));
}

type Permissions = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** Held on the path itself, or on an ancestor where it propagates (value 1). */
export function holds(perms: Permissions, path: string, privilege: string): boolean {
  if (perms[path]?.[privilege] !== undefined) return true;
  for (let p = path; p !== "/"; ) {
    p = p.slice(0, p.lastIndexOf("/")) || "/";
    if (perms[p]?.[privilege] === 1) return true;
  }
  return false;
}

function apiUrl(endpoint: string, path: string): string {
  return `${endpoint.endsWith("/") ? endpoint : `${endpoint}/`}api2/json/${path}`;
}

const CREDENTIALS_FIX = (stack: string) =>
  `export PROXMOX_VE_USERNAME=root@pam and PROXMOX_VE_PASSWORD (or PROXMOX_VE_API_TOKEN=user@realm!id=secret), e.g. run under: op run --env-file=op/${stack}.env -- npm run preflight -- ${stack}`;

export interface ProxmoxFindings {
  readonly results: CheckResult[];
  /** VMIDs that exist in the cluster, when the API could list them. */
  readonly existingVmids?: ReadonlySet<number>;
}

/**
 * The API credentials work (ticket or token) and carry the rights the stack needs. Docker guests
 * (keyctl) and shared storage (bind mounts) need root@pam itself: Proxmox refuses both to any
 * other user and to every API token, whatever its privileges.
 */
export async function checkProxmox(model: PlatformModel, deps: PreflightDeps): Promise<ProxmoxFindings> {
  const px = model.proxmox;
  if (!px) return { results: [] };
  const call = (method: "GET" | "POST", path: string, headers: Record<string, string>, body?: string) =>
    deps.https({ url: apiUrl(px.endpoint, path), method, headers, ...(body !== undefined ? { body } : {}), insecure: px.insecure, timeoutMs: 10_000 });
  const token = deps.env["PROXMOX_VE_API_TOKEN"];
  const username = deps.env["PROXMOX_VE_USERNAME"];
  const password = deps.env["PROXMOX_VE_PASSWORD"];
  const check = `proxmox-api ${px.endpoint}`;
  let headers: Record<string, string>;
  let user: string;
  try {
    if (token) {
      headers = { Authorization: `PVEAPIToken=${token}` };
      user = `${token.split("=")[0]} (API token)`;
    } else if (username && password) {
      const r = await call("POST", "access/ticket", { "Content-Type": "application/x-www-form-urlencoded" }, new URLSearchParams({ username, password }).toString());
      if (r.status !== 200) return { results: [fail(check, `login as ${username} refused (HTTP ${r.status})`, "check PROXMOX_VE_USERNAME (with realm, e.g. root@pam) and PROXMOX_VE_PASSWORD")] };
      const data = (JSON.parse(r.body) as { data?: { ticket?: string; username?: string } }).data;
      headers = { Cookie: `PVEAuthCookie=${data?.ticket ?? ""}` };
      user = data?.username ?? username;
    } else {
      return { results: [fail(check, "no Proxmox credentials in the environment", CREDENTIALS_FIX(model.stack))] };
    }
    const r = await call("GET", "access/permissions", headers);
    if (r.status !== 200) return { results: [fail(check, `credentials refused (HTTP ${r.status})`, token ? "check PROXMOX_VE_API_TOKEN (user@realm!tokenid=secret) and that the token is not expired" : CREDENTIALS_FIX(model.stack))] };
    const perms = ((JSON.parse(r.body) as { data?: Permissions }).data ?? {});
    const results = [pass(check, `authenticated as ${user}`), rightsResult(model, perms, user, Boolean(token))];
    return { results, ...(await existingVmids(call, headers)) };
  } catch (e) {
    return { results: [fail(check, `no answer: ${(e as Error).message}`, `check that ${px.endpoint} is reachable from here${px.insecure ? "" : " and presents a trusted certificate (or set parity:proxmox.insecure)"}`)] };
  }
}

function rightsResult(model: PlatformModel, perms: Permissions, user: string, isToken: boolean): CheckResult {
  const needsRoot = [
    ...(model.hosts.some((h) => h.docker) ? ["the keyctl feature of Docker guests"] : []),
    ...(model.hosts.some((h) => h.sharedMount) ? ["bind mounts of the shared storage"] : []),
  ];
  const missing = requiredPrivileges(model).filter((r) => !holds(perms, r.path, r.privilege));
  const problems = [
    ...(needsRoot.length && (isToken || user !== "root@pam") ? [`${needsRoot.join(" and ")} need root@pam itself, not ${user}`] : []),
    ...missing.map((r) => `${r.privilege} on ${r.path} (${r.why})`),
  ];
  if (!problems.length) return pass("proxmox-rights", `${user} holds every privilege the stack needs${needsRoot.length ? " and is root@pam" : ""}`);
  return fail("proxmox-rights", `missing: ${problems.join("; ")}`, needsRoot.length && (isToken || user !== "root@pam")
    ? "deploy as root@pam with a password (PROXMOX_VE_USERNAME/PROXMOX_VE_PASSWORD): no token or other user may set keyctl or bind mounts"
    : "grant the missing privileges to the user (Datacenter → Permissions), e.g. the PVEVMAdmin and PVEDatastoreAdmin roles on the paths above");
}

async function existingVmids(call: (m: "GET", p: string, h: Record<string, string>) => Promise<{ status: number; body: string }>, headers: Record<string, string>): Promise<{ existingVmids?: ReadonlySet<number> }> {
  const r = await call("GET", "cluster/resources?type=vm", headers);
  if (r.status !== 200) return {};
  const data = (JSON.parse(r.body) as { data?: { vmid?: number }[] }).data ?? [];
  return { existingVmids: new Set(data.map((d) => d.vmid).filter((v): v is number => typeof v === "number")) };
}

/**
 * The homelab's checks: the Proxmox API and its rights, then SSH to every node that holds a
 * guest or the shared export and to every guest (a VMID not created yet is noted, not failed),
 * and Docker on the guests that run containers.
 */
export async function proxmoxPreflight(model: PlatformModel, deps: PreflightDeps): Promise<CheckResult[]> {
  const proxmox = await checkProxmox(model, deps);
  const out: CheckResult[] = [...proxmox.results];
  const px = model.proxmox;
  if (!px) return out;
  const nodes: SshTarget[] = px.nodes.filter((n) => model.hosts.some((h) => h.node === n.name) || model.sharedStorage?.serverNode === n.name)
    .map((n) => ({ label: `node ${n.name}`, user: px.ssh.user, address: n.address }));
  const guests: SshTarget[] = model.hosts.map((h) => ({
    label: `guest ${h.name}`, user: px.ssh.user, address: h.sshAddress,
    ...(proxmox.existingVmids && !proxmox.existingVmids.has(h.vmid) ? { absent: `VMID ${h.vmid} does not exist yet (the first pulumi up creates it)` } : {}),
  }));
  out.push(...(await checkSsh([...nodes, ...guests], deps)));
  const dockerGuests = new Set(model.hosts.filter((h) => h.docker).map((h) => `guest ${h.name}`));
  out.push(...(await checkDocker(guests.filter((g) => dockerGuests.has(g.label)), deps)));
  return out;
}
