export type { DriftStatus, DriftSweep, RemediationResult, RemediationStatus, StackDriftResult } from './types.js';
export { resolveDriftSettings, type EffectiveDriftSettings } from './drift-settings.js';
export { findLatestScheduleTime, selectDueStacks, type DueDecision } from './select-due-stacks.js';
export { excludeFromRunPlan } from './exclude-from-run-plan.js';
export { countDeletes, decideRemediation } from './decide-remediation.js';
export { countDriftResults, selectDriftExitCode } from './drift-exit-code.js';
export { describeStatus, renderMarkdownReport, type MarkdownReportOptions } from './render-markdown-report.js';
export { escapeXml, renderJunitReport } from './render-junit-report.js';
export { buildDriftTimeline, renderDriftHistoryTable, type DriftEvent, type DriftTimelineRow } from './build-drift-timeline.js';
