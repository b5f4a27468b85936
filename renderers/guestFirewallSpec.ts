/** A guest's ingress rules: the model derives them, the firewall renderers write them. */

export interface IngressRule {
  readonly port: number;
  /** IPv4 CIDRs allowed to open TCP connections to `port`. */
  readonly sources: readonly string[];
  /** Why the port is open: shown as the rule's comment. */
  readonly why: string;
  /**
   * `input`: a socket of the guest itself. `published`: a Docker-published port, which Docker
   * DNATs to a container, so the packet takes the forward path, not input.
   */
  readonly path: "input" | "published";
}

export interface GuestFirewallModel {
  readonly host: string;
  readonly adminSources: readonly string[];
  /** Sorted by port, then path. */
  readonly rules: readonly IngressRule[];
}
