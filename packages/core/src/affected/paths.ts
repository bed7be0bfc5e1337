/** Posix path helpers for repo-relative paths (core cannot import node:path). */

/** `a/b/c.tf` -> [`a/b`, `a`, `.`]: every directory containing the file, deepest first. */
export function listParentDirs(path: string): string[] {
  const dirs: string[] = [];
  let end = path.lastIndexOf('/');
  while (end > 0) {
    dirs.push(path.slice(0, end));
    end = path.lastIndexOf('/', end - 1);
  }
  dirs.push('.');
  return dirs;
}

/** Normalizes a stack or module directory: no `./`, no trailing slash, `.` for the root. */
export function normalizeDir(dir: string): string {
  // Most are normal already (`stacks/net`): no need to split thousands of them.
  if (dir !== '' && !dir.includes('.') && !dir.includes('//') && !dir.startsWith('/') && !dir.endsWith('/')) return dir;
  const parts: string[] = [];
  for (const part of dir.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}
