import { azureEnvironmentInternal, azureIngressRestricted } from "../../../policy/azureIngress";
import { checkResource, checkStack } from "./harness";

const APP = "azure-native:app:ContainerApp";
const ENV = "azure-native:app:ManagedEnvironment";
const app = (name: string, ingress: object) => ({ type: APP, name, props: { configuration: { ingress } } });
const environment = (internal?: boolean) => ({ type: ENV, name: "apps-environment", props: { vnetConfiguration: { infrastructureSubnetId: "/subnets/apps", ...(internal === undefined ? {} : { internal }) } } });
const allow = (name: string, ipAddressRange: string, action = "Allow") => ({ name, ipAddressRange, action });

describe("policy azure-ingress-restricted", () => {
  it("accepts internal ingress without rules and external ingress from declared sources over HTTPS", async () => {
    expect(await checkResource(azureIngressRestricted, app("worker", { external: false, targetPort: 5003, transport: "auto", allowInsecure: true }))).toEqual([]);
    expect(await checkResource(azureIngressRestricted, app("backend", { external: true, targetPort: 8000, transport: "auto", allowInsecure: false, ipSecurityRestrictions: [allow("office", "203.0.113.0/24")] }))).toEqual([]);
  });

  it("rejects external ingress open to anyone, deny lists, ranges Azure cannot take, and plain HTTP from outside", async () => {
    expect(await checkResource(azureIngressRestricted, app("open", { external: true, targetPort: 8000, transport: "auto" }))).toEqual([
      "ingress is external with no ipSecurityRestrictions: anyone can reach it; allow the declared sources (parity:azure.apps.<name>.allowedSources)",
    ]);
    const bad = app("bad", { external: true, targetPort: 8000, transport: "auto", allowInsecure: true, ipSecurityRestrictions: [allow("blocklist", "192.0.2.0/24", "Deny"), allow("v6", "2001:db8::/32"), allow("host", "203.0.113.7")] });
    expect(await checkResource(azureIngressRestricted, bad)).toEqual([
      "ingress.ipSecurityRestrictions[0] (blocklist) is a Deny rule: a deny list lets every other address in; use Allow rules for the declared sources",
      "ingress.ipSecurityRestrictions[1] (v6) has range '2001:db8::/32', which is not an IPv4 network in CIDR form",
      "ingress.ipSecurityRestrictions[2] (host) has range '203.0.113.7', which is not an IPv4 network in CIDR form",
      "ingress is external and allows plain HTTP (allowInsecure): external traffic must be HTTPS only",
    ]);
  });
});

describe("policy azure-environment-internal", () => {
  it("keeps the environment internal unless an app has external ingress", async () => {
    const internalApps = [app("backend", { external: false, targetPort: 8000 })];
    expect(await checkStack(azureEnvironmentInternal, [environment(true), ...internalApps])).toEqual([]);
    const msg = "apps-environment: the environment has a public load balancer (vnetConfiguration.internal is not true) but no Container App has external ingress; make it internal";
    expect(await checkStack(azureEnvironmentInternal, [environment(false), ...internalApps])).toEqual([msg]);
    expect(await checkStack(azureEnvironmentInternal, [environment(), ...internalApps])).toEqual([msg]);
    expect(await checkStack(azureEnvironmentInternal, [environment(false), app("backend", { external: true, targetPort: 8000, ipSecurityRestrictions: [allow("office", "203.0.113.0/24")] })])).toEqual([]);
  });
});
