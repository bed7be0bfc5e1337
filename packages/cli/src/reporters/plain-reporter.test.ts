import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '@stackfleet/core';
import { createPlainReporter } from './plain-reporter.js';

const runId = 'r-1';
const at = '2024-05-02T03:00:00.000Z';
const events: RunEvent[] = [
  { type: 'run.started', runId, command: 'apply', stacks: ['network', 'db', 'app'], concurrency: 2, at },
  { type: 'stack.started', runId, stack: 'network', at },
  { type: 'stack.log', runId, stack: 'network', stream: 'stdout', line: 'creating vpc', at },
  { type: 'stack.planned', runId, stack: 'network', hasChanges: true, changes: { create: 2, update: 1, delete: 0, replace: 1 }, at },
  { type: 'stack.finished', runId, stack: 'network', status: 'changed', durationMs: 62_000, changes: { create: 2, update: 1, delete: 0, replace: 1 }, at },
  { type: 'stack.finished', runId, stack: 'db', status: 'failed', durationMs: 1_800_000, reason: 'apply timed out after 30m', exitCode: 1, at },
  { type: 'stack.finished', runId, stack: 'app', status: 'skipped', durationMs: 0, reason: 'dependency db failed', at },
  {
    type: 'run.finished',
    runId,
    status: 'failed',
    summary: { total: 3, succeeded: 0, changed: 1, unchanged: 0, failed: 1, skipped: 1, denied: 0, awaitingApproval: 0, interrupted: 0, durationMs: 1_862_000 },
    at,
  },
];

function report(color: boolean, groupLogs = false, given: readonly RunEvent[] = events): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const reporter = createPlainReporter({ out, color, groupLogs });
  for (const event of given) reporter(event);
  return text;
}

const emptySummary = { total: 2, succeeded: 0, changed: 0, unchanged: 0, failed: 0, skipped: 0, denied: 0, awaitingApproval: 0, interrupted: 0, durationMs: 1_000 };

