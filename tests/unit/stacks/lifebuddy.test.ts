import { ContractError } from "../../../contract/problems";
import { validateStackConfig } from "../../../targets";
import { planStack, PlannedStack } from "../../helpers/planStack";
import { ROOT, rawStackConfig } from "../../helpers/stackConfig";
import { join } from "node:path";

const CONTAINER = "docker:index/container:Container";

let lb: PlannedStack;
beforeAll(async () => {
  lb = await planStack("lifebuddy");
});

const networksOf = (name: string) =>
  ((lb.one(CONTAINER, `${name}-container`).rawInputs["networksAdvanced"] as { name: string }[] | undefined) ?? []).map((n) => n.name.replace("parity-lifebuddy--", ""));

describe("lifebuddy under mocks (docker target)", () => {
  it("puts each container only on the networks its flows need: the app never shares one with the db or the LLM", () => {
    expect(networksOf("app")).toEqual(["app--cognitive-engine", "app--edge", "app--message-broker"]);
    expect(networksOf("cognitive-engine")).toEqual(["app--cognitive-engine", "cognitive-engine--db", "cognitive-engine--message-broker", "cognitive-engine--ollama"]);
    expect(networksOf("db")).toEqual(["cognitive-engine--db"]);
    expect(networksOf("ollama")).toEqual(["cognitive-engine--ollama", "ollama--edge"]);
    expect(networksOf("message-broker")).toEqual(["app--message-broker", "cognitive-engine--message-broker"]);
    const internal = lb.byType("docker:index/network:Network").map((n) => [String(n.inputs["name"]).replace("parity-lifebuddy--", ""), n.inputs["internal"]]);
    expect(internal).toEqual([
      ["app--cognitive-engine", true], ["app--edge", false], ["app--message-broker", true], ["cognitive-engine--db", true],
      ["cognitive-engine--message-broker", true], ["cognitive-engine--ollama", true], ["ollama--edge", false],
    ]);
  });

  it("publishes only the app's port, on the local engine", () => {
    expect(lb.byType("pulumi:providers:docker").map((p) => p.inputs["host"])).toEqual(["unix:///var/run/docker.sock"]);
    const published = lb.byType(CONTAINER).flatMap((c) => (c.rawInputs["ports"] as { external: number }[]).map((p) => [c.inputs["name"], p.external]));
    // The app's port belongs to the engine's rollout proxy.
    expect(published).toEqual([["parity-proxy", 8000]]);
  });

  it("runs app and engine with LifeBuddy's production gunicorn commands, non-root, read-only, with limits and health checks", () => {
    const app = lb.one(CONTAINER, "app-container").rawInputs;
    expect(app).toMatchObject({
      command: ["gunicorn", "app.main:app", "--workers", "4", "--worker-class", "uvicorn.workers.UvicornWorker", "--bind", "0.0.0.0:8000"],
      user: "1000:1000", readOnly: true, memory: 1024, cpus: "1", restart: "unless-stopped",
      tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
    });
    expect(lb.one(CONTAINER, "cognitive-engine-container").rawInputs["command"]).toEqual(["gunicorn", "engine.main:app", "--workers", "4", "--worker-class", "uvicorn.workers.UvicornWorker", "--bind", "0.0.0.0:8001"]);
  });

  it("creates the three database roles at first start from env passwords, never from the script text", () => {
    const uploads = lb.one(CONTAINER, "db-container").rawInputs["uploads"] as { file: string; content: string; executable: boolean }[];
    expect(uploads.map((u) => [u.file, u.executable])).toEqual([["/docker-entrypoint-initdb.d/10-lifebuddy-roles.sh", true]]);
    const sql = uploads[0]!.content;
    expect(sql).toContain("CREATE ROLE lifebuddy_rw NOLOGIN;");
    expect(sql).toContain("CREATE ROLE cognitive_engine_full LOGIN BYPASSRLS PASSWORD :'full_pass' IN ROLE lifebuddy_rw;");
    expect(sql).toContain("CREATE ROLE cognitive_engine_rls LOGIN NOBYPASSRLS PASSWORD :'rls_pass' IN ROLE lifebuddy_rw;");
    expect(sql).not.toContain("mock-secrets");
    const envs = lb.one(CONTAINER, "db-container").rawInputs["envs"] as string[];
    expect(envs).toContain("POSTGRES_USER_FULL_PASS=mock-secrets-dbFullPassword-value");
    expect(lb.one(CONTAINER, "db-container").secretInputs).toContain("envs");
  });

  it("gives the engine every variable LifeBuddy requires, secrets marked secret", () => {
    expect(Object.keys(lb.plan.env["cognitive-engine"]!).sort()).toEqual([
      "APP_SECRET_KEY", "ENVIRONMENT", "JWT_ALGORITHM", "JWT_SECRET_KEY", "LOG_LEVEL", "OLLAMA_HOST", "OLLAMA_MODEL",
      "POSTGRES_DB", "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER_FULL_PASS", "POSTGRES_USER_RLS_PASS", "REDIS_HOST", "REDIS_PORT",
    ]);
    expect(lb.plan.env["cognitive-engine"]).toMatchObject({ JWT_SECRET_KEY: "[secret]", JWT_ALGORITHM: "HS256", POSTGRES_USER_RLS_PASS: "[secret]", OLLAMA_HOST: "ollama", REDIS_HOST: "message-broker" });
  });

  it("answers to the names LifeBuddy's code uses: the engine is cognitive-engine, and reaches the database as prod_db (a network alias)", () => {
    const db = lb.one(CONTAINER, "db-container").rawInputs["networksAdvanced"] as { name: string; aliases: string[] }[];
    expect(db.map((n) => n.aliases)).toEqual([["db", "prod_db"]]);
    expect(lb.plan.env["cognitive-engine"]).toMatchObject({ POSTGRES_HOST: "prod_db", POSTGRES_PORT: "5432" });
    expect(lb.plan.env["app"]).toMatchObject({ ENGINE_URL: "http://cognitive-engine:8001" });
  });

  it("rejects the stack when a required variable is missing", () => {
    const raw = rawStackConfig("lifebuddy");
    delete (raw["services"] as { name: string; env: Record<string, string> }[]).find((s) => s.name === "cognitive-engine")!.env["OLLAMA_MODEL"];
    expect(() => validateStackConfig(raw, "lifebuddy")).toThrow(ContractError);
    expect(() => validateStackConfig(raw, "lifebuddy")).toThrow(/parity:services\[4\]\.env\.OLLAMA_MODEL: missing: 'cognitive-engine' requires OLLAMA_MODEL/);
  });
});

