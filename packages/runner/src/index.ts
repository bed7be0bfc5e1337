export * from './adapters.js';
export * from './engine/index.js';
export * from './log/index.js';
export * from './policy-exec/index.js';
export * from './gc/index.js';
