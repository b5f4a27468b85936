/**
 * Worker slots: where replica n of a pool runs and on which port.
 *
 * Ports: replicas 1..k take the pool's listed ports in order (KTRDR: backtest 5003, 5004, 5007;
 * training 5005, 5006, 5008); replica n > k takes `overflowPortBase + (n - k - 1)`. The contract
 * checks at `maxReplicas` that no two slots on any host share a port, so scaling up never
 * collides and never moves an existing replica.
 *
 * Placement: round-robin over the pool's hosts in their listed order, so replica n's host
 * depends only on n — adding replica 3 leaves replicas 1 and 2 where they are.
 */
export interface PoolSlotRule {
  readonly ports: readonly number[];
  readonly overflowPortBase: number;
  readonly hosts: readonly string[];
}

export interface WorkerSlot {
  readonly replica: number;
  readonly port: number;
  readonly host: string;
}

export function slotPort(pool: PoolSlotRule, replica: number): number {
  if (!Number.isInteger(replica) || replica < 1) throw new RangeError(`replica must be a positive integer, got ${replica}`);
  return replica <= pool.ports.length ? pool.ports[replica - 1]! : pool.overflowPortBase + (replica - pool.ports.length - 1);
}

export function slotHost(pool: PoolSlotRule, replica: number): string {
  return pool.hosts[(replica - 1) % pool.hosts.length]!;
}

export function workerSlots(pool: PoolSlotRule, replicas: number): WorkerSlot[] {
  return Array.from({ length: replicas }, (_, i) => ({ replica: i + 1, port: slotPort(pool, i + 1), host: slotHost(pool, i + 1) }));
}

export function workerInstanceName(poolName: string, replica: number): string {
  return `${poolName}-${replica}`;
}
