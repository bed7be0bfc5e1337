export * from './errors.js';
export type * from './model.js';
export type * from './events.js';
export type * from './store.js';
export type * from './run-plan/types.js';
export * from './text/index.js';
export * from './affected/index.js';
export * from './interpolation/index.js';
export * from './graph/index.js';
