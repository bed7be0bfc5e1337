/**
 * Whether a manifest repo `url` is cloned (`https://`, `ssh://`, `file://`,
 * `git@host:org/repo.git`, `github.com:org/repo.git`) or used in place as a local
 * directory (`../infra`, `/srv/infra`, `C:\infra`). Git's own rule: a URL with a
 * scheme, or scp-like `[user@]host:path` where the colon comes before any slash.
 * One-letter "hosts" are Windows drives. The one classifier for the loader,
 * checkouts and change detection, so they never disagree about a repo.
 */
export function isRemoteRepoUrl(url: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return true;
  const colon = url.indexOf(':');
  if (colon <= 1) return false;
  const slash = url.search(/[/\\]/);
  return slash === -1 || colon < slash;
}
