export { createRunId } from './create-run-id.js';
export { executeRunPlan, type ExecuteRunOptions, type ExecutedRun } from './execute-run-plan.js';
export { toRunReporter, type RunListener, type RunReporter } from './run-reporter.js';
