import type { DriftRecord } from '../store.js';
import { formatChangeSummary } from '../text/format-changes.js';
import { formatTable } from '../text/format-table.js';

/**
 * What a check meant for its stack, read against the check before it:
 * `drifted` (drift first seen), `still drifted`, `remediated` (drift seen and
 * applied away by `--remediate`), `reconciled` (clean again after drift,
 * fixed by someone), `clean`, `error`.
 */
export type DriftEvent = 'drifted' | 'still drifted' | 'remediated' | 'reconciled' | 'clean' | 'error';

export interface DriftTimelineRow extends DriftRecord {
  event: DriftEvent;
}

/**
 * Turns stored checks (any order) into a timeline, newest first, saying
 * when each stack drifted and when it was reconciled. An error says nothing
 * about drift, so the check after it is read against the last real answer.
 */
export function buildDriftTimeline(records: readonly DriftRecord[]): DriftTimelineRow[] {
  const oldestFirst = records
    .map((record, index) => ({ record, index }))
    // Same timestamp: the store lists newest first, so a higher index is older.
    .sort((a, b) => a.record.checkedAt.localeCompare(b.record.checkedAt) || b.index - a.index);
  const lastAnswer = new Map<string, 'drifted' | 'clean'>();
  const rows = oldestFirst.map(({ record }): DriftTimelineRow => {
    const before = lastAnswer.get(record.stack);
    const event = classifyCheck(record, before);
    if (record.status !== 'error') lastAnswer.set(record.stack, record.status === 'drifted' && !record.remediated ? 'drifted' : 'clean');
    return { ...record, event };
  });
  return rows.reverse();
}

function classifyCheck(record: DriftRecord, before: 'drifted' | 'clean' | undefined): DriftEvent {
  if (record.status === 'error') return 'error';
  if (record.status === 'drifted') {
    if (record.remediated) return 'remediated';
    return before === 'drifted' ? 'still drifted' : 'drifted';
  }
  return before === 'drifted' ? 'reconciled' : 'clean';
}

/**
 * A plain table for the terminal, columns padded, newest first: the changes
 * the check found, and in the last column what it said beside them (an
 * error, why a remediation was refused or waits).
 */
export function renderDriftHistoryTable(rows: readonly DriftTimelineRow[]): string {
  const header = ['CHECKED AT', 'STACK', 'STATUS', 'EVENT', 'CHANGES', 'RUN', 'DETAIL'];
  const body = rows.map((row) => [row.checkedAt, row.stack, row.status, row.event, formatChangeSummary(row.changes), row.runId, row.message ?? '']);
  return formatTable({ header, rows: body });
}