describe('createPlainReporter', () => {
  it('with groupLogs, holds each stack\'s lines and prints them in a ::group:: when it finishes', () => {
    const lines = report(false, true).split('\n');
    const start = lines.indexOf('::group::network');
    expect(lines.slice(start, start + 4)).toEqual(['::group::network', 'network | creating vpc', '::endgroup::', expect.stringContaining('network | ~ changed') as unknown as string]);
    expect(lines.filter((line) => line.includes('creating vpc'))).toHaveLength(1);
  });

  it('prints prefixed lines, status lines with the shared icons, and a summary table', () => {
    expect(report(false)).toMatchInlineSnapshot(`
      "apply 3 stacks (run r-1, -j 2)
      network | started
      network | creating vpc
      network | plan: +2 ~1 ±1
      network | ~ changed in 1m02s
      db      | ✗ failed in 30m: apply timed out after 30m
      app     | ↷ skipped: dependency db failed

      STACK    STATUS   DURATION  DETAIL
      network  changed  1m02s     +2 ~1 ±1
      db       failed   30m       apply timed out after 30m
      app      skipped  -         dependency db failed

      failed: 3 stacks, 1 changed, 1 failed, 1 skipped in 31m02s
      "
    `);
  });

  it('paints prefixes and statuses only when colours are on, without moving a column', () => {
    const colored = report(true);
    expect(colored).toContain('\u001b[33m~ changed in 1m02s\u001b[39m');
    expect(colored).toContain('\u001b[31m✗ failed in 30m: apply timed out after 30m\u001b[39m');
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(report(false));
    expect(report(false)).not.toMatch(/\u001b/);
  });

  it('ends an interrupted run with the command that continues it', () => {
    const text = report(false, false, [
      { type: 'run.started', runId, command: 'apply', stacks: ['network', 'app'], concurrency: 2, at },
      { type: 'stack.finished', runId, stack: 'network', status: 'interrupted', durationMs: 1_000, reason: 'apply was interrupted', at },
      { type: 'stack.finished', runId, stack: 'app', status: 'skipped', durationMs: 0, reason: 'run interrupted', at },
      { type: 'run.finished', runId, status: 'interrupted', summary: { ...emptySummary, interrupted: 1, skipped: 1 }, at },
    ]);
    expect(text.split('\n').slice(-3)).toEqual(['interrupted: 2 stacks, 1 skipped, 1 interrupted in 1s', '`stackfleet resume r-1` continues it', '']);
  });

  it('words a drift run\'s summary as its exit code does: drift found (2), no drift (0)', () => {
    const drift = (changed: number): string =>
      report(false, false, [
        { type: 'run.started', runId, command: 'drift', stacks: ['network', 'app'], concurrency: 2, at },
        { type: 'run.finished', runId, status: 'succeeded', summary: { ...emptySummary, changed, unchanged: 2 - changed }, at },
      ]).trimEnd().split('\n').at(-1) ?? '';
    expect(drift(1)).toBe('drift found: 2 stacks, 1 changed, 1 unchanged in 1s');
    expect(drift(0)).toBe('no drift: 2 stacks, 2 unchanged in 1s');
  });

  it('says "1 stack", not "1 stacks"', () => {
    const text = report(false, false, [
      { type: 'run.started', runId, command: 'apply', stacks: ['network'], concurrency: 2, at },
      { type: 'stack.finished', runId, stack: 'network', status: 'succeeded', durationMs: 1_000, at },
      { type: 'run.finished', runId, status: 'succeeded', summary: { ...emptySummary, total: 1, succeeded: 1 }, at },
    ]);
    expect(text.split('\n')[0]).toBe('apply 1 stack (run r-1, -j 2)');
    expect(text.trimEnd().split('\n').at(-1)).toBe('succeeded: 1 stack, 1 succeeded in 1s');
  });

  it('names the stacks a resumed run kept and lists them in the table, so the counts add up', () => {
    const text = report(false, false, [
      { type: 'run.started', runId, command: 'apply', stacks: ['network', 'app'], concurrency: 2, alreadyDone: [{ stack: 'network', status: 'succeeded' }], at },
      { type: 'stack.started', runId, stack: 'app', at },
      { type: 'stack.finished', runId, stack: 'app', status: 'succeeded', durationMs: 1_000, at },
      { type: 'run.finished', runId, status: 'succeeded', summary: { ...emptySummary, succeeded: 2 }, at },
    ]);
    expect(text.split('\n')[1]).toBe('  1 stack already done before the resume: network');
    expect(text).toMatch(/network +succeeded +- +done before the resume\n/);
    expect(text).toMatch(/app +succeeded +1s *\n/);
  });

  it('prints a policy message and a reason as one line each: no forged line, no escape sequence reaches the terminal', () => {
    const hostile = 'line1\nFAKE: all good\u001b[31mRED';
    const text = report(false, false, [
      { type: 'run.started', runId, command: 'apply', stacks: ['db', 'app'], concurrency: 2, at },
      { type: 'policy.evaluated', runId, stack: 'db', policy: 'exec', rule: 'exec', effect: 'deny', message: hostile, at },
      { type: 'stack.finished', runId, stack: 'db', status: 'denied', durationMs: 1_000, reason: `denied by policy: ${hostile}`, at },
      { type: 'policy.evaluated', runId, stack: 'app', policy: 'guard', rule: 'big', effect: 'require_approval', message: 'creates 3', approvedBy: ['bob', 'carol'], at },
      { type: 'stack.finished', runId, stack: 'app', status: 'succeeded', durationMs: 1_000, at },
      { type: 'run.finished', runId, status: 'denied', summary: { ...emptySummary, succeeded: 1, denied: 1 }, at },
    ]);
    expect(text).not.toContain('\u001b');
    expect(text.split('\n').filter((line) => line.startsWith('FAKE'))).toEqual([]);
    expect(text).toContain('db   | deny: line1⏎FAKE: all good\\u001b[31mRED (exec/exec)\n');
    expect(text).toContain('db   | ⊘ denied in 1s: denied by policy: line1⏎FAKE: all good\\u001b[31mRED\n');
    expect(text).toMatch(/^db +denied +1s +denied by policy: line1⏎FAKE: all good\\u001b\[31mRED$/m);
    expect(text).toContain('  db: deny: line1⏎FAKE: all good\\u001b[31mRED (exec/exec)\n');
    expect(text).toContain('app  | require_approval: creates 3 (guard/big), approved by bob, carol\n');
    expect(text).toContain('  app: require_approval: creates 3 (guard/big), approved by bob, carol\n');
  });
});
