import { describe, expect, it } from 'vitest';
import type { PolicyDecisionView } from '@stackfleet/core';
import { formatFinishedLine } from './format-finished-line.js';
import type { FinishedStackView } from './run-view-state.js';

const warn = (message: string): PolicyDecisionView => ({ policy: 'guard', rule: 'note', effect: 'warn', message });
const look: PolicyDecisionView = { policy: 'guard', rule: 'look', effect: 'require_approval', message: 'someone looks' };
const plain = (stack: FinishedStackView, columns = 100) => formatFinishedLine(stack, { nameWidth: 10, columns, color: false });

describe('formatFinishedLine', () => {
  it('marks warnings before the reason, and an approval a plan run found required', () => {
    expect(plain({ name: 'one', status: 'changed', durationMs: 1_200, changes: { create: 1, update: 0, delete: 0, replace: 0 }, policies: [warn('a'), warn('b'), look] })).toBe(
      '~ one        changed     1.2s    +1 · ⚠ 2 warnings · approval required: someone looks',
    );
    expect(plain({ name: 'one', status: 'succeeded', durationMs: 5, policies: [{ ...look, approvedBy: ['bob', 'alice'] }] })).toBe('✓ one        succeeded   5ms     approved by alice, bob');
  });

  it("leaves to the reason what ended the stack, says it first, and reads awaiting_approval as `awaiting` in the status column", () => {
    expect(plain({ name: 'db', status: 'awaiting_approval', durationMs: 5, reason: 'awaiting approval: someone looks', policies: [warn('big'), look] })).toBe(
      '? db         awaiting    5ms     awaiting approval: someone looks · ⚠ 1 warning',
    );
    expect(plain({ name: 'db', status: 'skipped', durationMs: 0, reason: 'dependency app failed', policies: [warn('big')] })).toBe(
      '↷ db         skipped             ⚠ 1 warning · dependency app failed',
    );
    const deny: PolicyDecisionView = { policy: 'guard', rule: 'no', effect: 'deny', message: 'no' };
    expect(plain({ name: 'db', status: 'denied', durationMs: 5, reason: 'denied by policy: no', policies: [deny] })).toBe('⊘ db         denied      5ms     denied by policy: no');
  });

  it('escapes messages to one line and stays within a narrow terminal, the marks painted in their effect colour', () => {
    const stack: FinishedStackView = { name: 'one', status: 'changed', durationMs: 5, policies: [{ ...look, message: 'look\nFAKE\u001b[31m' }] };
    expect(plain(stack)).toBe('~ one        changed     5ms     approval required: look⏎FAKE\\u001b[31m');
    const narrow = plain(stack, 50);
    expect(narrow).toBe('~ one        changed     5ms     approval requir…');
    expect(narrow.length).toBeLessThan(50);
    const painted = formatFinishedLine(stack, { nameWidth: 10, columns: 100, color: true });
    expect(painted).toContain('\u001B[2m \u001B[22m\u001B[33mapproval required: look⏎FAKE\\u001b[31m\u001B[39m');
  });
});
