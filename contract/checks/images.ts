import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";
import { DIGEST, FLOATING_TAGS, parseImageRef } from "../../core/imageRef";

const GIT_SHA = /^[0-9a-f]{7,40}$/;

/**
 * Every image is pinned: a digest, or a version tag that does not float. Images from a private
 * registry declared in `parity:registries` are CI builds, tagged by git SHA (rollback = edit the tag).
 */
export function checkImages(cfg: StackConfig): Problem[] {
  const out: Problem[] = [];
  const privateRegistries = new Set(cfg.registries.map((r) => r.server));
  for (const [name, ref] of Object.entries(cfg.images)) {
    const path = `parity:images.${name}`;
    const { tag, digest, registry, repository } = parseImageRef(ref);
    if (!/^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?$/.test(repository)) {
      out.push({ path, problem: `'${ref}' is not an image reference`, allowed: "registry/repository:tag or repository@sha256:<digest>" });
      continue;
    }
    if (digest !== undefined && !DIGEST.test(digest)) {
      out.push({ path, problem: `'${ref}' has a malformed digest`, allowed: "@sha256: followed by 64 hex digits" });
      continue;
    }
    if (registry && privateRegistries.has(registry)) {
      if (digest === undefined && (tag === undefined || !GIT_SHA.test(tag)))
        out.push({ path, problem: `'${ref}' is a private CI image without a git-SHA tag`, allowed: "a tag of 7–40 lowercase hex digits (the commit CI built), or a digest" });
      continue;
    }
    if (digest === undefined && (tag === undefined || FLOATING_TAGS.has(tag)))
      out.push({ path, problem: tag === undefined ? `'${ref}' has no tag` : `'${ref}' uses the floating tag '${tag}'`, allowed: "a pinned version tag such as postgres:16.4-bookworm, or a digest" });
  }
  return out;
}
