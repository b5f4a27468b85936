import { containerNetworks, internalNetworksPairwise } from "../../../policy/networks";
import { checkResource, checkStack, TestResource } from "./harness";

const CONTAINER = "docker:index/container:Container";
const NETWORK = "docker:index/network:Network";
const engine = { type: "pulumi:providers:docker", name: "core-docker-provider", urn: "urn:provider:core", props: {} };

function container(name: string, networks: readonly string[], label?: string): TestResource {
  return {
    type: CONTAINER, name, provider: engine,
    props: { name, networksAdvanced: networks.map((n) => ({ name: n, aliases: [name] })), labels: label === undefined ? [] : [{ label: "parity.networks", value: label }] },
  };
}
const network = (name: string, internal: boolean): TestResource => ({ type: NETWORK, name, provider: engine, props: { name, internal } });

describe("policy container-networks-from-flows", () => {
  it("accepts exactly the labelled networks, one network without a label, and no network at all", async () => {
    expect(await checkResource(containerNetworks, container("backend", ["p--backend--db", "p--backend--edge"], "p--backend--edge,p--backend--db"))).toEqual([]);
    expect(await checkResource(containerNetworks, container("app", ["p"]))).toEqual([]);
    expect(await checkResource(containerNetworks, { type: CONTAINER, name: "batch", props: { networkMode: "none" } })).toEqual([]);
  });
  it("rejects networks beyond the label, labelled networks not joined, and several networks without a label", async () => {
    expect(await checkResource(containerNetworks, container("app", ["p--app--broker", "p--db--engine"], "p--app--broker,p--app--engine"))).toEqual([
      "joins p--db--engine, which its flows do not need (label parity.networks: p--app--broker, p--app--engine)",
      "does not join p--app--engine, which label parity.networks declares",
    ]);
    expect(await checkResource(containerNetworks, container("app", ["front", "core"]))).toEqual([
      "joins 2 networks (front, core) but declares none in label parity.networks; without it a container joins one network at most",
    ]);
  });
  it("never allows host networking or sharing another container's network stack", async () => {
    expect(await checkResource(containerNetworks, { type: CONTAINER, props: { networkMode: "host" } })).toEqual([
      "networkMode 'host' bypasses every network boundary; join the Docker networks its flows need instead",
    ]);
    expect(await checkResource(containerNetworks, { type: CONTAINER, props: { networkMode: "container:db" } })).toEqual([
      "networkMode 'container:db' shares another container's network stack; give it its own networks",
    ]);
  });
});

describe("policy internal-networks-pairwise", () => {
  it("accepts flow networks of two containers and edge networks of one", async () => {
    const stack = [network("p--app--db", true), network("p--app--edge", false), container("app", ["p--app--db", "p--app--edge"]), container("db", ["p--app--db"])];
    expect(await checkStack(internalNetworksPairwise, stack)).toEqual([]);
  });
  it("rejects an internal network a third container joins", async () => {
    const stack = [network("p--app--db", true), container("app", ["p--app--db"]), container("db", ["p--app--db"]), container("llm", ["p--app--db"])];
    expect(await checkStack(internalNetworksPairwise, stack)).toEqual(["internal network p--app--db joins 3 containers (app, db, llm); a flow network connects exactly two"]);
  });
  it("counts members per Docker engine: the same name on two hosts is two networks", async () => {
    const other = { ...engine, urn: "urn:provider:workers" };
    const stack = [network("p--a--b", true), { ...network("p--a--b", true), provider: other }, container("a", ["p--a--b"]), container("b", ["p--a--b"]), { ...container("c", ["p--a--b"]), provider: other }];
    expect(await checkStack(internalNetworksPairwise, stack)).toEqual([]);
  });
});
