import type { Problem, SourceLocation } from '../../errors.js';
import { isRemoteRepoUrl } from '../../text/is-remote-repo-url.js';
import type { ManifestRule } from './rule-context.js';
import { compareNames } from '../../graph/min-heap.js';

/**
 * A `ref` on a local-path repo: the repo is used as its working tree is, and
 * checking the ref out would touch the user's files, so the ref is refused
 * rather than silently ignored.
 */
export function describeLocalRef(name: string, url: string, ref: string, location?: SourceLocation): Problem {
  return {
    code: 'E_LOCAL_REF',
    message: `ref "${ref}" on local repo ${name} (${url}) is not supported: a local repo is used as its working tree is`,
    hint: `check out ${ref} in ${url} yourself and remove the ref, or use a git URL (file://...) to have stackfleet check out ${ref}`,
    keyPath: `repos.${name}.ref`,
    ...(location ? { location } : {}),
  };
}

/** Only git URLs are checked out at a `ref`. */
export const validateRepoRefs: ManifestRule = (context) =>
  Object.values(context.manifest.repos)
    .filter((repo) => repo.ref !== undefined && !isRemoteRepoUrl(repo.url))
    .sort((a, b) => compareNames(a.name, b.name))
    .map((repo) => describeLocalRef(repo.name, repo.url, repo.ref!, context.locate(`repos.${repo.name}.ref`)));
