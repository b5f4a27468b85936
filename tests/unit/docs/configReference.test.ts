import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderConfigReference, schemaJsDoc } from "../../../tools/configReference";
import { ROOT } from "../../helpers/stackConfig";

describe("docs/CONFIG.md", () => {
  it("is what `npm run docs:config` generates from the current schema (run it after changing contract/schema)", () => {
    const committed = readFileSync(join(ROOT, "docs/CONFIG.md"), "utf8");
    const fresh = renderConfigReference();
    // Compare line sets first so a stale file names the keys that changed, then the whole text.
    const a = new Set(committed.split("\n"));
    const b = new Set(fresh.split("\n"));
    expect({ onlyInFile: [...a].filter((l) => !b.has(l)), onlyInSchema: [...b].filter((l) => !a.has(l)) }).toEqual({ onlyInFile: [], onlyInSchema: [] });
    expect(committed).toBe(fresh);
  });

  it("documents keys with type, requiredness, default, allowed values and the schema's JSDoc", () => {
    const text = renderConfigReference();
    expect(text).toContain("| `parity:logLevel` | string | no | `\"INFO\"` | `DEBUG`, `INFO`, `WARNING`, `ERROR` |");
    expect(text).toContain("| `parity:hosts[].vmid` | integer | yes |  | 100–999999999 | Fixed VMID; fixed VMIDs are replaced delete-first because Proxmox will not hold two. |");
    // A key spread from the shared container fields gets that object's JSDoc.
    expect(text).toContain("| `parity:workers[].image` | string | yes |  | pattern `^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$` | Key of `parity:images`. |");
  });

  it("reads JSDoc per declaring object, so equal key names keep their own text", () => {
    const docs = schemaJsDoc();
    expect(docs.get("workerPool.hosts")).toBe("Hosts the replicas are spread over, round-robin in this order (replica 1 on the first).");
    expect(docs.get("sharedStorage.hosts")).toMatch(/^Hosts \(by name\) that mount it\./);
    expect(docs.get("proxmoxSettings.network.subnet")).toBe("The LAN the guests live on; static addresses and the gateway must be inside it.");
  });
});
