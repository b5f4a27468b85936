/**
 * The dev profile for real, on this machine's Docker engine: a test copy of the `local` stack
 * (its stack file, in a project directory of its own with a `ktrdr` source tree) is planned by
 * the real program; its backend container is created exactly as planned — the dev command
 * `uvicorn … --reload`, user 1000:1000, the source bind mount at the absolute path Parity
 * resolved — and a saved source edit must change the response without a redeploy.
 *
 * The image is a stand-in (no registry, no PyPI): Debian's python3 and a stdlib `uvicorn`
 * (lib/uvicorn_standin.py) that serves the ASGI app from /app and reloads on file changes.
 *
 * Run: npx jest --config jest.system.config.js tests/system/docker/devProfile.test.ts
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RecordedResource } from "../../../tools/mockRuntime";
import { ROOT } from "../../helpers/stackConfig";
import { BASE, docker, standInImages } from "./lib/engine";
import { ContainerInputs, applyPlan, emptyState, removeStack } from "./lib/apply";

const STACK = "local";
const PORT = 8000;
let project = "";
let resources: readonly RecordedResource[] = [];

const appSource = (version: string) => `# Test application: what the developer edits.
VERSION = "${version}"

async def app(scope, receive, send):
    body = ('{"version": "%s", "path": "%s"}' % (VERSION, scope["path"])).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
`;

async function version(): Promise<string | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${PORT}/health`, { signal: AbortSignal.timeout(1000) });
    return ((await r.json()) as { version: string }).version;
  } catch {
    return undefined;
  }
}

async function waitForVersion(want: string, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if ((await version()) === want) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`backend did not answer version ${want} within ${timeoutMs} ms; logs:\n${docker(["logs", "--tail", "30", "backend"])}`);
}

const figures: Record<string, number> = {};

beforeAll(async () => {
  // A project of its own: Pulumi.yaml, the local stack file, and the developer's source tree.
  project = mkdtempSync(join(tmpdir(), "parity-dev-"));
  chmodSync(project, 0o755); // the container user (1000) reads the bind-mounted source
  for (const f of ["Pulumi.yaml", `Pulumi.${STACK}.yaml`]) copyFileSync(join(ROOT, f), join(project, f));
  // The repository's real program, as the e2e test-bed project does it.
  writeFileSync(join(project, "index.ts"), `import parity from ${JSON.stringify(join(ROOT, "index"))};\nexport = parity;\n`);
  mkdirSync(join(project, "ktrdr/api"), { recursive: true, mode: 0o755 });
  writeFileSync(join(project, "ktrdr/__init__.py"), "");
  writeFileSync(join(project, "ktrdr/api/__init__.py"), "");
  writeFileSync(join(project, "ktrdr/api/main.py"), appSource("one"));

  const cwd = process.cwd();
  process.chdir(project); // where `pulumi` runs the program: the project root
  try {
    await jest.isolateModulesAsync(async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { makePlan } = require("../../../tools/plan") as typeof import("../../../tools/plan");
      resources = (await makePlan(STACK, project)).resources;
    });
  } finally {
    process.chdir(cwd);
  }
  removeStack(STACK, resources);

  await standInImages([]);
  const backend = resources.find((r) => r.type === "docker:index/container:Container" && r.rawInputs["name"] === "backend")!.rawInputs as unknown as ContainerInputs;
  const ctx = mkdtempSync(join(tmpdir(), "parity-dev-image-"));
  try {
    copyFileSync(join(__dirname, "lib/uvicorn_standin.py"), join(ctx, "uvicorn"));
    writeFileSync(join(ctx, "Dockerfile"), `FROM ${BASE}\nCOPY uvicorn /usr/local/bin/uvicorn\nRUN chmod 0755 /usr/local/bin/uvicorn && ln -sf /usr/bin/python3 /usr/local/bin/python && install -d -m 0755 /app\nWORKDIR /app\n`);
    docker(["build", "-q", "-t", backend.image, ctx]);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}, 600_000);

afterAll(() => {
  if (resources.length) removeStack(STACK, resources);
  if (project) rmSync(project, { recursive: true, force: true });
  console.log(`[dev profile] ${JSON.stringify(figures)}`);
});

test("the planned backend reloads a saved source edit without a redeploy", async () => {
  const backend = resources.find((r) => r.type === "docker:index/container:Container" && r.rawInputs["name"] === "backend")!.rawInputs as unknown as ContainerInputs;
  // What Parity planned: the dev command and the source at the absolute path under the project root.
  expect(backend.command).toEqual(["uvicorn", "ktrdr.api.main:app", "--reload", "--host", "0.0.0.0", "--port", "8000"]);
  expect(backend.mounts).toContainEqual({ type: "bind", source: join(project, "ktrdr"), target: "/app/ktrdr", readOnly: false });

  // Its networks and volumes as planned, then the container exactly as planned (its own command).
  const netNames = new Set((backend.networksAdvanced ?? []).map((n) => n.name));
  const volNames = new Set([...(backend.volumes ?? []).map((v) => v.volumeName), ...(backend.mounts ?? []).filter((m) => m.type === "volume").map((m) => m.source)]);
  const name = (r: RecordedResource) => String(r.rawInputs["name"]);
  await applyPlan(resources, emptyState(), (r) =>
    (r.type === "docker:index/network:Network" && netNames.has(name(r))) ||
    (r.type === "docker:index/volume:Volume" && volNames.has(name(r))) ||
    (r.type === "docker:index/container:Container" && name(r) === "backend"));
  figures["firstResponseMs"] = await waitForVersion("one", 60_000);
  const before = docker(["inspect", "--format", "{{.Id}} {{.State.StartedAt}} {{.RestartCount}}", "backend"]).trim();

  // The developer saves a change: the response changes, the container is the same one.
  const saved = Date.now();
  writeFileSync(join(project, "ktrdr/api/main.py"), appSource("two"));
  await waitForVersion("two", 30_000);
  figures["saveToNewResponseMs"] = Date.now() - saved;
  expect(docker(["inspect", "--format", "{{.Id}} {{.State.StartedAt}} {{.RestartCount}}", "backend"]).trim()).toBe(before);
  expect(docker(["exec", "backend", "id", "-u"]).trim()).toBe("1000");
}, 180_000);
