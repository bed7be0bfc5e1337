import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliBin, makeTempDir, testEnv } from '../support/cli.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function fleetDir(yaml: string, dirs: string[] = []): string {
  const { dir, cleanup } = makeTempDir('stackfleet-harden-');
  cleanups.push(cleanup);
  writeFileSync(join(dir, 'stacks.yaml'), yaml);
  for (const path of dirs) mkdirSync(join(dir, path), { recursive: true });
  return dir;
}

/** Runs the built CLI through `sh -c '... 2>&1 | cat'`: stdout and stderr are one pipe. */
function runThroughPipe(args: string, cwd: string, env: Record<string, string> = {}): string {
  const command = `"${process.execPath}" "${cliBin}" ${args} 2>&1 | cat`;
  const result = spawnSync('sh', ['-c', command], { cwd, env: testEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return result.stdout;
}

describe('everything written reaches the reader', () => {
  it('delivers 3,000 validation errors whole through a pipe', () => {
    const stacks = Array.from(
      { length: 3000 },
      (_, index) => `  s${index}:\n    runner: command\n    path: .\n    dependsOn: [missing${index}]\n    commands: { apply: "true" }`,
    );
    const dir = fleetDir(`version: 1\nstacks:\n${stacks.join('\n')}\n`);
    const output = runThroughPipe('validate', dir);
    const problems = output.split('\n').filter((line) => /^stacks\.yaml:\d+:\d+ /.test(line));
    expect(problems).toHaveLength(3000);
    expect(output).toMatch(/3000 problems found\n$/);
  }, 60_000);
});
