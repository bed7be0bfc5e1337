// What every stack without env, hooks, outputs, labels... holds: one frozen
// object each instead of ~10 empty ones per stack (a third of a 10,000-stack
// manifest's memory, copied by every garbage collection while it is young).
// Their own module so the walks over a manifest (interpolation) can tell them
// apart by identity without importing normalization.
export const EMPTY_RECORD = Object.freeze({}) as Record<string, never>;
export const EMPTY_LIST = Object.freeze([]) as never[];
