import type { ChangedFile } from '@stackfleet/core';

/**
 * Parses `git diff --name-status -z` output: `M\0path\0`, `R087\0old\0new\0`.
 * Copies count as additions of the new path; type changes and unmerged paths
 * as modifications.
 */
export function parseNameStatus(output: string): ChangedFile[] {
  const fields = output.split('\0');
  const files: ChangedFile[] = [];
  let index = 0;
  while (index < fields.length) {
    const status = fields[index++] ?? '';
    if (status === '') continue;
    const kind = status[0];
    if (kind === 'R' || kind === 'C') {
      const oldPath = fields[index++] ?? '';
      const path = fields[index++] ?? '';
      files.push(kind === 'R' ? { path, status: 'renamed', oldPath } : { path, status: 'added' });
      continue;
    }
    const path = fields[index++] ?? '';
    files.push({ path, status: kind === 'A' ? 'added' : kind === 'D' ? 'deleted' : 'modified' });
  }
  return files;
}
