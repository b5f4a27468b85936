import { z } from "./zod";
import { absolutePath } from "./primitives";

/**
 * Linux capabilities a container may add back after Parity drops them all (`cap_drop: ALL`).
 * Listed rather than free text so a typo is an error here, not a container that fails to start.
 */
export const LINUX_CAPABILITIES = [
  "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "IPC_LOCK", "KILL", "MKNOD",
  "NET_ADMIN", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", "SYS_NICE",
  "SYS_PTRACE", "SYS_RESOURCE",
] as const;

/** One capability added back, with the reason the image needs it (shown in labels and the plan). */
export const capabilityGrant = z.strictObject({
  add: z.enum(LINUX_CAPABILITIES),
  reason: z.string().min(10, { error: "must say why the image needs this capability (at least 10 characters)" }),
});

/**
 * Hardening fields of every Docker container (services and worker pools). Parity always drops
 * every capability, sets `no-new-privileges` and rotates json-file logs; these say what an image
 * needs beyond that.
 */
export const hardeningFields = {
  /** Capabilities added back after `cap_drop: ALL`, each with its reason. Default none. */
  capabilities: z.array(capabilityGrant).default([]),
  /**
   * Run Docker's init (tini) as PID 1: it reaps orphaned children and forwards signals, which
   * most application processes (shells, Python, Node) do not do as PID 1. Default `true`; set
   * `false` only for an image whose entrypoint already is an init.
   */
  init: z.boolean().default(true),
  /** Extra writable tmpfs paths on a read-only root (besides `/tmp`), e.g. `/var/run/postgresql`. */
  tmpfs: z.array(absolutePath).default([]),
  /** Why this container needs a writable root (required with `readOnlyRootFs: false`). */
  writableRootReason: z.string().min(10, { error: "must say why the root filesystem must be writable (at least 10 characters)" }).optional(),
};

/** `parity:containerLogs`: rotation of every container's json-file log. */
export const containerLogs = z.strictObject({
  /** Size at which a log file is rotated, in MB. Default 10. */
  maxSizeMb: z.number().int().min(1).max(1024).default(10),
  /** Rotated files kept per container (the current one included). Default 3. */
  maxFiles: z.number().int().min(1).max(100).default(3),
}).default({ maxSizeMb: 10, maxFiles: 3 });
