import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Hidden directories (.git, .stackfleet, .terraform, bench/.work) and dependencies hold no tests of ours.
const SKIPPED_DIRS = new Set(['node_modules', 'dist']);
const TEST_FILE = /\.policy\.test\.ya?ml$/;

/** `*.policy.test.yaml` files under each path (a file is taken as is), sorted. */
export function findPolicyTestFiles(paths: readonly string[], cwd: string): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    if (statSync(absolute).isFile()) {
      found.add(absolute);
      continue;
    }
    // Iterative: deep trees must not overflow the stack.
    const pending = [absolute];
    while (pending.length > 0) {
      const dir = pending.pop()!;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) pending.push(join(dir, entry.name));
        else if (entry.isFile() && TEST_FILE.test(entry.name)) found.add(join(dir, entry.name));
      }
    }
  }
  return [...found].sort();
}
