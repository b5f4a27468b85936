/** Names Parity gives its own containers: the contract keeps stack services off them. */

/** The per-host rollout proxy (HAProxy) that owns proxied services' published ports. */
export const PROXY_CONTAINER = "parity-proxy";
