import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessRunning } from '@stackfleet/test-utils';
import { makeTempDir, repoRoot, runStackfleet, startStackfleet } from '../support/cli.js';

/** The trial loop shared with `npm run soak` (plain JS, so imported by URL). */
interface CrashTrialResult {
  problems: string[];
  kills: string[];
  windowRepeats: string[];
  dir: string;
}
interface SoakModule {
  runCrashTrial(options?: { random?: () => number; keepDir?: boolean }): Promise<CrashTrialResult>;
}
const soak = (await import(pathToFileURL(join(repoRoot, 'scripts/soak.mjs')).href)) as SoakModule;

/**
 * A few trials keep the e2e suite honest about the loop itself; the long kill -9
 * loop is `npm run soak` (SOAK_TRIALS, default 200), which runs the same trial.
 */
const TRIALS = Number(process.env.CRASH_TRIALS ?? 3);

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function fleet(yaml: string, stacks: string[]): string {
  const { dir, cleanup } = makeTempDir('stackfleet-crash-e2e-');
  cleanups.push(cleanup);
  writeFileSync(join(dir, 'stacks.yaml'), yaml);
  for (const name of stacks) mkdirSync(join(dir, name), { recursive: true });
  return dir;
}

const env = { STACKFLEET_LOCK_TTL_MS: '3000' };

