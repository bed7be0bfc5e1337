import { CronExpressionParser } from 'cron-parser';

/** Why a stack is (or is not) part of a `--due` sweep. */
export interface DueDecision {
  stack: string;
  due: boolean;
  /** `never checked`, `due since 2024-05-01T03:00:00.000Z`, `no drift.schedule`, `next at ...`. */
  reason: string;
}

/**
 * The stacks whose drift schedule has come due since their last check, so
 * one frequent CI cron job can serve stacks with different schedules.
 * A stack is due when the latest schedule time at or before `now` is later
 * than its last check; a stack never checked is due at once. Stacks without
 * a schedule are not selected (a schedule is the opt-in to `--due`).
 * Schedules are read in UTC, like GitHub Actions' `on.schedule`.
 *
 * Pure: `now` and the last checks are passed in.
 */
export function selectDueStacks(
  stacks: readonly string[],
  schedules: ReadonlyMap<string, string | undefined>,
  lastChecks: ReadonlyMap<string, string | Date | undefined>,
  now: Date,
): DueDecision[] {
  return stacks.map((stack) => decideDue(stack, schedules.get(stack), lastChecks.get(stack), now));
}

function decideDue(stack: string, schedule: string | undefined, lastCheck: string | Date | undefined, now: Date): DueDecision {
  if (schedule === undefined) return { stack, due: false, reason: 'no drift.schedule' };
  if (lastCheck === undefined) return { stack, due: true, reason: 'never checked' };
  const last = new Date(lastCheck);
  const dueAt = findLatestScheduleTime(schedule, now);
  if (dueAt !== undefined && dueAt.getTime() > last.getTime()) {
    return { stack, due: true, reason: `due since ${dueAt.toISOString()} (last checked ${last.toISOString()})` };
  }
  return { stack, due: false, reason: `next at ${findNextScheduleTime(schedule, now).toISOString()}` };
}

/** The latest time at or before `now` the schedule fires, if it ever did. */
export function findLatestScheduleTime(schedule: string, now: Date): Date | undefined {
  // prev() is strictly before currentDate; one millisecond later includes `now` itself.
  const expression = CronExpressionParser.parse(schedule.trim(), { currentDate: new Date(now.getTime() + 1), tz: 'UTC' });
  if (!expression.hasPrev()) return undefined;
  return expression.prev().toDate();
}

function findNextScheduleTime(schedule: string, now: Date): Date {
  return CronExpressionParser.parse(schedule.trim(), { currentDate: now, tz: 'UTC' }).next().toDate();
}
