import { imagesPinned, unpinnedReason } from "../../../policy/images";
import { checkResource, UNKNOWN_STRING } from "./harness";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("policy images-pinned", () => {
  it("accepts version tags, git-SHA tags, digests and image IDs", () => {
    for (const ref of ["postgres:16.4-bookworm", "ghcr.io/ktrdr/ktrdr-backend:5e1c2a9", `redis@${DIGEST}`, "localhost:5000/app:1.2.3", DIGEST])
      expect({ ref, reason: unpinnedReason(ref) }).toEqual({ ref, reason: undefined });
  });
  it("rejects missing and floating tags, on RemoteImage names and Container images", async () => {
    expect(await checkResource(imagesPinned, { type: "docker:index/remoteImage:RemoteImage", props: { name: "grafana/grafana" } })).toEqual([
      "name: 'grafana/grafana' has no tag (Docker pulls :latest); pin a version tag such as postgres:16.4-bookworm, a git SHA, or @sha256:<digest>",
    ]);
    expect(await checkResource(imagesPinned, { type: "docker:index/container:Container", props: { image: "localhost:5000/app:latest" } })).toEqual([
      "image: 'localhost:5000/app:latest' uses the floating tag 'latest'; pin a version tag such as postgres:16.4-bookworm, a git SHA, or @sha256:<digest>",
    ]);
    expect(await checkResource(imagesPinned, { type: "docker:index/container:Container", props: { image: "redis@sha256:abc" } })).toEqual([
      "image: 'redis@sha256:abc' has a malformed digest; pin a version tag such as postgres:16.4-bookworm, a git SHA, or @sha256:<digest>",
    ]);
  });
  it("checks every container of an Azure Container App", async () => {
    const app = { template: { containers: [{ name: "a", image: "ghcr.io/x/a:1f2e3d4" }, { name: "b", image: "ghcr.io/x/b:main" }] } };
    expect(await checkResource(imagesPinned, { type: "azure-native:app:ContainerApp", props: app })).toEqual([
      "template.containers[1].image: 'ghcr.io/x/b:main' uses the floating tag 'main'; pin a version tag such as postgres:16.4-bookworm, a git SHA, or @sha256:<digest>",
    ]);
  });
  it("skips an image still unknown during a preview (a RemoteImage's ID)", async () => {
    expect(await checkResource(imagesPinned, { type: "docker:index/container:Container", props: { image: UNKNOWN_STRING } })).toEqual([]);
  });
});
