import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { StackfleetError } from '@stackfleet/core';
import { renderWorkflows } from '@stackfleet/github';
import { readDefaultBranch, readRepoRoot } from '@stackfleet/vcs';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';

export interface GithubInitOptions {
  force?: boolean;
  branch?: string;
}

/**
 * `stackfleet github init`: writes the plan, apply, drift and comment workflows into
 * the repository's `.github/workflows/`. An existing file is left alone unless
 * `--force`; what was written is listed.
 */
export async function runGithubInitCommand(context: CommandContext, options: GithubInitOptions): Promise<number> {
  const fleet = context.readFleet();
  const root = await readRepoRoot(fleet.manifestDir);
  const manifestPath = relative(root, fleet.manifestPath).split(sep).join('/');
  const branch = options.branch ?? (await readDefaultBranch(root))?.replace(/^origin\//, '') ?? 'main';
  const needsTerraform = Object.values(fleet.loaded.manifest.stacks).some((stack) => stack.runner !== 'command');
  const workflows = renderWorkflows({ manifestPath, defaultBranch: branch, needsTerraform });
  const dir = join(root, '.github', 'workflows');
  const existing = workflows.filter((workflow) => existsSync(join(dir, workflow.file)));
  if (existing.length > 0 && !options.force) {
    throw new StackfleetError('E_GITHUB_INIT_EXISTS', `${existing.map((w) => `.github/workflows/${w.file}`).join(', ')} already exist${existing.length === 1 ? 's' : ''}`, {
      hint: 'Pass --force to overwrite them, or delete them first.',
    });
  }
  mkdirSync(dir, { recursive: true });
  for (const workflow of workflows) {
    writeFileSync(join(dir, workflow.file), workflow.text);
    writeLine(context.io.stdout, `wrote .github/workflows/${workflow.file}`);
  }
  context.note(
    `next: add the repository secrets STACKFLEET_STATE_URL (a shared PostgreSQL store) and STACKFLEET_STATE_KEY, see docs/ci.md; apply runs on pushes to ${branch}`,
  );
  return 0;
}
