/** What the homelab end-to-end suite reads back out of a planned entrypoint: the files it installs. */
import { renderEntrypoint, type ProvisionBundle } from "../../../renderers/bundle";
import { installedFile, installedPaths } from "../../../tools/testbed/deploy/plan";

const bundle: ProvisionBundle = {
  name: "example",
  files: [
    // Long enough for several base64 lines, with bytes that need escaping in no shell.
    { path: "/etc/parity/nftables/guest.nft", content: `table inet t {\n${"  chain c { type filter hook input priority filter; policy drop; }\n".repeat(8)}}\n`, mode: "0644" },
    { path: "/etc/parity/nftables/guest.nft.d", content: "other file whose path starts like the first\n", mode: "0644" },
    { path: "/etc/empty", content: "", mode: "0600" },
  ],
  script: "true\n",
  secretEnv: [],
  packages: [],
  maskUnits: [],
};

describe("installedFile", () => {
  const entrypoint = renderEntrypoint(bundle);
  test("returns each embedded file's exact content, by exact path", () => {
    expect(installedPaths(entrypoint)).toEqual(bundle.files.map((f) => f.path));
    for (const f of bundle.files) expect({ path: f.path, content: installedFile(entrypoint, f.path) }).toEqual({ path: f.path, content: f.content });
  });
  test("is undefined for a path the entrypoint does not install", () => {
    expect(installedFile(entrypoint, "/etc/parity/nftables")).toBeUndefined();
  });
});
