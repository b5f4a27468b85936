import { construct, tree } from "../../../helpers/componentRun";

const secrets = { DB_PASSWORD: { generate: { length: 32, special: false } }, GHCR_TOKEN: { env: "GHCR_TOKEN" }, SMTP: { env: "SMTP_PASSWORD" } };
const stackSecrets = (args: unknown) => construct({ module: "components/secrets/stackSecrets", export: "StackSecrets", name: "secrets", args, outputs: ["values"] });

describe("StackSecrets", () => {
  it("generates a password per generate: source and wraps each env: source in a secret at once", async () => {
    const run = await stackSecrets({ secrets, environment: { GHCR_TOKEN: "tok", SMTP_PASSWORD: "smtp" } });
    expect(tree(run)).toEqual([
      ["parity:secrets:StackSecrets", "secrets", "parity-unit"],
      ["random:index/randomPassword:RandomPassword", "secrets-DB_PASSWORD", "secrets"],
    ]);
    const pw = run.one("secrets-DB_PASSWORD");
    expect(pw.inputs).toEqual({ length: 32, special: false });
    // The provider keeps the generated value secret in the state (the mock engine does not apply it to outputs).
    expect(pw.additionalSecretOutputs).toEqual(["bcryptHash", "result"]);
    expect(run.outputs["values"]).toEqual({
      DB_PASSWORD: { value: "mock-secrets-DB_PASSWORD-value", secret: false },
      GHCR_TOKEN: { value: "tok", secret: true },
      SMTP: { value: "smtp", secret: true },
    });
  });

  it("offline, an unset env: source becomes a named placeholder, still secret", async () => {
    const run = await stackSecrets({ secrets, environment: { GHCR_TOKEN: "tok" }, placeholderForMissing: true });
    expect(run.outputs["values"]).toMatchObject({ SMTP: { value: "<SMTP_PASSWORD from the environment>", secret: true } });
  });

  it("refuses an unset env: source otherwise, naming the secret and the variable", async () => {
    await expect(stackSecrets({ secrets, environment: { GHCR_TOKEN: "tok" } })).rejects.toThrow("secret SMTP: environment variable SMTP_PASSWORD is not set");
  });
});
