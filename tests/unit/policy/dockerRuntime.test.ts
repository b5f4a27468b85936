import { dockerServiceRuntime, runsAsRoot } from "../../../policy/dockerRuntime";
import { checkResource, UNKNOWN_STRING } from "./harness";

const CONTAINER = "docker:index/container:Container";
const good = {
  memory: 512, cpus: "0.5", restart: "unless-stopped", user: "1000:1000",
  healthcheck: { tests: ["CMD", "curl", "-fsS", "http://localhost:8000/health"], interval: "30s" },
};
const check = (props: Record<string, unknown>) => checkResource(dockerServiceRuntime, { type: CONTAINER, name: "app", props });

describe("policy docker-service-runtime", () => {
  it("accepts limits, a health check, a restart policy and a non-root user", async () => {
    expect(await check(good)).toEqual([]);
  });
  it("reports each missing piece, with the provider's defaults spelled out", async () => {
    expect(await check({ image: "x:1" })).toEqual([
      "no memory limit; set memory (MiB) so one container cannot starve its host",
      "no CPU limit; set cpus (e.g. \"1.5\")",
      "no health check; declare healthcheck.test so restarts and dependants can tell a live service from a hung one",
      "restart policy is unset (the provider default is 'no'); use unless-stopped, always or on-failure",
      "runs as root (user unset); set a non-root user, or label parity.allow-root with the reason",
    ]);
    expect(await check({ ...good, restart: "no", healthcheck: { tests: ["NONE"] }, user: "0:0" })).toEqual([
      "no health check; declare healthcheck.test so restarts and dependants can tell a live service from a hung one",
      "restart policy is 'no'; use unless-stopped, always or on-failure",
      "runs as root (user '0:0'); set a non-root user, or label parity.allow-root with the reason",
    ]);
  });
  it("allows root only with a parity.allow-root label that gives a reason", async () => {
    const root = { ...good, user: undefined };
    expect(await check({ ...root, labels: [{ label: "parity.allow-root", value: "entrypoint chowns the data dir, then drops to postgres" }] })).toEqual([]);
    expect(await check({ ...root, labels: [{ label: "parity.allow-root", value: "" }] })).toEqual([
      "runs as root (user unset); set a non-root user, or label parity.allow-root with the reason",
    ]);
  });
  it("treats uid 0 and the name root as root, whatever the group", () => {
    expect(["0", "root", "root:1000", "0:1000", "", undefined, "1000", "65534:65534"].map(runsAsRoot)).toEqual([true, true, true, true, true, true, false, false]);
  });
  it("does not judge values unknown during a preview", async () => {
    expect(await check({ ...good, user: UNKNOWN_STRING, restart: UNKNOWN_STRING })).toEqual([]);
  });
});
