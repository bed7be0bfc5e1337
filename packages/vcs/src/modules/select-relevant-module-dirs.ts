import { join, posix } from 'node:path';
import type { ModuleFileIndex } from './read-module-files.js';
import { readTextOrEmpty } from './read-text-or-empty.js';
import { LOCAL_SOURCE_TEXT } from './scan-module-sources.js';

function listAncestors(path: string): string[] {
  const dirs: string[] = [];
  let dir = posix.dirname(path);
  while (dir !== '.' && dir !== '/') {
    dirs.push(dir);
    dir = posix.dirname(dir);
  }
  dirs.push('.');
  return dirs;
}

/**
 * The module-declaring directories whose `source` chains can reach a changed
 * file, found with a cheap text match (a superset of the real local sources:
 * Terraform needs a literal string). Reading every module block of a 5,000
 * stack monorepo exactly takes seconds; only these need it.
 */
export async function selectRelevantModuleDirs(
  repoDir: string,
  index: ModuleFileIndex,
  changedPaths: Iterable<string>,
  // Repo-relative path -> text on the compared head (`readConfigText`); by default the working tree's.
  readText: (path: string) => string = (path) => readTextOrEmpty(join(repoDir, path)),
): Promise<ModuleFileIndex> {
  const changedAncestors = new Set<string>();
  for (const path of changedPaths) for (const dir of listAncestors(path)) changedAncestors.add(dir);
  const usersOf = new Map<string, string[]>();
  const hit: string[] = [];
  for (const [dir, names] of index) {
    for (const name of names) {
      const text = readText(dir === '.' ? name : `${dir}/${name}`);
      for (const match of text.matchAll(LOCAL_SOURCE_TEXT)) {
        const target = posix.normalize(posix.join(dir, match[1] ?? '.')).replace(/\/$/, '');
        usersOf.set(target, [...(usersOf.get(target) ?? []), dir]);
        if (changedAncestors.has(target)) hit.push(target);
      }
    }
  }
  const relevant = new Set<string>();
  const queue = [...new Set(hit)];
  while (queue.length > 0) {
    for (const user of usersOf.get(queue.pop()!) ?? []) {
      if (relevant.has(user)) continue;
      relevant.add(user);
      queue.push(user);
    }
  }
  return new Map([...index].filter(([dir]) => relevant.has(dir)));
}
