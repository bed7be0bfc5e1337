import { CronExpressionParser } from 'cron-parser';
import type { Problem } from '../../errors.js';
import { createProblem, forEachSpec, type ManifestRule } from './rule-context.js';
import { quoteText } from '../../text/quote-text.js';

// A fixed date: we only check the syntax, and core never reads the clock.
const EPOCH = new Date(0);

/** Why the schedule is not a cron expression, or undefined when it is one. */
export function findCronError(schedule: string): string | undefined {
  const trimmed = schedule.trim();
  // cron-parser accepts an empty string and too few fields; a user never means that.
  if (!trimmed.startsWith('@')) {
    const fields = trimmed === '' ? 0 : trimmed.split(/\s+/).length;
    if (fields < 5 || fields > 6) return `expected 5 or 6 fields, got ${fields}`;
  }
  try {
    CronExpressionParser.parse(trimmed, { currentDate: EPOCH });
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return reason.charAt(0).toLowerCase() + reason.slice(1);
  }
}

/** `drift.schedule` is a valid cron expression. */
export const validateDrift: ManifestRule = (context) => {
  const problems: Problem[] = [];
  forEachSpec(context.manifest, (section, spec) => {
    const schedule = spec.drift?.schedule;
    if (schedule === undefined) return;
    const reason = findCronError(schedule);
    if (reason === undefined) return;
    problems.push(
      createProblem(context, {
        code: 'E_CRON',
        path: [section, spec.name, 'drift', 'schedule'],
        message: `invalid cron schedule ${quoteText(schedule)}: ${reason}`,
        hint: 'use 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, e.g. "0 */6 * * *"',
      }),
    );
  });
  return problems;
};
