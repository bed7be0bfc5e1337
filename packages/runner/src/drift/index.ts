export { approveEveryRemediation, buildRemediation, type ApproveRemediation } from './build-remediation.js';
export { prepareDriftSweep } from './prepare-drift-sweep.js';
export { runDriftSweep, type DriftSweepOptions, type DriftSweepResult } from './run-drift-sweep.js';
