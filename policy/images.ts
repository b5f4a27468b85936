import { ResourceValidationPolicy } from "@pulumi/policy";
import { DIGEST, FLOATING_TAGS, parseImageRef } from "../core/imageRef";
import { TYPES, inputsOf, known, knownItems } from "./common";

/** An image ID (`sha256:<64 hex>`) names exact bytes: what a Container gets from a RemoteImage. */
const IMAGE_ID = /^sha256:[a-f0-9]{64}$/;

/** Why `ref` is not pinned, or undefined when it is (a digest, or a non-floating tag). */
export function unpinnedReason(ref: string): string | undefined {
  if (IMAGE_ID.test(ref)) return undefined;
  const { tag, digest } = parseImageRef(ref);
  if (digest !== undefined) return DIGEST.test(digest) ? undefined : `'${ref}' has a malformed digest`;
  if (tag === undefined) return `'${ref}' has no tag (Docker pulls :latest)`;
  if (FLOATING_TAGS.has(tag)) return `'${ref}' uses the floating tag '${tag}'`;
  return undefined;
}

/** Image references each supported resource type carries, with where they sit. */
function imageRefs(type: string, props: Record<string, unknown>): { path: string; ref: unknown }[] {
  switch (type) {
    case TYPES.remoteImage:
      return [{ path: "name", ref: known(() => props["name"]) }];
    case TYPES.container:
      return [{ path: "image", ref: known(() => props["image"]) }];
    case TYPES.containerApp: {
      const template = (known(() => props["template"]) ?? {}) as Record<string, unknown>;
      const lists = [["containers", known(() => template["containers"])], ["initContainers", known(() => template["initContainers"])]] as const;
      return lists.flatMap(([key, list]) =>
        knownItems(list as readonly Record<string, unknown>[] | undefined).map((c, i) => ({ path: `template.${key}[${i}].image`, ref: known(() => c["image"]) })),
      );
    }
    default:
      return [];
  }
}

/**
 * Every image is pinned to a version tag or a digest. Git-SHA tags for private CI images are a
 * contract rule (contract/checks/images.ts): the policy cannot know which registry is private.
 * An unknown reference (a RemoteImage's ID during a first preview) is skipped: it comes from a
 * pulled image, which this same policy checked by name.
 */
export const imagesPinned: ResourceValidationPolicy = {
  name: "images-pinned",
  description: "Container images are pinned: a version tag (never latest or another floating tag) or a digest.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    for (const { path, ref } of imageRefs(args.type, inputsOf(args))) {
      if (typeof ref !== "string") continue;
      const reason = unpinnedReason(ref);
      if (reason) report(`${path}: ${reason}; pin a version tag such as postgres:16.4-bookworm, a git SHA, or @sha256:<digest>`);
    }
  },
};
