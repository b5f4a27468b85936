import type { ProxyModel } from "./proxySpec";

/** Where the proxy's config lives: the official image's path, used by the Debian package in tests too. */
export const HAPROXY_CONFIG_PATH = "/usr/local/etc/haproxy/haproxy.cfg";

/**
 * Seconds from a new container answering its health path until this proxy routes to it: two
 * passing checks one second apart (`rise 2`, `inter 1s`) after one DNS refresh (`hold valid 1s`),
 * plus a second of margin. A rollout waits this long before it stops the old container.
 */
export const PROXY_SETTLE_SECONDS = 4;

/** Upstream slots per service: old and new versions side by side, with room to spare. */
const SLOTS = 4;

/**
 * HAProxy configuration for a host's proxy (pure: model → text). One frontend per published
 * port. Upstreams are the service's network alias, resolved through Docker's embedded DNS
 * every second, so the old and the new container both appear while they coexist; each is
 * health-checked on the service's `healthPath`, and only those that pass get traffic. The
 * config names services, never versions: a rollout never changes it, and the proxy is never
 * restarted by one.
 *
 * Retries: a request whose connection is refused or closed before any response (an old
 * container that has just stopped listening) is retried on another upstream (`redispatch`).
 * A request a container has started answering is never retried.
 */
export function renderHaproxyConfig(proxy: ProxyModel): string {
  const lines = [
    "# Rendered by Parity: one frontend per published port, upstreams by Docker DNS alias.",
    "global",
    "  log stdout format raw local0 info",
    "  maxconn 4096",
    "",
    "resolvers docker",
    "  nameserver dockerdns 127.0.0.11:53",
    "  accepted_payload_size 8192",
    "  resolve_retries 3",
    "  timeout resolve 1s",
    "  timeout retry 1s",
    "  hold valid 1s",
    "  hold other 1s",
    "  hold refused 1s",
    "  hold nx 1s",
    "  hold timeout 1s",
    "  hold obsolete 1s",
    "",
    "defaults",
    "  mode http",
    "  log global",
    "  option httplog",
    // An upstream that has just been removed answers nothing: give up on it fast and retry elsewhere.
    "  timeout connect 1s",
    "  timeout client 120s",
    "  timeout server 120s",
    "  timeout http-request 30s",
    "  retries 3",
    "  option redispatch 1",
    "  retry-on conn-failure empty-response",
    "  default-server inter 1s fall 2 rise 2 resolvers docker init-addr none resolve-prefer ipv4",
  ];
  for (const r of proxy.routes) {
    const id = `${r.service}-${r.hostPort}`;
    lines.push(
      "",
      `frontend ${id}`,
      `  bind :${r.hostPort}`,
      `  default_backend ${id}`,
      "",
      `backend ${id}`,
      `  option httpchk GET ${r.healthPath}`,
      "  http-check expect status 200-399",
      `  server-template ${r.service} ${SLOTS} ${r.service}:${r.containerPort} check`,
    );
  }
  return lines.join("\n") + "\n";
}
