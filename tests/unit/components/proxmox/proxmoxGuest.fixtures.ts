/** Values proxmoxGuest.test.ts and its program share (no SDK here: the test file must not load it). */
export const SSH = { host: "192.168.1.50", user: "root" };
export const BUILT = { path: "/var/tmp/t.tar.gz", fileName: "t.tar.gz", sha256: "ab".repeat(32), datastore: "local" };