describe("dev and prod from one config", () => {
  it("dev mounts the source, reloads and relaxes the read-only root; prod runs gunicorn read-only", async () => {
    const dev = await planStack("lifebuddy", (v) => {
      v["parity:profile"] = "dev";
      v["parity:environment"] = "dev";
    });
    const app = dev.one(CONTAINER, "app-container").rawInputs;
    expect(app["command"]).toEqual(["uvicorn", "app.main:app", "--reload", "--host", "0.0.0.0", "--port", "8000"]);
    // Relative to the project root (Pulumi.yaml's directory): Docker refuses relative bind sources.
    expect(app["mounts"]).toEqual([{ type: "bind", source: join(ROOT, "app"), target: "/srv/app/app", readOnly: false }]);
    // LifeBuddy publishes the engine's API and the database on the host in development only.
    const published = (p: PlannedStack, name: string) => (p.one(CONTAINER, `${name}-container`).rawInputs["ports"] as { internal: number; external: number }[]).map((x) => `${x.internal}->${x.external}`);
    expect([published(dev, "cognitive-engine"), published(dev, "db")]).toEqual([["8001->8001"], ["5432->5432"]]);
    expect([published(lb, "cognitive-engine"), published(lb, "db")]).toEqual([[], []]);
    expect(app["readOnly"]).toBe(false);
    expect(dev.plan.env["app"]!["LOG_LEVEL"]).toBe("DEBUG");
    expect(Object.keys(dev.plan.env["app"]!)).toEqual(Object.keys(lb.plan.env["app"]!));
    // In development LifeBuddy's code names the database dev_db.
    const db = dev.one(CONTAINER, "db-container").rawInputs["networksAdvanced"] as { aliases: string[] }[];
    // Two networks in dev: the engine's flow network and, since dev publishes 5432, the db's edge network.
    expect(db.map((n) => n.aliases)).toEqual([["db", "dev_db"], ["db", "dev_db"]]);
    expect(dev.plan.env["cognitive-engine"]!["POSTGRES_HOST"]).toBe("dev_db");
  });
});
