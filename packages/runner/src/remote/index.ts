export { executeClaimedStack, type ClaimedStackResult, type ExecuteClaimedStackOptions } from './execute-claimed-stack.js';
export { finishDrainedRun } from './finish-drained-run.js';
export { followRun, type FollowedRun, type FollowRunOptions } from './follow-run.js';
export { isRemoteRunLive, queueRemoteRun, type QueuedRemoteRun, type QueueRemoteRunOptions } from './queue-remote-run.js';
export { listLiveClaims, refuseLiveClaims } from './refuse-live-claims.js';
export { isQueueStore, parseRemotePayload, requireQueueStore, type QueueStore, type RemoteRunPayload } from './remote-payload.js';
// A worker reads the stored sensitive outputs once per run and hands them to executeClaimedStack.
export { readStoredSensitiveValues } from '../mask/build-run-masker.js';
