export * from './adapters.js';
export * from './engine/index.js';
export * from './log/index.js';
export * from './policy-exec/index.js';
export * from './gc/index.js';
// The run lifecycle: one call runs a plan (record, stacks, events); drift sweeps and resume build on it.
export * from './run/index.js';
export * from './drift/index.js';
export * from './resume/index.js';
// Distributed runs over the PostgreSQL work queue: queue and follow a run (--remote), run claimed stacks (worker).
export * from './remote/index.js';
