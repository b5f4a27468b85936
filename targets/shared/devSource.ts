import { isAbsolute, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ContainerModel } from "../../model/types";

/**
 * The project root: the directory of Pulumi.yaml, where `pulumi` runs the program. The engine
 * reports it as an absolute path; mocks report a placeholder, and the offline plan runs in the
 * project root, so the working directory is the same place there.
 */
export function projectRoot(): string {
  const reported = pulumi.runtime.getRootDirectory();
  return isAbsolute(reported) ? reported : process.cwd();
}

/**
 * Docker refuses relative bind sources: a dev source mount's `hostPath` is resolved against the
 * project root. The contract allows source mounts only on a local engine, so this machine's
 * path is also the engine's.
 */
export function withAbsoluteSourceMount(c: ContainerModel, root: string): ContainerModel {
  if (!c.sourceMount || isAbsolute(c.sourceMount.hostPath)) return c;
  return { ...c, sourceMount: { ...c.sourceMount, hostPath: resolve(root, c.sourceMount.hostPath) } };
}
