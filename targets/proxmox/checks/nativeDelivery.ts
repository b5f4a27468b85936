import { Problem } from "../../../contract/problems";
import { HostServicesConfig } from "../../../contract/schema/hostServices";

type Native = NonNullable<HostServicesConfig["native"]>;

const SSH_URL = /^(ssh:\/\/|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:)/;
const HTTP_URL = /^https?:\/\//;

/**
 * Application delivery of native services: each source is exactly one pinned form, its
 * credentials fit its transport, and every service names a source and one health check.
 */
export function checkNativeDelivery(base: string, n: Native, needSecret: (path: string, name: string | undefined) => void): Problem[] {
  const out: Problem[] = [];
  const names = Object.keys(n.sources);
  for (const [name, src] of Object.entries(n.sources)) {
    const path = `${base}.sources.${name}`;
    const forms = "{ git, commit[, tag] } or { archive, sha256[, stripComponents] }";
    if ((src.git === undefined) === (src.archive === undefined)) {
      out.push({ path, problem: src.git === undefined ? "has neither git nor archive" : "has both git and archive", allowed: forms });
      continue;
    }
    if (src.git !== undefined) {
      if (src.commit === undefined) out.push({ path: `${path}.commit`, problem: "missing: a git source must pin a commit", allowed: "the full 40-hex commit SHA to deploy (with `tag`, the tag is checked against it)" });
      for (const k of ["sha256", "stripComponents"] as const) if (src[k] !== undefined) out.push({ path: `${path}.${k}`, problem: "belongs to archive sources", allowed: forms });
    } else {
      if (src.sha256 === undefined) out.push({ path: `${path}.sha256`, problem: "missing: an archive source must pin its sha256", allowed: "64 lowercase hex digits (sha256sum of the archive)" });
      for (const k of ["commit", "tag"] as const) if (src[k] !== undefined) out.push({ path: `${path}.${k}`, problem: "belongs to git sources", allowed: forms });
    }
    const c = src.credentials;
    if (c) {
      const cpath = `${path}.credentials`;
      if ((c.token === undefined) === (c.sshKey === undefined)) out.push({ path: cpath, problem: c.token === undefined ? "names no secret" : "has both token and sshKey", allowed: "{ token: <secret> } for https, or { sshKey: <secret> } for ssh" });
      const url = src.git ?? src.archive ?? "";
      if (c.token !== undefined && !HTTP_URL.test(url)) out.push({ path: `${cpath}.token`, problem: `a token authenticates http(s) only; this source is ${url}`, allowed: "an https:// URL, or sshKey for ssh" });
      if (c.sshKey !== undefined && !(src.git !== undefined && SSH_URL.test(src.git))) out.push({ path: `${cpath}.sshKey`, problem: "an SSH deploy key needs an ssh git URL", allowed: "ssh://… or git@host:owner/repo.git, or token for https" });
      if (c.knownHosts !== undefined && c.sshKey === undefined) out.push({ path: `${cpath}.knownHosts`, problem: "only applies with sshKey", allowed: "remove it, or add sshKey" });
      needSecret(`${cpath}.${c.token !== undefined ? "token" : "sshKey"}`, c.token ?? c.sshKey);
    }
  }
  n.services.forEach((s, i) => {
    const path = `${base}.services[${i}]`;
    if (s.source === undefined && names.length > 1) out.push({ path: `${path}.source`, problem: `missing: there are ${names.length} sources`, allowed: `one of ${names.join(", ")}` });
    if (s.source !== undefined && !names.includes(s.source)) out.push({ path: `${path}.source`, problem: `names unknown source '${s.source}'`, allowed: `one of ${names.join(", ")}` });
    if ((s.health.http === undefined) === (s.health.command === undefined))
      out.push({ path: `${path}.health`, problem: s.health.http === undefined ? "declares no check" : "declares both http and command", allowed: "{ http: /path } (GET on the service's port) or { command: [argv] }" });
  });
  return out;
}
