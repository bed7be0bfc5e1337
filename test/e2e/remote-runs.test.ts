/**
 * Distributed runs behave as local ones: `drift --remote` and `resume` of a
 * remote run, trigger semantics decided on workers, and `-j` and
 * `settings.limits` held across workers (intervals logged by the stacks
 * themselves). Real PostgreSQL, real worker processes, the built CLI.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonLines } from '../support/cli.js';
import { command, queuedRunId, useRemoteHarness, waitFor } from '../support/remote-fleet.js';

const { sandbox, start, run } = useRemoteHarness('remote-runs');

/** A command stack with a plan command too (exit 0 no changes, 2 changes). */
const planned = (plan: string, apply = 'true'): string => `    runner: command\n    commands: { plan: ${JSON.stringify(plan)}, apply: ${JSON.stringify(apply)} }\n`;

describe('remote runs behave as local ones', () => {
  it('drift --remote: workers plan, the follower reports and records the drift with drift\'s exit codes', async () => {
    const box = await sandbox(
      `  clean:\n    path: clean\n${planned('echo clean >> "$LEDGER"; exit 0')}  drifted:\n    path: drifted\n    dependsOn: [clean]\n${planned('echo drifted >> "$LEDGER"; echo "1 to change"; exit 2')}`,
      ['clean', 'drifted'],
    );
    start(['worker', '-j', '2'], { cwd: box.clone('worker'), env: box.env });
    const drift = await run(['drift', '--remote', '--json'], { cwd: box.ci, env: box.env });
    expect(drift.code, drift.stderr).toBe(2);
    expect(queuedRunId(drift.stderr)).toBeDefined();
    expect(box.readLedger().sort()).toEqual(['clean', 'drifted']);
    const events = parseJsonLines(drift.stdout);
    expect(events[0]).toMatchObject({ type: 'run.started', command: 'drift' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'stack.log', stack: 'drifted', line: '1 to change' }));
    expect(drift.stderr).toContain('drift: 2 stack(s): 1 drifted, 1 clean, 0 error(s), 0 skipped');
    // Recorded in the shared database, as a local sweep records it.
    const history = await run(['drift', '--history', 'drifted'], { cwd: box.clone('laptop'), env: box.env });
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toContain('drifted');

    const refused = await run(['drift', '--remote', '--remediate'], { cwd: box.ci, env: box.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--remediate is not supported with --remote');
  });

  it('resume of a remote run: a dead follower re-attaches; an interrupted run queues only its unfinished stacks again', async () => {
    const box = await sandbox(
      `  first:\n    path: first\n${command('echo first >> "$LEDGER"')}` +
        `  slow:\n    path: slow\n    dependsOn: [first]\n${command('echo slow >> "$LEDGER"; [ -e "$LEDGER.go" ] || { trap \'kill $!; exit 130\' INT; sleep 30 & wait; }; echo slow-done >> "$LEDGER"')}` +
        `  last:\n    path: last\n    dependsOn: [slow]\n${command('echo last >> "$LEDGER"; echo "last line"')}`,
      ['first', 'slow', 'last'],
    );
    start(['worker', '-j', '2', '--lease', '2s'], { cwd: box.clone('worker'), env: box.env });
    // 1. The follower dies (kill -9): the run goes on, `resume RUN` follows it again.
    const doomed = start(['apply', '--auto-approve', '--remote'], { cwd: box.ci, env: box.env });
    await waitFor('slow to start', () => box.readLedger().includes('slow'));
    const runId = queuedRunId(doomed.output().stderr)!;
    doomed.child.kill('SIGKILL');
    await doomed.done;
    const attached = start(['resume', runId, '--json'], { cwd: box.ci, env: box.env });
    await waitFor('the follower to attach', () => attached.output().stderr.includes('still running on workers; following it again'));
    // 2. Ctrl-C on it cancels the run: slow is interrupted, last skipped.
    attached.child.kill('SIGINT');
    const interrupted = await attached.done;
    expect(interrupted.code).toBe(1);
    expect(parseJsonLines(interrupted.stdout).at(-1)).toMatchObject({ type: 'run.finished', status: 'interrupted' });
    // 3. resume queues slow and last again under the same run id; first stays done.
    writeGo(box.ledger);
    const resumed = await run(['resume', runId, '--json'], { cwd: box.ci, env: box.env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`queued again run ${runId}`);
    const events = parseJsonLines(resumed.stdout);
    expect(events[0]).toMatchObject({ type: 'run.started', runId, alreadyDone: [{ stack: 'first', status: 'succeeded' }] });
    expect(events.filter((event) => event.type === 'stack.finished').map((event) => [event.stack, event.status])).toEqual([
      ['slow', 'succeeded'],
      ['last', 'succeeded'],
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded' });
    expect(box.readLedger()).toEqual(['first', 'slow', 'slow', 'slow-done', 'last']);
    // `logs --follow` reads both attempts and ends at the last one's end.
    const logs = await run(['logs', runId, '--follow'], { cwd: box.ci, env: box.env }, 20_000);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/last +\| last line/);
    const show = await run(['show', runId], { cwd: box.ci, env: box.env });
    expect(show.stdout).toMatch(/succeeded/);
  });

  it('resume --force refuses a run whose workers still hold stacks, says what is live and how to cancel it, and works once they stopped', async () => {
    const box = await sandbox(
      `  held:\n    path: held\n${command('echo held >> "$LEDGER"; [ -e "$LEDGER.go" ] || { trap \'kill $!; exit 130\' INT; sleep 30 & wait; }; echo held-done >> "$LEDGER"')}`,
      ['held'],
    );
    start(['worker', '--lease', '2s'], { cwd: box.clone('worker'), env: box.env });
    const follower = start(['apply', '--auto-approve', '--remote'], { cwd: box.ci, env: box.env });
    await waitFor('held to start', () => box.readLedger().includes('held'));
    const runId = queuedRunId(follower.output().stderr)!;
    const refused = await run(['resume', runId, '--force'], { cwd: box.ci, env: box.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`cannot resume --force run ${runId}: workers still run 1 stack of it: held \\(worker [^,]+, lease until `));
    expect(refused.stderr).toContain('Ctrl-C on its follower');
    // Nothing was taken from the worker: its stack still runs and holds its lock.
    const locks = await run(['locks'], { cwd: box.ci, env: box.env });
    expect(locks.stdout).toContain('held');
    expect(box.readLedger()).toEqual(['held']);
    // Cancelled first (Ctrl-C on the follower ends once the worker stopped the stack), --force resumes it.
    follower.child.kill('SIGINT');
    expect((await follower.done).code).toBe(1);
    writeGo(box.ledger);
    const resumed = await run(['resume', runId, '--force'], { cwd: box.ci, env: box.env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`queued again run ${runId}`);
    expect(box.readLedger()).toEqual(['held', 'held', 'held-done']);
  });

  it('trigger semantics on workers: a dependent whose upstream left its outputs unchanged is unchanged, as in a local run', async () => {
    const box = await sandbox(
      `  up:\n    path: up\n${command('echo up >> "$LEDGER"; echo "{\\"v\\": \\"same\\"}" > "$STACKFLEET_OUTPUTS"')}` +
        `  down:\n    path: down\n    dependsOn: [{ stack: up, outputs: { v: V } }]\n${command('echo "down $V" >> "$LEDGER"')}`,
      ['up', 'down'],
    );
    start(['worker'], { cwd: box.clone('worker'), env: box.env });
    const apply = (extra: string[] = []) => run(['apply', '--auto-approve', '--remote', '--json', '--stack', 'up', '--with-dependents', ...extra], { cwd: box.ci, env: box.env });
    const statuses = (stdout: string) => parseJsonLines(stdout).filter((event) => event.type === 'stack.finished').map((event) => [event.stack, event.status, event.reason]);
    // First apply: up's outputs are new, so down runs.
    const first = await apply();
    expect(first.code, first.stderr).toBe(0);
    expect(statuses(first.stdout)).toEqual([['up', 'succeeded', undefined], ['down', 'succeeded', undefined]]);
    // Second: the same outputs; down has nothing to react to.
    const second = await apply();
    expect(second.code, second.stderr).toBe(0);
    expect(statuses(second.stdout)).toEqual([['up', 'succeeded', undefined], ['down', 'unchanged', 'outputs of up unchanged']]);
    expect(box.readLedger()).toEqual(['up', 'down same', 'up']);
    // --all-dependents runs it anyway, as locally.
    const all = await apply(['--all-dependents']);
    expect(statuses(all.stdout)).toEqual([['up', 'succeeded', undefined], ['down', 'succeeded', undefined]]);
    expect(box.readLedger()).toEqual(['up', 'down same', 'up', 'up', 'down same']);
  });

  it('-j per worker and settings.limits across workers hold: intervals logged by the stacks never overlap past them', async () => {
    const names = Array.from({ length: 12 }, (_, index) => `s${String(index).padStart(2, '0')}`);
    const log = 'echo "start $STACKFLEET_STACK $WORKER $(date +%s%N)" >> "$LEDGER"; sleep 0.4; echo "end $STACKFLEET_STACK $WORKER $(date +%s%N)" >> "$LEDGER"';
    const stacks = names.map((name, index) => `  ${name}:\n    path: ${name}\n${index % 2 === 0 ? '    labels: [prod]\n' : ''}${command(log)}`).join('');
    const box = await sandbox(stacks, names, '  limits: { prod: 1 }\n');
    const workers = ['w1', 'w2', 'w3'].map((name) => start(['worker', '-j', '2'], { cwd: box.clone(name), env: { ...box.env, WORKER: name } }));
    const result = await run(['apply', '--auto-approve', '--remote'], { cwd: box.ci, env: box.env });
    expect(result.code, result.stderr).toBe(0);
    const intervals = parseIntervals(box.readLedger());
    expect(intervals).toHaveLength(12);
    const prod = new Set(names.filter((_, index) => index % 2 === 0));
    expect(maxOverlap(intervals.filter((interval) => prod.has(interval.stack)))).toBe(1);
    for (const worker of ['w1', 'w2', 'w3']) expect(maxOverlap(intervals.filter((interval) => interval.worker === worker))).toBeLessThanOrEqual(2);
    // The bounds were reached, not just respected by a run that happened to be serial.
    expect(maxOverlap(intervals)).toBeGreaterThanOrEqual(3);
    for (const worker of workers) worker.child.kill('SIGINT');
  });
});

function writeGo(ledger: string): void {
  // Lets `slow` finish on its next attempt (the file is outside the repository, shared by every clone).
  writeFileSync(`${ledger}.go`, '');
}

interface Interval {
  stack: string;
  worker: string;
  start: number;
  end: number;
}

function parseIntervals(lines: string[]): Interval[] {
  const starts = new Map<string, { worker: string; at: number }>();
  const intervals: Interval[] = [];
  for (const line of lines) {
    const [kind, stack = '', worker = '', at = '0'] = line.split(' ');
    if (kind === 'start') starts.set(stack, { worker, at: Number(BigInt(at) / 1000n) });
    if (kind === 'end') intervals.push({ stack, worker, start: starts.get(stack)?.at ?? 0, end: Number(BigInt(at) / 1000n) });
  }
  return intervals;
}

/** The most intervals open at one instant (an end and a start at the same microsecond do not overlap). */
function maxOverlap(intervals: Interval[]): number {
  const points = intervals.flatMap((interval) => [[interval.start, 1] as const, [interval.end, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of points) most = Math.max(most, (open += delta));
  return most;
}
