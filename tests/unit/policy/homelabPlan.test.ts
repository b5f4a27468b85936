import { policies } from "../../../policy/policies";
import { planStack } from "../../helpers/planStack";
import { fromRecorded, runPack, TestResource } from "./harness";

/**
 * Findings on today's homelab plan that need a change outside the policy pack (see the pack's
 * README section): the program does not yet state `parity.allow-root` (db's allowRoot) or
 * `parity.networks` (each container's flow-derived networks) as container labels, and the
 * homelab config gives jaeger no health check. Each line disappears when its cause is fixed;
 * then this list must shrink to [] — the test fails on any difference, in either direction.
 */
/** Findings the stack itself still has; none: the homelab plan is compliant. */
const PENDING_OUTSIDE_THE_PACK: string[] = [];

let resources: TestResource[];
beforeAll(async () => {
  resources = fromRecorded((await planStack("homelab")).resources);
});

/** The plan's resources with one resource's recorded inputs or options changed, as a bad edit of code would. */
function mutate(name: string, change: (r: TestResource) => TestResource): TestResource[] {
  expect(resources.filter((r) => r.name === name)).toHaveLength(1);
  return resources.map((r) => (r.name === name ? change(JSON.parse(JSON.stringify(r)) as TestResource) : r));
}

describe("the policy pack on the real homelab plan", () => {
  it("is twelve policies with unique names", () => {
    expect(policies.map((p) => p.name)).toEqual([
      "lxc-unprivileged", "lxc-features-only-for-docker", "images-pinned", "no-plain-secrets", "stateful-resources-protected",
      "docker-service-runtime", "docker-container-hardening", "container-networks-from-flows", "internal-networks-pairwise", "azure-secrets-from-key-vault",
      "azure-ingress-restricted", "azure-environment-internal",
    ]);
  });

  it("finds nothing beyond the listed pending changes in every resource the homelab plan creates", async () => {
    expect(resources.length).toBeGreaterThan(50);
    expect(await runPack(policies, resources)).toEqual(PENDING_OUTSIDE_THE_PACK);
  });

  it("flags exactly one violation when a pulled image's tag becomes latest", async () => {
    const edited = mutate("core-docker-image-grafana", (r) => ({ ...r, props: { ...r.props, name: "grafana/grafana:latest" } }));
    const found = await runPack(policies, edited);
    expect(found.filter((v) => !PENDING_OUTSIDE_THE_PACK.includes(v))).toEqual([
      "images-pinned  core-docker-image-grafana: name: 'grafana/grafana:latest' uses the floating tag 'latest'; pin a version tag such as postgres:16.4-bookworm, a git SHA, or @sha256:<digest>",
    ]);
  });

  it("flags exactly one violation when the stateful guest loses Pulumi protect", async () => {
    const found = await runPack(policies, mutate("core-lxc", (r) => ({ ...r, protect: false })));
    expect(found.filter((v) => !PENDING_OUTSIDE_THE_PACK.includes(v))).toEqual([
      "stateful-resources-protected  core-lxc: protection: true in Proxmox but the resource is not Pulumi-protected; set the `protect` resource option (a replacement would fail half-way)",
    ]);
  });

  it("flags exactly one violation when a worker guest loses its Docker features", async () => {
    const found = await runPack(policies, mutate("workers-c-lxc", (r) => ({ ...r, props: { ...r.props, features: undefined } })));
    expect(found.filter((v) => !PENDING_OUTSIDE_THE_PACK.includes(v))).toEqual([
      "lxc-features-only-for-docker  workers-c-lxc: a Docker provider targets this guest, but Docker in an unprivileged LXC needs features nesting and keyctl",
    ]);
  });
});
