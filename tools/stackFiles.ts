import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseYamlMap, stackFileConfig } from "../contract/stackDocument";
import { buildModel, validateStackConfig } from "../targets";
import type { PlatformModel } from "../model/types";

export interface StackFile {
  readonly project: string;
  /** Fully qualified keys ("parity:hosts") → values as YAML gives them, project defaults applied. */
  readonly values: Record<string, unknown>;
}

/**
 * Reads Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi CLI would hand them to the
 * program: project-level `config:` defaults first, the stack's values over them.
 */
export function readStackFile(stack: string, root = process.cwd()): StackFile {
  const projectFile = join(root, "Pulumi.yaml");
  const stackFile = join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(stackFile)) throw new Error(`no stack file ${stackFile}`);
  const project = parseYamlMap(readFileSync(projectFile, "utf8"), "Pulumi.yaml") as { name: string; config?: Record<string, unknown> };
  const values: Record<string, unknown> = {};
  for (const [key, decl] of Object.entries(project.config ?? {})) {
    if (decl && typeof decl === "object" && "default" in decl) values[key.includes(":") ? key : `${project.name}:${key}`] = decl.default;
  }
  Object.assign(values, stackFileConfig(readFileSync(stackFile, "utf8"), `Pulumi.${stack}.yaml`, project.name));
  return { project: project.name, values };
}

/** A stack file's `parity:` keys without the namespace, as the contract receives them (copies: edit freely). */
export function rawStackConfig(stack: string, root = process.cwd()): Record<string, unknown> {
  return parityKeys(readStackFile(stack, root));
}

/** A read stack file's `parity:` keys without the namespace (copies: the caller may edit them). */
export function parityKeys(file: StackFile): Record<string, unknown> {
  return Object.fromEntries(Object.entries(file.values).filter(([k]) => k.startsWith("parity:")).map(([k, v]) => [k.slice("parity:".length), structuredClone(v)]));
}

/** Loads, validates and models a stack file the way the program does (no Pulumi, no network). */
export function loadStackModel(stack: string, root = process.cwd()): PlatformModel {
  return buildModel(validateStackConfig(rawStackConfig(stack, root), stack), stack);
}

/**
 * Config in the engine's wire form: strings, JSON for objects and lists. A `secure:` value
 * cannot be decrypted here: it is passed as an opaque string and listed as secret, which
 * Parity's contract then rejects (no secrets in stack files).
 */
export function toEngineConfig(values: Record<string, unknown>): { config: Record<string, string>; secretKeys: string[] } {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, v] of Object.entries(values)) {
    if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v) {
      config[key] = "[secure value]";
      secretKeys.push(key);
    } else {
      config[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
  }
  return { config, secretKeys };
}
