import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleHash, encodeSecretStdin, ProvisionBundle, writeBundle } from "../../../renderers/bundle";

function bundleIn(dir: string, content = "a=1\n"): ProvisionBundle {
  return {
    name: "demo",
    files: [{ path: join(dir, "etc/demo.conf"), content, mode: "0640" }],
    script: `echo "changed:\${PARITY_CHANGED_FILES//$'\\n'/,}"; echo "token-length:\${#DEMO_TOKEN}"`,
    secretEnv: ["DEMO_TOKEN"],
    packages: [],
    maskUnits: [],
  };
}

describe("provision bundles (run with real bash)", () => {
  it("install files once, report changes, pass secrets on stdin only, and change nothing on a second run", () => {
    const dir = mkdtempSync(join(tmpdir(), "parity-bundle-"));
    const b = bundleIn(dir);
    const entry = writeBundle(b, join(dir, "step"));
    const run = () => execFileSync("bash", [entry], { input: encodeSecretStdin({ DEMO_TOKEN: "s3cret value\nwith newline" }), encoding: "utf8" });
    const first = run();
    expect(first).toBe(`changed:${join(dir, "etc/demo.conf")},\ntoken-length:25\n`);
    expect(readFileSync(join(dir, "etc/demo.conf"), "utf8")).toBe("a=1\n");
    expect((statSync(join(dir, "etc/demo.conf")).mode & 0o777).toString(8)).toBe("640");
    expect(run()).toBe("changed:\ntoken-length:25\n");
    expect(readFileSync(entry, "utf8")).not.toContain("s3cret");
  });

  it("refuse to run without a declared secret", () => {
    const dir = mkdtempSync(join(tmpdir(), "parity-bundle-"));
    const entry = writeBundle(bundleIn(dir), join(dir, "step"));
    expect(() => execFileSync("bash", [entry], { input: "", stdio: "pipe" })).toThrow(/secret DEMO_TOKEN was not provided on stdin/);
  });

  it("carry the changes of a run whose script failed into the next run", () => {
    const dir = mkdtempSync(join(tmpdir(), "parity-bundle-"));
    const flag = join(dir, "fail");
    const b: ProvisionBundle = {
      name: "flaky",
      files: [{ path: join(dir, "etc/a.conf"), content: "x\n", mode: "0644" }],
      script: `echo "changed:\${PARITY_CHANGED_FILES//$'\\n'/,}"; [ ! -e ${flag} ]`,
      secretEnv: [],
      packages: [],
      maskUnits: [],
    };
    const entry = writeBundle(b, join(dir, "step"));
    execFileSync("touch", [flag]);
    expect(() => execFileSync("bash", [entry], { stdio: "pipe" })).toThrow();
    execFileSync("rm", [flag]);
    expect(execFileSync("bash", [entry], { encoding: "utf8" })).toBe(`changed:${join(dir, "etc/a.conf")},\n`);
    expect(execFileSync("bash", [entry], { encoding: "utf8" })).toBe("changed:\n");
  });

  it("refuse names on stdin that the bundle did not declare", () => {
    const dir = mkdtempSync(join(tmpdir(), "parity-bundle-"));
    const entry = writeBundle(bundleIn(dir), join(dir, "step"));
    const input = encodeSecretStdin({ DEMO_TOKEN: "t", LD_PRELOAD: "/tmp/evil.so" });
    expect(() => execFileSync("bash", [entry], { input, stdio: "pipe" })).toThrow(/unexpected name LD_PRELOAD on stdin/);
  });

  it("hash every byte that matters and nothing else", () => {
    const a = bundleIn("/x");
    expect(bundleHash(a)).toBe(bundleHash(bundleIn("/x")));
    expect(bundleHash(a)).not.toBe(bundleHash(bundleIn("/x", "a=2\n")));
    expect(bundleHash(a)).not.toBe(bundleHash({ ...a, files: [{ ...a.files[0]!, mode: "0600" }] }));
  });
});
