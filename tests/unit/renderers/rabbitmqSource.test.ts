import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderRabbit } from "../../../renderers/rabbitmq";
import { RABBITMQ_TEAM_KEY_FINGERPRINT } from "../../../renderers/rabbitmq/aptSource";
import { rabbitSpec } from "../../fixtures/serviceSpecs";
import { fileOf, lines } from "./secrets";

describe("RabbitMQ package source", () => {
  test("default: Debian's rabbitmq-server, no third-party repository", () => {
    const b = renderRabbit(rabbitSpec());
    expect(b.files.map((f) => f.path)).toEqual(["/etc/rabbitmq/rabbitmq.conf", "/etc/parity/rabbitmq/definitions.json"]);
    expect(b.script).toContain("\nensure_packages rabbitmq-server\n");
    expect(b.script).not.toContain("rabbitmq.com");
  });

  describe("Team RabbitMQ's repository", () => {
    const b = renderRabbit({ ...rabbitSpec(), source: { kind: "rabbitmq", version: "3.13.*", erlangVersion: "1:26.*" } });

    test("sources name only the pinned keyring, both mirrors, bookworm builds", () => {
      expect(lines(fileOf(b, "/etc/parity/rabbitmq/apt-sources.list").content).filter((l) => l.startsWith("deb"))).toEqual([
        "deb [arch=amd64 signed-by=/usr/share/keyrings/com.rabbitmq.team.gpg] https://deb1.rabbitmq.com/rabbitmq-erlang/debian/bookworm bookworm main",
        "deb [arch=amd64 signed-by=/usr/share/keyrings/com.rabbitmq.team.gpg] https://deb2.rabbitmq.com/rabbitmq-erlang/debian/bookworm bookworm main",
        "deb [arch=amd64 signed-by=/usr/share/keyrings/com.rabbitmq.team.gpg] https://deb1.rabbitmq.com/rabbitmq-server/debian/bookworm bookworm main",
        "deb [arch=amd64 signed-by=/usr/share/keyrings/com.rabbitmq.team.gpg] https://deb2.rabbitmq.com/rabbitmq-server/debian/bookworm bookworm main",
      ]);
    });

    test("preferences pin the versions above Debian's builds", () => {
      expect(fileOf(b, "/etc/parity/rabbitmq/apt-preferences").content).toContain(
        "Package: rabbitmq-server\nPin: version 3.13.*\nPin-Priority: 1001\n\nPackage: erlang*\nPin: version 1:26.*\nPin-Priority: 1001\n",
      );
      const unpinned = renderRabbit({ ...rabbitSpec(), source: { kind: "rabbitmq" } });
      expect(fileOf(unpinned, "/etc/parity/rabbitmq/apt-preferences").content).toContain("Package: rabbitmq-server\nPin: origin deb1.rabbitmq.com\nPin-Priority: 1001\n");
    });

    test("the script installs the key only by its fingerprint, stages the sources after it, and never downgrades", () => {
      expect(RABBITMQ_TEAM_KEY_FINGERPRINT).toBe("0A9AF2115F4687BD29803A206B73A36E6026DFCA");
      expect(b.script).toContain("RABBIT_KEY_FPR='0A9AF2115F4687BD29803A206B73A36E6026DFCA'");
      expect(b.script).toContain("curl -fsSL --proto '=https' --tlsv1.2 -o \"$key_tmp/key.asc\" 'https://keys.openpgp.org/vks/v1/by-fingerprint/0A9AF2115F4687BD29803A206B73A36E6026DFCA'");
      expect(b.script.indexOf("install -m 0644 \"$key_tmp/keyring.gpg\"")).toBeLessThan(b.script.indexOf('install -m 0644 "${pair%%:*}" "${pair#*:}"'));
      expect(b.script).toContain('dpkg --compare-versions "$installed_version" lt 3.12');
      expect(b.script).toMatch(/RABBIT_PACKAGES=\(erlang-base .* rabbitmq-server\)/);
      // Through the array: the template builder must not pre-install Debian's 3.10 instead.
      expect(b.script).toContain('ensure_packages "${RABBIT_PACKAGES[@]}"');
      expect(b.script).not.toMatch(/^ensure_packages [^"]*rabbitmq-server/m);
      expect(spawnSync("bash", ["-n"], { input: b.script }).status).toBe(0);
    });
  });

  test("the fingerprint check accepts only the pinned key (real gpg, throwaway keys)", () => {
    const script = renderRabbit({ ...rabbitSpec(), source: { kind: "rabbitmq" } }).script;
    const fn = script.split("\n").find((l) => l.startsWith("key_fingerprints()"))!;
    const home = mkdtempSync(join(tmpdir(), "parity-gpg-"));
    try {
      const gpg = (...args: string[]) => execFileSync("gpg", ["--homedir", home, "--batch", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      gpg("--passphrase", "", "--quick-gen-key", "Parity Test <test@example.invalid>", "ed25519", "sign", "never");
      const fpr = gpg("--with-colons", "--list-keys").split("\n").find((l) => l.startsWith("fpr:"))!.split(":")[9]!;
      writeFileSync(join(home, "key.asc"), gpg("--armor", "--export", fpr));
      const seen = execFileSync("bash", ["-c", `${fn}\nkey_fingerprints "$1"`, "_", join(home, "key.asc")], { encoding: "utf8", env: { ...process.env, GNUPGHOME: home } }).trim();
      expect(seen).toBe(fpr);
      expect(seen).not.toBe(RABBITMQ_TEAM_KEY_FINGERPRINT);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
