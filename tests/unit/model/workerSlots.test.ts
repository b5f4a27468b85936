import { slotHost, slotPort, workerSlots } from "../../../core/workerSlots";

const backtest = { ports: [5003, 5004, 5007], overflowPortBase: 5100, hosts: ["workers-b", "workers-c"] };
const training = { ports: [5005, 5006, 5008], overflowPortBase: 5200, hosts: ["workers-b", "workers-c"] };

describe("worker slots", () => {
  it("give replicas 1-3 KTRDR's own ports, in order", () => {
    expect([1, 2, 3].map((r) => slotPort(backtest, r))).toEqual([5003, 5004, 5007]);
    expect([1, 2, 3].map((r) => slotPort(training, r))).toEqual([5005, 5006, 5008]);
  });

  it("continue past 3 from the overflow base, deterministically", () => {
    expect([4, 5, 6].map((r) => slotPort(backtest, r))).toEqual([5100, 5101, 5102]);
    expect([4, 5, 6].map((r) => slotPort(training, r))).toEqual([5200, 5201, 5202]);
  });

  it("spread replicas round-robin and never move an existing one when scaling", () => {
    expect(workerSlots(backtest, 3)).toEqual([
      { replica: 1, port: 5003, host: "workers-b" },
      { replica: 2, port: 5004, host: "workers-c" },
      { replica: 3, port: 5007, host: "workers-b" },
    ]);
    expect(workerSlots(backtest, 6).slice(0, 3)).toEqual(workerSlots(backtest, 3));
    expect(slotHost(backtest, 6)).toBe("workers-c");
  });

  it("reject replica numbers below 1", () => {
    expect(() => slotPort(backtest, 0)).toThrow(RangeError);
  });
});
