import { describe, expect, it } from 'vitest';
import { findLatestScheduleTime, selectDueStacks } from './select-due-stacks.js';

const NOW = new Date('2024-05-02T03:30:00.000Z');

describe('selectDueStacks', () => {
  it('selects stacks whose schedule fired since their last check, never-checked ones, and not unscheduled ones', () => {
    const schedules = new Map<string, string | undefined>([
      ['nightly-checked-yesterday', '0 3 * * *'],
      ['nightly-checked-after-3', '0 3 * * *'],
      ['hourly', '0 * * * *'],
      ['weekly-monday', '0 6 * * 1'],
      ['never-checked', '0 3 * * *'],
      ['unscheduled', undefined],
    ]);
    const lastChecks = new Map<string, string | undefined>([
      ['nightly-checked-yesterday', '2024-05-01T03:05:00.000Z'],
      ['nightly-checked-after-3', '2024-05-02T03:01:00.000Z'],
      ['hourly', '2024-05-02T02:59:00.000Z'],
      // 2024-05-02 is a Thursday; the last Monday 06:00 was 2024-04-29.
      ['weekly-monday', '2024-04-29T07:00:00.000Z'],
      ['unscheduled', undefined],
    ]);
    const decisions = selectDueStacks([...schedules.keys()], schedules, lastChecks, NOW);
    expect(decisions.map((decision) => `${decision.stack}: ${decision.due ? 'due' : 'not due'} (${decision.reason})`)).toMatchInlineSnapshot(`
      [
        "nightly-checked-yesterday: due (due since 2024-05-02T03:00:00.000Z (last checked 2024-05-01T03:05:00.000Z))",
        "nightly-checked-after-3: not due (next at 2024-05-03T03:00:00.000Z)",
        "hourly: due (due since 2024-05-02T03:00:00.000Z (last checked 2024-05-02T02:59:00.000Z))",
        "weekly-monday: not due (next at 2024-05-06T06:00:00.000Z)",
        "never-checked: due (never checked)",
        "unscheduled: not due (no drift.schedule)",
      ]
    `);
  });

  it('counts a schedule time equal to now as come due, and a check at that very time as done', () => {
    const at3 = new Date('2024-05-02T03:00:00.000Z');
    expect(findLatestScheduleTime('0 3 * * *', at3)?.toISOString()).toBe('2024-05-02T03:00:00.000Z');
    const schedules = new Map([['a', '0 3 * * *']]);
    expect(selectDueStacks(['a'], schedules, new Map([['a', '2024-05-01T03:00:00.000Z']]), at3)[0]?.due).toBe(true);
    expect(selectDueStacks(['a'], schedules, new Map([['a', '2024-05-02T03:00:00.000Z']]), at3)[0]?.due).toBe(false);
  });
});
