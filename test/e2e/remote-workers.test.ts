/**
 * Distributed runs end to end: a real PostgreSQL server, clones of one fleet
 * repository (the machine that queues with `--remote`, and worker machines),
 * the built CLI as real processes. Each stack's command appends to a ledger
 * file, so "exactly once" is counted in lines.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet } from '../support/cli.js';
import { command, queuedRunId, useRemoteHarness, waitFor } from '../support/remote-fleet.js';

const { sandbox, start, run, cleanups } = useRemoteHarness('remote-e2e');

describe('stackfleet worker and --remote', () => {
  it('two workers drain a run exactly once, pass outputs through the database, and the follower prints their lines and exit codes', async () => {
    const names = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'];
    const needs: Record<string, string[]> = { s1: ['s0'], s2: ['s0'], s3: ['s1'], s4: ['s1'], s5: ['s2'], s6: ['s3', 's5'] };
    const stacks = names
      .map((name) => {
        const dependsOn = name === 's1' ? '    dependsOn: [{ stack: s0, outputs: { v: V } }]\n' : needs[name] ? `    dependsOn: [${needs[name].join(', ')}]\n` : '';
        const apply =
          name === 's0'
            ? 'echo "line from $STACKFLEET_STACK"; echo "$STACKFLEET_STACK" >> "$LEDGER"; echo "{\\"v\\": \\"v0\\"}" > "$STACKFLEET_OUTPUTS"; sleep 0.2'
            : name === 's1'
              ? 'echo "s1 sees $V"; echo "$STACKFLEET_STACK" >> "$LEDGER"; sleep 0.2'
              : 'echo "line from $STACKFLEET_STACK"; echo "$STACKFLEET_STACK" >> "$LEDGER"; sleep 0.2';
        return `  ${name}:\n    path: ${name}\n${dependsOn}${command(apply)}`;
      })
      .join('');
    const box = await sandbox(stacks, names);
    const clones = ['w1', 'w2'].map((name) => box.clone(name));
    const workers = clones.map((cwd) => start(['worker', '-j', '2'], { cwd, env: box.env }));
    // Before any run is queued, each worker checks out the commit it is at (where runs are usually queued from).
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: box.ci, encoding: 'utf8' }).trim();
    for (const cwd of clones) await waitFor('the worker to prepare its own commit', () => existsSync(join(cwd, '.stackfleet', 'worker', 'commits', head, 'stacks.yaml')));

    const follower = start(['apply', '--auto-approve', '--remote', '--json'], { cwd: box.ci, env: box.env });
    await waitFor('the run id', () => queuedRunId(follower.output().stderr) !== undefined);
    const runId = queuedRunId(follower.output().stderr)!;
    const tail = start(['logs', runId, '--follow'], { cwd: box.ci, env: box.env });
    const applied = await follower.done;
    expect(applied.code, applied.stderr).toBe(0);

    expect(box.readLedger().sort()).toEqual(names);
    const events = parseJsonLines(applied.stdout);
    expect(events[0]).toMatchObject({ type: 'run.started', runId, command: 'apply' });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded', summary: { total: 8, succeeded: 8 } });
    expect(events.filter((event) => event.type === 'stack.finished').map((event) => event.stack).sort()).toEqual(names);
    expect(events).toContainEqual(expect.objectContaining({ type: 'stack.log', stack: 's1', line: 's1 sees v0' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'stack.log', stack: 's6', line: 'line from s6' }));
    // Upstreams finish before their dependents start, whichever worker ran them.
    const position = (type: string, stack: string) => events.findIndex((event) => event.type === type && event.stack === stack);
    expect(position('stack.finished', 's3')).toBeLessThan(position('stack.started', 's6'));
    expect(position('stack.finished', 's5')).toBeLessThan(position('stack.started', 's6'));
    // Log paths in the shared records are relative to the worker's checkout.
    const finished = events.find((event) => event.type === 'stack.finished' && event.stack === 's0');
    expect(finished?.logFile).toBe(`.stackfleet/runs/${runId}/s0.log`);

    const laptop = box.clone('laptop');
    // Each worker let go of its stack locks with the completions.
    expect((await run(['locks'], { cwd: laptop, env: box.env })).stdout).toContain('no locks held');
    const history = await run(['history', '--json'], { cwd: laptop, env: box.env });
    expect(history.stdout).toContain('"manifestPath":"stacks.yaml"');
    expect(history.stdout).not.toContain(box.dir);
    const followed = await tail.done;
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('s6 | line from s6');
    expect((await run(['logs', runId, 's1'], { cwd: laptop, env: box.env })).stdout).toBe('s1 sees v0\n');

    // A failing stack: exit 1, its dependents skipped, saying why.
    const failed = await run(['run', '--remote', '--json', '--', 'sh', '-c', 'test "$STACKFLEET_STACK" != s3'], { cwd: box.ci, env: box.env });
    expect(failed.code, failed.stderr).toBe(1);
    const failedEvents = parseJsonLines(failed.stdout);
    expect(failedEvents).toContainEqual(expect.objectContaining({ type: 'stack.finished', stack: 's3', status: 'failed' }));
    expect(failedEvents).toContainEqual(expect.objectContaining({ type: 'stack.finished', stack: 's6', status: 'skipped', reason: 'dependency s3 failed' }));
    expect(failedEvents.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed' });

    for (const worker of workers) worker.child.kill('SIGINT');
    const results = await Promise.all(workers.map((worker) => worker.done));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    // Both machines took part.
    for (const result of results) expect(result.stderr).toMatch(/claimed/);
  });

  it('--once runs one stack; a worker takes only its pool; the follower says when a pool has no live worker', async () => {
    const box = await sandbox(
      `  a:\n    path: a\n${command('echo "a $STACKFLEET_STACK" >> "$LEDGER"')}  b:\n    path: b\n${command('echo b >> "$LEDGER"')}  g:\n    path: g\n    pool: gpu\n${command('echo g >> "$LEDGER"')}`,
      ['a', 'b', 'g'],
    );
    const follower = start(['apply', '--auto-approve', '--remote'], { cwd: box.ci, env: { ...box.env, STACKFLEET_REMOTE_NOTICE_MS: '300' } });
    await waitFor('the run to be queued', () => queuedRunId(follower.output().stderr) !== undefined);
    const once = await run(['worker', '--once'], { cwd: box.clone('once'), env: box.env });
    expect(once.code, once.stderr).toBe(0);
    expect(once.stderr.match(/claimed/g)).toHaveLength(1);
    expect(box.readLedger()).toHaveLength(1);

    const defaults = await run(['worker', '--idle-exit', '1s'], { cwd: box.clone('default'), env: box.env });
    expect(defaults.code).toBe(0);
    expect(defaults.stderr).toContain('idle for 1s, exiting');
    expect(defaults.stderr.match(/claimed/g)).toHaveLength(1);
    expect(defaults.stderr).not.toMatch(/ g: claimed/);
    await waitFor('the no-live-worker notice', () => follower.output().stderr.includes('wait for pool "gpu", which has no live worker'));
    const gpu = await run(['worker', '--pool', 'gpu', '--once'], { cwd: box.clone('gpu'), env: box.env });
    expect(gpu.stderr).toMatch(/ g: claimed/);
    const result = await follower.done;
    expect(result.code, result.stderr).toBe(0);
    expect(box.readLedger().sort()).toEqual(['a a', 'b', 'g']);
  });

  it('a worker killed with -9 mid-stack loses its lease; another takes the stack over, and the run completes once', async () => {
    const box = await sandbox(
      // The first attempt sleeps until it is killed; the takeover's finishes at once (nothing to wait for twice).
      `  slow:\n    path: slow\n${command('echo "start" >> "$LEDGER"; [ "$(grep -c start "$LEDGER")" -gt 1 ] || sleep 5; echo "done" >> "$LEDGER"')}  after:\n    path: after\n    dependsOn: [slow]\n${command('echo after >> "$LEDGER"')}`,
      ['slow', 'after'],
    );
    const doomed = start(['worker', '--lease', '2s'], { cwd: box.clone('doomed'), env: box.env });
    const follower = start(['apply', '--auto-approve', '--remote', '--json'], { cwd: box.ci, env: box.env });
    await waitFor('the stack to start', () => box.readLedger().includes('start'));
    doomed.child.kill('SIGKILL');
    await doomed.done;
    const rescuer = start(['worker', '--lease', '2s'], { cwd: box.clone('rescuer'), env: box.env });
    const result = await follower.done;
    expect(result.code, result.stderr).toBe(0);
    // The killed attempt never finished (its watchdog stopped the stack); the second ran it to the end once.
    expect(box.readLedger()).toEqual(['start', 'start', 'done', 'after']);
    const finished = parseJsonLines(result.stdout).filter((event) => event.type === 'stack.finished');
    expect(finished.map((event) => [event.stack, event.status])).toEqual([
      ['slow', 'succeeded'],
      ['after', 'succeeded'],
    ]);
    rescuer.child.kill('SIGINT');
    expect((await rescuer.done).stderr).toContain('slow: claimed (attempt 2)');
  });

  it('a stalled worker whose lease was taken over cannot commit its late result', async () => {
    const box = await sandbox(`  slow:\n    path: slow\n${command('true')}`, ['slow']);
    // `run` takes no stack lock: a stopped worker on this host would keep an apply's lock (its pid lives), across hosts it expires.
    // Only the stalled attempt sleeps: it must outlive the lease; the rescuer's need not.
    const script = 'echo "start" >> "$LEDGER"; echo "line of $$"; [ "$(grep -c start "$LEDGER")" -gt 1 ] || sleep 1.5; echo "done" >> "$LEDGER"';
    const stalled = start(['worker', '--lease', '1s'], { cwd: box.clone('stalled'), env: box.env });
    const follower = start(['run', '--remote', '--json', '--', 'sh', '-c', script], { cwd: box.ci, env: box.env });
    await waitFor('the stack to start', () => box.readLedger().includes('start'));
    stalled.child.kill('SIGSTOP');
    const rescuer = start(['worker', '--lease', '1s'], { cwd: box.clone('rescuer'), env: box.env });
    const result = await follower.done;
    expect(result.code, result.stderr + result.stdout).toBe(0);
    // It wakes up with its stack's command finished, so what it tries is a late commit.
    await waitFor('the stalled attempt to end', () => box.readLedger().filter((line) => line === 'done').length === 2);
    stalled.child.kill('SIGCONT');
    await waitFor('the stalled worker to wake up', () => stalled.output().stderr.includes('not committed (lease lost)'));
    stalled.child.kill('SIGINT');
    rescuer.child.kill('SIGINT');
    expect((await stalled.done).code).toBe(0);
    expect((await rescuer.done).stderr).toContain('slow: claimed (attempt 2)');
    // Both attempts ran their command (the documented window), but the run saw one finish, the rescuer's.
    expect(box.readLedger().filter((line) => line === 'done')).toHaveLength(2);
    const events = parseJsonLines(result.stdout);
    expect(events.filter((event) => event.type === 'stack.finished')).toEqual([expect.objectContaining({ stack: 'slow', status: 'succeeded' })]);
    // Nothing the stalled worker wrote after waking up reached the database.
    const logs = await run(['logs', queuedRunId(result.stderr)!, 'slow', '--json'], { cwd: box.ci, env: box.env });
    expect(parseJsonLines(logs.stdout).length).toBeLessThanOrEqual(2);
  });

  it('Ctrl-C on the follower cancels the run: the worker forwards SIGINT to the stack, dependents are skipped, exit 1', async () => {
    const box = await sandbox(
      `  long:\n    path: long\n${command('trap \'echo INT >> "$LEDGER"; kill $!; exit 130\' INT; echo start >> "$LEDGER"; sleep 20 & wait')}  next:\n    path: next\n    dependsOn: [long]\n${command('echo next >> "$LEDGER"')}`,
      ['long', 'next'],
    );
    const worker = start(['worker', '--lease', '1500ms'], { cwd: box.clone('worker'), env: box.env });
    const follower = start(['apply', '--auto-approve', '--remote', '--json'], { cwd: box.ci, env: box.env });
    await waitFor('the stack to start', () => box.readLedger().includes('start'));
    follower.child.kill('SIGINT');
    const result = await follower.done;
    expect(result.code).toBe(1);
    expect(box.readLedger()).toEqual(['start', 'INT']);
    const events = parseJsonLines(result.stdout);
    expect(events).toContainEqual(expect.objectContaining({ type: 'stack.finished', stack: 'next', status: 'skipped' }));
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'interrupted' });
    worker.child.kill('SIGINT');
    expect((await worker.done).code).toBe(0);
  });

  it('without a PostgreSQL store, worker and --remote are clear errors', () => {
    const { dir, cleanup } = makeTempDir('stackfleet-remote-sqlite-');
    cleanups.push(cleanup);
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'stacks.yaml'), `version: 1\nstacks:\n  a:\n    path: a\n${command('true')}`);
    for (const args of [['worker'], ['apply', '--auto-approve', '--remote']]) {
      const result = runStackfleet(args, { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('needs the PostgreSQL store');
      expect(result.stderr).toContain('STACKFLEET_STATE_URL');
    }
  });

  it('logs reads a local run from its log files on SQLite', () => {
    const { dir, cleanup } = makeTempDir('stackfleet-logs-sqlite-');
    cleanups.push(cleanup);
    for (const name of ['a', 'bb']) mkdirSync(join(dir, name));
    writeFileSync(join(dir, 'stacks.yaml'), `version: 1\nstacks:\n  a:\n    path: a\n${command('echo one; echo two')}  bb:\n    path: bb\n    dependsOn: [a]\n${command('printf "last"')}`);
    const applied = runStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir });
    expect(applied.code).toBe(0);
    const runId = String(parseJsonLines(applied.stdout)[0]?.runId);
    expect(runStackfleet(['logs', runId, 'a'], { cwd: dir }).stdout).toBe('one\ntwo\n');
    expect(runStackfleet(['logs', runId, '--follow'], { cwd: dir }).stdout).toBe('a  | one\na  | two\nbb | last\n');
    const unknown = runStackfleet(['logs', runId, 'zz'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('run ' + runId + ' has no stack "zz"');
  });
});
