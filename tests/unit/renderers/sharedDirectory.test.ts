import { renderNfsExport } from "../../../renderers/nfsServer";
import { extractSharedDirectoryScript, renderSharedDirectoryScript } from "../../../renderers/sharedDirectory";

describe("shared directory on the node", () => {
  const spec = { path: "/srv/ktrdr-shared", ownerUid: 101000, ownerGid: 101000 };

  test("setgid, owner and group only, repaired on every run; never world-writable", () => {
    const s = renderSharedDirectoryScript(spec);
    expect(s).toContain("install -d -m 2770 -o 101000 -g 101000 /srv/ktrdr-shared");
    expect(s).toContain("chown 101000:101000 /srv/ktrdr-shared");
    expect(s).toContain(`[ "$(stat -c '%a' /srv/ktrdr-shared)" = "2770" ] || chmod 2770 /srv/ktrdr-shared`);
    expect(s).not.toMatch(/77[67]|o\+w|a\+w/);
    expect(() => renderSharedDirectoryScript({ ...spec, path: "srv/x" })).toThrow(/absolute/);
  });

  test("both node scripts carry exactly that part, which the test bed extracts", () => {
    const single = renderNfsExport({ name: "s", exportPath: spec.path, clients: [], ownerUid: 101000, ownerGid: 101000 });
    const nfs = renderNfsExport({ name: "s", exportPath: spec.path, clients: ["192.0.2.2"], ownerUid: 101000, ownerGid: 101000 });
    for (const b of [single, nfs]) expect(extractSharedDirectoryScript(b.script)).toBe(renderSharedDirectoryScript(spec) + "\n");
    expect(nfs.files[0]!.content).toContain("all_squash,anonuid=101000,anongid=101000");
  });
});
