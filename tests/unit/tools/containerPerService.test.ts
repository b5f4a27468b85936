import { containerPerServiceOf } from "../../../tools/bench/containerPerService";
import type { PlannedResource as R } from "../../../tools/plan";
const r = (type: string, name: string, parent: string | null, inputs: Record<string, unknown> = {}): R => ({ type, name, parent, inputs });

describe("the bench's container-per-service reduction of a plan", () => {
  const plan: R[] = [
    r("pulumi:pulumi:Stack", "parity-lab", null),
    r("parity:proxmox:Guest", "workers-2", "parity-lab"),
    r("docker:index/network:Network", "workers-2-docker-lab--worker-1--edge", "workers-2-docker", { name: "lab--worker-1--edge" }),
    r("docker:index/network:Network", "workers-2-docker-lab--db-flow", "workers-2-docker", { name: "lab--db-flow", internal: true }),
    r("parity:docker:DockerService", "worker-1", "workers-2"),
    r("docker:index/container:Container", "worker-1-container", "worker-1", { name: "worker-1" }),
    r("command:remote:Command", "worker-1-health-wait", "worker-1", { create: "wait" }),
    r("command:remote:Command", "workers-2-docker-engine-run", "workers-2", { create: "install" }),
  ];

  it("keeps each service's container, parented where the service was, and drops the component, its gate and its edge network", () => {
    expect(containerPerServiceOf(plan)).toEqual([
      plan[0],
      plan[1],
      plan[3],
      { ...plan[5], parent: "workers-2" },
      plan[7],
    ]);
  });

  it("leaves a plan without Docker services as it is", () => {
    const guests = plan.filter((x) => !x.type.startsWith("docker:") && x.type !== "parity:docker:DockerService" && x.parent !== "worker-1");
    expect(containerPerServiceOf(guests)).toEqual(guests);
  });
});
