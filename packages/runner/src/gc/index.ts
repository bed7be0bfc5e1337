export { removeOldRuns, type RemoveOldRunsOptions, type RemovedRuns } from './remove-old-runs.js';
export { readGcMarker, writeGcMarker, type GcMarker } from './gc-marker.js';
