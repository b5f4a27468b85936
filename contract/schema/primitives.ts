import { z } from "./zod";

/** Lowercase DNS label: what hostnames, service names and Docker names have in common. */
export const dnsLabel = z
  .string()
  .regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    error: "must be a lowercase DNS label: a-z, 0-9 and '-', starting with a letter, at most 63 characters",
  });

export const dnsName = z
  .string()
  .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    error: "must be a lowercase DNS name such as 'ktrdr.home.example.org'",
  });

const octet = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const ipv4Pattern = new RegExp(`^${octet}(\\.${octet}){3}$`);

export const ipv4 = z.string().regex(ipv4Pattern, { error: "must be an IPv4 address such as 192.168.1.10" });

/** An address with its prefix length, as Proxmox wants it for a static container address. */
export const ipv4Cidr = z.string().refine(
  (s) => {
    const [addr, prefix, ...rest] = s.split("/");
    return rest.length === 0 && addr !== undefined && ipv4Pattern.test(addr) && prefix !== undefined && /^([0-9]|[12][0-9]|3[0-2])$/.test(prefix);
  },
  { error: "must be an IPv4 address with a prefix length such as 192.168.1.50/24" },
);

/** An IPv4 network in CIDR form, each octet 0-255, e.g. 10.40.0.0/16. */
export function isIpv4Network(s: string): boolean {
  const [addr, prefix, ...rest] = s.split("/");
  return rest.length === 0 && addr !== undefined && ipv4Pattern.test(addr) && prefix !== undefined && /^([0-9]|[12][0-9]|3[0-2])$/.test(prefix);
}

export const port = z.number().int().min(1).max(65535);

export const absolutePath = z.string().regex(/^\/[^\0]*$/, { error: "must be an absolute path" });

/** Names of secrets as referenced from env templates: `${secret.NAME}`. */
export const secretName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, {
  error: "must be a secret name: letters, digits and '_', starting with a letter",
});

export const envVarName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, {
  error: "must be an environment variable name: A-Z, 0-9 and '_'",
});

/** Memory in MiB, as Proxmox and Docker take it. */
export const memoryMb = z.number().int().min(16);
