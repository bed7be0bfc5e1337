/** Scripted event streams for the component tests. */
import type { RunEvent, RunSummary } from '@stackfleet/core';
import { createScriptedRun, type ScriptedRun } from './scripted-run.js';

export const scripted = createScriptedRun;
export const runId = 'run-1';
export const at = '2026-01-01T11:59:50.000Z';

export function summarize(partial: Partial<RunSummary>): RunSummary {
  return { total: 0, succeeded: 0, failed: 0, skipped: 0, unchanged: 0, changed: 0, denied: 0, awaitingApproval: 0, interrupted: 0, durationMs: 0, ...partial };
}

export function emitAll(run: ScriptedRun, events: RunEvent[]): void {
  for (const event of events) run.emit(event);
}
