import { ContractError } from "../../../contract/problems";
import { validateStackConfig } from "../../../targets";
import { bundleHash, encodeSecretStdin } from "../../../renderers/bundle";
import { renderFirstbootWait } from "../../../renderers/firstbootWait";
import { planStack } from "../../helpers/planStack";
import { rawStackConfig } from "../../helpers/stackConfig";

const FILE = "debian-12-parity-stock-analysis-stock-analysis_20261123-4641b22_amd64.tar.gz";
const SHA = "a".repeat(64);

describe("a guest created from a template built by `npm run build:template`", () => {
  it("uploads the archive to the node's template storage, creates the guest from it, waits for first boot, then provisions", async () => {
    const p = await planStack("stock-analysis", (v) => {
      (v["parity:hosts"] as Record<string, unknown>[])[0]!["template"] = { built: { path: `.parity/templates/${FILE}`, sha256: SHA } };
    });
    expect(p.byType("proxmoxve:download/file:File")).toEqual([]);
    const upload = p.one("proxmoxve:index/fileLegacy:FileLegacy", "stock-analysis-template-file");
    expect(upload.inputs).toEqual({
      nodeName: "pve", datastoreId: "local", contentType: "vztmpl", overwrite: false, timeoutUpload: 1800,
      sourceFile: { path: `.parity/templates/${FILE}`, fileName: FILE, checksum: SHA },
    });
    expect(upload.retainOnDelete).toBe(true);
    const lxc = p.one("proxmoxve:index/containerLegacy:ContainerLegacy", "stock-analysis-lxc");
    expect((lxc.inputs["operatingSystem"] as { templateFileId: string }).templateFileId).toBe(`local:vztmpl/${FILE}`);

    const wait = p.one("command:remote:Command", "stock-analysis-firstboot-run");
    const names = ["PARITY_SECRET_PG_STOCK_ANALYSIS_PASSWORD", "PARITY_SECRET_RABBIT_ADMIN_PASSWORD", "PARITY_SECRET_RABBIT_APP_PASSWORD", "PARITY_SECRET_REDIS_PASSWORD"];
    expect(wait.rawInputs["triggers"]).toEqual([bundleHash(renderFirstbootWait(names))]);
    expect(wait.rawInputs["stdin"]).toBe(encodeSecretStdin({
      PARITY_SECRET_PG_STOCK_ANALYSIS_PASSWORD: "mock-secrets-pgStockAnalysisPassword-value",
      PARITY_SECRET_RABBIT_ADMIN_PASSWORD: "mock-secrets-rabbitAdminPassword-value",
      PARITY_SECRET_RABBIT_APP_PASSWORD: "mock-secrets-rabbitAppPassword-value",
      PARITY_SECRET_REDIS_PASSWORD: "mock-secrets-redisPassword-value",
    }));
    expect(p.one("parity:remote:ProvisionStep", "stock-analysis-firstboot").dependencies).toEqual([lxc.urn]);
    expect(p.one("parity:remote:ProvisionStep", "stock-analysis-bootstrap").dependencies).toEqual(
      expect.arrayContaining([p.one("command:remote:Command", "stock-analysis-firstboot-run").urn]),
    );
  });

  it("is refused when the archive was built for another guest or stack", () => {
    const raw = rawStackConfig("stock-analysis");
    (raw["hosts"] as Record<string, unknown>[])[0]!["template"] = { built: { path: ".parity/templates/debian-12-parity-homelab-core_20261123-x_amd64.tar.gz", sha256: SHA } };
    expect(() => validateStackConfig(raw, "stock-analysis")).toThrow(ContractError);
    expect(() => validateStackConfig(raw, "stock-analysis")).toThrow(
      /parity:hosts\[0\]\.template\.built\.path: 'debian-12-parity-homelab-core_20261123-x_amd64\.tar\.gz' was not built for guest 'stock-analysis' of stack 'stock-analysis'/,
    );
  });
});
