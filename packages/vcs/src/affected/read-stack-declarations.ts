import { normalizeDir, type DeclaredVariables, type Manifest } from '@stackfleet/core';
import type { ConfigLines } from '../modules/grep-config-lines.js';
import { readDeclaredVariables } from '../modules/read-declared-variables.js';

/** Where a repo's stacks are on disk: its git root, and the manifest's directory inside it for repo `''`. */
export type RepoRoot = (repo: string) => { gitRoot: string; prefix: string } | undefined;

/**
 * Reads, for each terraform/tofu stack asked about (`listVariablesToCheck`),
 * which of its changed variables its configuration declares. A repository
 * that cannot be read leaves its stacks unknown: every variable counts then.
 * `configLinesOf` gives a repository's shared grep when one is under way.
 */
export async function readStackDeclarations(
  manifest: Manifest,
  questions: ReadonlyMap<string, readonly string[]>,
  rootOf: RepoRoot,
  configLinesOf: (gitRoot: string) => Promise<ConfigLines> | undefined = () => undefined,
): Promise<DeclaredVariables> {
  const byRepo = new Map<string, Map<string, string[]>>();
  const dirOf = new Map<string, { gitRoot: string; dir: string }>();
  for (const [stack, names] of questions) {
    const spec = manifest.stacks[stack];
    const root = spec && rootOf(spec.repo ?? '');
    if (!spec || !root) continue;
    const dir = normalizeDir(root.prefix === '' ? spec.path : `${root.prefix}/${spec.path}`);
    dirOf.set(stack, { gitRoot: root.gitRoot, dir });
    const asked = byRepo.get(root.gitRoot) ?? new Map<string, string[]>();
    asked.set(dir, [...(asked.get(dir) ?? []), ...names]);
    byRepo.set(root.gitRoot, asked);
  }
  const answers = new Map<string, Map<string, Set<string>>>();
  await Promise.all([...byRepo].map(async ([gitRoot, asked]) => {
    try {
      answers.set(gitRoot, await readDeclaredVariables(gitRoot, asked, configLinesOf(gitRoot)));
    } catch {
      // Unknown: every variable counts for these stacks (over-including is the safe side).
    }
  }));
  return (stack) => {
    const where = dirOf.get(stack);
    return where && answers.get(where.gitRoot)?.get(where.dir);
  };
}
