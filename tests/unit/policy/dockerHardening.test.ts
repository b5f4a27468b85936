import { dockerContainerHardening } from "../../../policy/dockerHardening";
import { hardeningInputs } from "../../../components/docker/dockerService";
import { checkResource, UNKNOWN_STRING } from "./harness";

const CONTAINER = "docker:index/container:Container";
const good = {
  capabilities: { drops: ["ALL"], adds: ["CHOWN"] },
  securityOpts: ["no-new-privileges:true"],
  logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3" },
  init: true, readOnly: true,
  labels: [{ label: "parity.capability.CHOWN", value: "chowns the data directory to postgres" }],
};
const check = (props: Record<string, unknown>) => checkResource(dockerContainerHardening, { type: CONTAINER, name: "db", props });

describe("policy docker-container-hardening", () => {
  it("accepts all capabilities dropped, reasoned additions, no-new-privileges, rotated logs, init and a read-only root", async () => {
    expect(await check(good)).toEqual([]);
  });
  it("reports each missing piece: the provider's defaults are none of these", async () => {
    expect(await check({ image: "x:1" })).toEqual([
      "capabilities are not dropped; set capabilities.drops to [\"ALL\"] and add back only what the image needs",
      "no-new-privileges is not set; add securityOpts [\"no-new-privileges:true\"]",
      "logs are not rotated; set logOpts max-size (e.g. 10m) and max-file (e.g. 3) from parity:containerLogs",
      "no init process; set init: true so orphaned children are reaped and signals forwarded",
      "the root filesystem is writable; set readOnly (with tmpfs for what the image writes) or label parity.writable-root with the reason",
    ]);
  });
  it("wants a reason per added capability and refuses adding ALL back", async () => {
    expect(await check({ ...good, capabilities: { drops: ["ALL"], adds: ["CAP_CHOWN", "SETUID", "ALL"] } })).toEqual([
      "adds capability SETUID without a reason; label parity.capability.SETUID with why the image needs it",
      "capabilities.adds contains ALL; add back single capabilities, each with its reason",
    ]);
  });
  it("allows a writable root only with a reason label", async () => {
    expect(await check({ ...good, readOnly: false, labels: [...good.labels, { label: "parity.writable-root", value: "files are uploaded before start" }] })).toEqual([]);
    expect(await check({ ...good, readOnly: false, labels: [...good.labels, { label: "parity.writable-root", value: "" }] })).toHaveLength(1);
  });
  it("does not judge values unknown during a preview", async () => {
    expect(await check({ ...good, logDriver: UNKNOWN_STRING, init: UNKNOWN_STRING })).toEqual([]);
  });
  it("passes what DockerService renders from a model", async () => {
    const h = hardeningInputs({
      capabilities: [{ add: "CHOWN", reason: "chowns the data directory" }], init: true, readOnlyRootFs: true, tmpfs: ["/tmp", "/var/run/postgresql"],
      logs: { maxSizeMb: 20, maxFiles: 5 },
    } as unknown as Parameters<typeof hardeningInputs>[0]);
    expect(h).toEqual({
      capabilities: { drops: ["ALL"], adds: ["CHOWN"] }, securityOpts: ["no-new-privileges:true"], logDriver: "json-file",
      logOpts: { "max-size": "20m", "max-file": "5" }, init: true, readOnly: true,
      tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m", "/var/run/postgresql": "rw,noexec,nosuid,size=64m" },
      labels: [{ label: "parity.capability.CHOWN", value: "chowns the data directory" }],
    });
    expect(await check(h as unknown as Record<string, unknown>)).toEqual([]);
  });
});
