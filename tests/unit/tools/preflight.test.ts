import { join } from "node:path";
import { formatResults, loadStack, parseArgs, runPreflight } from "../../../tools/preflight";
import { holds, requiredPrivileges } from "../../../targets/proxmox/preflight";
import { CommandResult, HttpsRequest, PreflightDeps } from "../../../targets/shared/preflight/types";
import { ROOT } from "../../helpers/stackConfig";

/** Fakes only: nothing here opens a socket or runs ssh. */
const FIXTURE = join(ROOT, "tests/fixtures/preflight");
const ALL_PRIVS = { "Sys.Modify": 1, "Datastore.AllocateTemplate": 1, "VM.Allocate": 1, "Datastore.AllocateSpace": 1, "Datastore.Allocate": 1 };

interface FakeOptions {
  dns?: Record<string, string[]>;
  run?: (cmd: string, args: readonly string[]) => CommandResult;
  api?: (req: HttpsRequest) => { status: number; body: unknown };
  env?: Record<string, string>;
}

function fakes(o: FakeOptions = {}): PreflightDeps & { calls: string[] } {
  const calls: string[] = [];
  const dns = o.dns ?? { "core.preflight.test": ["127.0.0.1"], "workers.preflight.test": ["127.0.0.2"] };
  return {
    calls,
    lookup: async (name) => {
      if (!dns[name]) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
      return dns[name];
    },
    run: async (cmd, args) => {
      calls.push([cmd, ...args].join(" "));
      return o.run?.(cmd, args) ?? (args.includes("docker") ? { code: 0, stdout: "24.0.7\n", stderr: "" } : { code: 0, stdout: "URL: my.1password.com\nEmail: ops@example.org\n", stderr: "" });
    },
    https: async (req) => {
      calls.push(`${req.method} ${req.url}`);
      const r = o.api?.(req) ?? defaultApi(req);
      return { status: r.status, body: JSON.stringify(r.body) };
    },
    env: o.env ?? { PROXMOX_VE_USERNAME: "root@pam", PROXMOX_VE_PASSWORD: "pw" },
    sshOptions: ["Port=2222"],
    readFile: (path) => (path === join(FIXTURE, "op/loopback.env") ? "PREFLIGHT_REGISTRY_TOKEN=op://preflight/registry/credential\n" : undefined),
  };
}

function defaultApi(req: HttpsRequest): { status: number; body: unknown } {
  if (req.url.endsWith("access/ticket")) return { status: 200, body: { data: { ticket: "PVE:root@pam:TICKET", username: "root@pam" } } };
  if (req.url.endsWith("access/permissions")) return { status: 200, body: { data: { "/": ALL_PRIVS } } };
  if (req.url.includes("cluster/resources")) return { status: 200, body: { data: [{ vmid: 210 }, { vmid: 211 }] } };
  return { status: 404, body: {} };
}

