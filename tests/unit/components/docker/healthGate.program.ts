import { HealthGate, HealthGateArgs } from "../../../../components/docker/healthGate";

/** healthGate.test.ts's gates: the arguments are all data, given as they are. */
export default function build(input: { name: string; args: HealthGateArgs }): void {
  new HealthGate(input.name, input.args);
}
