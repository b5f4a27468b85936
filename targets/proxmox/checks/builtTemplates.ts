import { Problem } from "../../../contract/problems";
import { StackConfig } from "../../../contract/schema/stack";

/**
 * A built template holds one guest's provisioning: a template built for another stack or guest
 * would boot the wrong services. Its file name says which (`debian-12-parity-<stack>-<guest>_…`).
 */
export function checkBuiltTemplates(cfg: StackConfig, stack: string | undefined): Problem[] {
  const out: Problem[] = [];
  cfg.hosts.forEach((h, i) => {
    const built = h.template?.built;
    if (!built || stack === undefined) return;
    const file = built.path.split("/").pop() ?? "";
    const prefix = `debian-12-parity-${stack}-${h.name}_`;
    if (!file.startsWith(prefix))
      out.push({ path: `parity:hosts[${i}].template.built.path`, problem: `'${file}' was not built for guest '${h.name}' of stack '${stack}'`, allowed: `a file from \`npm run build:template -- ${stack} --host ${h.name}\` (${prefix}…)` });
  });
  return out;
}
