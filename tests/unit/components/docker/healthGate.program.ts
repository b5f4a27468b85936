import * as pulumi from "@pulumi/pulumi";
import { healthGate, HealthGateArgs } from "../../../../components/docker/healthGate";

/** The component a gate belongs to: a stand-in for its DockerService. */
class Owner extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:index:Owner", name, {});
    this.registerOutputs({});
  }
}

/** healthGate.test.ts's gates, each under a stand-in owner: the arguments are all data, given as they are. */
export default function build(input: { owner: string; name: string; args: HealthGateArgs }): Record<string, unknown> {
  const gate = healthGate(input.name, input.args, new Owner(input.owner));
  return { gate: gate.urn };
}
