import { didYouMean } from "../didYouMean";
import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";

export function unknownName(path: string, what: string, name: string, known: readonly string[]): Problem {
  const hint = didYouMean(name, known);
  return {
    path,
    problem: `names unknown ${what} '${name}'${hint ? ` (did you mean '${hint}'?)` : ""}`,
    allowed: known.length ? `one of ${known.join(", ")}` : `declare the ${what} first`,
  };
}

/** Every image, secret and shared-storage declaration a service, worker pool or registry names must exist. */
export function checkReferences(cfg: StackConfig): Problem[] {
  const out: Problem[] = [];
  const images = Object.keys(cfg.images);
  const secrets = Object.keys(cfg.secrets);
  [...cfg.services.map((s, i) => ({ s, path: `parity:services[${i}]` })), ...cfg.workers.map((s, i) => ({ s, path: `parity:workers[${i}]` }))].forEach(({ s, path }) => {
    if (!images.includes(s.image)) out.push(unknownName(`${path}.image`, "image", s.image, images));
    if (s.sharedStorage && !cfg.sharedStorage)
      out.push({ path: `${path}.sharedStorage`, problem: "asks for shared storage but parity:sharedStorage is not declared", allowed: "declare parity:sharedStorage or set this to false" });
  });
  cfg.registries.forEach((r, i) => {
    if (!secrets.includes(r.passwordSecret)) out.push(unknownName(`parity:registries[${i}].passwordSecret`, "secret", r.passwordSecret, secrets));
  });
  return out;
}
