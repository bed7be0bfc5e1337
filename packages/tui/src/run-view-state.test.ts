import { describe, expect, it } from 'vitest';
import type { RunEvent } from '@stackfleet/core';
import { createRunViewState, reduceRunView, reduceRunViewEvents } from './run-view-state.js';
import { computeRunProgress } from './run-progress.js';

const at = '2026-01-01T00:00:00.000Z';
const runId = 'r1';
const started: RunEvent = { type: 'run.started', runId, command: 'apply', stacks: ['a', 'b', 'c', 'd'], concurrency: 2, at };

describe('reduceRunView', () => {
  it('starts with every stack pending until it is queued', () => {
    const state = reduceRunView(createRunViewState(), started);
    expect(state.order).toEqual(['a', 'b', 'c', 'd']);
    expect(state.stacks.get('a')?.phase).toBe('pending');
    expect(computeRunProgress(state)).toEqual({ done: 0, total: 4 });
  });

  it('counts the stacks a resumed run kept as done from run.started on (they get no other event)', () => {
    const stacks = ['a', 'b', 'c', 'd', 'e', 'f'];
    const resumed: RunEvent = {
      type: 'run.started',
      runId,
      command: 'apply',
      stacks,
      concurrency: 2,
      alreadyDone: stacks.slice(0, 5).map((stack) => ({ stack, status: 'succeeded' as const })),
      at,
    };
    const state = reduceRunViewEvents(createRunViewState(), [resumed, { type: 'stack.queued', runId, stack: 'f', at }]);
    expect(computeRunProgress(state)).toEqual({ done: 5, total: 6 });
    expect(state.queuedCount).toBe(1);
    expect(state.stacks.get('a')).toMatchObject({ phase: 'finished', status: 'succeeded', kept: true });
    expect(state.finished[0]).toMatchObject({ name: 'a', status: 'succeeded', kept: true });

    const done = reduceRunViewEvents(state, [
      { type: 'stack.started', runId, stack: 'f', at },
      { type: 'stack.finished', runId, stack: 'f', status: 'succeeded', durationMs: 900 },
    ]);
    expect(computeRunProgress(done)).toEqual({ done: 6, total: 6, etaMs: 0 });
  });

  it('tracks queued, running, step and finished stacks', () => {
    const state = reduceRunViewEvents(createRunViewState(), [
      started,
      { type: 'stack.queued', runId, stack: 'a', at },
      { type: 'stack.queued', runId, stack: 'b', at },
      { type: 'stack.started', runId, stack: 'a', at },
      { type: 'stack.step', runId, stack: 'a', step: 'plan', at },
    ]);
    expect(state.queuedCount).toBe(1);
    expect(state.running).toEqual(['a']);
    expect(state.stacks.get('a')).toMatchObject({ phase: 'running', step: 'plan', startedAt: at });
    expect(state.stacks.get('c')?.phase).toBe('pending');

    const after = reduceRunViewEvents(state, [
      { type: 'stack.finished', runId, stack: 'a', status: 'succeeded', durationMs: 1200 },
      { type: 'stack.started', runId, stack: 'b', at },
      { type: 'stack.finished', runId, stack: 'b', status: 'failed', durationMs: 300, exitCode: 1, reason: 'exit 1' },
      { type: 'stack.finished', runId, stack: 'c', status: 'skipped', durationMs: 0, reason: 'dependency b failed' },
    ]);
    expect(after.running).toEqual([]);
    expect(after.queuedCount).toBe(0);
    expect(after.finished).toEqual([
      { name: 'a', status: 'succeeded', durationMs: 1200 },
      { name: 'b', status: 'failed', durationMs: 300, exitCode: 1, reason: 'exit 1' },
      { name: 'c', status: 'skipped', durationMs: 0, reason: 'dependency b failed' },
    ]);
    expect(after.stacks.get('d')?.phase).toBe('pending');
  });

  it('never mutates the previous state', () => {
    const before = reduceRunViewEvents(createRunViewState(), [started, { type: 'stack.started', runId, stack: 'a', at }]);
    const snapshot = { running: [...before.running], finished: [...before.finished], a: { ...before.stacks.get('a') } };
    reduceRunViewEvents(before, [
      { type: 'stack.log', runId, stack: 'a', stream: 'stdout', line: 'x' },
      { type: 'stack.finished', runId, stack: 'a', status: 'succeeded', durationMs: 1 },
    ]);
    expect(before.running).toEqual(snapshot.running);
    expect(before.finished).toEqual(snapshot.finished);
    expect(before.stacks.get('a')).toEqual(snapshot.a);
  });

  it('keeps only the last N log lines per stack but counts them all', () => {
    let state = reduceRunView(createRunViewState({ logTailSize: 3 }), started);
    for (let index = 1; index <= 5; index += 1) {
      state = reduceRunView(state, { type: 'stack.log', runId, stack: 'a', stream: 'stdout', line: `line ${index}` });
    }
    expect(state.stacks.get('a')?.logTail).toEqual(['line 3', 'line 4', 'line 5']);
    expect(state.stacks.get('a')?.logCount).toBe(5);
  });

  it("shows a stack's policy decisions in its pane, and ignores run-wide ones there", () => {
    let state = reduceRunView(createRunViewState(), started);
    state = reduceRunView(state, { type: 'policy.evaluated', runId, stack: 'a', policy: 'blast', rule: 'size', effect: 'warn', message: 'big', at });
    state = reduceRunView(state, { type: 'policy.evaluated', runId, policy: 'acl', rule: 'who', effect: 'warn', message: 'late', at });
    expect(state.stacks.get('a')?.logTail).toEqual(['policy warn: big (blast/size)']);
    expect([...state.stacks.values()].flatMap((stack) => stack.logTail)).toHaveLength(1);
  });

  it("keeps each stack's policy decisions once, with its finished line, and counts the run's once each", () => {
    const decide = (stack: string | undefined, effect: 'warn' | 'deny' | 'require_approval', message: string, approvedBy?: string[]): RunEvent => ({
      type: 'policy.evaluated',
      runId,
      ...(stack === undefined ? {} : { stack }),
      policy: 'p',
      rule: effect,
      effect,
      message,
      ...(approvedBy === undefined ? {} : { approvedBy }),
      at,
    });
    const state = reduceRunViewEvents(createRunViewState(), [
      started,
      decide('a', 'warn', 'big'),
      // Planned again after its upstream applied: judged again, the same decision.
      decide('a', 'warn', 'big'),
      decide('a', 'warn', 'bigger'),
      { type: 'stack.finished', runId, stack: 'a', status: 'succeeded', durationMs: 5, at },
      decide('b', 'require_approval', 'someone looks'),
      decide('c', 'require_approval', 'someone looks', ['bob']),
      decide('d', 'deny', 'no'),
      decide(undefined, 'warn', 'a big run'),
      decide(undefined, 'warn', 'a big run'),
    ]);
    expect(state.finished[0]?.policies).toEqual([
      { policy: 'p', rule: 'warn', effect: 'warn', message: 'big' },
      { policy: 'p', rule: 'warn', effect: 'warn', message: 'bigger' },
    ]);
    expect(state.stacks.get('c')?.policies).toEqual([{ policy: 'p', rule: 'require_approval', effect: 'require_approval', message: 'someone looks', approvedBy: ['bob'] }]);
    expect(state.policyTally).toEqual({
      warnings: 3,
      denials: 1,
      approvalsRequired: 1,
      approved: 1,
      runWide: [{ policy: 'p', rule: 'warn', effect: 'warn', message: 'a big run' }],
    });
    // Every decision still reaches the stack's log, repeats too (the log is what happened).
    expect(state.stacks.get('a')?.logTail).toHaveLength(3);
  });

  it("escapes a policy's message and a stack's reason for the terminal: one line, no escape sequence", () => {
    const hostile = 'line1\nFAKE: all good\u001b[31mRED';
    const state = reduceRunViewEvents(createRunViewState(), [
      started,
      { type: 'policy.evaluated', runId, stack: 'a', policy: 'exec', rule: 'exec', effect: 'deny', message: hostile, at },
      { type: 'stack.finished', runId, stack: 'a', status: 'denied', durationMs: 5, reason: `denied by policy: ${hostile}`, at },
    ]);
    expect(state.stacks.get('a')?.logTail).toEqual(['policy deny: line1⏎FAKE: all good\\u001b[31mRED (exec/exec)']);
    expect(state.stacks.get('a')?.reason).toBe('denied by policy: line1⏎FAKE: all good\\u001b[31mRED');
    expect(state.finished[0]?.reason).toBe('denied by policy: line1⏎FAKE: all good\\u001b[31mRED');
  });

  it('records plan changes, interruption and the summary', () => {
    const changes = { create: 2, update: 1, delete: 0, replace: 0 };
    const summary = { total: 4, succeeded: 0, failed: 0, skipped: 0, unchanged: 0, changed: 1, denied: 0, awaitingApproval: 0, interrupted: 0, durationMs: 10 };
    const state = reduceRunViewEvents(createRunViewState(), [
      started,
      { type: 'stack.planned', runId, stack: 'a', hasChanges: true, changes },
      { type: 'run.interrupting', runId, waitingFor: ['a', 'b', 'c'], at },
      { type: 'run.finished', runId, status: 'interrupted', summary, at },
    ]);
    expect(state.stacks.get('a')).toMatchObject({ hasChanges: true, changes });
    expect(state.interrupting?.waitingFor).toEqual(['a', 'b', 'c']);
    expect(state.status).toBe('interrupted');
    expect(state.summary).toBe(summary);
  });

  it('ignores a duplicate finish and shares untouched records', () => {
    const once = reduceRunViewEvents(createRunViewState(), [
      started,
      { type: 'stack.finished', runId, stack: 'a', status: 'succeeded', durationMs: 1 },
    ]);
    const twice = reduceRunView(once, { type: 'stack.finished', runId, stack: 'a', status: 'failed', durationMs: 1 });
    expect(twice.finished).toHaveLength(1);
    expect(twice.stacks.get('b')).toBe(once.stacks.get('b'));
  });

  it('handles 2,000 stacks and 20,000 events', () => {
    const names = Array.from({ length: 2000 }, (_, index) => `s${index}`);
    let state = reduceRunView(createRunViewState(), { ...started, stacks: names, concurrency: 8 });
    for (const stack of names) {
      state = reduceRunViewEvents(state, [
        { type: 'stack.queued', runId, stack, at },
        { type: 'stack.started', runId, stack, at },
        ...Array.from({ length: 7 }, (_, index): RunEvent => ({ type: 'stack.log', runId, stack, stream: 'stdout', line: `l${index}` })),
        { type: 'stack.finished', runId, stack, status: 'succeeded', durationMs: 5 },
      ]);
    }
    expect(state.finished).toHaveLength(2000);
  });
});

describe('computeRunProgress', () => {
  it('estimates from the stacks that ran, not the skipped ones', () => {
    const state = reduceRunViewEvents(createRunViewState(), [
      started,
      { type: 'stack.finished', runId, stack: 'a', status: 'succeeded', durationMs: 4000 },
      { type: 'stack.finished', runId, stack: 'b', status: 'skipped', durationMs: 0 },
    ]);
    // 2 left at concurrency 2 = one wave of the 4s average.
    expect(computeRunProgress(state)).toEqual({ done: 2, total: 4, etaMs: 4000 });
  });

  it('estimates from earlier runs when their durations are known', () => {
    const state = reduceRunViewEvents(createRunViewState(), [
      started,
      { type: 'stack.finished', runId, stack: 'a', status: 'succeeded', durationMs: 4000 },
    ]);
    // 3 left (6s, 2s, and one without history = the 4s average) over concurrency 2.
    const expected = new Map([['a', 1000], ['b', 6000], ['c', 2000]]);
    expect(computeRunProgress(state, expected)).toEqual({ done: 1, total: 4, etaMs: Math.round((6000 + 2000 + 3000) / 2) });
  });
});
