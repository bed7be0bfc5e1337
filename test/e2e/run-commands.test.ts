import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet, startStackfleet } from '../support/cli.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

interface StackDef {
  deps?: string[];
  apply?: string;
  plan?: string;
  extra?: string;
}

/** Command stacks in a temp dir; each stack directory gets the given scripts. */
function commandFleet(stacks: Record<string, StackDef>, header = ''): string {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  const lines = ['version: 1', header, 'stacks:'];
  for (const [name, def] of Object.entries(stacks)) {
    mkdirSync(join(dir, name));
    lines.push(`  ${name}:`, '    runner: command', `    path: ${name}`);
    if (def.deps) lines.push(`    dependsOn: [${def.deps.join(', ')}]`);
    lines.push('    commands:');
    lines.push(`      apply: ${JSON.stringify(def.apply ?? 'echo applied')}`);
    if (def.plan) lines.push(`      plan: ${JSON.stringify(def.plan)}`);
    if (def.extra) lines.push(def.extra);
  }
  writeFileSync(join(dir, 'stacks.yaml'), `${lines.filter((line) => line !== '').join('\n')}\n`);
  return dir;
}

function events(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('apply and plan with command stacks', () => {
  it('emits NDJSON events on stdout, skips dependents of a failure with the reason, and exits 1', () => {
    const dir = commandFleet({
      base: { apply: 'echo "{\\"id\\": \\"b-1\\"}" > "$STACKFLEET_OUTPUTS"' },
      broken: { deps: ['base'], apply: 'echo boom >&2; exit 3' },
      after: { deps: ['broken'] },
      side: { deps: ['base'], extra: '    env: { BASE_ID: "${{ stacks.base.outputs.id }}" }' },
    });
    writeFileSync(join(dir, 'side/.keep'), '');
    const result = runStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    const all = events(result.stdout);
    expect(all[0]).toMatchObject({ type: 'run.started', command: 'apply', stacks: ['base', 'broken', 'after', 'side'] });
    const finished = Object.fromEntries(all.filter((event) => event.type === 'stack.finished').map((event) => [event.stack as string, event] as const));
    expect(finished.base).toMatchObject({ status: 'succeeded' });
    expect(finished.broken).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(finished.after).toMatchObject({ status: 'skipped', reason: 'dependency broken failed' });
    expect(finished.side).toMatchObject({ status: 'succeeded' });
    expect(all.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed', summary: { total: 4, succeeded: 2, failed: 1, skipped: 1 } });
    expect(all.some((event) => event.type === 'stack.log' && event.stack === 'broken' && event.line === 'boom')).toBe(true);
    // The human lines go to stderr then (SPEC §4): each stack's lines, its status, the summary.
    expect(result.stderr).toMatch(/^broken +\| boom$/m);
    expect(result.stderr).toMatch(/^after +\| ↷ skipped: dependency broken failed$/m);
    expect(result.stderr).toMatch(/^failed: 4 stacks, 2 succeeded, 1 failed, 1 skipped in /m);
  });

  it('stops starting stacks after the first failure with --fail-fast', () => {
    // With -j 1 the longest chain (a -> x) starts first; b is independent of a.
    const dir = commandFleet({ a: { apply: 'exit 1' }, x: { deps: ['a'] }, b: {} });
    const result = runStackfleet(['apply', '--auto-approve', '--json', '--fail-fast', '-j', '1'], { cwd: dir });
    expect(result.code).toBe(1);
    const finished = events(result.stdout).filter((event) => event.type === 'stack.finished');
    expect(Object.fromEntries(finished.map((event) => [event.stack, event.status]))).toEqual({ a: 'failed', x: 'skipped', b: 'skipped' });
    expect(finished.find((event) => event.stack === 'b')?.reason).toBe('run stopped after a failed (--fail-fast)');
    const keepGoing = runStackfleet(['apply', '--auto-approve', '--json', '-j', '1'], { cwd: dir });
    const statuses = Object.fromEntries(events(keepGoing.stdout).filter((event) => event.type === 'stack.finished').map((event) => [event.stack, event.status]));
    expect(statuses).toEqual({ a: 'failed', x: 'skipped', b: 'succeeded' });
  });

  it('prefixes every line with the stack name in CI output and prints a summary table', () => {
    const dir = commandFleet({ net: { apply: 'echo hello from net' }, app: { deps: ['net'], apply: 'echo hello from app' } });
    const result = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^net \s*\| hello from net$/m);
    expect(result.stdout).toMatch(/^app \s*\| hello from app$/m);
    expect(result.stdout).toMatch(/^STACK\s+STATUS\s+DURATION/m);
    expect(result.stdout).toMatch(/succeeded: 2 stacks, 2 succeeded/);
  });

  it('plan --detailed-exitcode: 2 with changes, 0 without, 1 on error', () => {
    const changes = commandFleet({ a: { plan: 'exit 2' } });
    expect(runStackfleet(['plan', '--detailed-exitcode'], { cwd: changes }).code).toBe(2);
    expect(runStackfleet(['plan'], { cwd: changes }).code).toBe(0);
    const none = commandFleet({ a: { plan: 'exit 0' } });
    expect(runStackfleet(['plan', '--detailed-exitcode'], { cwd: none }).code).toBe(0);
    const broken = commandFleet({ a: { plan: 'exit 7' } });
    expect(runStackfleet(['plan', '--detailed-exitcode'], { cwd: broken }).code).toBe(1);
  });

  it('skips apply when the plan reports no changes', () => {
    const dir = commandFleet({ a: { plan: 'exit 0', apply: 'touch applied' } });
    const result = runStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(events(result.stdout).find((event) => event.type === 'stack.finished')).toMatchObject({ status: 'unchanged' });
    expect(existsSync(join(dir, 'a/applied'))).toBe(false);
  });

  it('fails before anything runs when a secret is missing, naming the context and key, and leaves nothing to resume', () => {
    const dir = commandFleet(
      { a: { apply: 'touch applied' } },
      'contexts:\n  prod:\n    attachTo: { labels: ["*"] }\n    secrets: { DB_PASSWORD: { fromEnv: SF_TEST_MISSING_PASSWORD } }',
    );
    const result = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DB_PASSWORD');
    expect(result.stderr).toContain('context prod');
    expect(result.stderr).toContain('SF_TEST_MISSING_PASSWORD');
    expect(existsSync(join(dir, 'a/applied'))).toBe(false);
    expect(runStackfleet(['resume'], { cwd: dir }).stdout).toContain('nothing to resume');
  });

  it('refuses apply without --auto-approve when there is no terminal', () => {
    const dir = commandFleet({ a: {} });
    const result = runStackfleet(['apply'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--auto-approve');
    expect(existsSync(join(dir, '.stackfleet/state.db'))).toBe(false);
  });

  it('runs any command in each selected stack with run -- CMD', () => {
    const dir = commandFleet({ a: {}, b: { deps: ['a'] } });
    const result = runStackfleet(['run', '--json', '--', 'sh', '-c', 'pwd; echo "$STACKFLEET_STACK"'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const logs = events(result.stdout).filter((event) => event.type === 'stack.log').map((event) => `${String(event.stack)}:${String(event.line)}`);
    expect(logs).toContain(`b:${join(dir, 'b')}`);
    expect(logs.indexOf(`a:${join(dir, 'a')}`)).toBeLessThan(logs.indexOf(`b:${join(dir, 'b')}`));
    expect(runStackfleet(['run'], { cwd: dir }).code).toBe(1);
  });

  it('forwards the first Ctrl-C to running stacks, waits, records the run interrupted, and resume finishes it', async () => {
    const dir = commandFleet({
      first: { apply: 'echo first ran' },
      slow: { deps: ['first'], apply: "trap 'echo got INT > ../int.txt; exit 130' INT; echo started > ../started.txt; sleep 20 & wait $!" },
      later: { deps: ['slow'], apply: 'echo later ran' },
    });
    const running = startStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir });
    for (let i = 0; i < 200 && !existsSync(join(dir, 'started.txt')); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    running.child.kill('SIGINT');
    const result = await running.done;
    expect(result.code).toBe(1);
    expect(readFileSync(join(dir, 'int.txt'), 'utf8')).toBe('got INT\n');
    const all = events(result.stdout);
    expect(all.some((event) => event.type === 'run.interrupting')).toBe(true);
    expect(all.at(-1)).toMatchObject({ type: 'run.finished', status: 'interrupted' });

    // Make slow quick now, and resume the interrupted run.
    writeFileSync(join(dir, 'stacks.yaml'), readFileSync(join(dir, 'stacks.yaml'), 'utf8').replace(/apply: ".*sleep 20.*"/, 'apply: "echo quick"'));
    const resumed = runStackfleet(['resume', '--json'], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    const statuses = Object.fromEntries(events(resumed.stdout).filter((event) => event.type === 'stack.finished').map((event) => [event.stack, event.status]));
    expect(statuses).toEqual({ slow: 'succeeded', later: 'succeeded' });
    // `first` is kept, with no event of its own: run.started names it, so a view counts 3 of 3 done.
    expect(events(resumed.stdout)[0]).toMatchObject({ type: 'run.started', stacks: ['first', 'slow', 'later'], alreadyDone: [{ stack: 'first', status: 'succeeded' }] });
    expect(runStackfleet(['resume'], { cwd: dir }).stdout).toContain('nothing to resume');
  });
});
