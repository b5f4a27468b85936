/**
 * What the policies share: resource type tokens as the engine reports them, label access, and
 * reading values that may be unknown during a preview.
 *
 * During `pulumi preview` the policy SDK hands inputs through a proxy that throws
 * `UnknownValueError` when a policy touches a value the engine does not know yet (an output of
 * a resource not created yet). The SDK then downgrades the whole policy to an advisory "can't
 * run during preview" note. `known()` lets a policy skip exactly the unknown value instead:
 * an unknown can only come from another resource's output, never from a literal in code.
 */

export const TYPES = {
  lxc: "proxmoxve:index/containerLegacy:ContainerLegacy",
  container: "docker:index/container:Container",
  remoteImage: "docker:index/remoteImage:RemoteImage",
  volume: "docker:index/volume:Volume",
  network: "docker:index/network:Network",
  dockerProvider: "pulumi:providers:docker",
  containerApp: "azure-native:app:ContainerApp",
} as const;

export { INLINE_CREDENTIAL, SECRET_NAME } from "../core/secretNames";

export function isUnknownValueError(e: unknown): boolean {
  return e instanceof Error && e.constructor.name === "UnknownValueError";
}

/**
 * A resource's inputs as what they are to a policy: values of any shape, to be checked before
 * use. The SDK types them `any`, which would let a policy read a field without looking at it.
 */
export function inputsOf(resource: { props: Record<string, unknown> }): Readonly<Record<string, unknown>> {
  return resource.props;
}

export { shown } from "../core/shown";

/** Reads a value, or undefined when it is unknown during a preview. Other errors propagate. */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (isUnknownValueError(e)) return undefined;
    throw e;
  }
}

/** Elements of a possibly-unknown list, skipping unknown elements (see module comment). */
export function knownItems<T>(list: readonly T[] | undefined | null): T[] {
  const n = known(() => (Array.isArray(list) ? list.length : 0)) ?? 0;
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const item = known(() => list![i]);
    if (item !== undefined) out.push(item);
  }
  return out;
}

/** Docker labels (`[{label, value}]`) as a map; unknown entries are skipped. */
export function labelMap(labels: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of knownItems(labels as readonly { label?: unknown; value?: unknown }[] | undefined)) {
    const label = known(() => l.label);
    const value = known(() => l.value);
    if (typeof label === "string") out.set(label, typeof value === "string" ? value : "");
  }
  return out;
}

/** The label that declares why a container needs root (its value must give a reason). */
export const ALLOW_ROOT_LABEL = "parity.allow-root";
/** Comma-separated Docker networks a container's declared flows need. */
export const NETWORKS_LABEL = "parity.networks";
/** `true` on a Docker volume that holds data no plan may destroy. */
export const STATEFUL_LABEL = "parity.stateful";
