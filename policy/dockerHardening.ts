import { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES, inputsOf, known, knownItems, labelMap, shown } from "./common";

/** Kept in step with components/docker/dockerService.ts. */
const CAPABILITY_LABEL_PREFIX = "parity.capability.";
const WRITABLE_ROOT_LABEL = "parity.writable-root";
const MIN_REASON = 10;

const capName = (c: string) => c.toUpperCase().replace(/^CAP_/, "");

/**
 * Least privilege inside every Docker container: every capability dropped and each one added
 * back labelled `parity.capability.<CAP>` with its reason; `no-new-privileges`; json-file logs
 * with `max-size` and `max-file` (unbounded logs fill the guest's disk); Docker's init as PID 1;
 * a read-only root unless labelled `parity.writable-root` with the reason.
 */
export const dockerContainerHardening: ResourceValidationPolicy = {
  name: "docker-container-hardening",
  description: "Docker containers drop all capabilities (adding back only labelled ones), set no-new-privileges, rotate logs, run an init and have a read-only root unless a label says why not.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== TYPES.container) return;
    const p = inputsOf(args);
    const has = (k: string) => k in p;
    const labels = labelMap(known(() => p["labels"]));
    const reasoned = (label: string) => (labels.get(label) ?? "").trim().length >= MIN_REASON;

    const caps = known(() => p["capabilities"]) as Record<string, unknown> | undefined;
    if (!(has("capabilities") && caps === undefined)) {
      const drops = knownItems(caps ? (known(() => caps["drops"]) as readonly unknown[] | undefined) : undefined).map((d) => capName(String(d)));
      if (!drops.includes("ALL")) report("capabilities are not dropped; set capabilities.drops to [\"ALL\"] and add back only what the image needs");
      for (const add of knownItems(caps ? (known(() => caps["adds"]) as readonly unknown[] | undefined) : undefined)) {
        const cap = capName(String(add));
        if (cap === "ALL") report("capabilities.adds contains ALL; add back single capabilities, each with its reason");
        else if (!reasoned(`${CAPABILITY_LABEL_PREFIX}${cap}`)) report(`adds capability ${cap} without a reason; label ${CAPABILITY_LABEL_PREFIX}${cap} with why the image needs it`);
      }
    }

    const opts = known(() => p["securityOpts"]);
    if (!(has("securityOpts") && opts === undefined)) {
      const list = knownItems(opts as readonly unknown[] | undefined).map(String);
      if (!list.some((o) => /^no-new-privileges(:true|=true)?$/.test(o))) report("no-new-privileges is not set; add securityOpts [\"no-new-privileges:true\"]");
    }

    const driver = known(() => p["logDriver"]);
    const logOpts = known(() => p["logOpts"]) as Record<string, unknown> | undefined;
    if (!(has("logDriver") && driver === undefined) && !(has("logOpts") && logOpts === undefined)) {
      if (driver !== undefined && driver !== "json-file" && driver !== "local") report(`log driver '${shown(driver)}' is not rotated by Parity; use json-file (or local)`);
      const size = logOpts ? known(() => logOpts["max-size"]) : undefined;
      const files = logOpts ? known(() => logOpts["max-file"]) : undefined;
      if (!(typeof size === "string" && /^\d+[kmg]$/.test(size)) || !(Number(files) >= 1))
        report("logs are not rotated; set logOpts max-size (e.g. 10m) and max-file (e.g. 3) from parity:containerLogs");
    }

    const init = known(() => p["init"]);
    if (!(has("init") && init === undefined) && init !== true) report("no init process; set init: true so orphaned children are reaped and signals forwarded");

    const readOnly = known(() => p["readOnly"]);
    if (!(has("readOnly") && readOnly === undefined) && readOnly !== true && !reasoned(WRITABLE_ROOT_LABEL))
      report(`the root filesystem is writable; set readOnly (with tmpfs for what the image writes) or label ${WRITABLE_ROOT_LABEL} with the reason`);
  },
};
