export { removeOldRuns, type RemoveOldRunsOptions, type RemovedRuns } from './remove-old-runs.js';
