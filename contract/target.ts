import type { Problem } from "./problems";
import type { StackConfig } from "./schema/stack";

/**
 * What the common checks and the model need to know about the target a stack deploys to.
 * Each target module (targets/<name>/) supplies one; nothing below targets/ compares target
 * names, it asks these instead.
 */
export interface TargetTraits {
  /**
   * Containers are placed on the stack's declared hosts, one Docker engine each, and reach a
   * service on another host by its FQDN and published port. Otherwise every container runs on
   * one engine (or platform), and `host` is "local" everywhere.
   */
  readonly multiHost: boolean;
  /** Containers sit on Docker networks, so they can carry network aliases. */
  readonly dockerNetworks: boolean;
  /** A container that names no `user` runs as its image's user (usually root). */
  readonly absentUserRunsAsRoot: boolean;
  /** The CPU limits the runtime can express, and the wording for the error. */
  readonly cpus: { readonly max: number; readonly step: number; readonly allowed: string; readonly problem?: string };
  /** Upper bounds of health-check timings, where the platform's probes have them. */
  readonly probeLimits?: { readonly what: string; readonly intervalSeconds: number; readonly timeoutSeconds: number; readonly startPeriodSeconds: number; readonly retries: number };
  /** Whether Parity renders Prometheus's and Grafana's configuration on this target. */
  readonly observabilityConfig: boolean;
}

/** One target's part of the contract: its name, traits, own keys and own cross-checks. */
export interface TargetContract {
  /** The value of `parity:target`. */
  readonly name: string;
  readonly traits: TargetTraits;
  /**
   * Config paths (top-level keys, or `key.sub` inside a shared map) that only this target
   * reads. Under another target they are errors, so nothing is ignored silently.
   */
  readonly ownedKeys: readonly string[];
  /** A service the target realizes as a managed resource instead of a container (Azure). */
  realizedElsewhere(cfg: StackConfig, name: string): boolean;
  /**
   * Where a dev profile's local source mounts would land: undefined when containers run on
   * this machine's engine, else the reason the bind would name a directory on another host.
   */
  remoteEngine(cfg: StackConfig): string | undefined;
  /** The target's own cross-checks, run after the common ones on the well-shaped config. */
  check(cfg: StackConfig, raw: Record<string, unknown>, stack?: string): Problem[];
}
