/**
 * Image references, read the same way by the contract (every image pinned), the model (which
 * registry an image comes from) and the policy pack (what the plan really pulls).
 */

export interface ImageRef {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly registry?: string;
}

/** Splits `registry/repo:tag@digest` into its parts (Docker's reference grammar, loosely). */
export function parseImageRef(ref: string): ImageRef {
  const [nameTag, digest] = ref.split("@") as [string, string | undefined];
  const lastSlash = nameTag.lastIndexOf("/");
  const colon = nameTag.indexOf(":", lastSlash + 1);
  const repository = colon === -1 ? nameTag : nameTag.slice(0, colon);
  const tag = colon === -1 ? undefined : nameTag.slice(colon + 1);
  const first = repository.split("/")[0]!;
  const registry = repository.includes("/") && /[.:]|^localhost$/.test(first) ? first : undefined;
  return { repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}), ...(registry !== undefined ? { registry } : {}) };
}

/** Tags that move: a deployment using one is not reproducible and cannot be rolled back by tag. */
export const FLOATING_TAGS: ReadonlySet<string> = new Set(["latest", "stable", "main", "master", "edge", "nightly", "dev"]);

/** A well-formed image digest (`sha256:` and 64 hex digits). */
export const DIGEST = /^sha256:[a-f0-9]{64}$/;