describe("preflight against fakes", () => {
  it("prints one ok line per check when everything answers", async () => {
    const deps = fakes();
    expect(formatResults(await runPreflight("loopback", FIXTURE, deps))).toBe([
      "ok config: Pulumi.loopback.yaml is valid (target proxmox, 2 guests, 0 containers)",
      "ok dns core.preflight.test: resolves to 127.0.0.1",
      "ok dns workers.preflight.test: resolves to 127.0.0.2",
      "ok proxmox-api https://127.0.0.1:18006/: authenticated as root@pam",
      "ok proxmox-rights: root@pam holds every privilege the stack needs and is root@pam",
      "ok ssh node pve-a (root@127.0.0.1): reachable",
      "ok ssh node pve-b (root@127.0.0.2): reachable",
      "ok ssh guest core (root@127.0.0.1): reachable",
      "ok ssh guest workers (root@127.0.0.2): reachable",
      "ok docker guest core: Docker 24.0.7 answers",
      "ok docker guest workers: Docker 24.0.7 answers",
      "ok 1password: signed in (URL: my.1password.com); op run --env-file=op/loopback.env supplies PREFLIGHT_REGISTRY_TOKEN",
      "",
    ].join("\n"));
    expect(deps.calls).toContain("ssh -o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=accept-new -o Port=2222 root@127.0.0.1 true");
    expect(deps.calls).toContain("ssh -o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=accept-new -o Port=2222 root@127.0.0.2 docker info --format {{.ServerVersion}}");
    expect(deps.calls).toContain("POST https://127.0.0.1:18006/api2/json/access/ticket");
  });

  it("reports each failure with its fix", async () => {
    const deps = fakes({
      dns: { "core.preflight.test": ["127.0.0.9"] },
      run: (cmd, args) => {
        if (cmd === "op") return { code: 1, stdout: "", stderr: "[ERROR] account is not signed in\n" };
        if (args.includes("root@127.0.0.2") && args.includes("true")) return { code: 255, stdout: "", stderr: "root@127.0.0.2: Permission denied (publickey).\n" };
        if (args.includes("docker")) return { code: 127, stdout: "", stderr: "bash: docker: command not found\n" };
        return { code: 0, stdout: "", stderr: "" };
      },
      api: (req) => (req.url.includes("cluster/resources") ? { status: 200, body: { data: [{ vmid: 210 }] } } : defaultApi(req)),
    });
    const text = formatResults(await runPreflight("loopback", FIXTURE, deps));
    expect(text.split("\n").filter((l) => l.startsWith("FAIL") || l.startsWith("  fix") || l.includes("skipped"))).toEqual([
      "FAIL dns core.preflight.test: resolves to 127.0.0.9, expected 127.0.0.1",
      "  fix: point core.preflight.test at 127.0.0.1, or fix the guest's address in the stack file",
      "FAIL dns workers.preflight.test: does not resolve (ENOTFOUND)",
      "  fix: publish an A record workers.preflight.test → 127.0.0.2 (see the stack output dnsRecords)",
      "FAIL ssh node pve-b (root@127.0.0.2): root@127.0.0.2: Permission denied (publickey).",
      "  fix: load the deploy key into ssh-agent (ssh-add) and make sure its public half is in root's authorized_keys on 127.0.0.2",
      "ok ssh guest workers (root@127.0.0.2): skipped: VMID 211 does not exist yet (the first pulumi up creates it)",
      "FAIL docker guest core: bash: docker: command not found",
      "  fix: the guest has no Docker CLI yet: `pulumi up` installs it in the docker-engine step; if it already ran, re-run that step",
      "ok docker guest workers: skipped: VMID 211 does not exist yet (the first pulumi up creates it)",
      "FAIL 1password: not signed in ([ERROR] account is not signed in)",
      "  fix: sign in with `eval $(op signin)`, or export OP_SERVICE_ACCOUNT_TOKEN for a service account",
    ]);
  });

  it("refuses an API token, and a non-root user, for Docker guests; names missing privileges", async () => {
    const token = await runPreflight("loopback", FIXTURE, fakes({ env: { PROXMOX_VE_API_TOKEN: "deploy@pve!ci=0000", PREFLIGHT_REGISTRY_TOKEN: "x" } }));
    expect(token.filter((r) => r.check.startsWith("proxmox"))).toEqual([
      { ok: true, check: "proxmox-api https://127.0.0.1:18006/", detail: "authenticated as deploy@pve!ci (API token)" },
      {
        ok: false, check: "proxmox-rights", detail: "missing: the keyctl feature of Docker guests need root@pam itself, not deploy@pve!ci (API token)",
        fix: "deploy as root@pam with a password (PROXMOX_VE_USERNAME/PROXMOX_VE_PASSWORD): no token or other user may set keyctl or bind mounts",
      },
    ]);
    expect(token.find((r) => r.check === "secrets-env")).toEqual({ ok: true, check: "secrets-env", detail: "PREFLIGHT_REGISTRY_TOKEN set in the environment" });
    const limited = await runPreflight("loopback", FIXTURE, fakes({
      api: (req) => (req.url.endsWith("access/permissions") ? { status: 200, body: { data: { "/vms": { "VM.Allocate": 1 }, "/storage/local-lvm": { "Datastore.AllocateSpace": 0 } } } } : defaultApi(req)),
    }));
    expect(limited.find((r) => r.check === "proxmox-rights")?.detail).toBe(
      "missing: Sys.Modify on /nodes/pve-a (download the container template); Sys.Modify on /nodes/pve-b (download the container template); Datastore.AllocateTemplate on /storage/local (store the template)",
    );
  });

  it("stops at the config when it is invalid, and at credentials that are absent or refused", async () => {
    expect(await runPreflight("missing", FIXTURE, fakes())).toEqual([
      { ok: false, check: "config", detail: `no stack file ${join(FIXTURE, "Pulumi.missing.yaml")}`, fix: "create Pulumi.missing.yaml (see README.md)" },
    ]);
    const none = await runPreflight("loopback", FIXTURE, fakes({ env: {} }));
    expect(none.find((r) => r.check.startsWith("proxmox-api"))?.fix).toBe(
      "export PROXMOX_VE_USERNAME=root@pam and PROXMOX_VE_PASSWORD (or PROXMOX_VE_API_TOKEN=user@realm!id=secret), e.g. run under: op run --env-file=op/loopback.env -- npm run preflight -- loopback",
    );
    const refused = await runPreflight("loopback", FIXTURE, fakes({ api: () => ({ status: 401, body: {} }) }));
    expect(refused.find((r) => r.check.startsWith("proxmox-api"))?.detail).toBe("login as root@pam refused (HTTP 401)");
  });

  it("checks Azure credentials for an Azure target, and nothing Proxmox", async () => {
    const ok = fakes({ run: () => ({ code: 0, stdout: JSON.stringify({ name: "ktrdr-prod", id: "sub-1", user: { name: "ci@example.org" } }), stderr: "" }), env: { GHCR_TOKEN: "t" } });
    const results = await runPreflight("azure", ROOT, ok);
    expect(results.map((r) => `${r.ok ? "ok" : "FAIL"} ${r.check}`)).toEqual(["ok config", "ok azure", "ok secrets-env"]);
    expect(results.find((r) => r.check === "azure")?.detail).toBe("subscription ktrdr-prod (sub-1) as ci@example.org");
    const missing = await runPreflight("azure", ROOT, fakes({ run: () => ({ code: 127, stdout: "", stderr: "az: command not found" }), env: { GHCR_TOKEN: "t" } }));
    expect(missing.find((r) => r.check === "azure")).toEqual({ ok: false, check: "azure", detail: "the Azure CLI (az) is not installed", fix: "install the Azure CLI: https://learn.microsoft.com/cli/azure/install-azure-cli" });
  });
});

