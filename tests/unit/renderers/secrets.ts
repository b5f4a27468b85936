/** Asserts no test secret appears anywhere in a bundle's rendered text. */
import type { ProvisionBundle } from "../../../renderers/bundle";
import { renderEntrypoint } from "../../../renderers/bundle";
import { ALL_TEST_SECRETS } from "../../fixtures/serviceSpecs";

export function expectNoSecrets(bundle: ProvisionBundle): void {
  const texts = [bundle.script, renderEntrypoint(bundle), ...bundle.files.map((f) => f.content)];
  for (const [name, value] of Object.entries(ALL_TEST_SECRETS)) {
    for (const t of texts) expect({ name, leaked: t.includes(value) }).toEqual({ name, leaked: false });
  }
}

export function fileOf(bundle: ProvisionBundle, path: string): { content: string; mode: string; owner?: string } {
  const f = bundle.files.find((x) => x.path === path);
  if (!f) throw new Error(`${bundle.name} has no file ${path}; it has ${bundle.files.map((x) => x.path).join(", ")}`);
  return f;
}

export function lines(text: string): string[] {
  return text.split("\n");
}
