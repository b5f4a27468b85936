import type { ProvisionBundle } from "../../../../renderers/bundle";
import { bundleHash, encodeSecretStdin, renderEntrypoint } from "../../../../renderers/bundle";
import { construct, secret, tree } from "../../../helpers/componentRun";

const bundle: ProvisionBundle = {
  name: "postgresql",
  files: [{ path: "/etc/postgresql/16/main/conf.d/parity.conf", mode: "0644", content: "listen_addresses = '127.0.0.1'\n" }],
  script: "systemctl restart postgresql\n",
  secretEnv: ["DB_PASSWORD"],
  packages: ["postgresql-15"],
  maskUnits: [],
};
const connection = { host: "10.0.0.2", user: "root", privateKey: secret("KEY") };
const COPY = "urn:pulumi:unit::parity::parity:remote:ProvisionStep$command:remote:CopyToRemote::core-postgres-copy";
const step = (args: unknown, outputs = ["hash"]) => construct({ module: "components/remote/provisionStep", export: "ProvisionStep", name: "core-postgres", args, outputs });

describe("ProvisionStep", () => {
  it("copies the bundle's entrypoint, then runs it with the secrets on stdin, both re-run only by the bundle's hash", async () => {
    const run = await step({ connection, bundle, secrets: { DB_PASSWORD: secret("pw") } });
    const hash = bundleHash(bundle);
    expect(tree(run)).toEqual([
      ["parity:remote:ProvisionStep", "core-postgres", "parity-unit"],
      ["command:remote:CopyToRemote", "core-postgres-copy", "core-postgres"],
      ["command:remote:Command", "core-postgres-run", "core-postgres"],
    ]);
    const copy = run.one("core-postgres-copy");
    expect(copy.inputs).toEqual({ connection: "[secret]", source: { asset: { text: renderEntrypoint(bundle) } }, remotePath: "/var/lib/parity/steps/postgresql/entrypoint.sh", triggers: [hash] });
    expect(copy.secretInputs).toEqual(["connection"]);

    const cmd = run.one("core-postgres-run");
    expect(cmd.inputs).toEqual({
      connection: "[secret]",
      create: "bash /var/lib/parity/steps/postgresql/entrypoint.sh",
      stdin: "[secret]",
      triggers: [hash],
      // A step that holds secrets keeps a failing tool's output out of the logs.
      logging: "none",
      addPreviousOutputInEnv: false,
    });
    expect(cmd.secretInputs).toEqual(["connection", "stdin"]);
    expect(cmd.rawInputs["stdin"]).toBe(encodeSecretStdin({ DB_PASSWORD: "pw" }));
    expect(cmd.rawInputs["connection"]).toEqual({ host: "10.0.0.2", user: "root", privateKey: "KEY", dialErrorLimit: 10, perDialTimeout: 15, port: 22 });
    expect(cmd.additionalSecretOutputs).toEqual(["stdout", "stderr", "connection"]);
    expect(cmd.dependencies).toEqual([COPY]);
    expect(run.outputs["hash"]).toBe(hash);
  });

  it("without secrets: no stdin, its output in the logs, its outputs not secret", async () => {
    const plain = { ...bundle, secretEnv: [] };
    const run = await step({ connection, bundle: plain });
    const cmd = run.one("core-postgres-run");
    expect(cmd.inputs).toEqual({ connection: "[secret]", create: "bash /var/lib/parity/steps/postgresql/entrypoint.sh", triggers: [bundleHash(plain)], logging: "stdoutAndStderr", addPreviousOutputInEnv: false });
    // The provider's own: the connection stays secret.
    expect(cmd.additionalSecretOutputs).toEqual(["connection"]);
  });

  it("refuses a bundle whose secret env has no value", async () => {
    await expect(step({ connection, bundle, secrets: {} })).rejects.toThrow("ProvisionStep core-postgres: no value for secret env DB_PASSWORD");
  });
});
