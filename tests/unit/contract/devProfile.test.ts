import { contractProblems } from "../../helpers/contractProblems";
import { rawStackConfig } from "../../helpers/stackConfig";

// These tests edit raw stack documents into shapes the config types forbid: `any` is their type.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access */
type Raw = Record<string, any>;
const problems = (raw: Raw): string[] => contractProblems(raw);
const devLifebuddy = (): Raw => {
  const raw = rawStackConfig("lifebuddy") as Raw;
  raw["profile"] = "dev";
  raw["environment"] = "dev";
  return raw;
};

describe("the dev profile's ports and source mounts", () => {
  test("the stacks as committed are valid, lifebuddy also in its dev profile", () => {
    expect(problems(rawStackConfig("local"))).toEqual([]);
    expect(problems(devLifebuddy())).toEqual([]);
  });

  test("refused on a production environment", () => {
    const raw = rawStackConfig("lifebuddy") as Raw;
    raw["profile"] = "dev";
    expect(problems(raw)).toEqual([expect.stringMatching(/^parity:profile: is 'dev' on environment 'production'/)]);
  });

  test("a dev port clashes with another host port like any port, only in the dev profile", () => {
    const raw = devLifebuddy();
    raw["services"].find((s: Raw) => s.name === "cognitive-engine").dev.ports = [{ container: 8001, host: 8000 }];
    expect(problems(raw)).toContainEqual(expect.stringMatching(/^parity:services\[\d\]\.dev\.ports\[0\]\.host: service 'cognitive-engine' \(dev\) uses host port 8000 on host 'local', already taken by service 'app'/));
    raw["profile"] = "prod";
    raw["environment"] = "production";
    expect(problems(raw)).toEqual([]);
  });

  test("no dev ports on worker pools or on a port already published", () => {
    const raw = rawStackConfig("local") as Raw;
    raw["workers"][0]["dev"] = { ports: [{ container: 5003, host: 15003 }] };
    raw["services"].find((s: Raw) => s.name === "backend").dev.ports = [{ container: 8000, host: 18000 }];
    expect(problems(raw)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^parity:workers\[0\]\.dev\.ports: 'backtest-worker' is a worker pool/),
      expect.stringMatching(/^parity:services\[1\]\.dev\.ports\[0\]: 'backend' already publishes container port 8000/),
    ]));
  });

  test("a host-path source mount on a remote engine is refused, naming the engine", () => {
    const raw = rawStackConfig("local") as Raw;
    raw["docker"] = { host: "ssh://dev@buildbox" };
    expect(problems(raw)).toEqual([
      "parity:services[1].dev.sourceMount.hostPath: './ktrdr' is a path on this machine, but the Docker engine is ssh://dev@buildbox, not local: the bind would name a directory on that host | a local engine (parity:docker.host: unix:///var/run/docker.sock), or remove sourceMount and ship the source in the image",
    ]);
  });
});
