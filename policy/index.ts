import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// `pulumi preview --policy-pack policy` loads this module; the pack's name is how violations are reported.
new PolicyPack("parity", {
  description: "Parity's guardrails: unprivileged LXCs, Docker-only LXC features, pinned images, no plain secrets, protected state, operable containers, flow-scoped networks, Key Vault secrets on Azure.",
  enforcementLevel: "mandatory",
  policies,
});
