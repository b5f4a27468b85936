import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { NETWORKS_LABEL, TYPES, inputsOf, known, knownItems, labelMap } from "./common";

/** Networks a container joins (`networksAdvanced[].name`); undefined entries are unknown during a preview. */
function joinedNetworks(props: Record<string, unknown>): (string | undefined)[] {
  return knownItems(known(() => props["networksAdvanced"]) as readonly Record<string, unknown>[] | undefined).map((n) => {
    const name = known(() => n["name"]);
    return typeof name === "string" ? name : undefined;
  });
}

/**
 * Containers join only the networks their flows need. The flows live in the stack config,
 * which a policy cannot read, so the program states the outcome on the container: the
 * `parity.networks` label lists (comma-separated) the networks the model derived from the
 * declared flows, and the container must join exactly those — no more (a network shared with
 * a service it has no flow to), no fewer. Without the label a container may join one network
 * at most: the least a container needs, and what a flow-less stack gives it. Host networking
 * bypasses every network boundary and is never allowed; `networkMode: none` is.
 *
 * What this cannot prove: that the label itself matches the flows. That is the model's job
 * (model/networks.ts, unit-tested); the policy catches any wiring that strays from it.
 */
export const containerNetworks: ResourceValidationPolicy = {
  name: "container-networks-from-flows",
  description: "Containers join exactly the networks in their parity.networks label (at most one without it), never the host network.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== TYPES.container) return;
    const mode = known(() => inputsOf(args)["networkMode"]);
    if (mode === "host") report("networkMode 'host' bypasses every network boundary; join the Docker networks its flows need instead");
    if (typeof mode === "string" && mode.startsWith("container:")) report(`networkMode '${mode}' shares another container's network stack; give it its own networks`);
    const joined = joinedNetworks(inputsOf(args));
    if (joined.includes(undefined)) return;
    const names = joined as string[];
    const label = labelMap(known(() => inputsOf(args)["labels"])).get(NETWORKS_LABEL);
    if (label === undefined) {
      if (names.length > 1) report(`joins ${names.length} networks (${names.join(", ")}) but declares none in label ${NETWORKS_LABEL}; without it a container joins one network at most`);
      return;
    }
    const declared = new Set(label.split(",").map((s) => s.trim()).filter(Boolean));
    const extra = names.filter((n) => !declared.has(n));
    const missing = [...declared].filter((n) => !names.includes(n));
    if (extra.length) report(`joins ${extra.join(", ")}, which its flows do not need (label ${NETWORKS_LABEL}: ${[...declared].join(", ") || "none"})`);
    if (missing.length) report(`does not join ${missing.join(", ")}, which label ${NETWORKS_LABEL} declares`);
  },
};

function networkName(r: PolicyResource): string | undefined {
  const n = known(() => inputsOf(r)["name"]);
  return typeof n === "string" ? n : undefined;
}

/**
 * Docker networks cannot filter by port or direction: everything on a network can reach
 * everything else on it. Parity therefore makes one internal network per pair of containers
 * with a flow between them (model/networks.ts). An internal network with three or more members
 * lets containers talk that no flow connects. Checked per Docker provider (host), since
 * network names are per engine.
 */
export const internalNetworksPairwise: StackValidationPolicy = {
  name: "internal-networks-pairwise",
  description: "Every internal Docker network joins at most two containers (one flow's two ends).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const providerOf = (r: PolicyResource) => r.provider?.urn ?? "default";
    const members = new Map<string, string[]>();
    for (const c of args.resources.filter((r) => r.type === TYPES.container)) {
      for (const n of joinedNetworks(inputsOf(c))) {
        if (n === undefined) continue;
        const key = `${providerOf(c)}|${n}`;
        members.set(key, [...(members.get(key) ?? []), c.name]);
      }
    }
    for (const net of args.resources.filter((r) => r.type === TYPES.network)) {
      const name = networkName(net);
      if (name === undefined || known(() => inputsOf(net)["internal"]) !== true) continue;
      const on = members.get(`${providerOf(net)}|${name}`) ?? [];
      if (on.length > 2) report(`internal network ${name} joins ${on.length} containers (${on.join(", ")}); a flow network connects exactly two`, net.urn);
    }
  },
};
