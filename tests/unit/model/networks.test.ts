import { deriveNetworks } from "../../../model/networks";

const m = (name: string, extra: Partial<{ host: string; flowName: string; publishes: boolean; egress: boolean }> = {}) => ({
  name, host: "local", flowName: name, publishes: false, egress: false, ...extra,
});

describe("networks derived from flows", () => {
  it("put two containers on one network exactly when a flow connects them (LifeBuddy's flows)", () => {
    const members = [m("app", { publishes: true }), m("message-broker"), m("engine"), m("db"), m("ollama", { egress: true })];
    const flows = [
      { from: "app", to: "message-broker", port: 6379 }, { from: "app", to: "engine", port: 8001 },
      { from: "engine", to: "db", port: 5432 }, { from: "engine", to: "ollama", port: 11434 }, { from: "engine", to: "message-broker", port: 6379 },
    ];
    expect(deriveNetworks("lb", members, flows)).toEqual([
      { name: "parity-lb--app--edge", host: "local", internal: false, members: ["app"] },
      { name: "parity-lb--app--engine", host: "local", internal: true, members: ["app", "engine"] },
      { name: "parity-lb--app--message-broker", host: "local", internal: true, members: ["app", "message-broker"] },
      { name: "parity-lb--db--engine", host: "local", internal: true, members: ["db", "engine"] },
      { name: "parity-lb--engine--message-broker", host: "local", internal: true, members: ["engine", "message-broker"] },
      { name: "parity-lb--engine--ollama", host: "local", internal: true, members: ["engine", "ollama"] },
      { name: "parity-lb--ollama--edge", host: "local", internal: false, members: ["ollama"] },
    ]);
  });

  it("expand flows to worker pools into each replica on the same host, and skip cross-host pairs", () => {
    const members = [m("backend", { host: "core" }), m("w-1", { host: "b", flowName: "w" }), m("w-2", { host: "core", flowName: "w" })];
    expect(deriveNetworks("s", members, [{ from: "w", to: "backend", port: 8000 }])).toEqual([
      { name: "parity-s--backend--w-2", host: "core", internal: true, members: ["backend", "w-2"] },
    ]);
  });

  it("fall back to one shared network per host without flows", () => {
    expect(deriveNetworks("s", [m("a", { host: "h1" }), m("b", { host: "h1" }), m("c", { host: "h2" })], undefined)).toEqual([
      { name: "parity-s", host: "h1", internal: false, members: ["a", "b"] },
      { name: "parity-s", host: "h2", internal: false, members: ["c"] },
    ]);
  });
});
