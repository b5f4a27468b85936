import { noPlainSecrets } from "../../../policy/secrets";
import { checkResource, UNKNOWN_STRING } from "./harness";

const CONTAINER = "docker:index/container:Container";
const check = (props: Record<string, unknown>) => checkResource(noPlainSecrets, { type: CONTAINER, name: "app", props });
const GENERATED = "Qx7pV2mLr9sT4wYz8bNc3dFh"; // what @pulumi/random gives: long, unguessable

describe("policy no-plain-secrets", () => {
  it("accepts generated secrets in env, plain config, and clean labels and commands", async () => {
    expect(await check({
      envs: [`DB_PASSWORD=${GENERATED}`, `DATABASE_URL=postgresql://app:${GENERATED}@db:5432/app`, "LOG_LEVEL=INFO", "EMPTY_TOKEN="],
      labels: [{ label: "managed-by", value: "parity" }],
      command: ["uvicorn", "app:main", "--port", "8000"],
      healthcheck: { tests: ["CMD-SHELL", "pg_isready -U app -d app"] },
    })).toEqual([]);
  });
  it("rejects placeholder and short literals under secret-looking names, also inside URLs, without echoing them", async () => {
    const found = await check({ envs: ["JWT_SECRET_KEY=changeme", "API_TOKEN=abc123", "POSTGRES_USER_RLS_PASS=<fill me>", "REDIS_URL=redis://default:hunter2@redis:6379"] });
    expect(found).toEqual([
      "env JWT_SECRET_KEY looks like a secret but holds a placeholder; declare it under parity:secrets and reference it as ${secret.NAME}",
      "env API_TOKEN looks like a secret but holds a 6-character literal; declare it under parity:secrets and reference it as ${secret.NAME}",
      "env POSTGRES_USER_RLS_PASS looks like a secret but holds a placeholder; declare it under parity:secrets and reference it as ${secret.NAME}",
      "env REDIS_URL embeds a URL whose password is a 7-character literal; build it from a ${secret.NAME} reference",
    ]);
    expect(found.join("\n")).not.toMatch(/changeme|abc123|hunter2/);
  });
  it("rejects any secret in labels and on command lines, however strong", async () => {
    expect(await check({
      labels: [{ label: "backup.api_key", value: GENERATED }, { label: "db", value: `postgres://u:${GENERATED}@db/x` }],
      command: ["app", `--db-password=${GENERATED}`, "--token", GENERATED, `SECRET_KEY=${GENERATED}`],
      entrypoints: ["sh", "-c", `psql postgresql://u:${GENERATED}@db/x`],
    })).toEqual([
      "label backup.api_key looks like a secret; labels are readable by anyone who can inspect the container",
      "label db embeds a URL with a password; labels are readable by anyone who can inspect the container",
      "command[1] sets --db-password on the command line, where `docker inspect` and `ps` show it; pass secrets through env",
      "command[2] passes --token a value on the command line, where `docker inspect` and `ps` show it; pass secrets through env",
      "command[4] sets SECRET_KEY on the command line, where `docker inspect` and `ps` show it; pass secrets through env",
      "entrypoints[2] embeds a URL with a password, where `docker inspect` and `ps` show it; pass secrets through env",
    ]);
  });
  it("skips env entries still unknown during a preview (a secret generated in the same run)", async () => {
    expect(await check({ envs: [UNKNOWN_STRING, "API_TOKEN=short"] })).toEqual([
      "env API_TOKEN looks like a secret but holds a 5-character literal; declare it under parity:secrets and reference it as ${secret.NAME}",
    ]);
  });
});