describe("preflight's pure parts", () => {
  it("derives the privileges a stack needs from its model", () => {
    const { model } = loadStack("loopback", FIXTURE);
    expect(requiredPrivileges(model!).map((r) => `${r.privilege} ${r.path}`)).toEqual([
      "Sys.Modify /nodes/pve-a", "Sys.Modify /nodes/pve-b", "Datastore.AllocateTemplate /storage/local",
      "VM.Allocate /vms/210", "Datastore.AllocateSpace /storage/local-lvm", "VM.Allocate /vms/211",
    ]);
  });
  it("counts a privilege on the path itself, or on an ancestor only where it propagates", () => {
    expect(holds({ "/vms": { "VM.Allocate": 1 } }, "/vms/210", "VM.Allocate")).toBe(true);
    expect(holds({ "/vms": { "VM.Allocate": 0 } }, "/vms/210", "VM.Allocate")).toBe(false);
    expect(holds({ "/vms/210": { "VM.Allocate": 0 } }, "/vms/210", "VM.Allocate")).toBe(true);
    expect(holds({ "/": { "Sys.Modify": 1 } }, "/nodes/pve-a", "Sys.Modify")).toBe(true);
  });
  it("parses --root and repeated --ssh-option", () => {
    expect(parseArgs(["homelab", "--root", "/tmp/x", "--ssh-option", "Port=2222", "--ssh-option", "IdentityFile=/k"])).toEqual({ stack: "homelab", root: "/tmp/x", sshOptions: ["Port=2222", "IdentityFile=/k"] });
  });
});
