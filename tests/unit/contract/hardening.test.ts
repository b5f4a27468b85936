import { ContractError, Problem } from "../../../contract/problems";
import { validateStackConfig } from "../../../targets";
import { buildModel } from "../../../targets";
import { rawStackConfig } from "../../helpers/stackConfig";

// These tests edit raw stack documents into shapes the config types forbid: `any` is their type.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access */
function problemsOf(raw: Record<string, any>): Problem[] {
  try {
    validateStackConfig(raw, "lifebuddy");
  } catch (e) {
    if (e instanceof ContractError) return [...e.problems];
    throw e;
  }
  return [];
}

describe("container hardening in the contract", () => {
  it("hardens by default: read-only root with /tmp, init, rotated logs; capabilities only as declared", () => {
    const model = buildModel(validateStackConfig(rawStackConfig("lifebuddy"), "lifebuddy"), "lifebuddy");
    const by = (n: string) => model.containers.find((c) => c.name === n)!;
    expect(by("cognitive-engine")).toMatchObject({ readOnlyRootFs: true, tmpfs: ["/tmp"], init: true, capabilities: [], logs: { maxSizeMb: 10, maxFiles: 3 } });
    expect(by("db").capabilities.map((g) => g.add)).toEqual(["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID"]);
    expect(by("db")).toMatchObject({ readOnlyRootFs: false, writableRootReason: expect.stringContaining("docker-entrypoint-initdb.d") });
  });

  it("explains a writable root, refuses uploads into a read-only one, and names unknown capabilities", () => {
    const raw = rawStackConfig("lifebuddy") as Record<string, any>;
    raw["services"][1]["capabilities"] = [{ add: "SYS_ADMIN", reason: "mount filesystems inside" }];
    raw["services"][2]["capabilities"] = [{ add: "CHOWN", reason: "x" }];
    raw["containerLogs"] = { maxSizeMb: 0 };
    const p = problemsOf(raw).map((x) => `${x.path}: ${x.problem} | ${x.allowed}`);
    expect(p).toEqual(expect.arrayContaining([
      expect.stringMatching(/^parity:services\[1\]\.capabilities\[0\]\.add: .*\| .*CHOWN/),
      expect.stringMatching(/^parity:services\[2\]\.capabilities\[0\]\.reason: .*\| at least 10 characters/),
      expect.stringMatching(/^parity:containerLogs\.maxSizeMb: /),
    ]));
    const writable = rawStackConfig("lifebuddy") as Record<string, any>;
    delete writable["services"][0]["writableRootReason"];
    expect(problemsOf(writable).map((x) => `${x.path}: ${x.problem}`)).toEqual(["parity:services[0].writableRootReason: missing: readOnlyRootFs is false without a reason"]);
    const ro = rawStackConfig("lifebuddy") as Record<string, any>;
    ro["services"][0]["readOnlyRootFs"] = true;
    delete ro["services"][0]["writableRootReason"];
    expect(problemsOf(ro).map((x) => x.path)).toEqual(["parity:services[0].readOnlyRootFs"]);
  });
});
