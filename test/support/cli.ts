import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliBin = join(repoRoot, 'packages/cli/bin/stackfleet.js');

/** Environment for every CLI run in tests: headless, no colour, terraform quiet. */
export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  // Runners such as nx set FORCE_COLOR; beside our NO_COLOR, node would print a warning on every child's stderr.
  delete env['FORCE_COLOR'];
  return { ...env, CI: 'true', NO_COLOR: '1', TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', ...extra };
}

/** One line of `--json` output (run events, list rows): the fields tests read by name, the rest unknown. */
export interface JsonLine {
  type?: string;
  stack?: string;
  status?: string;
  stacks?: string[];
  name?: string;
  [field: string]: unknown;
}

/** Parses newline-delimited JSON output, one value per line. */
export function parseJsonLines(stdout: string): JsonLine[] {
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as JsonLine);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (as a user would, through its bin) and waits for it. */
export function runStackfleet(args: string[], options: { cwd: string; env?: Record<string, string>; input?: string }): CliResult {
  const result = spawnSync(process.execPath, [cliBin, ...args], {
    cwd: options.cwd,
    env: testEnv(options.env),
    encoding: 'utf8',
    input: options.input ?? '',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the CLI without waiting (for signals and concurrency tests). */
export function startStackfleet(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const child = spawn(process.execPath, [cliBin, ...args], { cwd: options.cwd, env: testEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done, output: () => ({ stdout, stderr }) };
}

export function makeTempDir(prefix = 'stackfleet-e2e-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies the repository's example fleet (stacks.yaml + examples/ + policies/) into a temp dir. */
export function copyExampleFleet(dir: string): void {
  cpSync(join(repoRoot, 'stacks.yaml'), join(dir, 'stacks.yaml'));
  cpSync(join(repoRoot, 'policies'), join(dir, 'policies'), { recursive: true });
  cpSync(join(repoRoot, 'examples'), join(dir, 'examples'), {
    recursive: true,
    filter: (source) => !/(\.terraform|terraform\.tfstate|\.dns-state|\.terraform\.lock\.hcl|stackfleet\.auto\.tfvars)/.test(source),
  });
}

/** Runs git in `cwd` with a fixed identity; throws with git's stderr when it fails; returns its trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/** Commits `seed` (a directory of files) and pushes it to a new bare repository `origin` on branch main. */
export function pushSeedToOrigin(seed: string, origin: string): void {
  git(seed, 'init', '-q', '--bare', '-b', 'main', origin);
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-qm', 'fleet');
  git(seed, 'remote', 'add', 'origin', origin);
  git(seed, 'push', '-q', 'origin', 'main');
}

export function gitInit(dir: string): void {
  const run = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
  run('-c', 'init.defaultBranch=main', 'init', '-q');
  run('add', '-A');
  run('commit', '-qm', 'init');
}
