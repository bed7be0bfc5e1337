/**
 * True for git URLs (`https://`, `ssh://`, `file://`, `git@host:path`), false
 * for local paths, which stackfleet uses in place instead of cloning.
 */
export function isRemoteUrl(url: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return true;
  // scp-like `user@host:path`; a Windows drive (`C:\`) is not one.
  return /^[^/\\]+@[^/\\]+:/.test(url) || /^[^/\\]{2,}:[^\\]/.test(url) && !url.includes('::');
}
