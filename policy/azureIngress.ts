import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { inputsOf, known, knownItems, shown } from "./common";

type Obj = Record<string, unknown>;

const CONTAINER_APP = "azure-native:app:ContainerApp";
const ENVIRONMENT = "azure-native:app:ManagedEnvironment";
const IPV4_CIDR = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/([0-9]|[12][0-9]|3[0-2])$/;

const ingressOf = (props: Obj): Obj | undefined => {
  const configuration = known(() => props["configuration"]) as Obj | undefined;
  return configuration ? (known(() => configuration["ingress"]) as Obj | undefined) : undefined;
};

/**
 * An external Container App ingress admits only declared sources. Container Apps cannot filter
 * traffic between apps of one environment, so the ingress is the one boundary Azure enforces:
 * - `external: true` needs at least one `ipSecurityRestrictions` rule, every one `Allow` (a
 *   `Deny` list would let every other address in; Azure refuses mixed lists), each range an
 *   IPv4 network in CIDR form (the only form Azure takes);
 * - external HTTP ingress never `allowInsecure` (plain HTTP from outside).
 * Internal ingress is reachable only inside the environment and needs no rule.
 */
export const azureIngressRestricted: ResourceValidationPolicy = {
  name: "azure-ingress-restricted",
  description: "External Container App ingress allows only declared IPv4 sources (allow rules) and HTTPS.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== CONTAINER_APP) return;
    const ingress = ingressOf(inputsOf(args));
    if (!ingress || known(() => ingress["external"]) !== true) return;
    const rules = knownItems(known(() => ingress["ipSecurityRestrictions"]) as readonly Obj[] | undefined);
    if (rules.length === 0) report("ingress is external with no ipSecurityRestrictions: anyone can reach it; allow the declared sources (parity:azure.apps.<name>.allowedSources)");
    rules.forEach((r, i) => {
      const name = known(() => r["name"]) ?? `#${i}`;
      const action = known(() => r["action"]);
      const range = known(() => r["ipAddressRange"]);
      if (action !== undefined && action !== "Allow") report(`ingress.ipSecurityRestrictions[${i}] (${shown(name)}) is a ${shown(action)} rule: a deny list lets every other address in; use Allow rules for the declared sources`);
      if (typeof range === "string" && !IPV4_CIDR.test(range)) report(`ingress.ipSecurityRestrictions[${i}] (${shown(name)}) has range '${range}', which is not an IPv4 network in CIDR form`);
    });
    if (known(() => ingress["transport"]) !== "tcp" && known(() => ingress["allowInsecure"]) === true)
      report("ingress is external and allows plain HTTP (allowInsecure): external traffic must be HTTPS only");
  },
};

/**
 * A Container Apps environment has a public load balancer (`vnetConfiguration.internal: false`)
 * only when some app in the stack has external ingress: otherwise nothing needs it.
 */
export const azureEnvironmentInternal: StackValidationPolicy = {
  name: "azure-environment-internal",
  description: "The Container Apps environment is internal unless an app has external ingress.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const anyExternal = args.resources.some((r) => r.type === CONTAINER_APP && known(() => ingressOf(inputsOf(r))?.["external"]) === true);
    for (const env of args.resources.filter((r) => r.type === ENVIRONMENT)) {
      const vnet = known(() => inputsOf(env)["vnetConfiguration"]) as Obj | undefined;
      // Absent means false (Azure's default); unknown during a preview is not judged.
      const internal = vnet && "internal" in vnet ? known(() => vnet["internal"]) : false;
      if (internal === false && !anyExternal)
        report(`${env.name}: the environment has a public load balancer (vnetConfiguration.internal is not true) but no Container App has external ingress; make it internal`);
    }
  },
};
