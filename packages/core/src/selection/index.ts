export { selectStacks } from './select-stacks.js';
export type { Selection, StackSelector } from './types.js';
