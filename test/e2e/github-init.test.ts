import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gitInit, makeTempDir, runStackfleet } from '../support/cli.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

describe('stackfleet github init', () => {
  it('writes the four workflows at the repository root for a manifest in a subdirectory, and refuses to overwrite without --force', () => {
    const { dir, cleanup } = makeTempDir('stackfleet-gh-init-');
    cleanups.push(cleanup);
    mkdirSync(join(dir, 'infra', 'net'), { recursive: true });
    writeFileSync(join(dir, 'infra', 'stacks.yaml'), 'version: 1\nstacks:\n  net: { path: net }\n');
    gitInit(dir);
    const cwd = join(dir, 'infra');

    const first = runStackfleet(['github', 'init'], { cwd });
    expect(first.stderr).toContain('next: add the repository secrets');
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual([
      'wrote .github/workflows/stackfleet-plan.yml',
      'wrote .github/workflows/stackfleet-apply.yml',
      'wrote .github/workflows/stackfleet-drift.yml',
      'wrote .github/workflows/stackfleet-comment.yml',
    ]);
    const plan = parse(readFileSync(join(dir, '.github/workflows/stackfleet-plan.yml'), 'utf8')) as { jobs: { plan: { steps: { run?: string; uses?: string }[] } } };
    const steps = plan.jobs.plan.steps;
    expect(steps.at(-1)?.run).toBe('stackfleet plan --github --affected -f "infra/stacks.yaml"');
    expect(steps.some((step) => step.uses === 'hashicorp/setup-terraform@v3')).toBe(true);

    const again = runStackfleet(['github', 'init'], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      '.github/workflows/stackfleet-plan.yml, .github/workflows/stackfleet-apply.yml, .github/workflows/stackfleet-drift.yml, .github/workflows/stackfleet-comment.yml already exist',
    );
    const comment = parse(readFileSync(join(dir, '.github/workflows/stackfleet-comment.yml'), 'utf8')) as { jobs: { comment: { steps: { run?: string }[] } } };
    expect(comment.jobs.comment.steps.at(-1)?.run).toBe('stackfleet github comment -f "infra/stacks.yaml"');
    expect(again.stderr).toContain('--force');
    expect(runStackfleet(['github', 'init', '--force', '--branch', 'prod'], { cwd }).code).toBe(0);
    expect(readFileSync(join(dir, '.github/workflows/stackfleet-apply.yml'), 'utf8')).toContain('branches: ["prod"]');
    expect(existsSync(join(dir, 'infra', '.github'))).toBe(false);
  });
});