/** Resolves once `text` shows up in the child's stdout. */
async function waitForOutput(output: () => { stdout: string }, text: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!output().stdout.includes(text)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}" in:\n${output().stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Processes whose parent is `parent` and whose title is `name` (from /proc). */
function childrenNamed(parent: number, name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === parent && readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(name);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

function latestRun(dir: string): { id: string; status: string; stackRuns: { stack: string; state: string }[] } {
  const history = runStackfleet(['history', '--json', '--limit', '1'], { cwd: dir });
  expect(history.code).toBe(0);
  return JSON.parse(history.stdout.trim().split('\n')[0] ?? 'null') as ReturnType<typeof latestRun>;
}

describe('crash safety', () => {
  it(`kill -9 at random moments, then resume: every stack applied exactly once (${TRIALS} trials)`, async () => {
    const failures: string[] = [];
    const repeats: string[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      const result = await soak.runCrashTrial();
      if (result.problems.length > 0) failures.push(`trial ${trial} (${result.kills.join(', ')}) in ${result.dir}:\n  ${result.problems.join('\n  ')}`);
      if (result.windowRepeats.length > 0) repeats.push(`trial ${trial}: ${result.windowRepeats.join(', ')}`);
    }
    if (repeats.length > 0) console.warn(`re-applied after a kill in the completion window (tolerated): ${repeats.join('; ')}`);
    expect(failures).toEqual([]);
  }, 60_000 + TRIALS * 10_000);

  it('ends the stack processes of a SIGKILLed stackfleet, so resume never runs a stack twice at once', async () => {
    const dir = fleet(
      `version: 1
stacks:
  slow:
    runner: command
    path: slow
    commands: { apply: "echo begin >> ../marks; sleep 1.5; echo end >> ../marks" }
`,
      ['slow'],
    );
    const apply = startStackfleet(['apply', '--auto-approve'], { cwd: dir, env });
    while (lines(join(dir, 'marks')).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const spawners = childrenNamed(apply.child.pid!, 'stackfleet-spawner');
    expect(spawners).toHaveLength(1);
    apply.child.kill('SIGKILL');
    await apply.done;
    // Longer than the rest of the orphaned apply: without the watchdog it would write "end" now.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(lines(join(dir, 'marks'))).toEqual(['begin']);
    // The spawner (the watchdog) ended the stack's group, then itself.
    expect(spawners.filter(isProcessRunning)).toEqual([]);
    // Its process is gone: the run reads crashed (not running), and says how to continue it.
    const crashed = latestRun(dir);
    expect(crashed.status).toBe('crashed');
    expect(runStackfleet(['history'], { cwd: dir }).stdout).toMatch(new RegExp(`${crashed.id}\\s+\\S+ \\S+\\s+apply\\s+crashed\\s`));
    const show = runStackfleet(['show', crashed.id], { cwd: dir });
    expect(show.stdout).toContain(`run ${crashed.id}: apply crashed`);
    expect(show.stdout).toContain(`is gone: \`stackfleet resume ${crashed.id}\` continues it`);

    const resume = runStackfleet(['resume'], { cwd: dir, env });
    expect(resume.code, resume.stderr).toBe(0);
    expect(lines(join(dir, 'marks'))).toEqual(['begin', 'begin', 'end']);
    expect(latestRun(dir).status).toBe('succeeded');
    expect(runStackfleet(['locks'], { cwd: dir }).stdout.trim()).toBe('no locks held');
  }, 30_000);

  const chain = `version: 1
stacks:
  first: { runner: command, path: first, commands: { apply: "sleep 0.6; echo first >> ../applied" } }
  second: { runner: command, path: second, dependsOn: [first], commands: { apply: "echo second >> ../applied" } }
  third: { runner: command, path: third, dependsOn: [second], commands: { apply: "echo third >> ../applied" } }
`;

  it('a first Ctrl-C waits for the running stack, ends the run interrupted, and resume finishes it', async () => {
    const dir = fleet(chain, ['first', 'second', 'third']);
    const apply = startStackfleet(['apply', '--auto-approve'], { cwd: dir, env });
    await waitForOutput(apply.output, 'first  | started');
    apply.child.kill('SIGINT');
    const result = await apply.done;
    expect(result.code).toBe(1);
    // first got SIGINT forwarded and was waited for; sh dies of it, so it did not complete: interrupted, not failed.
    const interrupted = latestRun(dir);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.stackRuns.map((row) => `${row.stack}:${row.state}`)).toEqual(['first:interrupted', 'second:skipped', 'third:skipped']);
    expect(result.stdout).toContain(`\`stackfleet resume ${interrupted.id}\` continues it`);
    expect(runStackfleet(['locks'], { cwd: dir }).stdout.trim()).toBe('no locks held');

    const resume = runStackfleet(['resume'], { cwd: dir, env });
    expect(resume.code, resume.stderr).toBe(0);
    expect(lines(join(dir, 'applied'))).toEqual(['first', 'second', 'third']);
    const resumed = latestRun(dir);
    expect(resumed.id).toBe(interrupted.id);
    expect(resumed.status).toBe('succeeded');
  }, 30_000);

  it('a second Ctrl-C kills a stack that ignores the first, and the run is still resumable', async () => {
    const dir = fleet(
      `version: 1
stacks:
  stubborn: { runner: command, path: stubborn, commands: { apply: "trap '' INT; echo begin >> ../marks; sleep 2; echo end >> ../marks" } }
  after: { runner: command, path: after, dependsOn: [stubborn], commands: { apply: "echo after >> ../marks" } }
`,
      ['stubborn', 'after'],
    );
    const apply = startStackfleet(['apply', '--auto-approve'], { cwd: dir, env });
    while (lines(join(dir, 'marks')).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const startedAt = Date.now();
    apply.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(apply.child.exitCode).toBeNull(); // still waiting for the stack that ignores SIGINT
    apply.child.kill('SIGINT');
    const result = await apply.done;
    expect(Date.now() - startedAt).toBeLessThan(1500);
    expect(result.code).toBe(1);
    expect(lines(join(dir, 'marks'))).toEqual(['begin']);
    expect(latestRun(dir).status).toBe('interrupted');

    const resume = runStackfleet(['resume'], { cwd: dir, env });
    expect(resume.code, resume.stderr).toBe(0);
    expect(lines(join(dir, 'marks'))).toEqual(['begin', 'begin', 'end', 'after']);
    expect(latestRun(dir).status).toBe('succeeded');
  }, 30_000);
});
